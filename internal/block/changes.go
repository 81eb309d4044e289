package block

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
	"github.com/brief-desk/brief/internal/view"
)

// DefaultChangesLimit is how many gains and how many losses a changes block
// on moves shows when it gives no limit.
const DefaultChangesLimit = 5

// bindChanges binds a changes block: what changed in its dataset after the
// previous published briefing's date (zero for the first briefing, which
// shows every row as of its date) and on or before the briefing's. It is
// shown as a table: the new rows of deals and dated tables, the largest
// gains and losses of moves, and for a series each number column then, now
// and the change.
func (s *Selection) bindChanges(c *Context) (*view.View, error) {
	prev := c.Previous
	d, found := c.Data(s.Dataset)
	if found && d.DateColumn() == nil {
		return nil, diag.Errorf(s.KeyPos("dataset"), "changes block: dataset %s has no dates, so nothing in it is new or old; use a table block", diag.Quote(d.ID))
	}
	if found && d.Kind() == dataset.KindSeries && !prev.IsZero() {
		return s.seriesChanges(d, prev)
	}
	t := *s
	if !prev.IsZero() {
		t.From = prev.AddDate(0, 0, 1)
	}
	switch {
	case found && d.Kind() == dataset.KindMoves:
		t.Limit = 0 // per direction, below
	case found && t.Sort == "":
		t.Sort, t.Desc = d.DateColumn().Name, true // the newest first
	}
	v, err := t.bind(c)
	if err != nil {
		return nil, err
	}
	v.Kind = "changes"
	if t.Title == "" {
		v.Title = d.Title + ": " + since(prev)
	}
	if d.Kind() == dataset.KindMoves {
		v.Rows = gainsAndLosses(d.Dataset, v.Rows, cmp.Or(s.Limit, DefaultChangesLimit))
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
// values are numbers, shown in each column's own format (the view's Cells),
// so that the workbook and the CSV file hold numbers too.
func (s *Selection) seriesChanges(d dataset.AsOf, prev time.Time) (*view.View, error) {
	// The previous briefing's values are read from the dataset as it stood
	// on its date: its rows (a revision or a derived dataset's result may
	// differ) and its row numbers.
	past := d.On(prev)
	then, now := past.Select(dataset.Query{}), d.Select(dataset.Query{})
	if len(then) == 0 || len(now) == 0 {
		return nil, diag.Errorf(s.Fence, "changes block: %s has no row on or before the previous briefing's date, %s, to compare with", diag.Quote(d.ID), prev.Format(time.DateOnly))
	}
	r0, r1 := view.LatestRow(past.Dataset, then), view.LatestRow(d.Dataset, now)
	cols := dataset.Numbered(
		dataset.TextColumn("series", "Series"),
		&dataset.Column{Name: "then", Label: "On " + view.DateOf(past.Dataset, r0).Format(time.DateOnly), Type: dataset.Number},
		&dataset.Column{Name: "now", Label: "On " + view.DateOf(d.Dataset, r1).Format(time.DateOnly), Type: dataset.Number},
		&dataset.Column{Name: "change", Label: "Change", Type: dataset.Number},
		&dataset.Column{Name: "change_pct", Label: "Change %", Type: dataset.Number, Format: dataset.FormatPercent},
	)
	var rows [][]dataset.Value
	var cells [][]*view.Cell
	for _, c := range d.Columns() {
		if c.Type != dataset.Number {
			continue
		}
		if len(s.Columns) > 0 && !slices.Contains(s.Columns, c.Name) {
			continue
		}
		var a dataset.Value
		if pc := past.Column(c.Name); pc != nil {
			a = past.Value(r0, pc)
		}
		z := d.Value(r1, c)
		row := []dataset.Value{tomlval.StringValue(c.Header()), a, z, {}, {}}
		if a.Type == dataset.Number && z.Type == dataset.Number {
			diff := z.Num - a.Num
			row[3] = tomlval.NumberValue(diff)
			if a.Num != 0 {
				row[4] = tomlval.NumberValue(math.Round(diff/math.Abs(a.Num)*1000) / 10)
			}
		}
		rows = append(rows, row)
		own := &view.Cell{Format: c.Format}
		cells = append(cells, []*view.Cell{nil, own, own, {Format: c.Format, Signed: true}, nil})
	}
	sd, err := dataset.New(dataset.Dataset{ID: d.ID, File: d.File, Title: d.Title, Source: d.Source, SourceURL: d.SourceURL,
		Description: d.Description, Notes: d.Notes}, dataset.KindTable, cols, rows)
	if err != nil {
		return nil, err
	}
	v := &view.View{Kind: "changes", Title: cmp.Or(s.Title, d.Title+": since "+prev.Format("2 January 2006")), Subtitle: s.Subtitle,
		Data: sd, Columns: cols, AsOf: d.Date, Cells: cells}
	for i := range rows {
		v.Rows = append(v.Rows, i)
	}
	return v, nil
}
