package search

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
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

// Weight packs a field and a count of matches (at most 4) in one number:
// field*4 + count-1. The client unpacks it as Search does.
func Weight(f Field, count int) int { return int(f)*4 + min(count, 4) - 1 }

// Index is the inverted index of one group of documents: for each term,
// the units it is in.
type Index struct {
	terms map[string][]posting
}

// New indexes docs; a posting names a document by its place in docs.
func New(docs []*Doc) *Index {
	ix := &Index{terms: map[string][]posting{}}
	type at struct {
		f Field
		n int
	}
	for d, doc := range docs {
		for u, unit := range doc.Units {
			found := map[string]*at{}
			add := func(text string, f Field) {
				for _, t := range Terms(text) {
					a := found[t]
					if a == nil {
						a = &at{}
						found[t] = a
					}
					a.f, a.n = max(a.f, f), a.n+1
				}
			}
			add(unit.Text, unit.Field)
			for _, x := range unit.Also {
				add(x.Text, x.Field)
			}
			for t, a := range found {
				ix.terms[t] = append(ix.terms[t], posting{d, u, Weight(a.f, a.n)})
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
	return ix
}

// Bucket is the part of the index holding the terms of bucket b: a JSON
// object from each term to its postings, three numbers each (the document
// as a difference from the previous posting's, the unit, the weight).
func (ix *Index) Bucket(b string) []byte {
	out := map[string][]int{}
	for t, ps := range ix.terms {
		if BucketOf(t) != b {
			continue
		}
		nums := make([]int, 0, 3*len(ps))
		prev := 0
		for _, p := range ps {
			nums = append(nums, p.doc-prev, p.unit, p.w)
			prev = p.doc
		}
		out[t] = nums
	}
	data, err := json.Marshal(out) // keys sorted
	if err != nil {
		panic(err) // a map of strings to numbers always encodes
	}
	return data
}

// Script wraps a part's JSON as the script that registers it under name
// when a <script> element loads it (browsers refuse fetch() on file://).
func Script(name string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("__briefSearch(")
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
// year's briefings, or the companies and topics. Its buckets and fragments
// are named by the caller.
type Group struct {
	Name string `json:"g"` // "2026", or "site"
	Docs int    `json:"n"`
	// Buckets names the group's parts of terms: Buckets + "-" + a bucket
	// (BucketName), one for every bucket of Buckets.
	Buckets   string   `json:"b"`
	Fragments []string `json:"f"` // part names, PerFragment documents each
	// PerFragment is how many documents each fragment holds, in order.
	PerFragment int `json:"p"`
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

// BucketName is the part name of a group's bucket.
func BucketName(group, bucket string) string { return group + "-" + bucket }

// NameOf shortens a hex key to a part's file name.
func NameOf(hex string) string { return strings.ToLower(hex[:16]) }
