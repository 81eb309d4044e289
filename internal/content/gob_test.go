package content

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"testing"
)

// TestGobRoundTrip: a briefing decoded from the build cache, whose tree is
// parsed again on first use, renders, reads as text and finds mentions
// exactly as the briefing parsed from its file, with the same blocks,
// cards, inline values and key positions.
func TestGobRoundTrip(t *testing.T) {
	src := "+++\ntitle = \"Week\"\ndate = 2026-01-02\nsummary = \"S\"\ntags = [\"a\"]\n+++\n" +
		"## Heading\n\nHut 8 rose {{ prices.close | change 2026-01-01 }}.[^1] A `code` span and a [link](../x/).\n\n" +
		"```numbers\n[[card]]\nlabel = \"Close\"\nvalue = \"prices.close\"\nchange = \"prices.close | change 2026-01-01\"\n```\n\n" +
		"```chart\ndataset = \"prices\"\ntitle = \"Prices\"\nwhere = { ticker = [\"HUT\", \"CLSK\"] }\nmark_lines = [{ y = 3.5, label = \"Line\" }]\n```\n\n" +
		"| A | B |\n| --- | --- |\n| 1 | 2 |\n\n[^1]: A note.\n"
	parsed, err := Parse("content/briefings/w.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(parsed.Store([]byte(src))); err != nil {
		t.Fatal(err)
	}
	var stored Stored
	if err := gob.NewDecoder(&buf).Decode(&stored); err != nil {
		t.Fatal(err)
	}
	decoded, err := stored.Briefing([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if decoded.doc != nil {
		t.Error("the decoded briefing parsed its tree before it was needed")
	}
	r := Renderers{
		Block: func(w io.Writer, b *Block) error {
			_, err := fmt.Fprintf(w, "[block %d %s %v]", b.Index, b.Dataset, b.KeyPos("where"))
			return err
		},
		Numbers: func(w io.Writer, n *Numbers) error {
			_, err := fmt.Fprintf(w, "[cards %d %v]", len(n.Cards), n.Pos)
			return err
		},
		Inline: func(w io.Writer, in *Inline) error {
			_, err := fmt.Fprintf(w, "[figure %d %s %v]", in.Index, in.Expr, in.Pos)
			return err
		},
	}
	render := func(b *Briefing) string {
		var buf bytes.Buffer
		if err := b.Render(&buf, r); err != nil {
			t.Fatal(err)
		}
		buf.WriteString("\n---\n")
		if err := b.Text(&buf, r); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&buf, "\n---\n%v", b.Mentions(NewMatcher([]Term{{"Hut 8", 0}}), nil))
		return buf.String()
	}
	if got, want := render(decoded), render(parsed); got != want {
		t.Errorf("decoded renders\n%s\nwant\n%s", got, want)
	}
	describe := func(b *Briefing) string {
		s := fmt.Sprintf("%s %s %s %v %s %v %v %d |", b.File, b.Slug, b.Title, b.Date, b.Summary, b.Tags, b.Draft, b.Words)
		for _, blk := range b.Blocks {
			c := *blk
			for _, m := range c.Marks {
				s += fmt.Sprintf(" mark %v %s %v", *m.Y, m.Label, m.Pos)
			}
			c.Marks = nil
			s += fmt.Sprintf(" %+v %v %v", c, blk.KeyPos("title"), blk.Has("height"))
		}
		for _, in := range b.Inlines {
			s += fmt.Sprintf(" %+v", *in)
		}
		for _, n := range b.Numbers {
			for _, c := range n.Cards {
				s += fmt.Sprintf(" %s %s %+v", c.Label, c.Note, *c.Value)
			}
		}
		return s
	}
	if got, want := describe(decoded), describe(parsed); got != want {
		t.Errorf("decoded\n%s\nwant\n%s", got, want)
	}
}
