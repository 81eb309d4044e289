package search

import (
	"maps"
	"slices"
	"strings"
	"unicode"
)

// Hit is a page that matches a query, with the unit a result links to.
type Hit struct {
	Group, Doc, Unit int // the group's place in the entry, the document's in its group
	Tier             int // 3: a company's name; 2: a title or topic; 1: anything else
	Score            int
}

// queryWord is a word of a query: its term, and, for the last word while
// it is being typed, the prefixes a term may start with.
type queryWord struct {
	term     string
	prefixes []string
}

// parse splits a query into words; the last is a prefix unless the query
// ends in a space or punctuation (the reader has finished the word).
func parse(query string) []queryWord {
	words := Words(Fold(query))
	out := make([]queryWord, len(words))
	for i, w := range words {
		out[i] = queryWord{term: Term(w)}
	}
	if n := len(out); n > 0 {
		last := []rune(query)
		if r := last[len(last)-1]; unicode.IsLetter(r) || unicode.IsNumber(r) || r == '\'' || r == '’' {
			out[n-1].prefixes = []string{Possessive(words[n-1]), out[n-1].term}
		}
	}
	return out
}

// value is what a match adds to a page's score: its packed weight, doubled
// for the word itself rather than a longer word it begins.
func (q queryWord) value(term string, w int) int {
	if term == q.term {
		return 2 * w
	}
	for _, p := range q.prefixes {
		if p != "" && strings.HasPrefix(term, p) {
			return w
		}
	}
	return 0
}

// tierOf is the tier of a match's field.
func tierOf(w int) int {
	switch Field(w / 4) {
	case Name:
		return 3
	case Title, Topic:
		return 2
	}
	return 1
}

// Search is the reference for the client's ranking (templates/assets/
// search.js; the browser tests compare them): the pages that match every
// word of query, best first. Companies whose name matches come first (by
// score), then pages whose title matches every word, then the rest; within
// a tier, newer pages first (a group earlier in the list, a later document
// in its group), then the higher score. A page's unit is the one where the
// words score most together.
func Search(query string, groups []*Index) []Hit {
	words := parse(query)
	if len(words) == 0 {
		return nil
	}
	var hits []Hit
	for g, ix := range groups {
		// doc -> unit -> per word the best value there
		found := map[int]map[int][]int{}
		best := map[int][]int{} // doc -> per word the best packed weight (for the tier)
		for i, q := range words {
			for t, ps := range ix.terms {
				if q.value(t, 4) == 0 {
					continue
				}
				for _, p := range ps {
					units := found[p.doc]
					if units == nil {
						units = map[int][]int{}
						found[p.doc] = units
						best[p.doc] = make([]int, len(words))
					}
					vals := units[p.unit]
					if vals == nil {
						vals = make([]int, len(words))
						units[p.unit] = vals
					}
					vals[i] = max(vals[i], q.value(t, p.w))
					if q.value(t, p.w) > 0 {
						best[p.doc][i] = max(best[p.doc][i], p.w)
					}
				}
			}
		}
		for d, units := range found {
			h, ok := rank(d, units, best[d], len(words))
			if ok {
				h.Group = g
				hits = append(hits, h)
			}
		}
	}
	slices.SortFunc(hits, compareHits)
	return hits
}

// rank scores a document from its units' values, or reports that some
// word is in none of them.
func rank(d int, units map[int][]int, best []int, n int) (Hit, bool) {
	h := Hit{Doc: d, Unit: -1, Tier: 3}
	top := make([]int, n)
	bestSum := -1
	for _, u := range slices.Sorted(maps.Keys(units)) {
		sum := 0
		for i, v := range units[u] {
			top[i] = max(top[i], v)
			sum += v
		}
		if sum > bestSum {
			h.Unit, bestSum = u, sum
		}
	}
	for i := range n {
		if top[i] == 0 {
			return h, false
		}
		h.Score += top[i]
		h.Tier = min(h.Tier, tierOf(best[i]))
	}
	return h, true
}

func compareHits(a, b Hit) int {
	if a.Tier != b.Tier {
		return b.Tier - a.Tier
	}
	if a.Tier == 3 && a.Score != b.Score {
		return b.Score - a.Score
	}
	if a.Group != b.Group {
		return a.Group - b.Group
	}
	if a.Doc != b.Doc {
		return b.Doc - a.Doc
	}
	return b.Score - a.Score
}
