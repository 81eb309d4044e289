package content

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestGobRoundTrip: a briefing decoded from the build cache, whose tree is
// parsed again on first use, renders, reads as text and finds mentions
// exactly as the briefing parsed from its file, with the same blocks,
// cards, inline values and key positions.
func TestGobRoundTrip(t *testing.T) {
	src := "+++\ntitle = \"Week\"\ndate = 2026-01-02\nsummary = \"S\"\ntags = [\"a\"]\ndraft = true\n+++\n" +
		"## Heading\n\nHut 8 rose {{ prices.close | change 2026-01-01 }}.[^1] A `code` span and a [link](../x/).\n\n" +
		"```numbers\n[[card]]\nlabel = \"Close\"\nvalue = \"prices.close\"\nchange = \"prices.close | change 2026-01-01\"\nnote = \"since May\"\n```\n\n" +
		"```chart\ndataset = \"prices\"\ntitle = \"Prices\"\nwhere = { ticker = [\"HUT\", \"CLSK\"] }\nmark_lines = [{ y = 3.5, label = \"Line\" }]\n```\n\n" +
		"```chart\ndataset = \"prices\"\nsubtitle = \"Sub\"\ntype = \"line\"\nx = \"date\"\ny = [\"close\"]\nfrom = 2025-01-01\nto = 2026-01-01\n" +
		"sort = \"-close\"\nlimit = 5\ncolumns = [\"date\", \"close\"]\nmark_lines = [{ x = 2025-06-01, label = \"X\" }]\nheight = 300\n```\n\n" +
		"On the day, {{ moves.change_pct [ticker=HUT] @2026-01-01 }}; {{ moves | count }} moves; {{ prices.close | delta -1m | round 2 | abs }} {{ prices.close | change ytd | dir \"up\" \"down\" }}.\n\n" +
		"| A | B |\n| --- | --- |\n| 1 | 2 |\n\n[^1]: A note.\n"
	parsed, err := Parse("content/briefings/w.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	for range 2 {
		if err := enc.Encode(parsed.Store([]byte(src))); err != nil {
			t.Fatal(err)
		}
	}
	dec := gob.NewDecoder(&buf)
	var stored, stored2 Stored
	if err := dec.Decode(&stored); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&stored2); err != nil {
		t.Fatal(err)
	}
	decoded, err := stored.Briefing([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// The same, from a file not read until the body is needed.
	reads := 0
	lazy, err := stored2.Lazy(func() ([]byte, error) { reads++; return []byte(src), nil })
	if err != nil {
		t.Fatal(err)
	}
	// Every field of a briefing and of what it holds is set by the source
	// above and comes back, unexported ones included (but the tree, parsed
	// again on first use): a field added later that Stored does not carry
	// fails here, instead of dropping out of cached builds.
	pv := reflect.ValueOf(parsed).Elem()
	everyFieldSet(t, "Briefing", []string{"doc", "mu", "lazy"}, pv)
	var blocks, marks, wheres, inlines, cards []reflect.Value
	for _, b := range parsed.Blocks() {
		switch b := b.(type) {
		case *block.Selection:
			blocks = append(blocks, reflect.ValueOf(*b))
			for _, m := range b.Marks {
				marks = append(marks, reflect.ValueOf(m))
			}
			for _, w := range b.Where {
				wheres = append(wheres, reflect.ValueOf(w))
			}
		case *block.Numbers:
			everyFieldSet(t, "Numbers", nil, reflect.ValueOf(*b))
			for _, c := range b.Cards {
				cards = append(cards, reflect.ValueOf(*c))
			}
		}
	}
	for _, in := range parsed.Inlines() {
		inlines = append(inlines, reflect.ValueOf(*in))
	}
	everyFieldSet(t, "Selection", nil, blocks...)
	everyFieldSet(t, "MarkLine", nil, marks...)
	everyFieldSet(t, "Where", nil, wheres...)
	everyFieldSet(t, "Inline", nil, inlines...)
	everyFieldSet(t, "Card", nil, cards...)
	// What the build needs of every briefing's blocks comes back without
	// the blocks, which are parsed again only when asked for.
	if decoded.parsed || decoded.blocks != nil || decoded.inlines != nil {
		t.Error("the decoded briefing parsed its tree or blocks before they were needed")
	}
	if !slices.Equal(lazy.Named(), []string{"prices", "moves"}) || lazy.Chart() == nil || *lazy.Chart() != *parsed.Chart() {
		t.Errorf("decoded: named %v, first chart at %v; want [prices moves] and %v", lazy.Named(), lazy.Chart(), parsed.Chart())
	}
	if reads != 0 || lazy.body != nil {
		t.Error("the briefing from a file not read read it before its body was needed")
	}
	decoded.Blocks()
	all := cmp.Exporter(func(reflect.Type) bool { return true })
	if diff := cmp.Diff(parsed, decoded, all, cmpopts.IgnoreFields(Briefing{}, "doc", "mu", "lazy")); diff != "" {
		t.Errorf("decoded differs from parsed (-parsed +decoded):\n%s", diff)
	}
	r := Renderers{
		Block: func(w io.Writer, b block.Block) error {
			_, err := fmt.Fprintf(w, "[block %s %d %v %v]", b.Kind(), b.Index(), b.Datasets(), b.Pos())
			if s, ok := b.(*block.Selection); ok {
				fmt.Fprintf(w, "[where %v]", s.KeyPos("where"))
			}
			return err
		},
		Inline: func(w io.Writer, in *expr.Inline) error {
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
	want := render(parsed)
	if got := render(decoded); got != want {
		t.Errorf("decoded renders\n%s\nwant\n%s", got, want)
	}
	if got := render(lazy); got != want || reads != 1 {
		t.Errorf("read when needed (%d reads), renders\n%s\nwant\n%s", reads, got, want)
	}
}

// TestLazyBodyRefused: a briefing from the cache whose file was not read
// reports, when its body is needed, a file it cannot read or one cut
// shorter than it was, and renders nothing from it.
func TestLazyBodyRefused(t *testing.T) {
	src := []byte("+++\ntitle = \"Week\"\ndate = 2026-01-02\n+++\nText.\n")
	parsed, err := Parse("content/briefings/w.md", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		read func() ([]byte, error)
		want string
	}{
		{"gone", func() ([]byte, error) { return nil, fmt.Errorf("content/briefings/w.md: cannot read: gone") }, "cannot read: gone"},
		{"cut", func() ([]byte, error) { return src[:5], nil }, "content/briefings/w.md: the file changed while brief was building; build again"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := parsed.Store(src).Lazy(c.read)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Load(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Load: %v, want %q", err, c.want)
			}
			var out bytes.Buffer
			if err := b.Text(&out, Renderers{}); err != nil || out.Len() != 0 {
				t.Errorf("Text gave %q, %v; want nothing", out.String(), err)
			}
		})
	}
}

// everyFieldSet fails for each field (but those skipped) that holds its
// zero value in every one of vs, structs of one type: a fixture that leaves
// a field unset cannot show that it is kept.
func everyFieldSet(t *testing.T, name string, skip []string, vs ...reflect.Value) {
	t.Helper()
	if len(vs) == 0 {
		t.Errorf("the fixture has no %s", name)
		return
	}
	typ := vs[0].Type()
	for i := range typ.NumField() {
		f := typ.Field(i).Name
		if !slices.Contains(skip, f) && !slices.ContainsFunc(vs, func(v reflect.Value) bool { return !v.Field(i).IsZero() }) {
			t.Errorf("%s.%s is not set by the fixture: set it, so that the test shows the cache keeps it", name, f)
		}
	}
}
