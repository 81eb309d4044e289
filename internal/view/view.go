// Package view binds a briefing's chart and table blocks to datasets: it checks
// that the datasets and columns a block names exist and fit, fills in the
// defaults of the dataset's kind, and selects the rows the block shows as of
// the briefing's date. A View is what the chart, workbook and page renderers
// all draw from, so the three always show the same rows.
package view

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// View is a block bound to its data.
type View struct {
	Kind     content.Kind // KindChart exactly when Chart is set
	Index    int          // the block's index in its briefing
	Title    string
	Subtitle string
	Data     *dataset.Dataset
	Columns  []*dataset.Column // what the table, the chart's fallback and the sheet show
	Rows     []int             // row indices into Data, in display order
	AsOf     time.Time
	Chart    *Chart // how a chart draws; nil for a table
}

// Chart is what only a chart view has.
type Chart struct {
	Type   content.ChartType
	Height int // pixels
	X      *dataset.Column
	Y      []*dataset.Column
	Marks  []Mark
}

// Mark is a labelled reference line.
type Mark struct {
	Y     *float64
	X     *dataset.Value
	Label string
}

// DefaultHeight is a chart's height when the block gives none.
const DefaultHeight = 380

// Value is the cell of row r (an index into Rows) in column c.
func (v *View) Value(r int, c *dataset.Column) dataset.Value {
	return v.Data.Value(v.Rows[r], c)
}

// Find returns the dataset with the id, or nil.
type Find func(id string) *dataset.Dataset

// Bind resolves a block against the datasets, as of the briefing's date. ids
// lists the known dataset ids for suggestions. The error is a *diag.List.
func Bind(b *content.Block, find Find, ids []string, asOf time.Time) (*View, error) {
	var errs diag.List
	errorf := func(key, format string, args ...any) {
		errs.Addf(b.KeyPos(key), string(b.Kind)+" block: "+format, args...)
	}
	d := find(b.Dataset)
	if d == nil {
		known := "there are no datasets in data/"
		if len(ids) > 0 {
			known = "datasets are " + diag.Names(ids)
		}
		errorf("dataset", "unknown dataset %s%s; %s", diag.Quote(b.Dataset), tomlval.Suggest(b.Dataset, ids), known)
		return nil, &errs
	}
	v := &View{Kind: b.Kind, Index: b.Index, Title: b.Title, Subtitle: b.Subtitle, Data: d, AsOf: asOf}
	if v.Title == "" {
		v.Title = d.Title
	}
	col := func(key, name string) *dataset.Column {
		c := d.Column(name)
		if c == nil {
			errorf(key, "%s: dataset %s has no column %s%s; its columns are %s", key, diag.Quote(d.ID), diag.Quote(name),
				tomlval.Suggest(name, d.ColumnNames()), diag.Names(d.ColumnNames()))
		}
		return c
	}

	q := dataset.Query{From: b.From, To: b.To, AsOf: asOf, Limit: b.Limit, Desc: b.Desc}
	if (!b.From.IsZero() || !b.To.IsZero()) && d.DateColumn() == nil {
		key := "from"
		if b.From.IsZero() {
			key = "to"
		}
		errorf(key, "%s: dataset %s has no date column to window on", key, diag.Quote(d.ID))
	}
	hasDateFilter := !b.From.IsZero() || !b.To.IsZero()
	for _, w := range b.Where {
		c := d.Column(w.Column)
		if c == nil {
			errs.Addf(w.Pos, "%s block: where: dataset %s has no column %s%s; its columns are %s", b.Kind, diag.Quote(d.ID), diag.Quote(w.Column),
				tomlval.Suggest(w.Column, d.ColumnNames()), diag.Names(d.ColumnNames()))
			continue
		}
		for _, val := range w.Values {
			if val.Type != c.Type {
				errs.Addf(w.Pos, "%s block: where.%s: column %s holds %ss, got %s", b.Kind, diag.Cut(w.Column), diag.Quote(c.Name), c.Type, val.Describe())
			}
		}
		if c == d.DateColumn() {
			hasDateFilter = true
		}
		q.Where = append(q.Where, dataset.Cond{Column: c, Values: w.Values})
	}
	if b.Sort != "" {
		q.Sort = col("sort", b.Sort)
	}

	if b.Kind == content.KindChart && tableByDefault(b, d) {
		// The contract's default "chart" of a table, and of deals without
		// value_usd, is a table: a chart needs x and y named.
		v.Kind = content.KindTable
	}
	if v.Kind == content.KindChart {
		v.bindChart(b, d, col, errorf, &q, hasDateFilter)
	} else {
		v.bindTable(b, d, col)
	}
	if errs.Len() > 0 {
		return nil, &errs
	}
	v.Rows = d.Select(q)
	return v, nil
}

// tableByDefault reports whether a chart block, saying nothing of how to
// draw, asks for a dataset whose kind has no default chart.
func tableByDefault(b *content.Block, d *dataset.Dataset) bool {
	if b.X != "" || len(b.Y) > 0 || b.Type != "" || len(b.Marks) > 0 || b.Has("height") {
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

func (v *View) bindTable(b *content.Block, d *dataset.Dataset, col func(key, name string) *dataset.Column) {
	if len(b.Columns) == 0 {
		v.Columns = d.Columns()
		return
	}
	for _, name := range b.Columns {
		if c := col("columns", name); c != nil && !slices.Contains(v.Columns, c) {
			v.Columns = append(v.Columns, c)
		}
	}
}

func (v *View) bindChart(b *content.Block, d *dataset.Dataset, col func(key, name string) *dataset.Column,
	errorf func(key, format string, args ...any), q *dataset.Query, hasDateFilter bool) {
	c := &Chart{Type: b.Type, Height: cmp.Or(b.Height, DefaultHeight)}
	v.Chart = c
	xName, yNames, context, ok := v.chartDefaults(b, d, errorf, q, hasDateFilter)
	if !ok {
		return
	}
	c.X = col("x", xName)
	if c.X != nil && c.Type == content.ChartScatter && c.X.Type != dataset.Number && c.X.Type != dataset.Date {
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
	if len(c.Y) == 0 && len(b.Y) == 0 && !b.Has("y") {
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
	for _, name := range b.Columns {
		add(col("columns", name))
	}
	if len(b.Columns) == 0 {
		for _, name := range context {
			add(d.Column(name))
		}
	}
	for _, m := range b.Marks {
		mk := Mark{Y: m.Y, X: m.X, Label: m.Label}
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
func (v *View) chartDefaults(b *content.Block, d *dataset.Dataset, errorf func(key, format string, args ...any),
	q *dataset.Query, hasDateFilter bool) (xName string, yNames, context []string, ok bool) {
	c := v.Chart
	xName, yNames = b.X, b.Y
	switch d.Kind() {
	case dataset.KindSeries:
		c.Type = cmp.Or(c.Type, content.ChartLine)
		xName = cmp.Or(xName, "date")
		if len(yNames) == 0 {
			for _, col := range d.Columns() {
				if col.Type == dataset.Number {
					yNames = append(yNames, col.Name)
				}
			}
		}
	case dataset.KindMoves:
		c.Type = cmp.Or(c.Type, content.ChartBar)
		xName = cmp.Or(xName, "ticker")
		if len(yNames) == 0 {
			yNames = []string{"change_pct"}
		}
		if b.Sort == "" {
			q.Sort, q.Desc = d.Column(yNames[0]), true
		}
		if !hasDateFilter {
			// One bar per ticker: the latest trading day the briefing can see.
			if day := d.LatestDate(v.AsOf); !day.IsZero() {
				q.Where = append(q.Where, dataset.Cond{Column: d.DateColumn(), Values: []dataset.Value{tomlval.DateValue(day)}})
				if v.Subtitle == "" {
					v.Subtitle = day.Format("2 January 2006")
				}
			}
		}
		context = []string{"name", "date"}
	case dataset.KindDeals:
		c.Type = cmp.Or(c.Type, content.ChartBar)
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
		c.Type = cmp.Or(c.Type, content.ChartBar)
	}
	return xName, yNames, context, true
}

// String names the view for messages and logs.
func (v *View) String() string {
	return fmt.Sprintf("%s %d of %s (%d rows)", v.Kind, v.Index, v.Data.ID, len(v.Rows))
}
