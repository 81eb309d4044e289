package view

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/tomlval"
)

// Figure is an inline value found in the data: what the prose shows, the
// raw value behind it, and where it comes from.
type Figure struct {
	Inline *expr.Inline
	Data   *dataset.Dataset
	Text   string        // formatted as the column is (a change as a signed percent)
	Value  dataset.Value // the number, date or text itself
	Date   time.Time     // the row's date; zero for an aggregate or a row without one
	Base   time.Time     // change and delta: the date of the row compared with
	// Revised says the quoted cell was revised after the briefing's date:
	// "Revised on 2 December 2025: 82.10 (published: 81.90)"; "" if not.
	Revised  string
	Revision *Revision // the same, for the workbook's sheet of revisions
	Spark    *Spark    // a card's sparkline; nil elsewhere
}

// Spark is the recent history of a card's series column.
type Spark struct {
	Values []float64
	Alt    string // the sparkline as text: from what, when, to what, when
}

// AddSpark gives a card's figure its sparkline, when it is the value of a
// series column: the column from since (or 90 days before the briefing)
// to the briefing's date.
func (f *Figure) AddSpark(since, asOf time.Time) {
	in, d := f.Inline, f.Data
	if d.Kind() != dataset.KindSeries || in.Func != "" || in.Column == "" || !in.At.IsZero() {
		return
	}
	col := d.Column(in.Column)
	if col == nil || col.Type != dataset.Number {
		return
	}
	if since.IsZero() {
		since = asOf.AddDate(0, 0, -90)
	}
	rows := d.Select(dataset.Query{From: since, AsOf: asOf})
	var s Spark
	var first, last int
	for _, r := range rows {
		if v := d.Value(r, col); v.Type == dataset.Number {
			if len(s.Values) == 0 {
				first = r
			}
			s.Values, last = append(s.Values, v.Num), r
		}
	}
	if len(s.Values) < 2 {
		return
	}
	s.Alt = fmt.Sprintf("%s from %s on %s to %s on %s", col.Label, col.FormatValue(d.Value(first, col)), DateOf(d, first).Format("2 January 2006"),
		col.FormatValue(d.Value(last, col)), DateOf(d, last).Format("2 January 2006"))
	f.Spark = &s
}

// BindFigure finds an inline value in the data as of the briefing's date,
// with the same as-of rule and filters as blocks. Every error is at the
// inline value's opening braces.
func BindFigure(in *expr.Inline, find Find, ids []string, asOf time.Time) (*Figure, error) {
	fail := func(format string, args ...any) (*Figure, error) {
		return nil, diag.Errorf(in.Pos, "inline value {{ %s }}: "+format, append([]any{diag.Cut(in.Expr)}, args...)...)
	}
	d := find(in.Dataset)
	if d == nil {
		return fail("unknown dataset %s%s; datasets are %s", diag.Quote(in.Dataset), tomlval.Suggest(in.Dataset, ids), diag.Names(ids))
	}
	d = d.On(asOf).Dataset // as it stood on the briefing's date, revisions undone
	f := &Figure{Inline: in, Data: d}
	var col *dataset.Column
	if in.Column != "" {
		if col = d.Column(in.Column); col == nil {
			return fail("dataset %s has no column %s%s; its columns are %s", diag.Quote(d.ID), diag.Quote(in.Column), tomlval.Suggest(in.Column, d.ColumnNames()), diag.Names(d.ColumnNames()))
		}
	}
	q := dataset.Query{AsOf: asOf}
	for _, w := range in.Filters {
		c := d.Column(w.Column)
		if c == nil {
			return fail("filter [%s=...]: dataset %s has no column %s%s", diag.Cut(w.Column), diag.Quote(d.ID), diag.Quote(w.Column), tomlval.Suggest(w.Column, d.ColumnNames()))
		}
		v := w.Values[0]
		if v.Type != c.Type && c.Type == dataset.String {
			v = tomlval.StringValue(strings.Trim(v.Literal(), `"`)) // a bare 8 is the text "8" in a text column
		}
		if v.Type != c.Type {
			return fail("filter [%s=%s]: column %s holds %ss", diag.Cut(w.Column), diag.Cut(v.Literal()), diag.Quote(c.Name), c.Type)
		}
		q.Where = append(q.Where, dataset.Cond{Column: c, Values: []dataset.Value{v}})
	}
	rows := d.Select(q)
	if len(rows) == 0 {
		return fail("no row of %s matches as of %s", diag.Quote(d.ID), asOf.Format(time.DateOnly))
	}
	if in.Func == expr.FuncCount {
		f.Value = tomlval.IntValue(int64(len(rows)))
		if msg := f.show(nil); msg != "" {
			return fail("%s", msg)
		}
		return f, nil
	}
	latest := LatestRow(d, rows)
	if !in.At.IsZero() {
		r, ok := rowOn(d, rows, in.At)
		if !ok {
			return fail("no row of %s is dated %s", diag.Quote(d.ID), in.At.Format(time.DateOnly))
		}
		latest = r
	}
	if msg := f.compute(col, rows, latest); msg != "" {
		return fail("%s", msg)
	}
	if msg := f.show(col); msg != "" {
		return fail("%s", msg)
	}
	if in.Func == "" || in.Func == expr.FuncFirst || in.Func == expr.FuncLast {
		f.revised(col, rows, latest)
	}
	return f, nil
}

// compute sets the figure's text and raw value from the selected rows, the
// latest of them (or the @date's), or says what is wrong.
func (f *Figure) compute(col *dataset.Column, rows []int, latest int) string {
	in, d := f.Inline, f.Data
	switch in.Func {
	case "", expr.FuncLast, expr.FuncFirst:
		r := latest
		if in.Func == expr.FuncFirst {
			r = firstRow(d, rows)
		}
		v := d.Value(r, col)
		if v.IsEmpty() {
			return fmt.Sprintf("the row of %s has no %s", rowDate(d, r), diag.Cut(col.Name))
		}
		f.Value, f.Date = v, DateOf(d, r)
	case expr.FuncChange, expr.FuncDelta:
		return f.compare(col, rows, latest)
	default: // max, min, sum, mean over the selected rows' numbers
		var vals []float64
		for _, r := range rows {
			if v := d.Value(r, col); v.Type == dataset.Number {
				vals = append(vals, v.Num)
			}
		}
		if len(vals) == 0 || col.Type != dataset.Number {
			return fmt.Sprintf("%s needs numbers; column %s holds %ss", in.Func, diag.Quote(col.Name), col.Type)
		}
		f.Value = tomlval.NumberValue(aggregate(in.Func, vals))
	}
	return ""
}

// revised notes a quoted cell revised after the briefing's date.
func (f *Figure) revised(col *dataset.Column, rows []int, latest int) {
	r := latest
	if f.Inline.Func == expr.FuncFirst {
		r = firstRow(f.Data, rows)
	}
	if on, now, ok := f.Data.Revised(r, col); ok {
		f.Revision = &Revision{Dataset: f.Data.ID, Column: col.Label, On: on, Published: cmp.Or(col.FormatValue(f.Data.Value(r, col)), "none"), Current: col.FormatValue(now)}
		f.Revision.Row, f.Revision.Dated = RowName(f.Data, r)
		f.Revised = fmt.Sprintf("Revised on %s: %s (published: %s)", on.Format("2 January 2006"), f.Revision.Current, f.Revision.Published)
	}
}

// compare computes change and delta: from the last row on or before the
// base date (in.Arg, or in.Period back from the value's own row) to the
// value's row.
func (f *Figure) compare(col *dataset.Column, rows []int, latest int) string {
	in, d := f.Inline, f.Data
	f.Date = DateOf(d, latest)
	base := in.Arg
	if !in.Period.IsZero() {
		if f.Date.IsZero() {
			return fmt.Sprintf("%s %s counts back from the value's date, and %s has no dates", in.Func, in.Period, diag.Quote(d.ID))
		}
		base = in.Period.Back(f.Date)
	}
	r0, ok := rowBefore(d, rows, base)
	if !ok {
		first := "it has no dated rows"
		if r := firstRow(d, rows); !DateOf(d, r).IsZero() {
			first = "the first is " + DateOf(d, r).Format(time.DateOnly)
		}
		return fmt.Sprintf("no row of %s is dated on or before %s to compare with; %s", diag.Quote(d.ID), base.Format(time.DateOnly), first)
	}
	f.Base = DateOf(d, r0)
	from, to := d.Value(r0, col), d.Value(latest, col)
	if from.Type != dataset.Number || to.Type != dataset.Number {
		return fmt.Sprintf("%s needs numbers in %s on both dates", in.Func, diag.Cut(col.Name))
	}
	if in.Func == expr.FuncDelta {
		f.Value = tomlval.NumberValue(to.Num - from.Num)
		return ""
	}
	if from.Num == 0 {
		return fmt.Sprintf("change from zero on %s has no percentage; use | delta", f.Base.Format(time.DateOnly))
	}
	f.Value = tomlval.NumberValue((to.Num - from.Num) / math.Abs(from.Num) * 100)
	return ""
}

// show writes the figure's text from its value: in the column's format
// (a change as a signed percent with one decimal, a delta signed), then as
// the chain's last functions ask: | round, | abs, | dir.
func (f *Figure) show(col *dataset.Column) string {
	in, v := f.Inline, f.Value
	if v.Type != dataset.Number {
		if in.Abs || in.Rounded || len(in.Dir) > 0 {
			return fmt.Sprintf("abs, round and dir need a number; %s holds %ss", diag.Quote(col.Name), col.Type)
		}
		f.Text = col.FormatValue(v)
		return ""
	}
	x, n := v.Num, -1
	if in.Rounded {
		n = in.Round
	}
	if in.Abs {
		x = math.Abs(x)
		f.Value = tomlval.NumberValue(x)
	}
	format := dataset.FormatNumber
	if col != nil {
		format = col.Format
	}
	switch in.Func {
	case expr.FuncCount:
		format = dataset.FormatInteger
	}
	if in.Func == expr.FuncChange {
		decimals := 1
		if n >= 0 {
			decimals = n
		}
		f.Text = strconv.FormatFloat(x, 'f', decimals, 64) + "%"
	} else {
		f.Text = dataset.FormatDecimals(format, x, n)
	}
	if in.Func == expr.FuncChange || in.Func == expr.FuncDelta {
		f.Text = Signed(f.Text, x)
	}
	if in.Abs {
		f.Text = strings.TrimPrefix(f.Text, "+")
	}
	if len(in.Dir) > 0 {
		switch {
		case !strings.ContainsAny(f.Text, "123456789"):
			f.Text = in.Dir[2]
		case v.Num > 0:
			f.Text = in.Dir[0]
		default:
			f.Text = in.Dir[1]
		}
	}
	return ""
}

func aggregate(fn expr.Func, vals []float64) float64 {
	x := vals[0]
	for _, v := range vals[1:] {
		switch fn {
		case expr.FuncMax:
			x = math.Max(x, v)
		case expr.FuncMin:
			x = math.Min(x, v)
		default:
			x += v
		}
	}
	if fn == expr.FuncMean {
		x /= float64(len(vals))
	}
	return x
}

// LatestRow is the row with the latest date (the last in the file among
// equal ones), or the last row of a dataset without dates.
func LatestRow(d *dataset.Dataset, rows []int) int { return edgeRow(d, rows, true) }

// firstRow is the row with the earliest date (the first in the file among
// equal ones), or the first row of a dataset without dates.
func firstRow(d *dataset.Dataset, rows []int) int { return edgeRow(d, rows, false) }

func edgeRow(d *dataset.Dataset, rows []int, last bool) int {
	best := rows[0]
	if last {
		best = rows[len(rows)-1]
	}
	dc := d.DateColumn()
	if dc == nil {
		return best
	}
	// Dates compare as day numbers: this runs over every row as of the
	// briefing's date, for every figure of every briefing.
	b := d.Value(best, dc)
	for _, r := range rows {
		v := d.Value(r, dc)
		if v.Type != dataset.Date {
			continue
		}
		if b.Type != dataset.Date || last && v.Num >= b.Num || !last && v.Num < b.Num {
			best, b = r, v
		}
	}
	return best
}

// rowBefore is the last selected row dated on or before day (the last in
// the file among equal dates).
func rowBefore(d *dataset.Dataset, rows []int, day time.Time) (int, bool) {
	dc := d.DateColumn()
	if dc == nil {
		return 0, false
	}
	limit := tomlval.DateValue(day).Num
	found, best, ok := 0, 0.0, false
	for _, r := range rows {
		if v := d.Value(r, dc); v.Type == dataset.Date && v.Num <= limit && (!ok || v.Num >= best) {
			found, best, ok = r, v.Num, true
		}
	}
	return found, ok
}

// rowOn is the last selected row dated day.
func rowOn(d *dataset.Dataset, rows []int, day time.Time) (int, bool) {
	dc := d.DateColumn()
	if dc == nil {
		return 0, false
	}
	want := tomlval.DateValue(day)
	found, ok := 0, false
	for _, r := range rows {
		if d.Value(r, dc).Equal(want) {
			found, ok = r, true
		}
	}
	return found, ok
}

func DateOf(d *dataset.Dataset, r int) time.Time {
	if dc := d.DateColumn(); dc != nil {
		if v := d.Value(r, dc); v.Type == dataset.Date {
			return v.Date()
		}
	}
	return time.Time{}
}

// RowName names a row for a reader: its date (dated), or its first text
// cell.
func RowName(d *dataset.Dataset, r int) (name string, dated bool) {
	if t := DateOf(d, r); !t.IsZero() {
		return t.Format(time.DateOnly), true
	}
	for _, c := range d.Columns() {
		if x := d.Value(r, c); x.Type == dataset.String {
			return x.Str, false
		}
	}
	return "", false
}

func rowDate(d *dataset.Dataset, r int) string {
	if t := DateOf(d, r); !t.IsZero() {
		return t.Format(time.DateOnly)
	}
	return fmt.Sprintf("row %d", r+1)
}

// Raw is the value as a page's data-value attribute carries it: a number
// in full, a date as YYYY-MM-DD, text as it is.
func (f *Figure) Raw() string {
	v := f.Value
	switch v.Type {
	case dataset.Number:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case dataset.String:
		return v.Str
	}
	return strings.Trim(v.Literal(), `"`)
}

// Signed puts a + before a positive change; a negative one has its -.
func Signed(s string, x float64) string {
	if x > 0 && !strings.HasPrefix(s, "+") {
		return "+" + s
	}
	return s
}
