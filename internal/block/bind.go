package block

import (
	"cmp"
	"io"
	"slices"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
	"github.com/brief-desk/brief/internal/view"
)

// bound is a chart, table or changes block bound: one view.
type bound struct{ v *view.View }

func (b bound) Tables() []*view.View { return []*view.View{b.v} }

func (b bound) Render(w io.Writer, env *Env) error { return env.View(w, b.v) }

// Bind resolves a chart, table or changes block.
func (s *Selection) Bind(c *Context) (Bound, error) {
	var v *view.View
	var err error
	if s.Name == "changes" {
		v, err = s.bindChanges(c)
	} else {
		v, err = s.bind(c)
	}
	if err != nil {
		return nil, err
	}
	return bound{v}, nil
}

// bind resolves the block against the datasets as of the briefing's date.
// The error is a *diag.List.
func (s *Selection) bind(c *Context) (*view.View, error) {
	var errs diag.List
	errorf := func(key, format string, args ...any) {
		errs.Addf(s.KeyPos(key), s.Name+" block: "+format, args...)
	}
	d, ok := c.Data(s.Dataset)
	if !ok {
		known := "there are no datasets in data/"
		if len(c.IDs) > 0 {
			known = "datasets are " + diag.Names(c.IDs)
		}
		errorf("dataset", "unknown dataset %s%s; %s", diag.Quote(s.Dataset), tomlval.Suggest(s.Dataset, c.IDs), known)
		return nil, &errs
	}
	kind := s.Name
	if kind == "chart" && tableByDefault(s, d.Dataset) {
		// The contract's default "chart" of a table, and of deals without
		// value_usd, is a table: a chart needs x and y named.
		kind = "table"
	}
	v := &view.View{Kind: kind, Title: cmp.Or(s.Title, d.Title), Subtitle: s.Subtitle, Data: d.Dataset, AsOf: d.Date}
	col := func(key, name string) *dataset.Column {
		c := d.Column(name)
		if c == nil {
			errorf(key, "%s: dataset %s has no column %s%s; its columns are %s", key, diag.Quote(d.ID), diag.Quote(name),
				tomlval.Suggest(name, d.ColumnNames()), diag.Names(d.ColumnNames()))
		}
		return c
	}

	q := dataset.Query{From: s.From, To: s.To, Limit: s.Limit, Desc: s.Desc}
	if (!s.From.IsZero() || !s.To.IsZero()) && d.DateColumn() == nil {
		key := "from"
		if s.From.IsZero() {
			key = "to"
		}
		errorf(key, "%s: dataset %s has no date column to window on", key, diag.Quote(d.ID))
	}
	hasDateFilter := !s.From.IsZero() || !s.To.IsZero()
	for _, w := range s.Where {
		c := d.Column(w.Column)
		if c == nil {
			errs.Addf(w.Pos, "%s block: where: dataset %s has no column %s%s; its columns are %s", s.Name, diag.Quote(d.ID), diag.Quote(w.Column),
				tomlval.Suggest(w.Column, d.ColumnNames()), diag.Names(d.ColumnNames()))
			continue
		}
		for _, val := range w.Values {
			if val.Type != c.Type {
				errs.Addf(w.Pos, "%s block: where.%s: column %s holds %ss, got %s", s.Name, diag.Cut(w.Column), diag.Quote(c.Name), c.Type, val.Describe())
			}
		}
		if c == d.DateColumn() {
			hasDateFilter = true
		}
		q.Where = append(q.Where, dataset.Cond{Column: c, Values: w.Values})
	}
	if s.Sort != "" {
		q.Sort = col("sort", s.Sort)
	}
	if kind == "chart" {
		s.bindChart(v, d, col, errorf, &q, hasDateFilter)
	} else {
		s.bindTable(v, d.Dataset, col)
	}
	if errs.Len() > 0 {
		return nil, &errs
	}
	v.Rows = d.Select(q)
	v.Revisions = revisions(v)
	for _, r := range v.Revisions {
		v.Notes = append(v.Notes, r.Note())
	}
	return v, nil
}

// revisions lists the values the view shows that were revised after the
// briefing's date.
func revisions(v *view.View) []view.Revision {
	var out []view.Revision
	for r := range v.Rows {
		for _, c := range v.Columns {
			on, now, ok := v.Data.Revised(v.Rows[r], c)
			if !ok {
				continue
			}
			rv := view.Revision{Dataset: v.Data.ID, Column: c.Label, On: on, Published: cmp.Or(c.FormatValue(v.Value(r, c)), "none"), Current: c.FormatValue(now)}
			rv.Row, rv.Dated = view.RowName(v.Data, v.Rows[r])
			out = append(out, rv)
		}
	}
	return out
}

// tableByDefault reports whether a chart block, saying nothing of how to
// draw, asks for a dataset whose kind has no default chart.
func tableByDefault(s *Selection, d *dataset.Dataset) bool {
	if s.X != "" || len(s.Y) > 0 || s.Type != "" || len(s.Marks) > 0 || s.Has("height") {
		return false
	}
	switch d.Kind() {
	case dataset.KindTable:
		return true
	case dataset.KindDeals:
		return d.Column("value_usd") == nil
	}
	return false
}

func (s *Selection) bindTable(v *view.View, d *dataset.Dataset, col func(key, name string) *dataset.Column) {
	if len(s.Columns) == 0 {
		v.Columns = d.Columns()
		return
	}
	for _, name := range s.Columns {
		if c := col("columns", name); c != nil && !slices.Contains(v.Columns, c) {
			v.Columns = append(v.Columns, c)
		}
	}
}

func (s *Selection) bindChart(v *view.View, d dataset.AsOf, col func(key, name string) *dataset.Column,
	errorf func(key, format string, args ...any), q *dataset.Query, hasDateFilter bool) {
	c := &view.Chart{Type: s.Type, Height: cmp.Or(s.Height, view.DefaultHeight)}
	v.Chart = c
	xName, yNames, context, ok := s.chartDefaults(v, d, errorf, q, hasDateFilter)
	if !ok {
		return
	}
	c.X = col("x", xName)
	if c.X != nil && c.Type == view.ChartScatter && c.X.Type != dataset.Number && c.X.Type != dataset.Date {
		errorf("x", "x: a scatter chart needs numbers or dates on x; column %s holds %ss", diag.Quote(c.X.Name), c.X.Type)
	}
	for _, name := range yNames {
		y := col("y", name)
		if y == nil {
			continue
		}
		if y.Type != dataset.Number {
			errorf("y", "y: column %s holds %ss; a chart plots numbers", diag.Quote(name), y.Type)
			continue
		}
		c.Y = append(c.Y, y)
	}
	if len(c.Y) == 0 && len(s.Y) == 0 && !s.Has("y") {
		errorf("dataset", "dataset %s has no number column to plot", diag.Quote(d.ID))
	}
	if c.X == nil {
		return
	}
	v.Columns = append([]*dataset.Column{c.X}, c.Y...)
	add := func(c *dataset.Column) {
		if c != nil && !slices.Contains(v.Columns, c) {
			v.Columns = append(v.Columns, c)
		}
	}
	for _, name := range s.Columns {
		add(col("columns", name))
	}
	if len(s.Columns) == 0 {
		for _, name := range context {
			add(d.Column(name))
		}
	}
	for _, m := range s.Marks {
		mk := view.Mark{Y: m.Y, X: m.X, Label: m.Label}
		if m.X != nil && m.X.Type != c.X.Type {
			errorf("mark_lines", "mark_lines: x %s does not fit the x column %s, which holds %ss", m.X.Describe(), diag.Quote(c.X.Name), c.X.Type)
		}
		c.Marks = append(c.Marks, mk)
	}
}

// chartDefaults fills in what a chart block leaves out by the dataset's
// kind: the chart type, x, y, the columns shown beside them and, for moves,
// the latest day's bars sorted by change. ok is false when the block cannot
// be drawn (the error is reported).
func (s *Selection) chartDefaults(v *view.View, d dataset.AsOf, errorf func(key, format string, args ...any),
	q *dataset.Query, hasDateFilter bool) (xName string, yNames, context []string, ok bool) {
	c := v.Chart
	xName, yNames = s.X, s.Y
	switch d.Kind() {
	case dataset.KindSeries:
		c.Type = cmp.Or(c.Type, view.ChartLine)
		xName = cmp.Or(xName, "date")
		if len(yNames) == 0 {
			for _, col := range d.Columns() {
				if col.Type == dataset.Number {
					yNames = append(yNames, col.Name)
				}
			}
		}
	case dataset.KindMoves:
		c.Type = cmp.Or(c.Type, view.ChartBar)
		xName = cmp.Or(xName, "ticker")
		if len(yNames) == 0 {
			yNames = []string{"change_pct"}
		}
		if s.Sort == "" {
			q.Sort, q.Desc = d.Column(yNames[0]), true
		}
		if !hasDateFilter {
			// One bar per ticker: the latest trading day the briefing can see.
			if day := d.Latest(); !day.IsZero() {
				q.Where = append(q.Where, dataset.Cond{Column: d.DateColumn(), Values: []dataset.Value{tomlval.DateValue(day)}})
				if v.Subtitle == "" {
					v.Subtitle = day.Format("2 January 2006")
				}
			}
		}
		context = []string{"name", "date"}
	case dataset.KindDeals:
		c.Type = cmp.Or(c.Type, view.ChartBar)
		xName = cmp.Or(xName, "company")
		if len(yNames) == 0 {
			if d.Column("value_usd") == nil {
				errorf("y", "y: dataset %s has no value_usd column to chart by default; name the column to plot with y = \"...\"", diag.Quote(d.ID))
				return "", nil, nil, false
			}
			yNames = []string{"value_usd"}
		}
		context = []string{"counterparty", "announced", "term_years", "capacity_mw", "backer"}
	default:
		if xName == "" || len(yNames) == 0 {
			errorf("dataset", "a chart of the table %s needs both x and y: name the category column with x = \"...\" and the number columns with y = [...] (with neither, the block shows a table)", diag.Quote(d.ID))
			return "", nil, nil, false
		}
		c.Type = cmp.Or(c.Type, view.ChartBar)
	}
	return xName, yNames, context, true
}
