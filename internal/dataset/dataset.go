// Package dataset reads the typed tables in a project's data/ folder: TOML
// files with metadata, optional per-column metadata and [[rows]]. It checks
// types and the rules of each kind (series, moves, deals, table), reports every
// problem at the file, line and column of the bad cell, and selects rows for a
// block (filters, a date window, the as-of cut, sort and limit). It knows
// nothing of HTML or spreadsheets.
package dataset

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

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
)

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

// Dataset is one parsed, validated data file.
type Dataset struct {
	ID          string
	File        string // slash path relative to the project, for messages
	Title       string
	Source      string
	SourceURL   string
	Kind        Kind
	Description string
	Notes       string
	Columns     []*Column
	Rows        [][]Value // Rows[i][c.Index]
	RowPos      []diag.Pos

	dateCol *Column
	byDate  []int // indices of rows that have a date, in date order (stable)
	undated []int // indices of rows without one
}

// Column returns the named column, or nil.
func (d *Dataset) Column(name string) *Column {
	for _, c := range d.Columns {
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
	names := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		names[i] = c.Name
	}
	return names
}

var topKeys = []string{"title", "source", "source_url", "kind", "description", "notes", "columns", "rows"}
var columnKeys = []string{"label", "unit", "format"}

// requirement is a column that a kind needs.
type requirement struct {
	name string
	typ  Type
}

var kindColumns = map[Kind][]requirement{
	KindSeries: {{"date", Date}},
	KindMoves:  {{"date", Date}, {"ticker", String}, {"change_pct", Number}},
	KindDeals:  {{"announced", Date}, {"company", String}, {"counterparty", String}},
	KindTable:  nil,
}

// parser holds the state of one Parse.
type parser struct {
	d    *Dataset
	ix   *tomlpos.Index
	errs diag.List
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
	d := &Dataset{ID: strings.TrimSuffix(base, ".toml"), File: file, Kind: KindTable}
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
	rows := p.rows(m["rows"])
	columnMeta, _ := m["columns"].(map[string]any)
	p.columns(rows, columnMeta)
	if len(rows) > 0 && len(d.Columns) == 0 && p.errs.Len() == 0 {
		p.errorf("rows", "the rows hold no values: give each [[rows]] table at least one key = value")
	}
	if p.errs.Len() == 0 {
		p.checkKind()
	}
	if p.errs.Len() > 0 {
		return nil, &p.errs
	}
	d.index()
	return d, nil
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
	if k := p.str(m, "kind", false); k != "" {
		if _, ok := kindColumns[Kind(k)]; !ok {
			p.errorf("kind", "unknown kind %q; use series, moves, deals or table", k)
		} else {
			d.Kind = Kind(k)
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
		prefix := fmt.Sprintf("rows[%d]", i)
		p.d.RowPos = append(p.d.RowPos, p.at(prefix))
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
				p.errorf(path, "%s: invalid column name %q: use lower-case letters, digits, '-' and '_'", path, k)
				continue
			}
			v, err := tomlval.FromTOML(row[k])
			if err != nil {
				p.errorf(path, "%s: %v", path, err)
				continue
			}
			cells[k] = cell{v, path}
			if !seen[k] {
				if len(p.d.Columns) == MaxColumns {
					p.errorf(path, "%s: a dataset holds at most %s columns, as many as an Excel sheet; split the data into several datasets", path, group(fmt.Sprint(MaxColumns)))
					return nil
				}
				seen[k] = true
				p.d.Columns = append(p.d.Columns, &Column{Name: k, Index: len(p.d.Columns)})
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
	want := map[string]Type{}
	why := map[string]string{}
	for _, r := range kindColumns[d.Kind] {
		want[r.name] = r.typ
		why[r.name] = "a " + string(d.Kind) + " dataset needs it"
	}
	// Column metadata first: a format fixes the type that cells must have.
	formats := map[string]Format{}
	for _, name := range slices.Sorted(maps.Keys(meta)) {
		path := "columns." + name
		col := d.Column(name)
		cm, ok := meta[name].(map[string]any)
		if !ok {
			p.errorf(path, "%s: want a table such as [columns.%s] with label, unit and format, got %s", path, name, tomlval.Describe(meta[name]))
			continue
		}
		if col == nil {
			p.errorf(path, "%s: no row has a column %q%s; columns are %s", path, name, tomlval.Suggest(name, d.ColumnNames()), strings.Join(d.ColumnNames(), ", "))
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(cm)) {
			if !slices.Contains(columnKeys, k) {
				p.keyErrorf(path+"."+k, "%s: unknown key %q%s; column keys are label, unit and format", path, k, tomlval.Suggest(k, columnKeys))
				continue
			}
			s, ok := cm[k].(string)
			if !ok {
				p.errorf(path+"."+k, "%s.%s: want a string, got %s", path, k, tomlval.Describe(cm[k]))
				continue
			}
			if err := tomlval.CheckText(s); err != nil {
				p.errorf(path+"."+k, "%s.%s: %v", path, k, err)
				continue
			}
			switch k {
			case "label":
				col.Label = strings.TrimSpace(s)
			case "unit":
				col.Unit = strings.TrimSpace(s)
			case "format":
				if !validFormat(s) {
					p.errorf(path+".format", "%s.format: unknown format %q; use number, integer, usd, usd_compact, percent, date or text", path, s)
					continue
				}
				formats[name] = Format(s)
				col.Format = Format(s)
				if _, fixed := want[name]; !fixed {
					switch {
					case col.Format.Numeric():
						want[name] = Number
					case col.Format == FormatDate:
						want[name] = Date
					}
					why[name] = "its format is " + s
				}
			}
		}
	}

	// A column's type, unless the kind or a format fixes it, is the type most
	// of its cells have, so that the odd one out is the cell reported. On a
	// tie, a string loses: a quoted number or "n/a" is the usual slip.
	counts := make([][5]int, len(d.Columns))
	for _, row := range rows {
		for _, c := range d.Columns {
			if cl, ok := row[c.Name]; ok {
				counts[c.Index][cl.v.Type]++
			}
		}
	}
	d.Rows = make([][]Value, len(rows))
	for _, c := range d.Columns {
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
	for i, row := range rows {
		vals := make([]Value, len(d.Columns))
		for _, c := range d.Columns {
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
				p.errorf(cl.path, "%s: want %s, got %s (%s)", cl.path, c.Type.Noun(), v.Describe(), how)
				continue
			}
			if v.Type == Number && !v.Int {
				c.AllInt = false
			}
			vals[c.Index] = v
		}
		d.Rows[i] = vals
	}
	for _, c := range d.Columns {
		if c.Label == "" {
			c.Label = defaultLabel(c.Name)
		}
		if f, ok := formats[c.Name]; ok {
			if f.Numeric() && c.Type != Number || f == FormatDate && c.Type != Date {
				p.errorf("columns."+c.Name+".format", "columns.%s.format: %s does not fit a column of %ss", c.Name, f, c.Type)
			}
			continue
		}
		c.Format = defaultFormat(c, d.Rows)
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
	d := p.d
	for _, r := range kindColumns[d.Kind] {
		c := d.Column(r.name)
		if c == nil {
			p.errorf("kind", "a %s dataset needs a %q column of %ss; columns are %s", d.Kind, r.name, r.typ, strings.Join(d.ColumnNames(), ", "))
			continue
		}
		for i, row := range d.Rows {
			if row[c.Index].IsEmpty() {
				p.errorf(fmt.Sprintf("rows[%d]", i), "rows[%d]: missing %q, which every row of a %s dataset needs", i, r.name, d.Kind)
			}
		}
	}
	if p.errs.Len() > 0 {
		return
	}
	switch d.Kind {
	case KindSeries:
		hasNumber := false
		for _, c := range d.Columns {
			hasNumber = hasNumber || c.Type == Number
		}
		if !hasNumber {
			var quoted []string
			for _, c := range d.Columns {
				if c.Type == String {
					quoted = append(quoted, c.Name)
				}
			}
			hint := ""
			if len(quoted) > 0 {
				hint = fmt.Sprintf(" (%s %s text: write numbers without quotes)", strings.Join(quoted, ", "), map[bool]string{true: "holds", false: "hold"}[len(quoted) == 1])
			}
			p.errorf("kind", "a series dataset needs at least one number column besides date%s", hint)
		}
		date := d.Column("date")
		for i := 1; i < len(d.Rows); i++ {
			prev, cur := d.Rows[i-1][date.Index], d.Rows[i][date.Index]
			if cur.Compare(prev) <= 0 {
				p.errorf(fmt.Sprintf("rows[%d].date", i), "rows[%d].date: %s does not come after the previous row's %s; a series needs unique dates in ascending order",
					i, cur.Literal(), prev.Literal())
			}
		}
	case KindMoves:
		date, ticker := d.Column("date"), d.Column("ticker")
		first := map[[2]string]int{}
		for i, row := range d.Rows {
			key := [2]string{row[date.Index].Literal(), row[ticker.Index].Str}
			if j, dup := first[key]; dup {
				p.errorf(fmt.Sprintf("rows[%d].ticker", i), "rows[%d]: a second move for %s on %s (the first is rows[%d]); a moves dataset has one row per date and ticker",
					i, key[1], key[0], j)
				continue
			}
			first[key] = i
		}
	}
}

// Restore rebuilds what a dataset keeps besides its exported fields (the
// date index), after it was decoded from a cache.
func (d *Dataset) Restore() { d.byDate, d.undated, d.dateCol = nil, nil, nil; d.index() }

// index prepares the date column and the rows in date order.
func (d *Dataset) index() {
	switch d.Kind {
	case KindSeries, KindMoves:
		d.dateCol = d.Column("date")
	case KindDeals:
		d.dateCol = d.Column("announced")
	default:
		if c := d.Column("date"); c != nil && c.Type == Date {
			d.dateCol = c
		}
	}
	if d.dateCol == nil {
		return
	}
	ci := d.dateCol.Index
	for i, r := range d.Rows {
		if r[ci].IsEmpty() {
			d.undated = append(d.undated, i)
		} else {
			d.byDate = append(d.byDate, i)
		}
	}
	sort.SliceStable(d.byDate, func(a, b int) bool {
		return d.Rows[d.byDate[a]][ci].Num < d.Rows[d.byDate[b]][ci].Num
	})
}
