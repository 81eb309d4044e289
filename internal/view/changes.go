package view

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// DefaultChangesLimit is how many gains and how many losses a changes block
// on moves shows when it gives no limit.
const DefaultChangesLimit = 5

// BindChanges binds a changes block: what changed in its dataset after the
// previous published briefing's date (prev; zero for the first briefing,
// which shows every row as of its date) and on or before asOf. It is shown
// as a table: the new rows of deals and dated tables, the largest gains and
// losses of moves, and for a series each number column then, now and the
// change.
func BindChanges(b *content.Block, find Find, ids []string, asOf, prev time.Time) (*View, error) {
	d := find(b.Dataset)
	if d != nil && d.DateColumn() == nil {
		return nil, diag.Errorf(b.KeyPos("dataset"), "changes block: dataset %s has no dates, so nothing in it is new or old; use a table block", diag.Quote(d.ID))
	}
	t := *b
	t.Kind = content.KindTable
	if !prev.IsZero() {
		t.From = prev.AddDate(0, 0, 1)
	}
	if d != nil && d.Kind() == dataset.KindSeries && !prev.IsZero() {
		return seriesChanges(b, d, asOf, prev)
	}
	switch {
	case d != nil && d.Kind() == dataset.KindMoves:
		t.Limit = 0 // per direction, below
	case d != nil && t.Sort == "":
		t.Sort, t.Desc = d.DateColumn().Name, true // the newest first
	}
	v, err := Bind(&t, find, ids, asOf)
	if err != nil {
		return nil, err
	}
	v.Kind = content.KindChanges
	if t.Title == "" {
		v.Title = d.Title + ": " + since(prev)
	}
	if d.Kind() == dataset.KindMoves {
		v.Rows = gainsAndLosses(d, v.Rows, cmp.Or(b.Limit, DefaultChangesLimit))
	}
	return v, nil
}

// since names the window for a title.
func since(prev time.Time) string {
	if prev.IsZero() {
		return "everything so far"
	}
	return "new since " + prev.Format("2 January 2006")
}

// gainsAndLosses keeps the largest gains, largest first, then the largest
// losses, largest first, n of each.
func gainsAndLosses(d *dataset.Dataset, rows []int, n int) []int {
	c := d.Column("change_pct")
	var up, down []int
	for _, r := range rows {
		switch v := d.Value(r, c); {
		case v.Num > 0:
			up = append(up, r)
		case v.Num < 0:
			down = append(down, r)
		}
	}
	slices.SortStableFunc(up, func(a, b int) int { return cmp.Compare(d.Value(b, c).Num, d.Value(a, c).Num) })
	slices.SortStableFunc(down, func(a, b int) int { return cmp.Compare(d.Value(a, c).Num, d.Value(b, c).Num) })
	return append(up[:min(n, len(up))], down[:min(n, len(down))]...)
}

// seriesChanges makes, for each number column of a series, a row of what
// it was as of the previous briefing, what it is now and the change. The
// values are shown in each column's own format.
func seriesChanges(b *content.Block, d *dataset.Dataset, asOf, prev time.Time) (*View, error) {
	then, now := d.Select(dataset.Query{AsOf: prev}), d.Select(dataset.Query{AsOf: asOf})
	if len(then) == 0 || len(now) == 0 {
		return nil, diag.Errorf(b.Pos, "changes block: %s has no row on or before the previous briefing's date, %s, to compare with", diag.Quote(d.ID), prev.Format(time.DateOnly))
	}
	r0, r1 := latestRow(d, then), latestRow(d, now)
	cols := dataset.Numbered(
		dataset.TextColumn("series", "Series"),
		dataset.TextColumn("then", "On "+dateOf(d, r0).Format(time.DateOnly)),
		dataset.TextColumn("now", "On "+dateOf(d, r1).Format(time.DateOnly)),
		dataset.TextColumn("change", "Change"),
		&dataset.Column{Name: "change_pct", Label: "Change %", Type: dataset.Number, Format: dataset.FormatPercent},
	)
	var rows [][]dataset.Value
	for _, c := range d.Columns() {
		if c.Type != dataset.Number {
			continue
		}
		if len(b.Columns) > 0 && !slices.Contains(b.Columns, c.Name) {
			continue
		}
		a, z := d.Value(r0, c), d.Value(r1, c)
		row := []dataset.Value{tomlval.StringValue(c.Header()), tomlval.StringValue(c.FormatValue(a)), tomlval.StringValue(c.FormatValue(z)), {}, {}}
		if a.Type == dataset.Number && z.Type == dataset.Number {
			diff := z.Num - a.Num
			row[3] = tomlval.StringValue(signed(c.FormatValue(tomlval.NumberValue(diff)), diff))
			if a.Num != 0 {
				row[4] = tomlval.NumberValue(math.Round(diff/math.Abs(a.Num)*1000) / 10)
			}
		}
		rows = append(rows, row)
	}
	sd, err := dataset.New(dataset.Dataset{ID: d.ID, File: d.File, Title: d.Title, Source: d.Source, SourceURL: d.SourceURL,
		Description: d.Description, Notes: d.Notes}, dataset.KindTable, cols, rows)
	if err != nil {
		return nil, err
	}
	v := &View{Kind: content.KindChanges, Index: b.Index, Title: cmp.Or(b.Title, d.Title+": since "+prev.Format("2 January 2006")), Subtitle: b.Subtitle,
		Data: sd, Columns: cols, AsOf: asOf}
	for i := range rows {
		v.Rows = append(v.Rows, i)
	}
	return v, nil
}
