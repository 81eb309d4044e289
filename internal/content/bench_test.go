package content

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// hugeBriefing is a briefing of n items of one kind: inline values in
// paragraphs, or numbers blocks of one card.
func hugeBriefing(n int, numbers bool) []byte {
	var b strings.Builder
	b.WriteString("+++\ntitle = \"Huge\"\ndate = 2026-01-02\n+++\n")
	for i := range n {
		if numbers {
			fmt.Fprintf(&b, "\n```numbers\n[[card]]\nlabel = \"Card %d\"\nvalue = \"prices.close\"\n```\n", i)
			continue
		}
		fmt.Fprintf(&b, "Item %d closed at {{ prices.close }} today.\n\n", i)
	}
	return []byte(b.String())
}

// BenchmarkParse: a briefing of 40,000 inline values, or 40,000 numbers
// blocks, each refused at its cap; and the largest briefing accepted.
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name string
		src  []byte
	}{
		{"inline values", hugeBriefing(40_000, false)},
		{"numbers blocks", hugeBriefing(40_000, true)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.src)))
			for b.Loop() {
				_, _ = Parse("content/briefings/huge.md", bc.src)
			}
		})
	}
}

// mentionTerms is n entities of 5 terms each, all starting with one
// letter, as the names of a sector list often do.
func mentionTerms(n int) []Term {
	var terms []Term
	for i := range n {
		terms = append(terms, Term{fmt.Sprintf("Corp %d", i), i}, Term{fmt.Sprintf("C%d", i), i},
			Term{fmt.Sprintf("Corp %d Holdings", i), i}, Term{fmt.Sprintf("Corp %d Mining", i), i}, Term{fmt.Sprintf("Corporation %d", i), i})
	}
	return terms
}

// mentionBriefings is m briefings of 1,000 words (paragraphs times 25) of
// prose that names some of 16,000 companies.
func mentionBriefings(tb testing.TB, m, paragraphs int) []*Briefing {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"Corp", "Capacity", "rose", "fell", "the", "lease", "signed", "Company", "with", "hashprice", "Cloud", "miners"}
	var out []*Briefing
	for j := range m {
		var s strings.Builder
		s.WriteString("+++\ntitle = \"W\"\ndate = 2026-01-02\n+++\n")
		for range paragraphs {
			for w := range 25 {
				if w%8 == 0 {
					fmt.Fprintf(&s, "Corp %d ", r.IntN(16_000))
				}
				s.WriteString(words[r.IntN(len(words))])
				s.WriteByte(' ')
			}
			s.WriteString("today.\n\n")
		}
		bf, err := Parse(fmt.Sprintf("content/briefings/w%d.md", j), []byte(s.String()))
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, bf)
	}
	return out
}

// BenchmarkMentions: 8,000 entities with 5 terms each, in 200 briefings of
// 1,000 words.
func BenchmarkMentions(b *testing.B) {
	terms, briefings := mentionTerms(8000), mentionBriefings(b, 200, 40)
	b.ResetTimer()
	for b.Loop() {
		m := NewMatcher(terms)
		for _, bf := range briefings {
			bf.Mentions(m, nil)
		}
	}
}

// BenchmarkMentionsOneParagraph: one paragraph of 110 KB that names 8,000
// entities, with no end of sentence.
func BenchmarkMentionsOneParagraph(b *testing.B) {
	var s strings.Builder
	s.WriteString("+++\ntitle = \"W\"\ndate = 2026-01-02\n+++\n")
	for i := range 8000 {
		fmt.Fprintf(&s, "Corp %d and ", i)
	}
	bf, err := Parse("content/briefings/w.md", []byte(s.String()+"\n"))
	if err != nil {
		b.Fatal(err)
	}
	m := NewMatcher(mentionTerms(8000))
	for b.Loop() {
		bf.Mentions(m, nil)
	}
}
