package dataset

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// A derived dataset (docs/format.md, "Derived datasets") lists no rows: its
// query = """...""" is SQL over the other datasets, which package derive
// runs. Parse keeps the query and the columns it declares; Result makes
// what the query gave a dataset, typed and checked as a file's rows are;
// Derive gives the dataset its snapshots, so that On finds it as it stood
// on a date like any other dataset.

// Derivation is a derived dataset's query and its declared columns.
type Derivation struct {
	Query string
	// Pos is where the query's text starts in the file; Exact says the
	// file holds the text as is (no escapes), so that At can place a byte
	// of it.
	Pos     diag.Pos
	Exact   bool
	Columns map[string]Declared // [columns.<name>], by name
	KeyPos  diag.Pos            // the query key, for messages about the whole query
}

// Declared is what a derived dataset's [columns.<name>] says.
type Declared struct {
	Label, Unit string
	Format      Format
	Type        Type // from type = "date", "number" or "text", or the format; Empty: from the values
	Pos         diag.Pos
}

// At is the place in the file of a byte offset into the query.
func (q *Derivation) At(off int) diag.Pos {
	if !q.Exact || off <= 0 {
		return q.Pos
	}
	off = min(off, len(q.Query))
	before := q.Query[:off]
	n := strings.Count(before, "\n")
	if n == 0 {
		return diag.Pos{File: q.Pos.File, Line: q.Pos.Line, Col: q.Pos.Col + off}
	}
	return diag.Pos{File: q.Pos.File, Line: q.Pos.Line + n, Col: off - strings.LastIndexByte(before, '\n')}
}

// Derivation is the dataset's query, or nil for a dataset of rows.
func (d *Dataset) Derivation() *Derivation { return d.derived }

// Snapshots finds a derived dataset as it stood on a day (package derive).
type Snapshots func(day time.Time) *Dataset

// Derive makes d, a derived dataset's result, find itself as of a date
// through at: On(date) is at(date). Package derive calls it on the current
// result and on every snapshot, before any of them is shared.
func (d *Dataset) Derive(at Snapshots) { d.at = at }

// typeNames are a declared column's type = values.
var typeNames = map[string]Type{"date": Date, "number": Number, "text": String}

// query reads a derived dataset's query and declared columns (the rest of
// the file was read by meta).
func (p *parser) query(m map[string]any, src []byte) {
	d := p.d
	if _, ok := m["rows"]; ok {
		p.keyErrorf("rows", "a derived dataset has a query instead of rows: remove the [[rows]] tables or the query")
	}
	s, err := tomlval.Text(m["query"])
	if err != nil {
		p.errorf("query", "query: %v", err)
		return
	}
	if strings.TrimSpace(s) == "" {
		p.errorf("query", "query must not be empty: write a SELECT over the other datasets")
		return
	}
	q := &Derivation{Query: s, Columns: map[string]Declared{}, KeyPos: p.keyAt("query")}
	q.Pos, q.Exact = p.queryStart("query", s, src)
	d.derived = q
	meta, _ := m["columns"].(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(meta)) {
		path := "columns." + name
		cm, ok := meta[name].(map[string]any)
		if !ok {
			p.errorf(path, "%s: want a table such as [columns.%s] with label, unit, format and type, got %s", diag.Cut(path), diag.Cut(name), tomlval.Describe(meta[name]))
			continue
		}
		dc := p.columnTable(path, cm, true)
		ft := formatType(dc.Format)
		switch {
		case dc.Type == Empty:
			dc.Type = ft
		case ft != Empty && ft != dc.Type:
			p.errorf(path+".format", "%s.format: %s does not fit a column of %ss", diag.Cut(path), dc.Format, dc.Type)
		}
		q.Columns[name] = dc
	}
}

// columnTable reads a [columns.<name>] table at path: label, unit and
// format, and for a derived dataset type; each problem at its key.
func (p *parser) columnTable(path string, cm map[string]any, derived bool) Declared {
	dc := Declared{Pos: p.keyAt(path)}
	keys, names := columnKeys, "column keys are label, unit and format"
	if derived {
		keys, names = append(slices.Clone(columnKeys), "type"), "a derived dataset's column keys are label, unit, format and type"
	}
	for _, k := range slices.Sorted(maps.Keys(cm)) {
		if !slices.Contains(keys, k) {
			p.keyErrorf(path+"."+k, "%s: unknown key %s%s; %s", diag.Cut(path), diag.Quote(k), tomlval.Suggest(k, keys), names)
			continue
		}
		v, err := tomlval.Text(cm[k])
		if err != nil {
			p.errorf(path+"."+k, "%s.%s: %v", diag.Cut(path), k, err)
			continue
		}
		switch k {
		case "label":
			dc.Label = v
		case "unit":
			dc.Unit = v
		case "format":
			if !validFormat(v) {
				p.errorf(path+".format", "%s.format: unknown format %s; use number, integer, usd, usd_compact, percent, date or text", diag.Cut(path), diag.Quote(v))
				continue
			}
			dc.Format = Format(v)
		case "type":
			t, ok := typeNames[v]
			if !ok {
				p.errorf(path+".type", "%s.type: unknown type %s; use date, number or text", diag.Cut(path), diag.Quote(v))
				continue
			}
			dc.Type = t
		}
	}
	return dc
}

// formatType is the type a format fixes, or Empty.
func formatType(f Format) Type {
	switch {
	case f == "":
		return Empty
	case f.Numeric():
		return Number
	case f == FormatDate:
		return Date
	}
	return Empty
}

func (p *parser) keyAt(path string) diag.Pos {
	pos := p.ix.Key(path)
	return diag.Pos{File: p.d.File, Line: pos.Line, Col: pos.Col}
}

// queryStart is where the text of the string at path starts in src: after
// its opening quotes, and after the newline that TOML trims right after
// """ or ”'. exact says the file holds the text byte for byte.
func (p *parser) queryStart(path, text string, src []byte) (diag.Pos, bool) {
	at := p.at(path)
	lines := diag.NewLines(src)
	off := lines.Offset(at.Line, at.Col)
	if off < 0 || off >= len(src) {
		return at, false
	}
	rest := src[off:]
	quote := 1
	if bytes.HasPrefix(rest, []byte(`"""`)) || bytes.HasPrefix(rest, []byte(`'''`)) {
		quote = 3
	}
	off += quote
	if quote == 3 {
		switch {
		case bytes.HasPrefix(src[off:], []byte("\n")):
			off++
		case bytes.HasPrefix(src[off:], []byte("\r\n")):
			off += 2
		}
	}
	line, col := lines.LineCol(off)
	pos := diag.Pos{File: p.d.File, Line: line, Col: col}
	return pos, bytes.HasPrefix(src[off:], []byte(text))
}

// Result makes what a derived dataset's query gave (names and, per row, a
// value per column: numbers, text or empty) a dataset: dates read from
// YYYY-MM-DD text in the columns that hold dates (declared so, required so
// by the kind, or named in dates), every column typed, labelled and
// formatted, and the kind's rules checked. like, when not nil, is the
// current result, whose column types a past one keeps. The problems are
// returned as messages, for derive to place at the query.
func (d *Dataset) Result(names []string, rows [][]Value, dates map[string]bool, like *Dataset) (*Dataset, []string) {
	r := &result{d: d, q: d.derived}
	cols := r.columns(names)
	if len(r.probs) > 0 {
		return nil, r.probs
	}
	r.types(cols, rows, dates, like)
	r.cells(cols, rows)
	if len(r.probs) > 0 {
		return nil, r.probs
	}
	out, err := New(*d.meta(), d.kind, cols, rows)
	if err != nil {
		return nil, []string{err.Error()}
	}
	out.derived = r.q
	out.rowPos = make([]diag.Pos, len(rows))
	for i := range out.rowPos {
		out.rowPos[i] = r.q.KeyPos
	}
	for _, pr := range CheckKind(out) {
		msg := strings.Replace(pr.Msg, FirstMark, fmt.Sprintf("row %d", pr.First+1), 1)
		switch {
		case pr.Row < 0:
			r.probs = append(r.probs, msg)
		case pr.Column == "":
			r.cellProblem("row %d: %s", pr.Row+1, msg)
		default:
			r.cellProblem("row %d, column %s: %s", pr.Row+1, diag.Quote(pr.Column), msg)
		}
	}
	if len(r.probs) > 0 {
		return nil, r.probs
	}
	return out, nil
}

// result is one Result's state.
type result struct {
	d     *Dataset
	q     *Derivation
	probs []string
}

// mostCells is how many problems with cells one result reports.
const mostCells = 8

func (r *result) cellProblem(format string, args ...any) {
	if len(r.probs) < mostCells {
		r.probs = append(r.probs, fmt.Sprintf(format, args...))
	} else if len(r.probs) == mostCells {
		r.probs = append(r.probs, "and more like these")
	}
}

// columns checks the result's column names against the rules of names
// and the declared columns.
func (r *result) columns(names []string) []*Column {
	seen := map[string]bool{}
	cols := make([]*Column, len(names))
	for i, n := range names {
		if !tomlval.ValidID(n) {
			r.probs = append(r.probs, fmt.Sprintf("result column %s: name it with lower-case letters, digits, '-' and '_' (SELECT ... AS name)", diag.Quote(n)))
		}
		if seen[n] {
			r.probs = append(r.probs, fmt.Sprintf("two result columns are named %s: give one another name with AS", diag.Quote(n)))
		}
		seen[n] = true
		cols[i] = &Column{Name: n, Index: i, AllInt: true}
	}
	for _, n := range slices.Sorted(maps.Keys(r.q.Columns)) {
		if !seen[n] {
			r.probs = append(r.probs, fmt.Sprintf("[columns.%s] names a column the query does not give; it gives %s", diag.Cut(n), diag.Names(names)))
		}
	}
	return cols
}

// types gives each column its type: declared, a date by the kind or by
// name, the current result's, or the one most of its cells have.
func (r *result) types(cols []*Column, rows [][]Value, dates map[string]bool, like *Dataset) {
	need := map[string]Type{}
	for _, k := range kindColumns[r.d.kind] {
		need[k.name] = k.typ
	}
	for _, c := range cols {
		dc := r.q.Columns[c.Name]
		switch {
		case dc.Type != Empty:
			c.Type = dc.Type
		case need[c.Name] == Date || dates[c.Name]:
			c.Type = Date
		case like != nil && like.Column(c.Name) != nil && like.Column(c.Name).Type != Empty:
			c.Type = like.Column(c.Name).Type
		default:
			// The type most cells have; empty cells do not count, and
			// on a tie text loses.
			var n [5]int
			for _, row := range rows {
				n[row[c.Index].Type]++
			}
			for _, t := range []Type{Number, String} {
				if n[t] > 0 && (c.Type == Empty || n[t] > n[c.Type]) {
					c.Type = t
				}
			}
		}
	}
}

// cells reads the dates and checks every cell against its column's type,
// then labels and formats the columns.
func (r *result) cells(cols []*Column, rows [][]Value) {
	for i, row := range rows {
		for _, c := range cols {
			v := &row[c.Index]
			switch {
			case v.IsEmpty():
			case c.Type == Date && v.Type == Date: // read as a date already
			case c.Type == Date:
				t, err := time.Parse(time.DateOnly, v.Str)
				if v.Type != String || err != nil {
					r.cellProblem("row %d, column %s: want a date as YYYY-MM-DD text (date() gives one), got %s", i+1, diag.Quote(c.Name), v.Describe())
					continue
				}
				*v = tomlval.DateValue(t)
			case v.Type != c.Type:
				r.cellProblem("row %d, column %s: want %s, got %s (the rest of the column holds %ss)", i+1, diag.Quote(c.Name), c.Type.Noun(), v.Describe(), c.Type)
			case v.Type == Number && !v.Int:
				c.AllInt = false
			}
		}
	}
	for _, c := range cols {
		dc := r.q.Columns[c.Name]
		c.Label, c.Unit, c.Format = cmp.Or(dc.Label, defaultLabel(c.Name)), dc.Unit, dc.Format
		if c.Format == "" {
			c.Format = defaultFormat(c, rows)
		} else if ft := formatType(c.Format); ft != Empty && ft != c.Type && c.Type != Empty {
			r.probs = append(r.probs, fmt.Sprintf("column %s holds %ss; its format %s needs %ss", diag.Quote(c.Name), c.Type, c.Format, ft))
		}
	}
}

// Timeline is the dataset's rows in the order a later and later date sees
// them: rows without a date first, then by date (file order for a dataset
// without a date column). A briefing dated day sees the first Seen(day).
func (d *Dataset) Timeline() []int {
	if d.dateCol == nil {
		idx := make([]int, len(d.rows))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	return append(slices.Clone(d.undated), d.byDate...)
}

// Seen is how many rows of the Timeline a briefing dated day sees: every
// row without a date and those dated on or before day; all of them for the
// zero day.
func (d *Dataset) Seen(day time.Time) int {
	if d.dateCol == nil || day.IsZero() {
		return len(d.rows)
	}
	ci, n := d.dateCol.Index, tomlval.DateValue(day).Num
	return len(d.undated) + sort.Search(len(d.byDate), func(i int) bool { return d.rows[d.byDate[i]][ci].Num > n })
}

// Head is the dataset's first n rows as a dataset of its own, sharing its
// rows: a derived dataset's past result that is the start of a later one
// (rows in date order, as a query's ORDER BY date gives them, share the
// date index too).
func (d *Dataset) Head(n int) *Dataset {
	n = max(0, min(n, len(d.rows)))
	h := d.meta()
	h.kind, h.columns, h.derived = d.kind, d.columns, d.derived
	h.rows, h.rowPos = d.rows[:n:n], d.rowPos[:min(n, len(d.rowPos)):min(n, len(d.rowPos))]
	if d.inOrder {
		h.dateCol, h.byDate, h.inOrder = d.dateCol, d.byDate[:n:n], true
		return h
	}
	h.index()
	return h
}

// Undated is how many rows of a dataset with a date column have no date.
func (d *Dataset) Undated() int { return len(d.undated) }

// DateRequired says the kind requires the column to hold dates.
func DateRequired(k Kind, name string) bool {
	for _, r := range kindColumns[k] {
		if r.name == name {
			return r.typ == Date
		}
	}
	return false
}
