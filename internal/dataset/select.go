package dataset

import (
	"slices"
	"sort"
	"time"
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
	var idx []int
	lo, hi := q.From, q.To
	if !q.AsOf.IsZero() && (hi.IsZero() || q.AsOf.Before(hi)) {
		hi = q.AsOf
	}
	if d.dateCol != nil && (!lo.IsZero() || !hi.IsZero()) {
		ci := d.dateCol.Index
		start, end := 0, len(d.byDate)
		if !lo.IsZero() {
			day := DateValue(lo).Num
			start = sort.Search(len(d.byDate), func(i int) bool { return d.Rows[d.byDate[i]][ci].Num >= day })
		}
		if !hi.IsZero() {
			day := DateValue(hi).Num
			end = sort.Search(len(d.byDate), func(i int) bool { return d.Rows[d.byDate[i]][ci].Num > day })
		}
		if start < end {
			idx = slices.Clone(d.byDate[start:end])
		}
		if q.From.IsZero() && q.To.IsZero() {
			// Only the as-of cut applies: undated rows of a table stay.
			for i, r := range d.Rows {
				if r[ci].IsEmpty() {
					idx = append(idx, i)
				}
			}
		}
		slices.Sort(idx)
	} else {
		idx = make([]int, len(d.Rows))
		for i := range idx {
			idx[i] = i
		}
	}
	if len(q.Where) > 0 {
		kept := idx[:0]
		for _, i := range idx {
			if d.match(i, q.Where) {
				kept = append(kept, i)
			}
		}
		idx = kept
	}
	if q.Sort != nil {
		ci := q.Sort.Index
		slices.SortStableFunc(idx, func(a, b int) int {
			va, vb := d.Rows[a][ci], d.Rows[b][ci]
			if q.Desc && !va.IsEmpty() && !vb.IsEmpty() {
				return vb.Compare(va)
			}
			return va.Compare(vb) // empty cells last either way
		})
	}
	if q.Limit > 0 && len(idx) > q.Limit {
		idx = idx[:q.Limit]
	}
	return idx
}

func (d *Dataset) match(i int, where []Cond) bool {
	for _, c := range where {
		v := d.Rows[i][c.Column.Index]
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
	for i := len(d.byDate) - 1; i >= 0; i-- {
		t := d.Rows[d.byDate[i]][ci].Date()
		if asOf.IsZero() || !t.After(asOf) {
			return t
		}
	}
	return time.Time{}
}
