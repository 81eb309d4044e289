package content

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestMentions: whole words of any script, matched as written, longest
// first, never in code, links, headings or blocks; the first mention of
// each entity only, with its sentence.
func TestMentions(t *testing.T) {
	terms := []Term{{"Hut 8", 0}, {"HUT", 0}, {"Hut 8 Mining", 0}, {"Constellation", 1}, {"Constellation Energy", 2}, {"Zürich Cloud", 3}, {"株式会社テスト", 4}}
	tests := []struct {
		name, body string
		want       []string // entity: sentence
	}{
		{"possessive", "First line. Hut 8's lease is large. More.", []string{"0: Hut 8’s lease is large."}},
		{"prefix of a longer word", "HUTCHISON rose. Then HUT fell.", []string{"0: Then HUT fell."}},
		{"case as written", "hut 8 is not a name here.", nil},
		{"longest term first", "Constellation Energy signed. Constellation too.", []string{"2: Constellation Energy signed.", "1: Constellation too."}},
		{"unicode", "Die Zürich Cloud wächst. 株式会社テスト が上場。", []string{"3: Die Zürich Cloud wächst.", "4: 株式会社テスト が上場。"}},
		{"not in a word", "Zürich Cloudy days.", nil},
		{"code span", "Run `Hut 8` here.", nil},
		{"link text", "See [Hut 8](https://example.com/).", nil},
		{"heading", "## Hut 8\n\nText.", nil},
		{"first only", "Hut 8 once. Hut 8 twice.", []string{"0: Hut 8 once."}},
		{"fenced code", "```\nHut 8\n```\n", nil},
		{"alias", "Shares of Hut 8 Mining rose.", []string{"0: Shares of Hut 8 Mining rose."}},
		{"emphasis is prose", "The *Hut 8* deal.", []string{"0: The Hut 8 deal."}},
		{"inline value in the sentence", "HUT rose {{ prices.close }} today.", []string{"0: HUT rose 12 today."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse("content/briefings/x.md", []byte("+++\ntitle = \"X\"\ndate = 2026-01-02\n+++\n"+tt.body+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range b.Mentions(terms, func(*Inline) string { return "12" }) {
				got = append(got, fmt.Sprintf("%d: %s", m.Entity, m.Sentence))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestMentionLinks: the first mention becomes a link inside its text, the
// rest of the text is written as goldmark writes it.
func TestMentionLinks(t *testing.T) {
	b, err := Parse("content/briefings/x.md", []byte("+++\ntitle = \"X\"\ndate = 2026-01-02\n+++\nA &amp; B: Hut 8 rose,\nthen Hut 8 fell.\n"))
	if err != nil {
		t.Fatal(err)
	}
	ms := b.Mentions([]Term{{"Hut 8", 0}}, nil)
	var buf bytes.Buffer
	err = b.Render(&buf, Renderers{Links: []Link{{Start: ms[0].Start, End: ms[0].End, Href: "../../entities/hut8/index.html", Title: "Hut 8 <HUT>"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "<p>A &amp; B: <a class=\"entity\" href=\"../../entities/hut8/index.html\" title=\"Hut 8 &lt;HUT&gt;\">Hut 8</a> rose,\nthen Hut 8 fell.</p>\n"
	if got := buf.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if !strings.Contains(ms[0].Sentence, "Hut 8 rose, then Hut 8 fell.") {
		t.Errorf("sentence %q", ms[0].Sentence)
	}
}
