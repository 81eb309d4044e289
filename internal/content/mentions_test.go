package content

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/brief-desk/brief/internal/expr"
)

// TestMentions: whole words of any script, matched as written, longest
// first, never in code, links, headings or blocks; the first mention of
// each entity only, with its sentence.
func TestMentions(t *testing.T) {
	terms := []Term{{"Hut 8", 0}, {"HUT", 0}, {"Hut 8 Mining", 0}, {"Constellation", 1}, {"Constellation Energy", 2}, {"Zürich Cloud", 3}, {"株式会社テスト", 4}, {"HUT", 5}, {"", 6}, {"Energy", 7}}
	tests := []struct {
		name, body string
		want       []string // entity: sentence
	}{
		{"possessive", "First line. Hut 8's lease is large. More.", []string{"0: Hut 8’s lease is large."}},
		{"prefix of a longer word", "HUTCHISON rose. Then HUT fell.", []string{"0: Then HUT fell."}},
		{"case as written", "hut 8 is not a name here.", nil},
		{"longest term first", "Constellation Energy signed. Constellation too.", []string{"2: Constellation Energy signed.", "7: Constellation Energy signed.", "1: Constellation too."}},
		{"unicode", "Die Zürich Cloud wächst. 株式会社テスト が上場。", []string{"3: Die Zürich Cloud wächst.", "4: 株式会社テスト が上場。"}},
		{"not in a word", "Zürich Cloudy days.", nil},
		{"code span", "Run `Hut 8` here.", nil},
		{"link text", "See [Hut 8](https://example.com/).", nil},
		{"heading", "## Hut 8\n\nText.", nil},
		{"first only", "Hut 8 once. Hut 8 twice.", []string{"0: Hut 8 once."}},
		{"fenced code", "```\nHut 8\n```\n", nil},
		{"alias", "Shares of Hut 8 Mining rose.", []string{"0: Shares of Hut 8 Mining rose."}},
		{"emphasis is prose", "The *Hut 8* deal.", []string{"0: The Hut 8 deal."}},
		{"a shorter term where the longer is not a word", "Constellation Energyx signed.", []string{"1: Constellation Energyx signed."}},
		{"a term inside a longer one is found too", "Constellation Energy signed.", []string{"2: Constellation Energy signed.", "7: Constellation Energy signed."}},
		{"the longest term of an entity already found hides the shorter", "Constellation Energy signed. Constellation Energy again.", []string{"2: Constellation Energy signed.", "7: Constellation Energy signed."}},
		{"at the end of the text", "We like HUT", []string{"0: We like HUT"}},
		{"inline value in the sentence", "HUT rose {{ prices.close }} today.", []string{"0: HUT rose 12 today."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse("content/briefings/x.md", []byte("+++\ntitle = \"X\"\ndate = 2026-01-02\n+++\n"+tt.body+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range b.Mentions(NewMatcher(terms), func(*expr.Inline) string { return "12" }) {
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
	ms := b.Mentions(NewMatcher([]Term{{"Hut 8", 0}}), nil)
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

// TestMentionsWork: the mention search compares the prose with terms a
// number of times that grows with the prose, and with the number of terms
// by a binary search only: 32 times the terms cost less than twice the
// comparisons. Before, every place that started with a term's first byte
// was compared with every term that starts with it.
func TestMentionsWork(t *testing.T) {
	count := func(entities, paragraphs int) int {
		b := mentionBriefings(t, 1, paragraphs)[0]
		n := 0
		compared = func(k int) { n += k }
		defer func() { compared = nil }()
		b.Mentions(NewMatcher(mentionTerms(entities)), nil)
		return n
	}
	few, many, longer := count(250, 40), count(8000, 40), count(8000, 80)
	if many > 2*few {
		t.Errorf("%d comparisons with 40,000 terms, %d with 1,250: the work grows with the terms", many, few)
	}
	if longer > 2*many+many/10 {
		t.Errorf("%d comparisons in twice the prose, %d in the prose: the work grows faster than the prose", longer, many)
	}
	t.Logf("comparisons: %d with 1,250 terms, %d with 40,000, %d with 40,000 in twice the prose", few, many, longer)
}

// TestMatcherAgainstNaive: at every place of random text, the matcher finds
// the term a naive search finds: of the terms that start there as a whole
// word, the longest, and of two with one text, the first given.
func TestMatcherAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", " ", "é", "8", "-", "日"}
	word := func(n int) string {
		var s strings.Builder
		for range n {
			s.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return s.String()
	}
	for round := range 200 {
		var terms []Term
		for i := range 1 + r.IntN(12) {
			terms = append(terms, Term{word(r.IntN(4)), i})
		}
		naive := func(text []byte, at int) (Term, bool) {
			if at > 0 && wordRune(lastRune(text[:at])) {
				return Term{}, false
			}
			var best Term
			ok := false
			for _, tm := range terms {
				end := at + len(tm.Text)
				if tm.Text == "" || !bytes.HasPrefix(text[at:], []byte(tm.Text)) || (end < len(text) && wordRune(firstRune(text[end:]))) {
					continue
				}
				if !ok || len(tm.Text) > len(best.Text) {
					best, ok = tm, true
				}
			}
			return best, ok
		}
		m := NewMatcher(terms)
		text := []byte(word(40))
		for at := 0; at < len(text); {
			want, wantOK := naive(text, at)
			i, ok := m.termAt(text, at)
			if ok != wantOK || (ok && (m.texts[i] != want.Text || m.entity[i] != want.Entity)) {
				t.Fatalf("round %d, terms %+v, text %q at %d: got %v (term %d), want %v %+v", round, terms, text, at, ok, i, wantOK, want)
			}
			_, size := utf8.DecodeRune(text[at:])
			at += size
		}
	}
}

func lastRune(b []byte) rune {
	r, _ := utf8.DecodeLastRune(b)
	return r
}

// TestMentionSentencesBounded: in a paragraph that names thousands of
// entities with no end of sentence, each mention's sentence is cut around
// it, and the paragraph's text is made once, not once a mention: before,
// 8,000 names in one paragraph of 110 KB took 28 s and made 887 MB of
// sentences.
func TestMentionSentencesBounded(t *testing.T) {
	var s strings.Builder
	s.WriteString("+++\ntitle = \"W\"\ndate = 2026-01-02\n+++\n")
	for i := range 2000 {
		fmt.Fprintf(&s, "Corp %d and ", i)
	}
	b, err := Parse("content/briefings/w.md", []byte(s.String()+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	scanned = func(n int) { read += n }
	defer func() { scanned = nil }()
	ms := b.Mentions(NewMatcher(mentionTerms(2000)), nil)
	if len(ms) != 2000 {
		t.Fatalf("%d mentions", len(ms))
	}
	if read > 2*len(b.body)+len(ms)*2*sentenceReach {
		t.Errorf("read %d bytes to find %d sentences in %d bytes", read, len(ms), len(b.body))
	}
	for _, m := range ms {
		if len(m.Sentence) > 2*sentenceReach+2*len("…") {
			t.Fatalf("a sentence of %d bytes: %.100s...", len(m.Sentence), m.Sentence)
		}
	}
	if got := ms[1000].Sentence; !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || !strings.Contains(got, " Corp 1000 and ") {
		t.Errorf("sentence %q", got)
	}
	if got := ms[0].Sentence; strings.HasPrefix(got, "…") || !strings.HasPrefix(got, "Corp 0 and Corp 1 and") {
		t.Errorf("sentence %q", got)
	}
}
