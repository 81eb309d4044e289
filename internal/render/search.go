package render

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/search"
	"github.com/brief-desk/brief/internal/view"
)

// searchVersion is in every search part's key and name: a change to what
// the index holds or how it is written changes every part's name.
const searchVersion = "search 1"

// searchEntry is the search index's entry file, which names the parts.
const searchEntry = "search/index.js"

// maxSearchRows is the most rows of one table block the index holds.
const maxSearchRows = 2000

// searchSplit is how many briefings make a year's group large enough to
// split: its terms into a part per first character (search.Buckets), its
// texts into fragments of searchPerFragment briefings. A smaller group is
// one part and one fragment, so that a small site is a few files; a large
// one's parts keep what a query loads small (each year's part of one first
// character).
const searchSplit = 12

// searchPerFragment is how many briefings of a large group share a
// fragment (their texts, which a query loads for the results it shows), in
// date order, so that a new briefing changes only its group's last. One a
// briefing made the index 1,700 of a cold build's 7,900 files at 1,000
// briefings, and on a disk where creating a file costs 0.3 ms of the
// kernel's time the index's files cost more than making it; four make 750
// fewer files, and a first query loads at most ten fragments of four.
const searchPerFragment = 4

// searchGroup is a part of the index written as one: a year's briefings,
// or the companies and topics (the site group). Its key covers exactly
// what its documents hold, so that a weekly publish makes again only the
// parts of the current year (and the site group's when a topic is new).
type searchGroup struct {
	entry     search.Group
	key       key.Hash
	docs      []func() (*search.Doc, error) // each document, made once
	held      []*searchDoc                  // what docs made, until madeOne lets go
	left      atomic.Int32                  // the group's parts and fragments not made yet
	docKeys   []key.Hash                    // what each document's fragment is made from
	once      sync.Once
	index     *search.Index
	err       error
	fragments [][]int // the documents of each fragment
}

// build indexes the group's documents, once. The documents are made on
// every core: the other parts of the group wait for them (a weekly
// publish makes its year's again, binding and reading each briefing,
// while the rest of the site is taken from the previous output).
func (g *searchGroup) build() (*search.Index, error) {
	g.once.Do(func() {
		docs := make([]*search.Doc, len(g.docs))
		errs := make([]error, len(g.docs))
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(docs)) {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < len(docs); i = int(next.Add(1) - 1) {
					docs[i], errs[i] = g.docs[i]()
				}
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				g.err = err
				return
			}
		}
		g.index = search.New(docs)
	})
	return g.index, g.err
}

// searchDoc is a document of a group, made once, and let go with the
// group's index once every part and fragment of the group is made.
type searchDoc struct {
	once sync.Once
	doc  *search.Doc
	err  error
}

// madeOne counts one of the group's parts or fragments made; after the
// last, the group lets go of its documents and index. A cold build made
// every year's index and held them all to the end: 25-30 MB more live
// heap at 1,000 briefings, which every collection marked again. An output
// the caches supply is never made, so a build that makes only some of a
// group's outputs keeps the group until the plan is dropped, as before.
func (g *searchGroup) madeOne() {
	if g.left.Add(-1) != 0 {
		return
	}
	g.index = nil
	for _, d := range g.held {
		d.doc = nil
	}
}

func partName(k key.Hash) string { return search.NameOf(hex.EncodeToString(k[:])) }

func partPath(name string) string { return "search/" + name + ".js" }

// search is the index's outputs: for each group a part per bucket of
// terms and its fragments (the pages' texts, for the snippets), and the
// entry file that names them all. The parts are named by their keys, so a
// host may cache them for ever and a publish rewrites only the changed.
func (r *renderer) search() []*Output {
	groups := r.searchGroups()
	var out []*Output
	entry := make([]search.Group, len(groups))
	ek := key.New().Str(searchEntry).Str(searchVersion)
	for gi, g := range groups {
		g.entry.Parts = partName(key.New().Str(searchVersion).Sum(g.key).Done())
		buckets := search.Buckets
		if !g.entry.Split {
			buckets = []string{""}
		}
		for _, b := range buckets {
			name := g.entry.PartName(b)
			out = append(out, &Output{
				Path: partPath(name), Stage: StageFiles, Key: key.New().Str(partPath(name)).Done(),
				Make: func(Sizes) ([]byte, error) {
					defer g.madeOne()
					ix, err := g.build()
					if err != nil {
						return nil, err
					}
					if b == "" {
						return search.Script(name, ix.All()), nil
					}
					return search.Script(name, ix.Bucket(b)), nil
				},
			})
		}
		for _, f := range g.fragments {
			fk := key.New().Str(searchVersion).Str("fragment")
			for _, d := range f {
				fk.Sum(g.docKey(d))
			}
			name := partName(fk.Done())
			g.entry.Fragments = append(g.entry.Fragments, name)
			out = append(out, &Output{
				Path: partPath(name), Stage: StageFiles, Key: key.New().Str(partPath(name)).Done(),
				Make: func(Sizes) ([]byte, error) {
					defer g.madeOne()
					docs := make([]*search.Doc, len(f))
					for i, d := range f {
						var err error
						if docs[i], err = g.docs[d](); err != nil {
							return nil, err
						}
					}
					return search.Script(name, search.Fragment(docs)), nil
				},
			})
		}
		g.left.Store(int32(len(buckets) + len(g.fragments)))
		entry[gi] = g.entry
		ek.Str(g.entry.Name).Int(g.entry.Docs).Int(g.entry.PerFragment).Str(g.entry.Parts).Bool(g.entry.Split)
		for _, f := range g.entry.Fragments {
			ek.Str(f)
		}
	}
	out = append(out, &Output{
		Path: searchEntry, Stage: StageFiles, Key: ek.Done(),
		Make: func(Sizes) ([]byte, error) { return search.Script("index", search.Entry(entry)), nil },
	})
	return out
}

// docKey is what document d's fragment is made from: for a briefing, its
// key (its file and the rows it shows) and slug; in the site group, the
// group's key.
func (g *searchGroup) docKey(d int) key.Hash {
	if d < len(g.docKeys) {
		return g.docKeys[d]
	}
	return g.key
}

// searchGroups are the site group (companies, then topics; none when
// there are neither) and a group per year of briefings, newest first; a
// year's briefings in date order, so that a new briefing is added at the
// end of its group.
func (r *renderer) searchGroups() []*searchGroup {
	var groups []*searchGroup
	if site := r.siteSearchGroup(); len(site.docs) > 0 {
		groups = append(groups, site)
	}
	order := make([]int, len(r.p.Briefings)) // newest year first; in a year, oldest first
	for i := range order {
		order[i] = i
	}
	bs := r.p.Briefings
	slices.SortStableFunc(order, func(a, b int) int {
		if ya, yb := bs[a].Date.Year(), bs[b].Date.Year(); ya != yb {
			return yb - ya
		}
		return cmp.Or(bs[a].Date.Compare(bs[b].Date), strings.Compare(bs[a].Slug, bs[b].Slug))
	})
	var g *searchGroup
	var gk *key.Builder
	keys := map[key.Hash]bool{} // every document's
	defer r.opts.Memo.keep(keys)
	for _, i := range order {
		b := bs[i]
		year := strconv.Itoa(b.Date.Year())
		if g == nil || g.entry.Name != year {
			if g != nil {
				g.finish(gk, len(g.docs) >= searchSplit)
			}
			g = &searchGroup{entry: search.Group{Name: year}}
			gk = key.New().Str(year)
			groups = append(groups, g)
		}
		dk := key.New().Sum(b.Key).Str(b.Slug).Done()
		gk.Sum(dk)
		g.docKeys = append(g.docKeys, dk)
		d := &searchDoc{}
		g.held = append(g.held, d)
		keys[dk] = true
		g.docs = append(g.docs, func() (*search.Doc, error) {
			d.once.Do(func() {
				var ok bool
				if d.doc, ok = r.opts.Memo.doc(dk); ok {
					return
				}
				if d.doc, d.err = r.searchDoc(b, r.infos[i]); d.err == nil {
					r.opts.Memo.put(dk, d.doc)
				}
			})
			return d.doc, d.err
		})
	}
	if g != nil {
		g.finish(gk, len(g.docs) >= searchSplit)
	}
	return groups
}

// finish sets the group's key and how it is written: split, its terms in
// a part per bucket and its texts in fragments of searchPerFragment
// documents; or not, one part and one fragment.
func (g *searchGroup) finish(k *key.Builder, split bool) {
	g.key = k.Done()
	n := len(g.docs)
	g.entry.Docs, g.entry.Split = n, split
	if split {
		g.entry.PerFragment, g.fragments = searchPerFragment, nil
		for d := 0; d < n; d += searchPerFragment {
			f := make([]int, 0, searchPerFragment)
			for i := d; i < min(n, d+searchPerFragment); i++ {
				f = append(f, i)
			}
			g.fragments = append(g.fragments, f)
		}
		return
	}
	g.entry.PerFragment, g.fragments = max(1, n), [][]int{make([]int, n)}
	for d := range n {
		g.fragments[0][d] = d
	}
}

// siteSearchGroup is the companies (name, ticker and aliases, all as
// names) and the topics.
func (r *renderer) siteSearchGroup() *searchGroup {
	site := &searchGroup{entry: search.Group{Name: "site"}}
	sk := key.New().Str("site")
	for _, e := range r.p.Entities {
		sk.Str(e.ID).Str(e.Name).Str(e.Ticker).Int(len(e.Aliases))
		for _, a := range e.Aliases {
			sk.Str(a)
		}
		doc := &search.Doc{Kind: search.Company, Title: e.Name, URL: project.EntityPath(e.ID), Units: []search.Unit{{
			Text: strings.TrimPrefix(strings.Join(append([]string{e.Ticker}, e.Aliases...), " · "), " · "), Field: search.Name,
			Also: []search.Text{{Text: e.Name, Field: search.Name}},
		}}}
		site.docs = append(site.docs, func() (*search.Doc, error) { return doc, nil })
	}
	for _, t := range r.tags {
		sk.Str(t.Name).Str(t.Path)
		doc := &search.Doc{Kind: search.TopicDoc, Title: t.Name, URL: t.Path, Units: []search.Unit{{
			Also: []search.Text{{Text: t.Name, Field: search.Topic}},
		}}}
		site.docs = append(site.docs, func() (*search.Doc, error) { return doc, nil })
	}
	site.finish(sk, false)
	return site
}

// searchDoc is a briefing as the index holds it: the text before its
// first heading with its title, summary and topics; a unit per section;
// a unit per row of each table block, linked to the block.
func (r *renderer) searchDoc(b *project.Briefing, info *briefingInfo) (*search.Doc, error) {
	if err := b.Bind(); err != nil {
		return nil, err
	}
	env := &block.Env{
		Output: block.Text,
		View: func(out io.Writer, v *view.View) error { // the title; rows are units of their own
			_, err := io.WriteString(out, strings.TrimSpace(v.Title+". "+v.Subtitle))
			return err
		},
		Figure: func(w io.Writer, f *view.Figure) error {
			_, err := io.WriteString(w, f.Text)
			return err
		},
	}
	sections, err := b.Sections(content.Renderers{
		Block: func(out io.Writer, blk block.Block) error { return b.Bound[blk.Index()].Render(out, env) },
		Inline: func(out io.Writer, in *expr.Inline) error {
			if err := env.Figure(out, b.Figures[in.Index]); err != nil {
				return err
			}
			return writeRevised(out, b.Figures[in.Index], "", "")
		},
	})
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: b.File}, "indexing for search: %w", err)
	}
	doc := &search.Doc{Kind: search.Briefing, Title: b.Title, URL: info.Path, Date: b.Date.Format("2006-01-02")}
	lead := sentences(b.Summary + "\n" + sections[0].Text)
	doc.Units = append(doc.Units, search.Unit{Text: lead, Field: search.Body, Also: []search.Text{
		{Text: b.Title, Field: search.Title}, {Text: b.Summary, Field: search.Summary}, {Text: strings.Join(b.Tags, ", "), Field: search.Tag},
	}})
	for _, s := range sections[1:] {
		doc.Units = append(doc.Units, search.Unit{Anchor: s.ID, Label: s.Heading, Text: sentences(s.Text), Field: search.Body,
			Also: []search.Text{{Text: s.Heading, Field: search.Heading}}})
	}
	for _, v := range b.Views {
		if v.Chart != nil {
			continue // a chart's rows are its data, not text a reader looks for
		}
		id := fmt.Sprintf("%s-%d", v.Kind, v.Index+1) // as newBlockData names the block
		for row := range min(len(v.Rows), maxSearchRows) {
			var cells []string
			for c := range v.Columns {
				if t := v.Text(row, c); t != "" {
					cells = append(cells, t)
				}
			}
			doc.Units = append(doc.Units, search.Unit{Anchor: id, Label: v.Title, Text: strings.Join(cells, " · "), Field: search.Row})
		}
	}
	return doc, nil
}

// sentences makes the lines of a section's text (paragraphs, list items,
// a block's title, a card) one line for a snippet: a line that does not
// end a sentence ends with a full stop, and a list's "* " or "- " goes.
func sentences(text string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(line, "* "), "- "))
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(line)
		if !strings.ContainsAny(line[len(line)-1:], ".!?:;…)\"'’”") {
			b.WriteByte('.')
		}
	}
	return b.String()
}
