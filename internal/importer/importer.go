// Package importer is `brief import`: it turns a CSV file or a sheet of an
// XLSX workbook into the text of a typed dataset file (data/<id>.toml). The
// first row is the header; column names are made to fit the dataset syntax
// and the header is kept as each column's label. Each column's type is the
// one most of its cells have (integers, numbers, dates, booleans, text), and
// a cell of another type is an error at its line and column, as a dataset's
// would be. Percentages ("12.5%", or cells with a percent format) become
// numbers in percent, the change_pct convention.
package importer

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// MaxFile is the largest file brief imports: the size a workbook may unpack
// to, and a CSV of a million rows of eight columns fits in it.
const MaxFile = 512 << 20

// maxID is the longest dataset id import makes, as long as a slug may be.
const maxID = 100

// Options say what dataset to make.
type Options struct {
	ID    string       // the dataset id: data/<ID>.toml
	Kind  dataset.Kind // "" for a table
	Sheet string       // the XLSX sheet; "" for the first
	Order DateOrder    // how n/n/yyyy dates are read; "" to tell from each column
	// TmpDir is where excelize unpacks a large sheet or string table; ""
	// for the system's. A command that may return before the import ends
	// (on Ctrl-C) gives a folder of its own and removes it.
	TmpDir string
	// preferSheet is the sheet read when Sheet is "" and the workbook has
	// it (--update: the dataset's sheet of data/datasets.xlsx).
	preferSheet string
}

// cell is one source cell with its place.
type cell struct {
	text string
	pos  diag.Pos
	pct  bool // the workbook formats it as a percentage
	date bool // the workbook formats it as a date (text is a serial number)
}

// Import reads the file (its name, for messages and to tell CSV from XLSX)
// and returns the dataset's TOML, which dataset.Parse reads. Every problem
// is returned at once, as a *diag.List, each at its place in the source.
// When ctx is done it stops within a row and returns ctx's error.
func Import(ctx context.Context, name string, data []byte, opts Options) ([]byte, error) {
	if err := CheckID(opts.ID); err != nil {
		return nil, err
	}
	switch opts.Kind {
	case "", dataset.KindSeries, dataset.KindMoves, dataset.KindDeals, dataset.KindTable, dataset.KindEntities:
	default:
		return nil, fmt.Errorf("--kind %q: use series, moves, deals, table or entities", opts.Kind)
	}
	source := name
	name = displayName(name)
	rows, err := readRows(ctx, source, name, data, opts)
	if err != nil {
		return nil, err
	}
	t, err := newTable(ctx, name, rows, opts.Order)
	if err != nil {
		return nil, err
	}
	if err := t.checkKind(name, opts); err != nil {
		return nil, err
	}
	return t.toml(ctx, source, opts)
}

// CheckID refuses a dataset id that cannot name data/ID.toml.
func CheckID(id string) error {
	if !tomlval.ValidID(id) {
		return fmt.Errorf("--id %s: a dataset id uses lower-case letters, digits, '-' and '_', starting with a letter or digit", diag.Quote(id))
	}
	if len(id) > maxID {
		return fmt.Errorf("--id %s: a dataset id has at most %d characters (it names data/ID.toml and the workbook's sheet)", diag.Quote(id), maxID)
	}
	return nil
}

// readRows reads a CSV file or a sheet of a workbook, by its extension.
func readRows(ctx context.Context, source, name string, data []byte, opts Options) ([][]cell, error) {
	switch strings.ToLower(path.Ext(source)) {
	case ".csv", ".txt":
		return readCSV(ctx, name, data)
	case ".xlsx", ".xlsm":
		return readXLSX(ctx, name, data, opts.Sheet, opts.preferSheet, opts.TmpDir)
	}
	return nil, fmt.Errorf("%s: brief imports .csv and .xlsx files", name)
}

// displayName is the file's name as messages print it: as it is, or quoted
// when it holds what a terminal would act on or hide (control characters,
// bidirectional overrides, bytes that are not UTF-8).
func displayName(name string) string {
	if tomlval.CheckText(name) != nil || strings.ContainsAny(name, "\t\n\r") {
		return strconv.QuoteToGraphic(name)
	}
	return name
}

// readCSV reads every record with its place; a BOM and CRLF line ends are
// fine, a row with more cells than the header is not.
func readCSV(ctx context.Context, name string, data []byte) ([][]cell, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var rows [][]cell
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, diag.Errorf(diag.Pos{File: name, Line: pe.Line, Col: max(pe.Column, 1)}, "not valid CSV: %v", pe.Err)
			}
			return nil, err
		}
		if len(rec) > dataset.MaxColumns {
			line, col := r.FieldPos(dataset.MaxColumns)
			return nil, diag.Errorf(diag.Pos{File: name, Line: line, Col: col}, "this row has %d cells; a dataset holds at most %d columns, as many as an Excel sheet: split the data", len(rec), dataset.MaxColumns)
		}
		row := make([]cell, len(rec))
		for i, f := range rec {
			line, col := r.FieldPos(i)
			row[i] = cell{text: f, pos: diag.Pos{File: name, Line: line, Col: col}}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// column is a column of the imported table.
type column struct {
	name, header string
	label, unit  string   // the header without its unit in parentheses, and the unit
	pos          diag.Pos // the header cell
	typ          tomlval.Type
	pct          bool // written as a percentage
	values       []tomlval.Value
}

type table struct {
	cols []*column
	rows int
	pos  [][]diag.Pos // per row, the place of each cell (or of the row)
}

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

var unitSuffix = regexp.MustCompile(`^(.*\S)\s*\(([^()]+)\)$`)

// splitUnit takes a unit in parentheses off a header: "Hashrate (EH/s)" is
// the label "Hashrate" with the unit "EH/s".
func splitUnit(h string) (label, unit string) {
	h = strings.TrimSpace(h)
	if m := unitSuffix.FindStringSubmatch(h); m != nil {
		return m[1], strings.TrimSpace(m[2])
	}
	return h, ""
}

// columnName fits a header to the dataset syntax: "Change (%)" becomes
// change; "Value, USD" becomes value_usd.
func columnName(h string) string {
	s := strings.ToLower(strings.ReplaceAll(h, "%", " "))
	s = strings.Trim(nonName.ReplaceAllString(s, "_"), "_")
	return s
}

// newTable reads the header and types every column.
func newTable(ctx context.Context, name string, rows [][]cell, o DateOrder) (*table, error) {
	var errs diag.List
	for len(rows) > 0 && blank(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	if len(rows) == 0 {
		return nil, diag.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "the file is empty: brief import needs a header row, then a row per record")
	}
	t := &table{}
	seen := map[string]diag.Pos{}
	for _, h := range rows[0] {
		c := &column{header: strings.TrimSpace(h.text), name: columnName(h.text), pos: h.pos}
		c.label, c.unit = splitUnit(c.header)
		switch first, dup := seen[c.name]; {
		case tomlval.CheckText(h.text) != nil:
			errs.Addf(h.pos, "header %q %v", h.text, tomlval.CheckText(h.text))
		case c.name == "":
			errs.Addf(h.pos, "header %q has no letters or digits to name a column: give it a name", h.text)
		case !tomlval.ValidID(c.name):
			errs.Addf(h.pos, "header %q makes the column name %q, which must start with a letter or digit: rename it", h.text, c.name)
		case dup:
			errs.Addf(h.pos, "header %q names the column %q again (first at %d:%d): rename one of them", h.text, c.name, first.Line, first.Col)
		}
		seen[c.name] = h.pos
		t.cols = append(t.cols, c)
	}
	data := rows[1:]
	t.rows = len(data)
	if t.rows == 0 {
		errs.Addf(rows[0][0].pos, "the file has a header but no rows")
	}
	if t.rows > dataset.MaxRows {
		errs.Addf(data[dataset.MaxRows][0].pos, "a dataset holds at most %d rows (an Excel sheet's); split the file", dataset.MaxRows)
	}
	if errs.Len() > 0 {
		return nil, &errs
	}
	cells := make([][]cell, len(t.cols)) // by column
	for _, row := range data {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(row) > len(t.cols) {
			extra := row[len(t.cols)]
			errs.Addf(extra.pos, "this row has %d cells, the header %d: remove the extra cells or name them in the header", len(row), len(t.cols))
			continue
		}
		pos := make([]diag.Pos, len(t.cols))
		for i := range t.cols {
			c := cell{pos: diag.Pos{File: name, Line: row[0].pos.Line, Col: i + 1}}
			if i < len(row) {
				c = row[i]
			}
			cells[i] = append(cells[i], c)
			pos[i] = c.pos
		}
		t.pos = append(t.pos, pos)
	}
	if errs.Len() > 0 {
		return nil, &errs
	}
	for i, c := range t.cols {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c.typeCells(cells[i], o, &errs)
	}
	if errs.Len() == 0 && !slices.ContainsFunc(t.cols, func(c *column) bool { return c.typ != tomlval.Empty }) {
		errs.Addf(data[0][0].pos, "the file has no values: every cell below the header is empty (or n/a, NA, -)")
	}
	return t, errs.Err()
}

func blank(row []cell) bool {
	for _, c := range row {
		if strings.TrimSpace(c.text) != "" {
			return false
		}
	}
	return true
}

// typeCells parses a column's cells, gives it the type most of them have
// (on a tie a string loses: a stray "n/a" is the usual slip), and reports
// the cells of another type.
func (c *column) typeCells(cells []cell, o DateOrder, errs *diag.List) {
	vals := make([]tomlval.Value, len(cells))
	pcts := make([]bool, len(cells))
	var counts [5]int
	order := orderOf(cells, o)
	for i, cl := range cells {
		v, pct, err := parseCell(cl, order)
		if err != nil {
			errs.Addf(cl.pos, "%v", err)
			continue
		}
		vals[i], pcts[i] = v, pct
		if !v.IsEmpty() {
			counts[v.Type]++
		}
		c.pct = c.pct || pct
	}
	for _, t := range []tomlval.Type{tomlval.Number, tomlval.Date, tomlval.Bool, tomlval.String} {
		if counts[t] > counts[c.typ] {
			c.typ = t
		}
	}
	for i, v := range vals {
		switch {
		case v.IsEmpty():
		case v.Type != c.typ:
			errs.Addf(cells[i].pos, "want %s like the rest of column %q, got %s", c.typ.Noun(), c.header, v.Describe())
		case c.pct && !pcts[i]:
			errs.Addf(cells[i].pos, "want a percentage like the rest of column %q (such as 12.5%%), got %s", c.header, v.Describe())
		}
	}
	c.values = vals
}

// checkKind runs the dataset's own checks for its kind (the columns it
// needs, a series' dates in order, one move per day and ticker) and places
// what they find at the source's cells.
func (t *table) checkKind(name string, opts Options) error {
	cols := make([]*dataset.Column, len(t.cols))
	rows := make([][]tomlval.Value, t.rows)
	for i, c := range t.cols {
		cols[i] = &dataset.Column{Name: c.name, Type: c.typ, Index: i}
	}
	for r := range rows {
		rows[r] = make([]tomlval.Value, len(t.cols))
		for i, c := range t.cols {
			rows[r][i] = c.values[r]
		}
	}
	d, err := dataset.New(dataset.Dataset{ID: opts.ID}, cmp.Or(opts.Kind, dataset.KindTable), cols, rows)
	if err != nil {
		return err
	}
	var errs diag.List
	for _, pr := range dataset.CheckKind(d) {
		pos := diag.Pos{File: name, Line: 1, Col: 1}
		col := slices.IndexFunc(t.cols, func(c *column) bool { return c.name == pr.Column })
		switch {
		case pr.Row < 0 && col >= 0:
			pos = t.cols[col].pos
		case pr.Row >= 0 && col >= 0:
			pos = t.pos[pr.Row][col]
		case pr.Row >= 0:
			pos = t.pos[pr.Row][0]
		}
		msg := pr.Msg
		if pr.First >= 0 {
			msg = strings.Replace(msg, dataset.FirstMark, fmt.Sprintf("on line %d", t.pos[pr.First][0].Line), 1)
		}
		errs.Addf(pos, "%s", msg)
	}
	return errs.Err()
}
