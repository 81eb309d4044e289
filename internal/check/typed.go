package check

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/project"
)

// maxPairs bounds the columns whose changes between any two cells are
// tried for a typed percentage (a long daily series would cost millions of
// pairs for each figure).
const maxPairs = 1000

// column is one number column of a briefing's data, its values as of the
// briefing's date, gathered once for all the briefing's typed figures.
type column struct {
	d      *dataset.Dataset
	c      *dataset.Column
	rows   []int     // the rows with a number in the column
	values []float64 // their numbers
}

// hit is a value a figure was compared with: a cell (z < 0) or the change
// from row a to row z of a column. It is described only when it is the
// nearest of an unmatched figure.
type hit struct {
	col   *column
	a, z  int // indices into col.rows
	value float64
}

func (h hit) String() string {
	d, c := h.col.d, h.col.c
	if h.z < 0 {
		r := h.col.rows[h.a]
		return fmt.Sprintf("%s: %s %s%s", c.FormatValue(d.Value(r, c)), d.ID, c.Name, where(d, r))
	}
	return fmt.Sprintf("%+.1f%%: %s %s from%s to%s", h.value, d.ID, c.Name,
		strings.TrimPrefix(where(d, h.col.rows[h.a]), " on"), strings.TrimPrefix(where(d, h.col.rows[h.z]), " on"))
}

// checkTyped looks for every figure typed in a briefing's prose (with %, $
// or a unit of its datasets' columns) among the values its datasets give as
// of its date: a cell, or for a percentage also the change between two
// cells of one column. Figures with no match are returned, at their place.
func checkTyped(p *project.Project) []*diag.Error {
	byID := map[string]*dataset.Dataset{}
	for _, d := range p.Datasets {
		byID[d.ID] = d
	}
	var out []*diag.Error
	for _, b := range p.All {
		typed := b.TypedFigures()
		if len(typed) == 0 {
			continue
		}
		var ids []string
		for _, v := range b.Views {
			ids = append(ids, v.Data.ID)
		}
		for _, f := range b.Figures {
			ids = append(ids, f.Data.ID)
		}
		var cols []*column
		seen := map[string]bool{}
		for _, id := range ids {
			if d := byID[id]; d != nil && !seen[id] {
				seen[id] = true
				cols = append(cols, numberColumns(d, b.Date)...)
			}
		}
		for _, t := range typed {
			if e := checkFigure(t, cols); e != nil {
				out = append(out, e)
			}
		}
	}
	return out
}

// numberColumns gathers a dataset's number columns as of a date.
func numberColumns(d *dataset.Dataset, asOf time.Time) []*column {
	d = d.On(asOf).Dataset // as it stood then, revisions undone
	rows := d.Select(dataset.Query{AsOf: asOf})
	var out []*column
	for _, c := range d.Columns() {
		if c.Type != dataset.Number {
			continue
		}
		col := &column{d: d, c: c}
		for _, r := range rows {
			if v := d.Value(r, c); v.Type == dataset.Number {
				col.rows, col.values = append(col.rows, r), append(col.values, v.Num)
			}
		}
		out = append(out, col)
	}
	return out
}

// checkFigure reports a typed figure that no value matches, naming the
// nearest.
func checkFigure(t content.Typed, cols []*column) *diag.Error {
	var ids []string
	var nearest hit
	found := false
	consider := func(h hit) bool {
		if matches(t, h.value) {
			return true
		}
		if !found || math.Abs(math.Abs(h.value)-t.Value) < math.Abs(math.Abs(nearest.value)-t.Value) {
			nearest, found = h, true
		}
		return false
	}
	for _, col := range cols {
		if !t.Percent && !t.Money && !strings.EqualFold(col.c.Unit, t.Word) {
			continue
		}
		if !slices.Contains(ids, col.d.ID) {
			ids = append(ids, col.d.ID)
		}
		for a, v := range col.values {
			if consider(hit{col, a, -1, v}) {
				return nil
			}
		}
		if !t.Percent || len(col.values) > maxPairs {
			continue
		}
		for a, va := range col.values {
			if va == 0 {
				continue
			}
			for z := a + 1; z < len(col.values); z++ {
				if consider(hit{col, a, z, (col.values[z] - va) / math.Abs(va) * 100}) {
					return nil
				}
			}
		}
	}
	if len(ids) == 0 {
		return nil // a word after a number that is no unit of these datasets
	}
	msg := fmt.Sprintf("%s on line %d matches no value in %s", t.Text, t.Pos.Line, strings.Join(ids, ", "))
	if found {
		msg += "; the nearest is " + nearest.String()
	}
	return diag.Errorf(t.Pos, "%s", msg)
}

// matches reports whether a value stands for a typed figure: it rounds to
// it at the precision written, or, after "more than" and the like, is on
// the right side of it, or, after "around" and the like, is within one and
// a half units of its last digit. Signs are left out: "a fall of 35%".
func matches(t content.Typed, v float64) bool {
	v = math.Abs(v)
	switch t.Qualifier {
	case "more than", "over", "above", "at least":
		return v >= t.Value
	case "less than", "under", "below", "at most":
		return v <= t.Value
	case "":
		return math.Abs(v-t.Value) <= t.Step/2*(1+1e-9)
	}
	return math.Abs(v-t.Value) <= t.Step*1.5
}

// where names a row: " on 2026-01-02", or " in row 3" without dates.
func where(d *dataset.Dataset, r int) string {
	if dc := d.DateColumn(); dc != nil {
		if v := d.Value(r, dc); v.Type == dataset.Date {
			return " on " + v.Date().Format(time.DateOnly)
		}
	}
	return fmt.Sprintf(" in row %d", r+1)
}
