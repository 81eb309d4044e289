package dataset

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/brief-desk/brief/internal/tomlval"
)

// Cond keeps rows whose column equals any of Values.
type Cond struct {
	Column *Column
	Values []Value
}

// Query selects rows. Filters apply first, then the sort, then the limit.
type Query struct {
	Where    []Cond
	From, To time.Time // inclusive window on the date column; zero is open
	AsOf     time.Time // rows dated after AsOf are left out; zero is no cut
	Sort     *Column
	Desc     bool
	Limit    int // 0 is no limit
}

// Select returns the indices of the rows the query keeps, in file order
// unless a sort is given. A date window uses the dataset's date index, so it
// costs a binary search plus the rows kept, not a scan of years of rows.
func (d *Dataset) Select(q Query) []int {
	order := d.order(q)
	if order != nil && q.Limit > 0 && q.Limit <= maxTop {
		// The first rows of a sort ("the ten largest deals to date", once
		// per briefing of the archive): the window's rows are visited in
		// place, neither copied nor put in file order, which breaks ties.
		kept := make([]int, 0, q.Limit+1)
		d.each(d.span(q), func(i int) {
			if len(q.Where) == 0 || d.match(i, q.Where) {
				kept = keepTop(kept, i, q.Limit, order)
			}
		})
		return kept
	}
	idx := d.window(q)
	if len(q.Where) > 0 {
		kept := idx[:0]
		for _, i := range idx {
			if d.match(i, q.Where) {
				kept = append(kept, i)
			}
		}
		idx = kept
	}
	if order != nil {
		slices.SortFunc(idx, order)
	}
	if q.Limit > 0 && len(idx) > q.Limit {
		idx = idx[:q.Limit]
	}
	if cap(idx) > 2*len(idx)+64 {
		// A view lives as long as the build: do not keep a large backing
		// array alive for a few rows.
		idx = slices.Clone(idx)
	}
	return idx
}

// order is the query's sort as a total order of row indices (ties in file
// order), or nil without a sort.
func (d *Dataset) order(q Query) func(a, b int) int {
	if q.Sort == nil {
		return nil
	}
	ci := q.Sort.Index
	return func(a, b int) int {
		va, vb := d.rows[a][ci], d.rows[b][ci]
		c := va.Compare(vb) // empty cells last either way
		if q.Desc && !va.IsEmpty() && !vb.IsEmpty() {
			c = vb.Compare(va)
		}
		return cmp.Or(c, a-b)
	}
}

// maxTop is the largest limit for which Select keeps the first rows of a
// sort as it goes (keepTop) rather than sorting every row.
const maxTop = 64

// keepTop adds row i to kept, the first rows so far in the total order
// cmp, keeping at most n: what sorting every row and keeping n gives, in
// O(rows log n) for the few rows a block shows of a long table.
func keepTop(kept []int, i, n int, cmp func(a, b int) int) []int {
	if len(kept) == n && cmp(i, kept[n-1]) > 0 {
		return kept
	}
	at, _ := slices.BinarySearchFunc(kept, i, cmp)
	kept = slices.Insert(kept, at, i)
	if len(kept) > n {
		kept = kept[:n]
	}
	return kept
}

// span is where a query's date window lies: the rows byDate[start:end],
// and the undated rows too when undated; every row when all.
type span struct {
	start, end   int
	undated, all bool
}

// each calls f with every row of s, in no particular order.
func (d *Dataset) each(s span, f func(i int)) {
	if s.all {
		for i := range d.rows {
			f(i)
		}
		return
	}
	for _, i := range d.byDate[s.start:max(s.start, s.end)] {
		f(i)
	}
	if s.undated {
		for _, i := range d.undated {
			f(i)
		}
	}
}

// window returns, in file order, the rows of the query's date window
// (span).
func (d *Dataset) window(q Query) []int {
	s := d.span(q)
	if s.all {
		idx := make([]int, len(d.rows))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	var idx []int
	if s.start < s.end {
		idx = slices.Clone(d.byDate[s.start:s.end])
	}
	if s.undated {
		idx = append(idx, d.undated...)
	}
	slices.Sort(idx)
	return idx
}

// span finds the rows inside the query's date window (from, to, the as-of
// cut and equality filters on the date column) by binary search in the
// date index; every row when there is no window.
func (d *Dataset) span(q Query) span {
	lo, hi := q.From, q.To
	if !q.AsOf.IsZero() && (hi.IsZero() || q.AsOf.Before(hi)) {
		hi = q.AsOf
	}
	// An equality filter on the date column narrows the window too, so that
	// "the moves of one day" is a binary search, not a scan of every day.
	dateEq := false
	for _, c := range q.Where {
		first, last, ok := d.dateSpan(c)
		if !ok {
			continue
		}
		dateEq = true
		if lo.IsZero() || first.After(lo) {
			lo = first
		}
		if hi.IsZero() || last.Before(hi) {
			hi = last
		}
	}
	if d.dateCol == nil || (lo.IsZero() && hi.IsZero()) {
		return span{all: true}
	}
	ci := d.dateCol.Index
	s := span{end: len(d.byDate)}
	if !lo.IsZero() {
		day := tomlval.DateValue(lo).Num
		s.start = sort.Search(len(d.byDate), func(i int) bool { return d.rows[d.byDate[i]][ci].Num >= day })
	}
	if !hi.IsZero() {
		day := tomlval.DateValue(hi).Num
		s.end = sort.Search(len(d.byDate), func(i int) bool { return d.rows[d.byDate[i]][ci].Num > day })
	}
	// Only the as-of cut applies: undated rows of a table stay.
	s.undated = q.From.IsZero() && q.To.IsZero() && !dateEq && len(d.undated) > 0
	return s
}

// dateSpan is the first and last date an equality filter on the date
// column accepts; ok is false for a filter on another column or with a value
// that is not a date.
func (d *Dataset) dateSpan(c Cond) (first, last time.Time, ok bool) {
	if c.Column != d.dateCol || len(c.Values) == 0 {
		return first, last, false
	}
	for _, v := range c.Values {
		if v.Type != Date {
			return time.Time{}, time.Time{}, false
		}
		t := v.Date()
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if last.IsZero() || t.After(last) {
			last = t
		}
	}
	return first, last, true
}

func (d *Dataset) match(i int, where []Cond) bool {
	for _, c := range where {
		v := d.rows[i][c.Column.Index]
		if !slices.ContainsFunc(c.Values, v.Equal) {
			return false
		}
	}
	return true
}

// LatestDate is the latest date on or before asOf (zero: any), or the zero time.
func (d *Dataset) LatestDate(asOf time.Time) time.Time {
	if d.dateCol == nil {
		return time.Time{}
	}
	ci := d.dateCol.Index
	end := len(d.byDate)
	if !asOf.IsZero() {
		day := tomlval.DateValue(asOf).Num
		end = sort.Search(len(d.byDate), func(i int) bool { return d.rows[d.byDate[i]][ci].Num > day })
	}
	if end == 0 {
		return time.Time{}
	}
	return d.rows[d.byDate[end-1]][ci].Date()
}

// AsOf is a dataset as it stood on a date: what a briefing of that date may
// show. Blocks bind to one, so the as-of rule is kept here, in one place:
// a row dated after Date is left out.
type AsOf struct {
	*Dataset
	Date time.Time
}

// Select is Dataset.Select without the rows dated after a.Date.
func (a AsOf) Select(q Query) []int {
	q.AsOf = a.Date
	return a.Dataset.Select(q)
}

// Latest is the latest date of a row on or before a.Date, or zero.
func (a AsOf) Latest() time.Time { return a.LatestDate(a.Date) }
