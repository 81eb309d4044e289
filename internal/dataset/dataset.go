// Package dataset reads the typed tables in a project's data/ folder: TOML
// files with metadata, optional per-column metadata and [[rows]]. It checks
// types and the rules of each kind (series, moves, deals, table), reports every
// problem at the file, line and column of the bad cell, and selects rows for a
// block (filters, a date window, the as-of cut, sort and limit). It knows
// nothing of HTML or spreadsheets.
package dataset

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlpos"
	"github.com/brief-desk/brief/internal/tomlval"
)

// Kind is what a dataset holds; it adds required columns, checks and a default chart.
type Kind string

// The kinds of the input contract.
const (
	KindSeries Kind = "series"
	KindMoves  Kind = "moves"
	KindDeals  Kind = "deals"
	KindTable  Kind = "table"
	// KindEntities names the companies (or other subjects) a desk covers:
	// id, name, and optionally ticker and aliases (separated by ';').
	KindEntities Kind = "entities"
)

// article is the kind with its indefinite article: "a series", "an entities".
func (k Kind) article() string {
	if k == KindEntities {
		return "an " + string(k)
	}
	return "a " + string(k)
}

// Column describes one column.
type Column struct {
	Name   string
	Label  string // defaults to the name with spaces for underscores
	Unit   string
	Format Format
	Type   Type // Empty only when no row has a value
	AllInt bool // every value is a number written as an integer
	Index  int  // position in Dataset.Columns and in each row
}

// Header is the label with the unit, as a table heading shows it.
func (c *Column) Header() string {
	if c.Unit == "" {
		return c.Label
	}
	return c.Label + " (" + c.Unit + ")"
}

// Format renders a value of this column.
func (c *Column) FormatValue(v Value) string { return FormatValue(c.Format, v) }

// TextColumn is a text column of a table brief makes itself (a workbook's
// sources sheet, a changes table), for Numbered.
func TextColumn(name, label string) *Column {
	return &Column{Name: name, Label: label, Type: String, Format: FormatText}
}

// Numbered sets each column's Index to its place in the list, as New wants.
func Numbered(cols ...*Column) []*Column {
	for i, c := range cols {
		c.Index = i
	}
	return cols
}

// Dataset is one parsed, validated data file. Its kind, columns and rows
// are fixed when it is made (by Parse, New or GobDecode), together with the
// date index that selections use, so the two can never disagree.
type Dataset struct {
	ID          string
	File        string // slash path relative to the project, for messages
	Title       string
	Source      string
	SourceURL   string
	Description string
	Notes       string
	UpdateEvery string   // update_every: how often new rows are expected ("1m", "never"; "" for every briefing)
	Key         []string // key: the columns that identify a row, for brief import --update

	kind    Kind
	columns []*Column
	rows    [][]Value // rows[i][c.Index]
	rowPos  []diag.Pos
	dateCol *Column
	byDate  []int // indices of rows that have a date, in date order (stable)
	undated []int // indices of rows without one

	// Revisions (revisions.go): nil without any.
	hist   *history
	base   *Dataset  // a past state's current dataset; nil for the current one
	origin []int     // each row's index among every row of the file
	day    time.Time // a past state's day

	// Derived datasets (derived.go): the query, and how the dataset is
	// found as of a date; nil for a dataset of rows.
	derived *Derivation
	at      Snapshots
	inOrder bool // every row dated, in date order (Head shares the index)
}

// New makes a dataset from its parts, checking that they fit together:
// every column's Index is its place, every row has a cell per column, and
// every cell is empty or of its column's type. Parse makes datasets from
// files; New is for datasets made in code.
func New(meta Dataset, kind Kind, columns []*Column, rows [][]Value) (*Dataset, error) {
	for i, c := range columns {
		if c.Index != i {
			return nil, fmt.Errorf("column %s has index %d at place %d", diag.Quote(c.Name), c.Index, i)
		}
	}
	for r, row := range rows {
		if len(row) != len(columns) {
			return nil, fmt.Errorf("row %d has %d cells for %d columns", r, len(row), len(columns))
		}
		for i, v := range row {
			if !v.IsEmpty() && v.Type != columns[i].Type {
				return nil, fmt.Errorf("row %d: column %s holds %ss, got %s", r, diag.Quote(columns[i].Name), columns[i].Type, v.Describe())
			}
		}
	}
	d := meta.meta()
	d.kind, d.columns, d.rows = kind, columns, rows
	d.index()
	return d, nil
}

// meta is a new dataset with only d's metadata (its exported fields): what
// a past state, a head or a result of it starts from.
func (d *Dataset) meta() *Dataset {
	return &Dataset{ID: d.ID, File: d.File, Title: d.Title, Source: d.Source, SourceURL: d.SourceURL,
		Description: d.Description, Notes: d.Notes, UpdateEvery: d.UpdateEvery, Key: d.Key}
}

// Kind is what the dataset holds.
func (d *Dataset) Kind() Kind { return d.kind }

// Columns are the columns in file order.
func (d *Dataset) Columns() []*Column { return d.columns }

// Len is the number of rows.
func (d *Dataset) Len() int { return len(d.rows) }

// Value is row r's cell in column c.
func (d *Dataset) Value(r int, c *Column) Value { return d.rows[r][c.Index] }

// RowPos is where row r starts in the file; zero for a dataset made in code.
func (d *Dataset) RowPos(r int) diag.Pos {
	if r < len(d.rowPos) {
		return d.rowPos[r]
	}
	return diag.Pos{File: d.File}
}

// Column returns the named column, or nil.
func (d *Dataset) Column(name string) *Column {
	for _, c := range d.columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// DateColumn is the column that date windows and the as-of rule use, or nil.
func (d *Dataset) DateColumn() *Column { return d.dateCol }

// ColumnNames lists the column names in file order, for messages.
func (d *Dataset) ColumnNames() []string {
	names := make([]string, len(d.columns))
	for i, c := range d.columns {
		names[i] = c.Name
	}
	return names
}

var topKeys = []string{"title", "source", "source_url", "kind", "description", "notes", "columns", "rows", "key", "update_every", "query"}
var columnKeys = []string{"label", "unit", "format"}

// requirement is a column that a kind needs.
type requirement struct {
	name string
	typ  Type
}

var kindColumns = map[Kind][]requirement{
	KindSeries:   {{"date", Date}},
	KindMoves:    {{"date", Date}, {"ticker", String}, {"change_pct", Number}},
	KindDeals:    {{"announced", Date}, {"company", String}, {"counterparty", String}},
	KindTable:    nil,
	KindEntities: {{"id", String}, {"name", String}},
}

// parser holds the state of one Parse.
type parser struct {
	d    *Dataset
	ix   *tomlpos.Index
	errs diag.List
	raw  []*rawHistory // rows' revisions, added and removed
}

func (p *parser) at(path string) diag.Pos {
	pos := p.ix.Find(path)
	return diag.Pos{File: p.d.File, Line: pos.Line, Col: pos.Col}
}

// keyErrorf reports a problem with a key itself, at the key's name.
func (p *parser) keyErrorf(path, format string, args ...any) {
	pos := p.ix.Key(path)
	p.errs.Add(diag.Errorf(diag.Pos{File: p.d.File, Line: pos.Line, Col: pos.Col}, format, args...))
}

func (p *parser) errorf(path, format string, args ...any) {
	p.errs.Add(diag.Errorf(p.at(path), format, args...))
}

// MaxRows and MaxColumns are the most a dataset holds: what one Excel
// sheet holds (1,048,576 rows, one of them the header, and 16,384 columns),
// since every dataset is a sheet of data/datasets.xlsx.
const (
	MaxRows    = 1<<20 - 1
	MaxColumns = 1 << 14
)

// maxRows is MaxRows; a test lowers it, since a dataset of a million rows
// takes seconds to parse.
var maxRows = MaxRows

// Parse reads one dataset. file is the slash path used in messages; its stem is
// the dataset id. The error, if any, is a *diag.List with every problem found.
func Parse(file string, src []byte) (*Dataset, error) {
	base := file[strings.LastIndexByte(file, '/')+1:]
	d := &Dataset{ID: strings.TrimSuffix(base, ".toml"), File: file, kind: KindTable}
	p := &parser{d: d}
	if !tomlval.ValidID(d.ID) {
		p.errs.Addf(diag.Pos{File: file, Line: 1, Col: 1},
			"invalid dataset id %q: rename the file to lower-case letters, digits, '-' and '_', starting with a letter or digit", d.ID)
	}
	m, ix, se := tomlpos.Decode(src)
	if se != nil {
		p.errs.Addf(diag.Pos{File: file, Line: se.Pos.Line, Col: se.Pos.Col}, "invalid TOML: %s", se.Msg)
		return nil, &p.errs
	}
	p.ix = ix
	p.meta(m)
	if _, ok := m["query"]; ok {
		p.query(m, src)
		return p.done()
	}
	rows := p.rows(m["rows"])
	columnMeta, _ := m["columns"].(map[string]any)
	p.columns(rows, columnMeta)
	if len(rows) > 0 && len(d.columns) == 0 && p.errs.Len() == 0 {
		p.errorf("rows", "the rows hold no values: give each [[rows]] table at least one key = value")
	}
	if p.errs.Len() == 0 {
		p.checkKind()
	}
	for i, k := range d.Key {
		if d.Column(k) == nil {
			p.errorf(fmt.Sprintf("key[%d]", i), "key[%d]: the dataset has no column %s%s", i, diag.Quote(k), tomlval.Suggest(k, d.ColumnNames()))
		}
	}
	if p.errs.Len() == 0 {
		p.histories()
	}
	return p.done()
}

// done is the dataset parsed, or every problem found.
func (p *parser) done() (*Dataset, error) {
	if p.errs.Len() > 0 {
		return nil, &p.errs
	}
	p.d.index()
	return p.d, nil
}

func (p *parser) str(m map[string]any, key string, required bool) string {
	x, ok := m[key]
	if !ok {
		if required {
			p.errorf("", "missing required key %q: add %s = \"...\" at the top of the file", key, key)
		}
		return ""
	}
	s, err := tomlval.Text(x)
	if err != nil {
		p.errorf(key, "%s: %v", key, err)
		return ""
	}
	if required && s == "" {
		p.errorf(key, "%s must not be empty", key)
	}
	return s
}

func (p *parser) meta(m map[string]any) {
	d := p.d
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(topKeys, k) {
			p.keyErrorf(k, "%s", tomlval.UnknownKey(k, topKeys, "a dataset's keys"))
		}
	}
	d.Title = p.str(m, "title", true)
	d.Source = p.str(m, "source", true)
	d.SourceURL = p.str(m, "source_url", false)
	if d.SourceURL != "" {
		if err := tomlval.CheckURL(d.SourceURL); err != nil {
			p.errorf("source_url", "source_url: %v", err)
		}
	}
	d.Description = p.str(m, "description", false)
	d.Notes = p.str(m, "notes", false)
	p.updateEvery(m)
	p.key(m)
	if k := p.str(m, "kind", false); k != "" {
		if _, ok := kindColumns[Kind(k)]; !ok {
			p.errorf("kind", "unknown kind %s; use series, moves, deals, table or entities", diag.Quote(k))
		} else {
			d.kind = Kind(k)
		}
	}
	if x, ok := m["columns"]; ok {
		if _, ok := x.(map[string]any); !ok {
			p.errorf("columns", "columns: want a table such as [columns.price], got %s", tomlval.Describe(x))
		}
	}
}

type cell struct {
	v    Value
	path string
}

// rows converts the [[rows]] tables to cells, keyed by column name, and
// records the column order: the order in which names first appear.
func (p *parser) rows(x any) []map[string]cell {
	if x == nil {
		p.errorf("", "dataset has no rows: add at least one [[rows]] table")
		return nil
	}
	list, ok := x.([]map[string]any)
	if anyList, isList := x.([]any); isList && len(anyList) > 0 {
		// rows = [{...}, {...}] written inline.
		list, ok = make([]map[string]any, len(anyList)), true
		for i, e := range anyList {
			if list[i], ok = e.(map[string]any); !ok {
				break
			}
		}
	}
	if !ok {
		if anyList, isList := x.([]any); isList && len(anyList) == 0 {
			p.errorf("rows", "dataset has no rows: add at least one [[rows]] table")
			return nil
		}
		p.errorf("rows", "rows: want [[rows]] tables, got %s", tomlval.Describe(x))
		return nil
	}
	if len(list) == 0 {
		p.errorf("rows", "dataset has no rows: add at least one [[rows]] table")
	}
	if len(list) > maxRows {
		p.errorf(fmt.Sprintf("rows[%d]", maxRows), "rows[%d]: a dataset holds at most %s rows, what one Excel sheet holds under its header; split the data into several datasets", maxRows, group(fmt.Sprint(maxRows)))
		return nil
	}
	out := make([]map[string]cell, len(list))
	seen := map[string]bool{}
	for i, row := range list {
		row = p.takeHistory(i, row)
		prefix := fmt.Sprintf("rows[%d]", i)
		p.d.rowPos = append(p.d.rowPos, p.at(prefix))
		keys := slices.Sorted(maps.Keys(row))
		// File order within the row, by position of each value.
		slices.SortStableFunc(keys, func(a, b string) int {
			pa, pb := p.ix.Find(prefix+"."+a), p.ix.Find(prefix+"."+b)
			return cmp.Or(cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Col, pb.Col))
		})
		cells := make(map[string]cell, len(row))
		for _, k := range keys {
			path := prefix + "." + k
			if !tomlval.ValidID(k) {
				p.errorf(path, "%s: invalid column name %s: use lower-case letters, digits, '-' and '_'", diag.Cut(path), diag.Quote(k))
				continue
			}
			v, err := tomlval.FromTOML(row[k])
			if err != nil {
				p.errorf(path, "%s: %v", diag.Cut(path), err)
				continue
			}
			cells[k] = cell{v, path}
			if !seen[k] {
				if len(p.d.columns) == MaxColumns {
					p.errorf(path, "%s: a dataset holds at most %s columns, as many as an Excel sheet; split the data into several datasets", diag.Cut(path), group(fmt.Sprint(MaxColumns)))
					return nil
				}
				seen[k] = true
				p.d.columns = append(p.d.columns, &Column{Name: k, Index: len(p.d.columns)})
			}
		}
		out[i] = cells
	}
	return out
}

// columns fixes each column's type, checks every cell against it, applies the
// column metadata and fills the row-major table.
func (p *parser) columns(rows []map[string]cell, meta map[string]any) {
	d := p.d
	want := map[string]Type{} // a column's type, when the kind or a format fixes it
	why := map[string]string{}
	for _, r := range kindColumns[d.kind] {
		want[r.name] = r.typ
		why[r.name] = "a " + string(d.kind) + " dataset needs it"
	}
	// Column metadata first: a format fixes the type that cells must have.
	formats := p.columnMeta(meta, want, why)
	p.typeColumns(rows, want)
	p.fillRows(rows, why)
	for _, c := range d.columns {
		if c.Label == "" {
			c.Label = defaultLabel(c.Name)
		}
		if f, ok := formats[c.Name]; ok {
			if f.Numeric() && c.Type != Number || f == FormatDate && c.Type != Date {
				p.errorf("columns."+c.Name+".format", "columns.%s.format: %s does not fit a column of %ss", diag.Cut(c.Name), f, c.Type)
			}
			continue
		}
		c.Format = defaultFormat(c, d.rows)
	}
}

// columnMeta applies [columns.<name>] tables: labels, units and formats.
// A format fixes the column's type (in want, with the reason in why).
func (p *parser) columnMeta(meta map[string]any, want map[string]Type, why map[string]string) map[string]Format {
	d := p.d
	formats := map[string]Format{}
	for _, name := range slices.Sorted(maps.Keys(meta)) {
		path := "columns." + name
		col := d.Column(name)
		cm, ok := meta[name].(map[string]any)
		if !ok {
			p.errorf(path, "%s: want a table such as [columns.%s] with label, unit and format, got %s", diag.Cut(path), diag.Cut(name), tomlval.Describe(meta[name]))
			continue
		}
		if col == nil {
			p.errorf(path, "%s: no row has a column %s%s; columns are %s", diag.Cut(path), diag.Quote(name), tomlval.Suggest(name, d.ColumnNames()), diag.Names(d.ColumnNames()))
			continue
		}
		dc := p.columnTable(path, cm, false)
		col.Label, col.Unit = dc.Label, dc.Unit
		if dc.Format == "" {
			continue
		}
		formats[name], col.Format = dc.Format, dc.Format
		if _, fixed := want[name]; !fixed {
			switch {
			case col.Format.Numeric():
				want[name] = Number
			case col.Format == FormatDate:
				want[name] = Date
			}
			why[name] = "its format is " + string(dc.Format)
		}
	}
	return formats
}

// typeColumns gives each column its type: the one the kind or a format
// fixes, or else the type most of its cells have, so that the odd one out is
// the cell reported. On a tie, a string loses: a quoted number or "n/a" is
// the usual slip.
func (p *parser) typeColumns(rows []map[string]cell, want map[string]Type) {
	d := p.d
	counts := make([][5]int, len(d.columns))
	for _, row := range rows {
		for _, c := range d.columns {
			if cl, ok := row[c.Name]; ok {
				counts[c.Index][cl.v.Type]++
			}
		}
	}
	for _, c := range d.columns {
		c.Type = want[c.Name]
		c.AllInt = true
		if c.Type == Empty {
			for _, t := range []Type{Number, Date, Bool, String} {
				if counts[c.Index][t] > counts[c.Index][c.Type] {
					c.Type = t
				}
			}
		}
	}
}

// fillRows checks every cell against its column's type and fills the
// row-major table.
func (p *parser) fillRows(rows []map[string]cell, why map[string]string) {
	d := p.d
	d.rows = make([][]Value, len(rows))
	for i, row := range rows {
		vals := make([]Value, len(d.columns))
		for _, c := range d.columns {
			cl, ok := row[c.Name]
			if !ok {
				continue
			}
			v := cl.v
			if c.Type == Empty {
				c.Type = v.Type
			}
			if v.Type != c.Type {
				how, fixed := why[c.Name]
				if !fixed {
					how = "the rest of the column holds " + c.Type.String() + "s"
				}
				p.errorf(cl.path, "%s: want %s, got %s (%s)", diag.Cut(cl.path), c.Type.Noun(), v.Describe(), how)
				continue
			}
			if v.Type == Number && !v.Int {
				c.AllInt = false
			}
			vals[c.Index] = v
		}
		d.rows[i] = vals
	}
}

func defaultLabel(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// defaultFormat picks a format from the type and the naming conventions of
// the contract: *_pct is a percent change, *_usd is money.
func defaultFormat(c *Column, rows [][]Value) Format {
	switch c.Type {
	case Date:
		return FormatDate
	case Number:
	default:
		return FormatText
	}
	switch {
	case c.Name == "change_pct" || strings.HasSuffix(c.Name, "_pct"):
		return FormatPercent
	case c.Name == "usd" || strings.HasSuffix(c.Name, "_usd"):
		for _, r := range rows {
			if v := r[c.Index]; v.Type == Number && (v.Num >= 1e6 || v.Num <= -1e6) {
				return FormatUSDCompact
			}
		}
		return FormatUSD
	case c.AllInt:
		return FormatInteger
	}
	return FormatNumber
}

// checkKind enforces the required columns and rules of the dataset's kind.
func (p *parser) checkKind() {
	for _, pr := range CheckKind(p.d) {
		switch {
		case pr.Row < 0:
			p.errorf("kind", "%s", pr.Msg)
		case pr.Column == "":
			p.errorf(fmt.Sprintf("rows[%d]", pr.Row), "rows[%d]: %s", pr.Row, strings.Replace(pr.Msg, FirstMark, fmt.Sprintf("rows[%d]", pr.First), 1))
		case pr.First >= 0:
			p.errorf(fmt.Sprintf("rows[%d].%s", pr.Row, pr.Column), "rows[%d]: %s", pr.Row, strings.Replace(pr.Msg, FirstMark, fmt.Sprintf("rows[%d]", pr.First), 1))
		default:
			p.errorf(fmt.Sprintf("rows[%d].%s", pr.Row, pr.Column), "rows[%d].%s: %s", pr.Row, diag.Cut(pr.Column), pr.Msg)
		}
	}
}

// Problem is a way a dataset breaks its kind's rules.
type Problem struct {
	Row    int    // the row, or -1 for the whole dataset
	Column string // the cell's column; "" for the whole row
	First  int    // for a repeated row, the first of them; else -1
	Msg    string // what is wrong; FirstMark stands for the first row's name
}

// FirstMark is replaced in a Problem's message by the name of its First row.
const FirstMark = "{first}"

// CheckKind checks a dataset against its kind: the columns it needs, in
// every row; a series' dates unique and ascending, with a number column; a
// moves dataset's one row per date and ticker.
func CheckKind(d *Dataset) []Problem {
	var out []Problem
	add := func(row int, col, format string, args ...any) {
		out = append(out, Problem{Row: row, Column: col, First: -1, Msg: fmt.Sprintf(format, args...)})
	}
	for _, r := range kindColumns[d.kind] {
		c := d.Column(r.name)
		if c == nil {
			add(-1, "", "%s dataset needs a %q column of %ss; columns are %s", d.kind.article(), r.name, r.typ, diag.Names(d.ColumnNames()))
			continue
		}
		if c.Type != r.typ && c.Type != Empty {
			add(-1, r.name, "column %q holds %ss; %s dataset needs %ss in it", r.name, c.Type, d.kind.article(), r.typ)
			continue
		}
		for i, row := range d.rows {
			if row[c.Index].IsEmpty() {
				add(i, "", "missing %q, which every row of %s dataset needs", r.name, d.kind.article())
			}
		}
	}
	// A missing column stops the kind's other checks; so do missing cells,
	// except in an entities dataset, whose rows are checked one by one.
	if len(out) > 0 && (d.kind != KindEntities || out[0].Row < 0) {
		return out
	}
	switch d.kind {
	case KindSeries:
		hasNumber := false
		var quoted []string
		for _, c := range d.columns {
			hasNumber = hasNumber || c.Type == Number
			if c.Type == String {
				quoted = append(quoted, c.Name)
			}
		}
		if !hasNumber {
			hint := ""
			if len(quoted) > 0 {
				hint = fmt.Sprintf(" (%s %s text: write numbers without quotes)", strings.Join(quoted, ", "), map[bool]string{true: "holds", false: "hold"}[len(quoted) == 1])
			}
			add(-1, "", "a series dataset needs at least one number column besides date%s", hint)
		}
		date := d.Column("date")
		for i := 1; i < len(d.rows); i++ {
			prev, cur := d.rows[i-1][date.Index], d.rows[i][date.Index]
			if cur.Compare(prev) <= 0 {
				add(i, "date", "%s does not come after the previous row's %s; a series needs unique dates in ascending order", cur.Literal(), prev.Literal())
			}
		}
	case KindEntities:
		out = append(out, checkEntities(d)...)
	case KindMoves:
		date, ticker := d.Column("date"), d.Column("ticker")
		first := map[[2]string]int{}
		for i, row := range d.rows {
			key := [2]string{row[date.Index].Literal(), row[ticker.Index].Str}
			if j, dup := first[key]; dup {
				out = append(out, Problem{Row: i, Column: "ticker", First: j,
					Msg: fmt.Sprintf("a second move for %s on %s (the first is %s); a moves dataset has one row per date and ticker", key[1], key[0], FirstMark)})
				continue
			}
			first[key] = i
		}
	}
	return out
}

// gobDataset is what GobEncode writes: everything but the index, which
// GobDecode rebuilds through New. Numbers travel as their bits, since gob
// drops the sign of a zero it finds in a struct.
type gobDataset struct {
	Meta    gobMeta
	Kind    Kind
	Columns []*Column
	Cells   gobRows // every row of the file, removed ones too
	RowPos  gobPositions
	History []gobHistory
	Derived *Derivation // a derived dataset's query (its result is not cached here)
}

type gobMeta struct {
	ID, File, Title, Source, SourceURL, Description, Notes, UpdateEvery string
	Key                                                                 []string
}

// gobHistory is a RowHistory with its revisions' cells in column order.
type gobHistory struct {
	Row            int
	Added, Removed time.Time
	Revisions      []gobRevision
}

type gobRevision struct {
	On      time.Time
	Columns []int
	Cells   []gobCell
}

// gobRows are rows of cells, flat and field by field: gob decodes a slice
// of numbers or bytes in one pass but a slice of structs field by field,
// and decoding a 10,000-row dataset that way took a tenth of a weekly
// publish.
type gobRows struct {
	Lens  []int // each row's number of cells
	Types []byte
	Flags []byte // gobInt, gobBool
	Bits  []uint64
	Strs  []string
}

const (
	gobInt = 1 << iota
	gobBool
)

func flatRows(rows [][]Value) gobRows {
	var g gobRows
	g.Lens = make([]int, len(rows))
	for r, row := range rows {
		g.Lens[r] = len(row)
		for _, v := range row {
			c := toGob(v)
			var f byte
			if c.Int {
				f |= gobInt
			}
			if c.Bool {
				f |= gobBool
			}
			g.Types, g.Flags, g.Bits, g.Strs = append(g.Types, byte(c.Type)), append(g.Flags, f), append(g.Bits, c.Bits), append(g.Strs, c.Str)
		}
	}
	return g
}

func (g gobRows) rows() ([][]Value, error) {
	n := len(g.Types)
	if len(g.Flags) != n || len(g.Bits) != n || len(g.Strs) != n {
		return nil, errors.New("the cached cells do not match")
	}
	rows := make([][]Value, len(g.Lens))
	cells := make([]Value, n) // one allocation: each row a capped slice of it
	for i := range cells {
		f := g.Flags[i]
		cells[i] = fromGob(gobCell{Str: g.Strs[i], Bits: g.Bits[i], Type: Type(g.Types[i]), Int: f&gobInt != 0, Bool: f&gobBool != 0})
	}
	i := 0
	for r, l := range g.Lens {
		if l < 0 || l > n-i {
			return nil, errors.New("the cached rows do not match their cells")
		}
		rows[r] = cells[i : i+l : i+l]
		i += l
	}
	if i != n {
		return nil, errors.New("the cached rows do not match their cells")
	}
	return rows, nil
}

// gobPositions are the rows' positions, flat, their files named once.
type gobPositions struct {
	Set             bool // nil positions stay nil
	Files           []string
	File, Line, Col []int
}

func flatPositions(pos []diag.Pos) gobPositions {
	g := gobPositions{Set: pos != nil}
	index := map[string]int{}
	for _, p := range pos {
		k, ok := index[p.File]
		if !ok {
			k = len(g.Files)
			index[p.File] = k
			g.Files = append(g.Files, p.File)
		}
		g.File, g.Line, g.Col = append(g.File, k), append(g.Line, p.Line), append(g.Col, p.Col)
	}
	return g
}

func (g gobPositions) positions() ([]diag.Pos, error) {
	if !g.Set {
		return nil, nil
	}
	if len(g.Line) != len(g.File) || len(g.Col) != len(g.File) {
		return nil, errors.New("the cached row positions do not match")
	}
	pos := make([]diag.Pos, len(g.File))
	for i, k := range g.File {
		if k < 0 || k >= len(g.Files) {
			return nil, errors.New("the cached row positions do not match")
		}
		pos[i] = diag.Pos{File: g.Files[k], Line: g.Line[i], Col: g.Col[i]}
	}
	return pos, nil
}

func toGob(v Value) gobCell {
	return gobCell{Str: v.Str, Bits: math.Float64bits(v.Num), Type: v.Type, Int: v.Int, Bool: v.Bool}
}

func fromGob(c gobCell) Value {
	return Value{Str: c.Str, Num: math.Float64frombits(c.Bits), Type: c.Type, Int: c.Int, Bool: c.Bool}
}

type gobCell struct {
	Str  string
	Bits uint64
	Type Type
	Int  bool
	Bool bool
}

// GobEncode encodes the dataset for the build cache.
func (d *Dataset) GobEncode() ([]byte, error) {
	if d.base != nil {
		return nil, errors.New("a past state of a dataset is not cached")
	}
	g := gobDataset{Meta: gobMeta{ID: d.ID, File: d.File, Title: d.Title, Source: d.Source, SourceURL: d.SourceURL,
		Description: d.Description, Notes: d.Notes, UpdateEvery: d.UpdateEvery, Key: d.Key}, Kind: d.kind, Columns: d.columns, Derived: d.derived}
	rows, rowPos := d.rows, d.rowPos
	if h := d.hist; h != nil {
		rows, rowPos = h.all, h.pos
		for _, r := range slices.Sorted(maps.Keys(h.rows)) {
			rh := h.rows[r]
			gh := gobHistory{Row: r, Added: rh.Added, Removed: rh.Removed}
			for _, rv := range rh.Revisions {
				gr := gobRevision{On: rv.On}
				for _, c := range slices.Sorted(maps.Keys(rv.Cells)) {
					gr.Columns, gr.Cells = append(gr.Columns, c), append(gr.Cells, toGob(rv.Cells[c]))
				}
				gh.Revisions = append(gh.Revisions, gr)
			}
			g.History = append(g.History, gh)
		}
	}
	g.Cells, g.RowPos = flatRows(rows), flatPositions(rowPos)
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(g)
	return buf.Bytes(), err
}

// GobDecode decodes a dataset through New, so that a decoded dataset holds
// the same invariants as a parsed one.
func (d *Dataset) GobDecode(data []byte) error {
	var g gobDataset
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&g); err != nil {
		return err
	}
	rows, err := g.Cells.rows()
	if err != nil {
		return err
	}
	rowPos, err := g.RowPos.positions()
	if err != nil {
		return err
	}
	m := g.Meta
	nd, err := New(Dataset{ID: m.ID, File: m.File, Title: m.Title, Source: m.Source, SourceURL: m.SourceURL,
		Description: m.Description, Notes: m.Notes, UpdateEvery: m.UpdateEvery, Key: m.Key}, g.Kind, g.Columns, rows)
	if err != nil {
		return err
	}
	nd.rowPos = rowPos
	nd.derived = g.Derived
	if len(g.History) > 0 {
		hist := map[int]*RowHistory{}
		for _, gh := range g.History {
			if gh.Row < 0 || gh.Row >= len(rows) {
				return errors.New("a row's history is out of range")
			}
			rh := &RowHistory{Added: gh.Added, Removed: gh.Removed}
			for _, gr := range gh.Revisions {
				rv := Revision{On: gr.On, Cells: map[int]Value{}}
				for i, c := range gr.Columns {
					if c < 0 || c >= len(g.Columns) || i >= len(gr.Cells) {
						return errors.New("a revision's cell is out of range")
					}
					rv.Cells[c] = fromGob(gr.Cells[i])
				}
				rh.Revisions = append(rh.Revisions, rv)
			}
			hist[gh.Row] = rh
		}
		nd.setHistory(nd.rows, nd.rowPos, hist)
		nd.index()
	}
	*d = *nd
	return nil
}

// index prepares the date column and the rows in date order.
func (d *Dataset) index() {
	d.byDate, d.undated, d.inOrder = nil, nil, false
	d.dateCol = d.dateColumnOf()
	if d.dateCol == nil {
		return
	}
	ci := d.dateCol.Index
	for i, r := range d.rows {
		if r[ci].IsEmpty() {
			d.undated = append(d.undated, i)
		} else {
			d.byDate = append(d.byDate, i)
		}
	}
	sort.SliceStable(d.byDate, func(a, b int) bool {
		return d.rows[d.byDate[a]][ci].Num < d.rows[d.byDate[b]][ci].Num
	})
	d.inOrder = len(d.undated) == 0
	for i, r := range d.byDate {
		if r != i {
			d.inOrder = false
			break
		}
	}
}
