package project

import (
	"cmp"
	"encoding/gob"
	"slices"
	"strings"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/view"
)

// Entity is one company (or other subject) of the project's entities
// dataset, with everything the project holds about it.
type Entity struct {
	*dataset.Entity
	Data     *dataset.Dataset // the entities dataset
	Moves    []*view.View     // per moves dataset, the rows of its ticker, every date, as a chart
	Deals    []*view.View     // per deals dataset, the rows naming it (company, counterparty or backer)
	Mentions []Mention        // the published briefings that mention it, newest first
	// Key covers exactly what its page shows: its row, its moves and
	// deals, and each mention's briefing, date, title and sentence.
	Key key.Hash
	// WorkbookKey covers what its workbook shows: Key without the
	// mentions, so that a briefing naming the entity leaves the workbook
	// as it was.
	WorkbookKey key.Hash
}

// Mention is a briefing that names an entity, with the sentence of its
// first mention.
type Mention struct {
	Briefing *Briefing
	Sentence string
}

// EntityPath is the page of an entity, from the site's root.
func EntityPath(id string) string { return "entities/" + id + "/index.html" }

// entities finds the entities dataset (at most one), and each entity's
// moves, deals and mentions; the first mention of each entity in a
// briefing becomes a link to its page.
func (l *loader) entities() {
	var data *dataset.Dataset
	for _, d := range l.p.Datasets {
		if d.Kind() != dataset.KindEntities {
			continue
		}
		if data != nil {
			l.errs.Addf(diag.Pos{File: d.File, Line: 1, Col: 1}, "a second entities dataset: %s is one already; a project has one list of entities, so merge them", data.File)
			continue
		}
		data = d
	}
	for _, b := range l.p.Briefings {
		b.Links = nil
	}
	if data == nil {
		return
	}
	var terms []content.Term
	byName := map[string]int{} // lower-case name or alias -> entity, for deals
	for i, e := range data.Entities() {
		l.p.Entities = append(l.p.Entities, &Entity{Entity: e, Data: data})
		for _, t := range e.Terms() {
			terms = append(terms, content.Term{Text: t, Entity: i})
		}
		byName[strings.ToLower(e.Name)] = i
		for _, a := range e.Aliases {
			byName[strings.ToLower(a)] = i
		}
	}
	for _, d := range l.p.Datasets {
		switch d.Kind() {
		case dataset.KindMoves:
			l.entityMoves(d)
		case dataset.KindDeals:
			l.entityDeals(d, byName)
		}
	}
	l.mentions(terms)
	for _, e := range l.p.Entities {
		row := key.New().Str(e.ID).Str(e.Name).Str(e.Ticker).Str(strings.Join(e.Aliases, ";")).Str(data.Title).Str(data.Source).Done()
		views := viewKeys(append(slices.Clone(e.Moves), e.Deals...))
		e.WorkbookKey = keyOfViews(row, views, nil)
		k := key.New().Sum(row)
		for _, m := range e.Mentions {
			k.Str(m.Briefing.Slug).Str(m.Briefing.Title).Str(m.Briefing.Date.String()).Str(m.Sentence)
		}
		e.Key = keyOfViews(k.Done(), views, nil)
	}
}

// entityMoves gives each entity with a ticker its rows of a moves dataset,
// oldest first, as a bar chart over time.
func (l *loader) entityMoves(d *dataset.Dataset) {
	ticker, date := d.Column("ticker"), d.DateColumn()
	byTicker := map[string][]int{}
	for _, r := range d.Select(dataset.Query{}) {
		t := d.Value(r, ticker).Str
		byTicker[t] = append(byTicker[t], r)
	}
	for _, e := range l.p.Entities {
		rows := byTicker[e.Ticker]
		if e.Ticker == "" || len(rows) == 0 {
			continue
		}
		rows = slices.Clone(rows)
		slices.SortStableFunc(rows, func(a, b int) int { return d.Value(a, date).Compare(d.Value(b, date)) })
		v := &view.View{Kind: "chart", Title: e.Name + ": " + d.Title, Data: d, Columns: d.Columns(), Rows: rows,
			Chart: &view.Chart{Type: view.ChartBar, Height: 320, X: date, Y: []*dataset.Column{d.Column("change_pct")}}}
		e.Moves = append(e.Moves, v)
	}
}

// entityDeals gives each entity the rows of a deals dataset whose company,
// counterparty or backer is its name or an alias (without case), newest
// first.
func (l *loader) entityDeals(d *dataset.Dataset, byName map[string]int) {
	rows := map[int][]int{}
	for _, r := range d.Select(dataset.Query{}) {
		seen := map[int]bool{}
		for _, name := range []string{"company", "counterparty", "backer"} {
			c := d.Column(name)
			if c == nil {
				continue
			}
			if i, ok := byName[strings.ToLower(strings.TrimSpace(d.Value(r, c).Str))]; ok && !seen[i] {
				seen[i] = true
				rows[i] = append(rows[i], r)
			}
		}
	}
	date := d.DateColumn()
	for i, e := range l.p.Entities {
		if len(rows[i]) == 0 {
			continue
		}
		slices.SortStableFunc(rows[i], func(a, b int) int { return d.Value(b, date).Compare(d.Value(a, date)) })
		e.Deals = append(e.Deals, &view.View{Kind: "table", Title: e.Name + ": " + d.Title, Data: d, Columns: d.Columns(), Rows: rows[i]})
	}
}

// storedMentions are a briefing's mentions as the records keep them.
type storedMentions []content.Mention

func init() { gob.RegisterName("mentions", storedMentions(nil)) }

// termsKey covers the terms a matcher finds, with their entities.
func termsKey(terms []content.Term) key.Hash {
	k := key.New().Str("terms")
	for _, t := range terms {
		k.Str(t.Text).Int(t.Entity)
	}
	return k.Done()
}

// mentionsOf finds a briefing's mentions, or takes them from the records:
// finding them parses the briefing's markdown, which a weekly publish
// otherwise needs only for the briefings whose pages it makes. Their key
// is the briefing's (its file and the figures' texts, which the sentences
// quote) and the terms'.
func (l *loader) mentionsOf(b *Briefing, m *content.Matcher, terms key.Hash) ([]content.Mention, error) {
	var k key.Hash
	if l.opts.Records != nil {
		k = key.New().Str("mentions").Str(b.File).Sum(b.Key).Sum(terms).Done()
		if v, ok := l.opts.Records.Get(k); ok {
			if s, ok := v.(storedMentions); ok && !slices.ContainsFunc(s, func(m content.Mention) bool {
				return m.Entity < 0 || m.Entity >= len(l.p.Entities)
			}) {
				return s, nil
			}
		}
	}
	if err := b.Briefing.Load(); err != nil {
		return nil, err
	}
	figure := func(in *expr.Inline) string { // not Figures: the briefing may not be bound yet
		if in.Index < len(b.Quoted) {
			return b.Quoted[in.Index]
		}
		return ""
	}
	found := b.Mentions(m, figure)
	if l.opts.Records != nil {
		l.opts.Records.Put(k, storedMentions(found))
	}
	return found, nil
}

// mentions finds, in every published briefing, the first mention of each
// entity: it becomes a link to the entity's page, and the entity lists the
// briefing with the sentence.
func (l *loader) mentions(terms []content.Term) {
	briefings := slices.Clone(l.p.Briefings)
	slices.SortStableFunc(briefings, func(a, b *Briefing) int {
		return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.Slug, b.Slug))
	})
	matcher, tk := content.NewMatcher(terms), termsKey(terms)
	found := make([][]content.Mention, len(briefings))
	errs := make([]error, len(briefings))
	eachOnCores(len(briefings), func(i int) { found[i], errs[i] = l.mentionsOf(briefings[i], matcher, tk) })
	l.errs.Add(errs...)
	for i, b := range briefings {
		for _, m := range found[i] {
			e := l.p.Entities[m.Entity]
			title := e.Name
			if e.Ticker != "" {
				title += " (" + e.Ticker + ")"
			}
			b.Links = append(b.Links, content.Link{Start: m.Start, End: m.End, Href: "../../" + EntityPath(e.ID), Title: title})
			e.Mentions = append(e.Mentions, Mention{Briefing: b, Sentence: m.Sentence})
		}
		slices.SortFunc(b.Links, func(x, y content.Link) int { return cmp.Or(x.Start-y.Start, y.End-x.End) })
		// Mentions may overlap ("a a" inside "a a a", names of two
		// entities): a link is never drawn inside another.
		kept, end := b.Links[:0], 0
		for _, l := range b.Links {
			if l.Start >= end {
				kept = append(kept, l)
				end = l.End
			}
		}
		b.Links = kept
	}
}
