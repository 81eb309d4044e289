package build

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

// candidate is a value a typed figure may stand for.
type candidate struct {
	value float64
	text  string // as the nearest: "-36.4%: hashprice usd_per_ph_day from 2025-07-01 to 2026-01-02"
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
		var sets []*dataset.Dataset
		add := func(id string) {
			if d := byID[id]; d != nil && !slices.Contains(sets, d) {
				sets = append(sets, d)
			}
		}
		for _, v := range b.Views {
			add(v.Data.ID)
		}
		for _, f := range b.Figures {
			add(f.Data.ID)
		}
		if len(sets) == 0 {
			continue
		}
		for _, t := range b.TypedFigures() {
			if e := checkFigure(t, sets, b.Date); e != nil {
				out = append(out, e)
			}
		}
	}
	return out
}

// checkFigure reports a typed figure that no value matches, naming the
// nearest.
func checkFigure(t content.Typed, sets []*dataset.Dataset, asOf time.Time) *diag.Error {
	var cands []candidate
	var ids []string
	for _, d := range sets {
		rows := d.Select(dataset.Query{AsOf: asOf})
		for _, c := range d.Columns() {
			if c.Type != dataset.Number || !t.Percent && !t.Money && !strings.EqualFold(c.Unit, t.Word) {
				continue
			}
			if !slices.Contains(ids, d.ID) {
				ids = append(ids, d.ID)
			}
			cands = append(cands, cells(d, c, rows)...)
			if t.Percent && len(rows) <= maxPairs {
				cands = append(cands, changes(d, c, rows)...)
			}
		}
	}
	if len(ids) == 0 {
		return nil // a word after a number that is no unit of these datasets
	}
	var nearest *candidate
	for i, c := range cands {
		if matches(t, c.value) {
			return nil
		}
		if nearest == nil || math.Abs(math.Abs(c.value)-t.Value) < math.Abs(math.Abs(nearest.value)-t.Value) {
			nearest = &cands[i]
		}
	}
	msg := fmt.Sprintf("%s on line %d matches no value in %s", t.Text, t.Pos.Line, strings.Join(ids, ", "))
	if nearest != nil {
		msg += "; the nearest is " + nearest.text
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

func cells(d *dataset.Dataset, c *dataset.Column, rows []int) []candidate {
	var out []candidate
	for _, r := range rows {
		if v := d.Value(r, c); v.Type == dataset.Number {
			out = append(out, candidate{v.Num, fmt.Sprintf("%s: %s %s%s", c.FormatValue(v), d.ID, c.Name, where(d, r))})
		}
	}
	return out
}

// changes are the percent changes between any two cells of a column, from
// the earlier row to the later.
func changes(d *dataset.Dataset, c *dataset.Column, rows []int) []candidate {
	var out []candidate
	for i, a := range rows {
		va := d.Value(a, c)
		if va.Type != dataset.Number || va.Num == 0 {
			continue
		}
		for _, z := range rows[i+1:] {
			vz := d.Value(z, c)
			if vz.Type != dataset.Number {
				continue
			}
			pct := (vz.Num - va.Num) / math.Abs(va.Num) * 100
			out = append(out, candidate{pct, fmt.Sprintf("%+.1f%%: %s %s from%s to%s", pct, d.ID, c.Name,
				strings.TrimPrefix(where(d, a), " on"), strings.TrimPrefix(where(d, z), " on"))})
		}
	}
	return out
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
