package check

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/view"
)

// checkStale warns when the latest published briefing quotes the latest
// value of a dataset (an inline value or card without @DATE, or a series
// chart reaching its end) whose latest row is older than the previous
// published briefing, or, for a dataset with update_every, older than the
// briefing's date less that period: the week's refresh was forgotten.
// Quotes of a chosen day (@DATE) are deliberate and never stale.
func checkStale(p *project.Project) []*diag.Error {
	var published []*project.Briefing
	for _, b := range p.All {
		if !b.Draft {
			published = append(published, b)
		}
	}
	if len(published) < 2 {
		return nil
	}
	slices.SortStableFunc(published, func(a, b *project.Briefing) int { return b.Date.Compare(a.Date) })
	latest, prev := published[0], published[1]
	quoted := map[string]diag.Pos{} // dataset id -> where the latest briefing quotes its latest value
	byID := map[string]*dataset.Dataset{}
	for _, d := range p.Datasets {
		byID[d.ID] = d
	}
	for _, f := range latest.Figures {
		in := f.Inline
		switch in.Func {
		case "", expr.FuncLast, expr.FuncChange, expr.FuncDelta:
			if in.At.IsZero() {
				if _, seen := quoted[in.Dataset]; !seen {
					quoted[in.Dataset] = in.Pos
				}
			}
		}
	}
	for i, v := range latest.Views {
		d := byID[v.Data.ID]
		if _, seen := quoted[v.Data.ID]; seen || d == nil || v.Chart == nil || d.Kind() != dataset.KindSeries {
			continue
		}
		end := d.On(latest.Date).Latest()
		if slices.ContainsFunc(v.Rows, func(r int) bool { return view.DateOf(v.Data, r).Equal(end) }) {
			quoted[v.Data.ID] = latest.Blocks()[blockOf(latest, i)].Pos()
		}
	}
	var warns []*diag.Error
	for _, id := range slices.Sorted(maps.Keys(quoted)) {
		d := byID[id]
		if d == nil || d.DateColumn() == nil {
			continue
		}
		state := d.On(latest.Date)
		last := state.Latest()
		if last.IsZero() {
			continue
		}
		due, why := prev.Date, fmt.Sprintf("the previous briefing (%s)", prev.Date.Format(time.DateOnly))
		if d.UpdateEvery != "" {
			n, _ := dataset.ParseEvery(d.UpdateEvery)
			if n == 0 { // never
				continue
			}
			due = expr.Period{N: n, Unit: d.UpdateEvery[len(d.UpdateEvery)-1]}.Back(latest.Date)
			why = fmt.Sprintf("%s, the briefing's date less update_every = %q", due.Format(time.DateOnly), d.UpdateEvery)
		}
		if !last.Before(due) {
			continue
		}
		pos := lastRowPos(state)
		warns = append(warns, diag.Errorf(pos, "latest row %s is older than %s: was it updated? (the latest value is quoted at %s; set update_every = \"1m\" or such if the dataset is updated less often)",
			last.Format(time.DateOnly), why, quoted[id]))
	}
	return warns
}

// blockOf is the index among the briefing's blocks of the block whose
// table is view i.
func blockOf(b *project.Briefing, view int) int {
	n := 0
	for i, bd := range b.Bound {
		if bd == nil {
			continue
		}
		n += len(bd.Tables())
		if view < n {
			return i
		}
	}
	return 0
}

// lastRowPos is the place of the dataset's latest row in its file.
func lastRowPos(d dataset.AsOf) diag.Pos {
	rows := d.Select(dataset.Query{Sort: d.DateColumn(), Desc: true, Limit: 1})
	if len(rows) == 0 {
		return diag.Pos{File: d.File, Line: 1, Col: 1}
	}
	return d.RowPos(rows[0])
}
