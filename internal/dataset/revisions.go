package dataset

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// A row that a published briefing could see is history: a change to it is
// recorded (docs/format.md, "Revisions"), not overwritten:
//
//	[[rows.revisions]]
//	on = 2025-12-02     # from this day on the row holds its current values
//	usd_per_lb = 81.90  # what it held before
//
// and a row that appears in, or leaves, a published window carries added
// or removed. On(date) shows every row as it stood on a date; it is the one
// place the rule lives, so every block, inline value and check that binds
// through it sees the same thing.

// RowHistory is a row's revisions and the days it entered and left.
type RowHistory struct {
	Revisions []Revision // ascending On
	Added     time.Time  // zero: always there
	Removed   time.Time  // zero: still there
}

// Revision is what some of a row's cells held before On.
type Revision struct {
	On    time.Time
	Cells map[int]Value // by column Index
}

// history is what On needs: every row (removed ones too) with its current
// values, and the rows' histories. A dataset without any is nil, and costs
// nothing.
type history struct {
	all    [][]Value
	pos    []diag.Pos
	rows   map[int]*RowHistory // by index into all
	events []time.Time         // the distinct days something changes, sorted

	mu     sync.Mutex
	states map[int]*Dataset // by the number of events on or before a date
}

// reserved are the keys of a row that are not columns.
var reserved = []string{"revisions", "added", "removed"}

// On is the dataset as it stood on date: rows added after it left out,
// rows removed after it put back, and revisions made after it undone.
// Without revisions it is the dataset itself.
func (d *Dataset) On(date time.Time) AsOf {
	if d.at != nil {
		return AsOf{Dataset: d.at(date), Date: date}
	}
	h := d.hist
	if h == nil {
		return AsOf{Dataset: d, Date: date}
	}
	n := sort.Search(len(h.events), func(i int) bool { return h.events[i].After(date) })
	if n == len(h.events) {
		return AsOf{Dataset: d.current(), Date: date}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.states[n]
	if !ok {
		// Every date before the next event sees the same rows.
		s = d.state(h.events[n].AddDate(0, 0, -1))
		h.states[n] = s
	}
	return AsOf{Dataset: s, Date: date}
}

// current is the dataset as it stands now (a state of it, or itself).
func (d *Dataset) current() *Dataset {
	if d.base != nil {
		return d.base
	}
	return d
}

// state makes the dataset as it stood on day.
func (d *Dataset) state(day time.Time) *Dataset {
	h, cur := d.hist, d.current()
	var rows [][]Value
	var origin []int
	var pos []diag.Pos
	for i, row := range h.all {
		rh := h.rows[i]
		if rh != nil && (rh.Added.After(day) || !rh.Removed.IsZero() && !rh.Removed.After(day)) {
			continue
		}
		if rh != nil {
			row = slices.Clone(row)
			for _, rv := range slices.Backward(rh.Revisions) {
				if !rv.On.After(day) {
					break
				}
				for c, v := range rv.Cells {
					row[c] = v
				}
			}
		}
		rows, origin, pos = append(rows, row), append(origin, i), append(pos, h.pos[i])
	}
	s := cur.meta()
	s.kind, s.columns, s.rows, s.rowPos = cur.kind, cur.columns, rows, pos
	s.hist, s.base, s.origin, s.day = h, cur, origin, day
	s.index()
	return s
}

// setHistory makes d the current state of all: the rows not removed, each
// with its current values.
func (d *Dataset) setHistory(all [][]Value, pos []diag.Pos, rows map[int]*RowHistory) {
	if len(rows) == 0 {
		return
	}
	h := &history{all: all, pos: pos, rows: rows, states: map[int]*Dataset{}}
	seen := map[time.Time]bool{}
	for _, rh := range rows {
		for _, t := range append([]time.Time{rh.Added, rh.Removed}, revisionDays(rh)...) {
			if !t.IsZero() && !seen[t] {
				seen[t] = true
				h.events = append(h.events, t)
			}
		}
	}
	slices.SortFunc(h.events, time.Time.Compare)
	d.hist = h
	d.rows, d.rowPos, d.origin = nil, nil, nil
	for i, row := range all {
		if rh := rows[i]; rh != nil && !rh.Removed.IsZero() {
			continue
		}
		d.rows, d.rowPos, d.origin = append(d.rows, row), append(d.rowPos, pos[i]), append(d.origin, i)
	}
}

func revisionDays(rh *RowHistory) []time.Time {
	var out []time.Time
	for _, r := range rh.Revisions {
		out = append(out, r.On)
	}
	return out
}

// Revised reports whether the cell of row r in column c, as this state of
// the dataset shows it, has been revised since: the day of the first
// revision after this state's day, and the value the cell holds now.
func (d *Dataset) Revised(r int, c *Column) (on time.Time, now Value, ok bool) {
	if d.base == nil || d.hist == nil {
		return time.Time{}, Value{}, false
	}
	o := d.origin[r]
	rh := d.hist.rows[o]
	if rh == nil {
		return time.Time{}, Value{}, false
	}
	for _, rv := range rh.Revisions {
		if _, touched := rv.Cells[c.Index]; touched && rv.On.After(d.day) {
			now = d.hist.all[o][c.Index]
			return rv.On, now, !now.Equal(d.rows[r][c.Index])
		}
	}
	return time.Time{}, Value{}, false
}

// History lists the rows with revisions, added or removed, by their index
// in the file (for the workbook's sheet of revisions and for import).
func (d *Dataset) History() map[int]*RowHistory {
	if d.hist == nil {
		return nil
	}
	return d.hist.rows
}

// rawHistory is a row's reserved keys as the file gives them.
type rawHistory struct {
	row       int
	revisions []map[string]any
	added     any
	removed   any
}

// takeHistory removes a row's reserved keys, kept for histories.
func (p *parser) takeHistory(i int, row map[string]any) map[string]any {
	var raw *rawHistory
	for _, k := range reserved {
		x, ok := row[k]
		if !ok {
			continue
		}
		if raw == nil {
			raw = &rawHistory{row: i}
			row = maps.Clone(row)
		}
		delete(row, k)
		switch k {
		case "added":
			raw.added = x
		case "removed":
			raw.removed = x
		case "revisions":
			list, ok := x.([]map[string]any)
			if !ok {
				p.errorf(fmt.Sprintf("rows[%d].revisions", i), "rows[%d].revisions: want [[rows.revisions]] tables, each with on = DATE and the cells that changed, got %s", i, tomlval.Describe(x))
			}
			raw.revisions = list
		}
	}
	if raw != nil {
		p.raw = append(p.raw, raw)
	}
	return row
}

// histories checks the rows' reserved keys against the typed rows and
// gives the dataset its history.
func (p *parser) histories() {
	if len(p.raw) == 0 {
		return
	}
	d := p.d
	rows := map[int]*RowHistory{}
	for _, raw := range p.raw {
		prefix := fmt.Sprintf("rows[%d]", raw.row)
		var rowDay time.Time
		if dc := d.dateColumnOf(); dc != nil {
			if v := d.rows[raw.row][dc.Index]; v.Type == Date {
				rowDay = v.Date()
			}
		}
		day := func(path string, x any) time.Time {
			v, err := tomlval.FromTOML(x)
			if err != nil || v.Type != Date {
				p.errorf(path, "%s: want a date such as 2026-01-02, got %s", path, tomlval.Describe(x))
				return time.Time{}
			}
			if !rowDay.IsZero() && !v.Date().After(rowDay) {
				p.errorf(path, "%s: %s is not after the row's date, %s", path, v.Date().Format(time.DateOnly), rowDay.Format(time.DateOnly))
			}
			return v.Date()
		}
		rh := &RowHistory{}
		if raw.added != nil {
			rh.Added = day(prefix+".added", raw.added)
		}
		if raw.removed != nil {
			rh.Removed = day(prefix+".removed", raw.removed)
			if !rh.Added.IsZero() && !rh.Removed.After(rh.Added) {
				p.errorf(prefix+".removed", "%s.removed: %s is not after added, %s", prefix, rh.Removed.Format(time.DateOnly), rh.Added.Format(time.DateOnly))
			}
		}
		for j, rv := range raw.revisions {
			rh.Revisions = append(rh.Revisions, p.revision(fmt.Sprintf("%s.revisions[%d]", prefix, j), rv, day))
		}
		for j := 1; j < len(rh.Revisions); j++ {
			if !rh.Revisions[j].On.After(rh.Revisions[j-1].On) {
				p.errorf(fmt.Sprintf("%s.revisions[%d].on", prefix, j), "%s.revisions[%d].on: revisions go in ascending order of on; %s is not after %s",
					prefix, j, rh.Revisions[j].On.Format(time.DateOnly), rh.Revisions[j-1].On.Format(time.DateOnly))
			}
		}
		rows[raw.row] = rh
	}
	if p.errs.Len() == 0 {
		d.setHistory(d.rows, d.rowPos, rows)
	}
}

// revision reads one [[rows.revisions]] table.
func (p *parser) revision(prefix string, t map[string]any, day func(string, any) time.Time) Revision {
	d := p.d
	rv := Revision{Cells: map[int]Value{}}
	if x, ok := t["on"]; ok {
		rv.On = day(prefix+".on", x)
	} else {
		p.errorf(prefix, "%s: missing on = DATE, the day from which the row holds its current values", prefix)
	}
	if x, ok := t["empty"]; ok {
		p.emptyCells(prefix+".empty", x, rv)
	}
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if k == "on" || k == "empty" {
			continue
		}
		path := prefix + "." + k
		c := d.Column(k)
		if c == nil {
			p.keyErrorf(path, "%s: the dataset has no column %s%s; a revision holds what cells of its row held before", diag.Cut(path), diag.Quote(k), tomlval.Suggest(k, d.ColumnNames()))
			continue
		}
		if _, was := rv.Cells[c.Index]; was {
			p.errorf(path, "%s: %s is also in empty; a cell held a value or nothing", diag.Cut(path), diag.Quote(k))
			continue
		}
		v, err := tomlval.FromTOML(t[k])
		if err == nil && v.Type != c.Type {
			err = fmt.Errorf("want %s, got %s", c.Type.Noun(), v.Describe())
		}
		if err != nil {
			p.errorf(path, "%s: %v", diag.Cut(path), err)
			continue
		}
		rv.Cells[c.Index] = v
	}
	if len(rv.Cells) == 0 {
		p.errorf(prefix, "%s: a revision names at least one cell that changed", prefix)
	}
	return rv
}

// emptyCells reads a revision's empty = ["col", ...]: the cells that held
// nothing before the revision (a deal's value disclosed later).
func (p *parser) emptyCells(path string, x any, rv Revision) {
	list, ok := x.([]any)
	if !ok {
		p.errorf(path, "%s: want a list of the columns that were empty, such as [\"value_usd\"], got %s", path, tomlval.Describe(x))
		return
	}
	for i, e := range list {
		name, _ := e.(string)
		c := p.d.Column(name)
		if c == nil {
			p.errorf(fmt.Sprintf("%s[%d]", path, i), "%s[%d]: the dataset has no column %s", path, i, tomlval.Describe(e))
			continue
		}
		rv.Cells[c.Index] = Value{}
	}
}

// dateColumnOf is the date column the index will use (the index is made
// after the histories).
func (d *Dataset) dateColumnOf() *Column {
	switch d.kind {
	case KindSeries, KindMoves:
		return d.Column("date")
	case KindDeals:
		return d.Column("announced")
	}
	if c := d.Column("date"); c != nil && c.Type == Date {
		return c
	}
	return nil
}

// updateEvery reads update_every: how often the dataset gets a new row.
func (p *parser) updateEvery(m map[string]any) {
	x, ok := m["update_every"]
	if !ok {
		return
	}
	s, isText := x.(string)
	if _, valid := ParseEvery(s); !isText || !valid {
		p.errorf("update_every", "update_every: want a period such as \"1w\", \"1m\" or \"1y\" (Nd, Nw, Nm, Ny), or \"never\", got %s", tomlval.Describe(x))
		return
	}
	p.d.UpdateEvery = s
}

// ParseEvery reads an update_every period: N and its unit (d, w, m, y), or
// zero for "never". ok is false for anything else.
func ParseEvery(s string) (n int, ok bool) {
	if s == "never" {
		return 0, true
	}
	if len(s) < 2 || !strings.ContainsRune("dwmy", rune(s[len(s)-1])) {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	return n, err == nil && n >= 1 && n <= 36_600 && s[0] != '+'
}

// key reads key = ["col", ...]: the columns that identify a row.
func (p *parser) key(m map[string]any) {
	x, ok := m["key"]
	if !ok {
		return
	}
	list, isList := x.([]any)
	if !isList || len(list) == 0 {
		p.errorf("key", "key: want a list of column names such as [\"date\", \"ticker\"], got %s", tomlval.Describe(x))
		return
	}
	for i, e := range list {
		s, isText := e.(string)
		if !isText || !tomlval.ValidID(s) {
			p.errorf(fmt.Sprintf("key[%d]", i), "key[%d]: want a column name, got %s", i, tomlval.Describe(e))
			continue
		}
		p.d.Key = append(p.d.Key, s)
	}
}
