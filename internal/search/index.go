package search

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// Field is where a word was found, which weighs its match: a company's
// name (or ticker, or alias) most, then a topic's name and a briefing's
// title, and so on down to the prose.
type Field int

const (
	Body    Field = 1 // a briefing's prose, a block's title, a card, an inline value
	Row     Field = 2 // a row of a table block
	Tag     Field = 3 // a briefing's topic
	Heading Field = 4
	Summary Field = 5
	Title   Field = 6 // a briefing's title
	Topic   Field = 7 // a topic page's name
	Name    Field = 8 // a company's name, ticker or alias
)

// Kind is the kind of page a Doc is.
type Kind string

const (
	Briefing Kind = "b"
	Company  Kind = "c"
	TopicDoc Kind = "t"
)

// Doc is one page of the site as the index holds it.
type Doc struct {
	Kind  Kind
	Title string
	URL   string // from the site's root: briefings/<slug>/index.html
	Date  string // 2006-01-02, or "" for a company or topic
	Units []Unit
	terms atomic.Pointer[[][]unitTerm] // termsOf, once found
}

// Unit is a part of a page a result links to: the text before the first
// heading, a section under a heading, or a table block's row.
type Unit struct {
	Anchor string // the element's id on the page; "" for the top
	Label  string // the heading or the block's title, shown with the result
	Text   string // indexed with Field and shown as the snippet
	Field  Field
	Also   []Text // indexed, not shown: a title, a summary, topics, a ticker
}

// Text is a text indexed with a weight.
type Text struct {
	Text  string
	Field Field
}

// posting is one term's matches in one unit: w packs the best field and
// how often (Weight).
type posting struct{ doc, unit, w int }

// unitTerm is a term of a unit with its weight there.
type unitTerm struct {
	term string
	w    int
}

// termsOf is each unit's terms, found once: a document the preview keeps
// between builds is not read again when its group is indexed again.
func (d *Doc) termsOf() [][]unitTerm {
	if t := d.terms.Load(); t != nil {
		return *t
	}
	type at struct {
		f Field
		n int
	}
	found := map[string]at{}
	add := func(text string, f Field) {
		for _, w := range Words(Fold(text)) {
			t := Term(w)
			a := found[t]
			a.f, a.n = max(a.f, f), a.n+1
			found[t] = a
		}
	}
	out := make([][]unitTerm, len(d.Units))
	for u, unit := range d.Units {
		clear(found)
		add(unit.Text, unit.Field)
		for _, x := range unit.Also {
			add(x.Text, x.Field)
		}
		ts := make([]unitTerm, 0, len(found))
		for t, a := range found {
			ts = append(ts, unitTerm{strings.Clone(t), Weight(a.f, a.n)}) // not the whole text it was cut from
		}
		out[u] = ts
	}
	d.terms.Store(&out)
	return out
}

// Weight packs a field and a count of matches (at most 4) in one number:
// field*4 + count-1. The client unpacks it as Search does.
func Weight(f Field, count int) int { return int(f)*4 + min(count, 4) - 1 }

// Index is the inverted index of one group of documents: for each term,
// the units it is in, and the terms of each bucket.
type Index struct {
	terms   map[string][]posting
	buckets map[string][]string // sorted
}

// New indexes docs; a posting names a document by its place in docs.
func New(docs []*Doc) *Index {
	ix := &Index{terms: map[string][]posting{}, buckets: map[string][]string{}}
	for d, doc := range docs {
		for u, ts := range doc.termsOf() {
			for _, t := range ts {
				ps, ok := ix.terms[t.term]
				if !ok {
					b := BucketOf(t.term)
					ix.buckets[b] = append(ix.buckets[b], t.term)
				}
				ix.terms[t.term] = append(ps, posting{d, u, t.w})
			}
		}
	}
	for _, ps := range ix.terms {
		slices.SortFunc(ps, func(a, b posting) int {
			if a.doc != b.doc {
				return a.doc - b.doc
			}
			return a.unit - b.unit
		})
	}
	for _, ts := range ix.buckets {
		slices.Sort(ts)
	}
	return ix
}

// All is the part of the index holding all its terms (see Bucket).
func (ix *Index) All() []byte {
	var all []string
	for _, ts := range ix.buckets {
		all = append(all, ts...)
	}
	slices.Sort(all)
	return ix.part(all)
}

// Bucket is the part of the index holding the terms of bucket b: a JSON
// object from each term to its postings, three numbers each (the document
// as a difference from the previous posting's, the unit, the weight),
// terms in order.
func (ix *Index) Bucket(b string) []byte { return ix.part(ix.buckets[b]) }

func (ix *Index) part(terms []string) []byte {
	out := []byte{'{'}
	for i, t := range terms {
		if i > 0 {
			out = append(out, ',')
		}
		// A term is letters, digits and ' . , only: nothing to escape.
		out = append(out, '"')
		out = append(out, t...)
		out = append(out, '"', ':', '[')
		prev := 0
		for j, p := range ix.terms[t] {
			if j > 0 {
				out = append(out, ',')
			}
			out = strconv.AppendInt(out, int64(p.doc-prev), 10)
			out = append(out, ',')
			out = strconv.AppendInt(out, int64(p.unit), 10)
			out = append(out, ',')
			out = strconv.AppendInt(out, int64(p.w), 10)
			prev = p.doc
		}
		out = append(out, ']')
	}
	return append(out, '}')
}

// Script wraps a part's JSON as the script that registers it under name
// when a <script> element loads it (browsers refuse fetch() on file://).
func Script(name string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("briefSearch(")
	q, _ := json.Marshal(name)
	b.Write(q)
	b.WriteByte(',')
	b.Write(data)
	b.WriteString(");\n")
	return b.Bytes()
}

// Fragment is the JSON of some pages' titles, addresses, dates and units,
// which the client loads only for the results it shows.
func Fragment(docs []*Doc) []byte {
	type doc struct {
		K Kind       `json:"k"`
		T string     `json:"t"`
		U string     `json:"u"`
		D string     `json:"d,omitempty"`
		S [][]string `json:"s"`
	}
	out := make([]doc, len(docs))
	for i, d := range docs {
		out[i] = doc{K: d.Kind, T: d.Title, U: d.URL, D: d.Date, S: make([][]string, len(d.Units))}
		for j, u := range d.Units {
			out[i].S[j] = []string{u.Anchor, u.Label, u.Text}
		}
	}
	data, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	return data
}

// Group is a part of the index that is written, and changes, as one: a
// year's briefings, or the companies and topics. Its parts and fragments
// are named by the caller.
type Group struct {
	Name string `json:"g"` // "2026", or "site"
	Docs int    `json:"n"`
	// Parts names the group's parts of terms: a small group's terms are
	// all in one part, named Parts; a large group's are split by Buckets,
	// each named Parts + "-" + the bucket (PartName).
	Parts     string   `json:"b"`
	Split     bool     `json:"k,omitempty"`
	Fragments []string `json:"f"` // part names, PerFragment documents each
	// PerFragment is how many documents each fragment holds, in order.
	PerFragment int `json:"p"`
}

// PartName is the name of the part of group g that holds bucket b's terms.
func (g *Group) PartName(b string) string {
	if !g.Split {
		return g.Parts
	}
	return g.Parts + "-" + b
}

// Entry is the entry file's JSON: the groups, the site's first (its
// documents outrank briefings), then years, newest first.
func Entry(groups []Group) []byte {
	data, err := json.Marshal(map[string]any{"v": 1, "groups": groups})
	if err != nil {
		panic(err)
	}
	return data
}

// NameOf shortens a hex key to a part's file name.
func NameOf(hex string) string { return strings.ToLower(hex[:16]) }
