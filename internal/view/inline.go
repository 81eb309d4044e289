package view

import (
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
	Spark  *Spark        // a card's sparkline; nil elsewhere
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
		n := len(rows)
		f.Text, f.Value = dataset.FormatNum(dataset.FormatInteger, float64(n)), tomlval.IntValue(int64(n))
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
		f.Text, f.Value, f.Date = col.FormatValue(v), v, DateOf(d, r)
	case expr.FuncChange, expr.FuncDelta:
		r0, ok := rowOn(d, rows, in.Arg)
		if !ok {
			return fmt.Sprintf("no row of %s is dated %s to compare with", diag.Quote(d.ID), in.Arg.Format(time.DateOnly))
		}
		from, to := d.Value(r0, col), d.Value(latest, col)
		if from.Type != dataset.Number || to.Type != dataset.Number {
			return fmt.Sprintf("%s needs numbers in %s on both dates", in.Func, diag.Cut(col.Name))
		}
		f.Date = DateOf(d, latest)
		if in.Func == expr.FuncDelta {
			diff := to.Num - from.Num
			f.Value = tomlval.NumberValue(diff)
			f.Text = Signed(col.FormatValue(f.Value), diff)
			break
		}
		if from.Num == 0 {
			return fmt.Sprintf("change from zero on %s has no percentage; use | delta", in.Arg.Format(time.DateOnly))
		}
		pct := (to.Num - from.Num) / math.Abs(from.Num) * 100
		f.Text, f.Value = Signed(strconv.FormatFloat(pct, 'f', 1, 64)+"%", pct), tomlval.NumberValue(pct)
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
		x := aggregate(in.Func, vals)
		f.Value = tomlval.NumberValue(x)
		f.Text = col.FormatValue(f.Value)
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
