// Package workbook writes Excel workbooks with excelize: one per briefing,
// with a sheet of exactly the rows each chart or table block shows and a
// native Excel chart beside each chart's data, and one with every dataset in
// full. Cells are typed (real dates, percent as fractions, money in a currency
// format), strings always stay text, and the bytes are the same on every run,
// machine and timezone.
package workbook

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/tomlval"
	"github.com/brief-desk/brief/internal/view"
)

// Info describes the workbook for its cover sheet and document properties.
type Info struct {
	SiteTitle string
	Author    string
	Title     string
	Summary   string
	URL       string    // the briefing page or the site
	Date      time.Time // the briefing's date: document created
	Modified  time.Time // document modified and zip time stamps; default Date
	// The house style: the series colours of native charts (#rrggbb), and
	// a PNG logo for the cover; both may be empty.
	Palette []string
	Logo    []byte
}

// maxCell is the most characters a cell holds.
const maxCell = 32767

// book wraps an excelize file with the styles and names of one workbook.
type book struct {
	f      *excelize.File
	names  map[string]bool // sheet names in use, lower-cased
	styles map[string]int
	tables int
	header int
}

func newBook() (*book, error) {
	// "About" and "Sources" are kept for the cover and the sources sheet.
	b := &book{f: excelize.NewFile(), names: map[string]bool{"about": true, "sources": true}, styles: map[string]int{}}
	var err error
	b.header, err = b.f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEECE6"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "9A9A9A", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	})
	return b, err
}

// general is Excel's built-in format that shows a number as it is.
const general = "General"

// numFmt is the Excel number format for a column: the same text the site
// shows ($126,210 but $35.00; $7.0B), checked against LibreOffice. Sections
// with conditions drop the minus sign of the last section, so a money column
// with negative values gets a format without compaction.
func numFmt(c *dataset.Column, decimals int, negative bool) string {
	// A column brief makes with no format holds raw values: "General".
	switch c.Format {
	case dataset.FormatDate:
		return "yyyy-mm-dd"
	case dataset.FormatInteger:
		return "#,##0"
	case dataset.FormatUSD:
		return `[>=1000]"$"#,##0;[>=0]"$"#,##0.00;-"$"#,##0.00`
	case dataset.FormatUSDCompact:
		if negative {
			return `"$"#,##0;-"$"#,##0`
		}
		return `[>=1000000000]"$"#,##0.0,,,"B";[>=1000000]"$"#,##0.0,,"M";"$"#,##0`
	case dataset.FormatPercent:
		return "+0.0%;-0.0%;0.0%"
	}
	if c.Type == dataset.Date {
		return "yyyy-mm-dd"
	}
	if c.Type != dataset.Number {
		return "@"
	}
	if c.Format == "" { // a raw value: as many digits as it has
		return general
	}
	if decimals == 0 {
		return "#,##0"
	}
	return "#,##0." + strings.Repeat("0", decimals)
}

// cellFmt is the number format of a cell with a format of its own (a row
// of a series changes table): the text the site shows for x, and its plus
// sign on a gain when signed. Each cell has its own, so one section does.
func cellFmt(f dataset.Format, x float64, signed bool) string {
	var s string
	a := math.Abs(x)
	switch f {
	case dataset.FormatPercent:
		return "+0.0%;-0.0%;0.0%" // always signed, as on the site
	case dataset.FormatInteger:
		s = "#,##0"
	case dataset.FormatUSD:
		s = `"$"#,##0.00`
		if a >= 1000 {
			s = `"$"#,##0`
		}
	case dataset.FormatUSDCompact:
		s = `"$"#,##0.00`
		for i, unit := range []string{"T", "B", "M", "K"} {
			div := math.Pow10(12 - 3*i)
			if math.Round(a/div*10)/10 >= 1 {
				s = `"$"#,##0.0` + strings.Repeat(",", 4-i) + `"` + unit + `"`
				break
			}
		}
	case "":
		s = general
	default:
		d, _ := scan(&dataset.Column{Type: dataset.Number}, func(int) dataset.Value { return dataset.Value{Type: dataset.Number, Num: x} }, 1)
		s = numFmt(&dataset.Column{Type: dataset.Number, Format: f}, d, x < 0)
	}
	if !signed {
		return s
	}
	return "+" + s + ";-" + s + ";" + s
}

// wrapped is the style key of text that wraps in its column.
const wrapped = "@ wrapped"

func (b *book) style(format string) (int, error) {
	if id, ok := b.styles[format]; ok {
		return id, nil
	}
	s := &excelize.Style{CustomNumFmt: &format, Alignment: &excelize.Alignment{Vertical: "top"}}
	switch format {
	case general:
		s.CustomNumFmt = nil // the built-in format 0
	case wrapped:
		text := "@"
		s.CustomNumFmt, s.Alignment.WrapText = &text, true
	}
	id, err := b.f.NewStyle(s)
	if err != nil {
		return 0, err
	}
	b.styles[format] = id
	return id, nil
}

// sheetName turns a title into a valid, unique sheet name: at most 31
// characters, shortened by whole words (shorten), none of []:*?/\, not
// "History", not starting or ending with an apostrophe.
func (b *book) sheetName(title, fallback string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			return ' '
		case r < 0x20 || r == 0x7f || r == 0xfffe || r == 0xffff:
			return -1
		}
		return r
	}, title)
	clean = strings.Join(strings.Fields(clean), " ")
	clean = strings.Trim(clean, "'")
	if clean == "" {
		clean = fallback
	}
	base := shorten(clean, maxSheetName)
	name := base
	for i := 2; b.names[strings.ToLower(name)] || strings.EqualFold(name, "History"); i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		name = shorten(base, maxSheetName-len(suffix)) + suffix
	}
	b.names[strings.ToLower(name)] = true
	return name
}

// text makes a string safe for a cell: characters XML 1.0 forbids are
// dropped, and the length is capped at what a cell holds.
func text(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return r
		}
		if r < 0x20 || r == 0xfffe || r == 0xffff || (r >= 0xd800 && r <= 0xdfff) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if utf8.RuneCountInString(s) > maxCell {
		s = string([]rune(s)[:maxCell-1]) + "…"
	}
	return s
}

// cellValue converts a value for a cell shown in format f. Percent values
// become fractions (10.8 -> 0.108) so that Excel's percent format shows
// 10.8%.
func cellValue(f dataset.Format, v dataset.Value) any {
	switch v.Type {
	case dataset.Number:
		if f == dataset.FormatPercent {
			// 11.6/100 is 0.11599999999999999 in binary; keep the decimal the
			// data meant, so the cell reads 0.116.
			f, _ := strconv.ParseFloat(strconv.FormatFloat(v.Num/100, 'g', 15, 64), 64)
			return f
		}
		return v.Num
	case dataset.String:
		return text(v.Str)
	case dataset.Bool:
		return v.Bool
	case dataset.Date:
		t := v.Date()
		if t.Before(excelEpoch) {
			// Excel has no dates before 1900: keep the date, as text.
			return t.Format(time.DateOnly)
		}
		return t
	}
	return nil
}

// excelEpoch is the first date Excel (and so LibreOffice and Google Sheets,
// reading Excel files) handles reliably: 1900-03-01, after Excel's fictitious
// 1900-02-29.
var excelEpoch = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)

// scan returns how many decimal places a column of numbers needs (at most
// 6) and whether it holds a negative number.
func scan(c *dataset.Column, value func(r int) dataset.Value, n int) (d int, negative bool) {
	if c.Type != dataset.Number {
		return 0, false
	}
	for r := 0; r < n; r++ {
		v := value(r)
		if v.Type != dataset.Number {
			continue
		}
		negative = negative || v.Num < 0
		if c.AllInt {
			continue
		}
		for d < 6 {
			scaled := v.Num * math.Pow10(d)
			if math.Abs(scaled-math.Round(scaled)) < 1e-9*math.Max(1, math.Abs(scaled)) {
				break
			}
			d++
		}
	}
	return d, negative
}

// table is a sheet's worth of data: columns and a way to read each row.
type table struct {
	cols  []*dataset.Column
	rows  int
	value func(r int, c *dataset.Column) dataset.Value
	// cell, when not nil, gives cell (r, i) a format of its own, or nil
	// for its column's (view.View's Cells), and show what the site shows.
	cell func(r, i int) *view.Cell
	show func(r, i int) string
	list bool // a reference list (sources, quoted figures): no Excel table
}

// viewTable is the table of a view's rows.
func viewTable(v *view.View) table {
	t := table{cols: v.Columns, rows: len(v.Rows), value: v.Value}
	if v.Cells != nil {
		t.cell, t.show = func(r, i int) *view.Cell { return v.Cells[r][i] }, v.Text
	}
	return t
}

// writeTable streams a header and the rows into a new sheet, with a frozen
// header, an Excel table (filter buttons) unless t is a list, fitted column
// widths, the print setup of a report (printSetup) and, when chart is not
// nil, a native chart added before the stream is flushed.
func (b *book) writeTable(sheet string, t table, chart func(sheet string, t table) (*excelize.Chart, string)) error {
	if _, err := b.f.NewSheet(sheet); err != nil {
		return err
	}
	styles, widths, err := b.columnStyles(t)
	if err != nil {
		return err
	}
	w, h := tableSize(widths, len(t.cols), t.rows, chart != nil && t.rows > 0)
	if err := b.printSetup(sheet, w, h, true); err != nil {
		return err
	}
	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := setWidths(sw, widths); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", b.headerRow(t), excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	// The table (filter buttons) is added now, while the stream holds only
	// the header: excelize reads the header names back by decoding what has
	// been streamed so far.
	// A table costs a re-read of the stream and of every earlier table
	// (excelize counts them), a sixth of a small workbook's time, so the
	// lists go without one.
	if !t.list {
		last, _ := excelize.CoordinatesToCellName(len(t.cols), max(t.rows+1, 2))
		b.tables++
		if err := sw.AddTable(&excelize.Table{
			Range: "A1:" + last, Name: fmt.Sprintf("Data%d", b.tables),
			StyleName: "TableStyleLight1", ShowRowStripes: new(bool),
		}); err != nil {
			return err
		}
	}
	if err := b.writeRows(sw, t, styles, widths); err != nil {
		return err
	}
	if chart != nil {
		if c, at := chart(sheet, t); c != nil {
			if err := b.f.AddChart(sheet, at, c); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

// writeRows streams the rows of t under its header, in the columns'
// styles; a row with wrapped text is as high as its lines.
func (b *book) writeRows(sw *excelize.StreamWriter, t table, styles []int, widths []float64) error {
	// One row of cells, reused: the row holds pointers, so filling it
	// allocates nothing but the values themselves.
	row := make([]any, len(t.cols))
	cells := make([]excelize.Cell, len(t.cols))
	for i := range cells {
		cells[i].StyleID = styles[i]
		row[i] = &cells[i]
	}
	for r := 0; r < t.rows; r++ {
		for i, c := range t.cols {
			v := t.value(r, c)
			if t.cell == nil {
				cells[i].Value = cellValue(c.Format, v)
				continue
			}
			if err := b.ownCell(&cells[i], t.cell(r, i), c, v, styles[i]); err != nil {
				return err
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		var opts []excelize.RowOpts
		if n := b.rowLines(t, r, styles, widths); n > 1 {
			opts = append(opts, excelize.RowOpts{Height: rowHeightFor(rowPoints, n)})
		}
		if err := sw.SetRow(cell, row, opts...); err != nil {
			return err
		}
	}
	return nil
}

// rowLines is how many lines row r's wrapped text takes: neither Excel nor
// LibreOffice fits a row's height to wrapped text on opening a file.
func (b *book) rowLines(t table, r int, styles []int, widths []float64) int {
	n := 1
	wrap, ok := b.styles[wrapped]
	if !ok {
		return n
	}
	for i, id := range styles {
		if id == wrap {
			n = max(n, lines(t.text(r, i), (widths[i]-2)*proseFill))
		}
	}
	return n
}

// rowPoints is the height of a line of text in a row, in points.
const rowPoints = 15

// rowHeightFor is the height in points of a row of n lines of lineHeight
// points, at most the 409 points Excel allows (the rest of a longer text
// is in the cell, and shows when it is opened).
func rowHeightFor(lineHeight float64, n int) float64 {
	return min(lineHeight*float64(n)+2, excelize.MaxRowHeight)
}

// headerRow is the header cells of a table, each unique, as an Excel
// table's must be.
func (b *book) headerRow(t table) []any {
	head := make([]any, len(t.cols))
	seen := map[string]int{}
	for i, c := range t.cols {
		h := text(c.Header())
		if n := seen[strings.ToLower(h)]; n > 0 {
			h = fmt.Sprintf("%s (%d)", h, n+1)
		}
		seen[strings.ToLower(h)]++
		head[i] = excelize.Cell{StyleID: b.header, Value: h}
	}
	return head
}

// maxFitted is how many columns of a sheet get fitted widths; the rest
// keep Excel's default. excelize merges each width into the sheet's column
// list with a pass over all of it, so fitting every column of a wide sheet
// is quadratic (4,000 columns took 25 s).
const maxFitted = 256

// setWidths sets the width of the first maxFitted columns.
func setWidths(sw *excelize.StreamWriter, widths []float64) error {
	for i, w := range widths[:min(len(widths), maxFitted)] {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	return nil
}

// ownCell fills a cell of column c that may have a format of its own: its
// value in that format with a style of that format (the column's style,
// colStyle, when it has none).
func (b *book) ownCell(cell *excelize.Cell, own *view.Cell, c *dataset.Column, v dataset.Value, colStyle int) error {
	if own == nil || v.Type != dataset.Number {
		cell.Value, cell.StyleID = cellValue(c.Format, v), colStyle
		return nil
	}
	id, err := b.style(cellFmt(own.Format, v.Num, own.Signed))
	cell.Value, cell.StyleID = cellValue(own.Format, v), id
	return err
}

// columnStyles are each column's cell style (its number format) and width,
// fitted to the header and the formatted values (a sample of a long sheet).
func (b *book) columnStyles(t table) (styles []int, widths []float64, err error) {
	styles = make([]int, len(t.cols))
	widths = make([]float64, len(t.cols))
	for i, c := range t.cols {
		dec, neg := scan(c, func(r int) dataset.Value { return t.value(r, c) }, t.rows)
		if styles[i], err = b.style(numFmt(c, dec, neg)); err != nil {
			return nil, nil, err
		}
		widths[i] = width(c.Header()) + 2
		if c.Type == dataset.Date {
			widths[i] = max(widths[i], 12)
		}
		step := max(1, t.rows/2000)
		for r := 0; r < t.rows; r += step {
			widths[i] = max(widths[i], width(t.text(r, i))+2)
		}
		widths[i] = max(widths[i], 8)
		if widths[i] > maxWidth && c.Type == dataset.String {
			// Text longer than a column holds wraps in it: spilled over
			// the columns to its right, it would widen the printed page.
			widths[i] = maxWrappedWidth
			if styles[i], err = b.style(wrapped); err != nil {
				return nil, nil, err
			}
		}
		widths[i] = min(widths[i], maxWidth)
	}
	return styles, widths, nil
}

// A column is at most maxWidth characters wide; a column of text longer
// than that wraps in maxWrappedWidth.
const (
	maxWidth        = 60
	maxWrappedWidth = 45
)

// text is cell (r, i) as the site shows it.
func (t table) text(r, i int) string {
	if t.show != nil {
		return t.show(r, i)
	}
	c := t.cols[i]
	return c.FormatValue(t.value(r, c))
}

// width estimates a column width in characters.
func width(s string) float64 {
	n := 0
	for _, line := range strings.Split(s, "\n") {
		n = max(n, utf8.RuneCountInString(line))
	}
	return float64(n) * 1.1
}

// quote makes a sheet name safe inside a cell reference.
func quote(sheet string) string { return "'" + strings.ReplaceAll(sheet, "'", "''") + "'" }

// cover writes the first sheet: what the workbook is and where it came from.
func (b *book) cover(info Info, contents [][2]string) error {
	const sheet = "About"
	if err := b.f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := b.coverStyles()
	if err != nil {
		return err
	}
	bold, label, wrap, date, link, plain := st[0], st[1], st[2], st[3], st[4], st[5]
	set := func(cell string, v any, style int) error {
		if err := b.f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
		if style == 0 {
			return nil
		}
		return b.f.SetCellStyle(sheet, cell, cell, style)
	}
	// Long text spans columns B and C (A to C for the title), each row as
	// high as its wrapped lines: neither Excel nor LibreOffice fits a row to
	// wrapped text on opening a file.
	steps := []struct {
		cell  string
		v     any
		style int
		merge string  // the last cell of a merged range
		chars float64 // the line's width in characters, when it wraps
	}{
		{"A1", text(info.Title), bold, "C1", (coverA + coverB + coverC) * 11 / 14},
		{"A3", "Site", label, "", 0}, {"B3", text(info.SiteTitle), wrap, "C3", coverB + coverC},
		{"A4", "Date", label, "", 0}, {"B4", info.Date, date, "", 0},
		{"A5", "Summary", label, "", 0}, {"B5", text(info.Summary), wrap, "C5", coverB + coverC},
		{"A6", "Online", label, "", 0}, {"B6", text(info.URL), link, "C6", 0},
		{"A8", "Sheets", label, "", 0},
	}
	for _, s := range steps {
		if err := set(s.cell, s.v, s.style); err != nil {
			return err
		}
		if err := b.spread(sheet, s.cell, s.merge, s.v, s.chars, s.style == bold); err != nil {
			return err
		}
	}
	if info.URL != "" {
		if err := b.f.SetCellHyperLink(sheet, "B6", info.URL, "External"); err != nil {
			return err
		}
	}
	if err := b.logo(sheet, info); err != nil {
		return err
	}
	for i, c := range contents {
		row := 8 + i
		if err := set(fmt.Sprintf("B%d", row), text(c[0]), plain); err != nil {
			return err
		}
		if err := set(fmt.Sprintf("C%d", row), text(c[1]), wrap); err != nil {
			return err
		}
		if n := lines(text(c[1]), coverC*proseFill); n > 1 {
			if err := b.f.SetRowHeight(sheet, row, rowHeightFor(rowPoints, n)); err != nil {
				return err
			}
		}
	}
	for _, c := range []struct {
		col   string
		width float64
	}{{"A", coverA}, {"B", coverB}, {"C", coverC}} {
		if err := b.f.SetColWidth(sheet, c.col, c.col, c.width); err != nil {
			return err
		}
	}
	width := columnPixels(coverA) + columnPixels(coverB) + columnPixels(coverC)
	return b.printSetup(sheet, width, float64(8+len(contents))*rowHeight, false)
}

// coverStyles are the cover's styles: the title, a label, wrapped text, a
// date, a link and plain text, all at the top of their cells.
// logoHeight is the logo's height on the cover, in pixels.
const logoHeight = 48

// logo puts the house logo at the cover's top right, beside the title, 48
// pixels high.
func (b *book) logo(sheet string, info Info) error {
	if len(info.Logo) == 0 {
		return nil
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(info.Logo))
	if err != nil || cfg.Height == 0 {
		return fmt.Errorf("the logo is not a PNG image: %v", err)
	}
	scale := float64(logoHeight) / float64(cfg.Height)
	return b.f.AddPictureFromBytes(sheet, "D1", &excelize.Picture{Extension: ".png", File: info.Logo,
		Format: &excelize.GraphicOptions{ScaleX: scale, ScaleY: scale, Positioning: "oneCell", AltText: text(info.SiteTitle)}})
}

func (b *book) coverStyles() ([]int, error) {
	top := func(a excelize.Alignment) *excelize.Alignment { a.Vertical = "top"; return &a }
	date := "yyyy-mm-dd"
	var ids []int
	for _, s := range []*excelize.Style{
		{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: top(excelize.Alignment{WrapText: true})},
		{Font: &excelize.Font{Bold: true}, Alignment: top(excelize.Alignment{})},
		{Alignment: top(excelize.Alignment{WrapText: true})},
		{CustomNumFmt: &date, Alignment: top(excelize.Alignment{Horizontal: "left"})},
		{Font: &excelize.Font{Color: "0B5CAD", Underline: "single"}, Alignment: top(excelize.Alignment{})},
		{Alignment: top(excelize.Alignment{})},
	} {
		id, err := b.f.NewStyle(s)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// spread merges a cover cell up to the cell merge (if any) and, when its
// value is text that wraps in lines of chars characters, makes its row as
// high as its lines; big is the title's 14-point type.
func (b *book) spread(sheet, cell, merge string, v any, chars float64, big bool) error {
	if merge != "" {
		if err := b.f.MergeCell(sheet, cell, merge); err != nil {
			return err
		}
	}
	str, ok := v.(string)
	if !ok || chars == 0 {
		return nil
	}
	_, row, _ := excelize.CellNameToCoordinates(cell)
	height := float64(rowPoints)
	if big {
		height = 18.75
	}
	return b.f.SetRowHeight(sheet, row, rowHeightFor(height, lines(str, chars*proseFill)))
}

// The widths of the cover's columns, in characters (of digits), and how
// many characters of prose a line holds per character of width: letters
// and spaces are narrower than digits (a little less than their average
// leaves room to spare rather than cutting a line off).
const (
	coverA, coverB, coverC = 12, 40, 70
	proseFill              = 1.2
)

// sources writes the sheet that lists every dataset used.
func (b *book) sources(sets []*dataset.Dataset) error {
	cols := dataset.Numbered(
		dataset.TextColumn("id", "Dataset"),
		dataset.TextColumn("title", "Title"),
		dataset.TextColumn("source", "Source"),
		dataset.TextColumn("link", "Link"),
		dataset.TextColumn("description", "Description"),
		dataset.TextColumn("notes", "Notes"),
	)
	// A derived dataset's source is its query: the sheet shows it, in a
	// column of its own that only a workbook with one has.
	if slices.ContainsFunc(sets, func(d *dataset.Dataset) bool { return d.Derivation() != nil }) {
		cols = dataset.Numbered(append(cols, dataset.TextColumn("query", "Query (SQL over the other datasets)"))...)
	}
	t := table{cols: cols, rows: len(sets), value: func(r int, c *dataset.Column) dataset.Value {
		d := sets[r]
		query := ""
		if q := d.Derivation(); q != nil {
			query = strings.TrimSpace(q.Query)
		}
		return tomlval.StringValue([]string{d.ID, d.Title, d.Source, d.SourceURL, d.Description, d.Notes, query}[c.Index])
	}, list: true}
	return b.writeTable("Sources", t, nil)
}

func (b *book) finish(w io.Writer, info Info) error {
	mod := info.Modified
	if mod.IsZero() {
		mod = info.Date
	}
	if err := b.f.SetDocProps(&excelize.DocProperties{
		Title:          text(info.Title),
		Subject:        text(info.SiteTitle),
		Description:    text(info.Summary),
		Creator:        text(info.Author),
		LastModifiedBy: "brief",
		Created:        info.Date.UTC().Format(time.RFC3339),
		Modified:       mod.UTC().Format(time.RFC3339),
		Language:       "en",
	}); err != nil {
		return err
	}
	b.f.SetZipWriter(newSortedZip(mod.UTC()))
	_, err := b.f.WriteTo(w)
	if cerr := b.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Briefing writes the workbook of one briefing: a cover, a sheet per block
// with exactly the rows the block shows, a native chart beside each chart's
// data, and the sources.
func Briefing(w io.Writer, info Info, views []*view.View, figures []*view.Figure) error {
	b, err := newBook()
	if err != nil {
		return err
	}
	var contents [][2]string
	var used []*dataset.Dataset
	seen := map[string]bool{}
	type pending struct {
		name string
		v    *view.View
	}
	var sheets []pending
	for _, v := range views {
		name := b.sheetName(v.Title, fmt.Sprintf("%s %d", strings.ToUpper(string(v.Kind[:1]))+string(v.Kind[1:]), v.Index+1))
		sheets = append(sheets, pending{name, v})
		contents = append(contents, [2]string{name, fmt.Sprintf("%s of %s: %d rows as of %s", v.Kind, v.Data.Title, len(v.Rows), v.AsOf.Format(time.DateOnly))})
		if !seen[v.Data.ID] {
			seen[v.Data.ID] = true
			used = append(used, v.Data)
		}
	}
	if len(figures) > 0 {
		contents = append(contents, [2]string{figuresSheet, fmt.Sprintf("the %d values the text quotes, with where each comes from", len(figures))})
	}
	revised := revisionsOf(views, figures)
	if len(revised) > 0 {
		contents = append(contents, [2]string{revisionsSheet, fmt.Sprintf("the %d values this briefing published that were revised since", len(revised))})
	}
	contents = append(contents, [2]string{"Sources", "where every number comes from"})
	if err := b.cover(info, contents); err != nil {
		return err
	}
	for _, s := range sheets {
		v := s.v
		t := viewTable(v)
		var chart func(string, table) (*excelize.Chart, string)
		if v.Chart != nil {
			chart = nativeChart(v, info.Palette)
		}
		if err := b.writeTable(s.name, t, chart); err != nil {
			return fmt.Errorf("sheet %q: %w", s.name, err)
		}
	}
	if len(figures) > 0 {
		if err := b.figures(figures); err != nil {
			return err
		}
	}
	if len(revised) > 0 {
		if err := b.revisions(revised); err != nil {
			return err
		}
	}
	if err := b.sources(used); err != nil {
		return err
	}
	return b.finish(w, info)
}

// figuresSheet lists the inline values of a briefing.
const figuresSheet = "Quoted figures"

// figures writes the sheet of inline values: the expression, the raw value
// (a number where it is one), what the text shows, the dataset, its source
// and the row's date.
func (b *book) figures(figs []*view.Figure) error {
	cols := dataset.Numbered(
		dataset.TextColumn("expression", "Expression"),
		&dataset.Column{Name: "value", Label: "Value", Type: dataset.Number}, // raw: General
		dataset.TextColumn("shown", "Shown as"),
		dataset.TextColumn("dataset", "Dataset"),
		dataset.TextColumn("source", "Source"),
		&dataset.Column{Name: "date", Label: "Row date", Type: dataset.Date, Format: dataset.FormatDate},
	)
	t := table{cols: cols, rows: len(figs), value: func(r int, c *dataset.Column) dataset.Value {
		f := figs[r]
		switch c.Index {
		case 0:
			return tomlval.StringValue("{{ " + f.Inline.Expr + " }}")
		case 1:
			if f.Value.Type == dataset.Number {
				return tomlval.NumberValue(f.Value.Num)
			}
			return dataset.Value{}
		case 2:
			return tomlval.StringValue(f.Text)
		case 3:
			return tomlval.StringValue(f.Data.ID)
		case 4:
			return tomlval.StringValue(f.Data.Source)
		}
		if f.Date.IsZero() {
			return dataset.Value{}
		}
		return tomlval.DateValue(f.Date)
	}, list: true}
	return b.writeTable(figuresSheet, t, nil)
}

// revisionsSheet lists the values a briefing published that were revised
// after its date.
const revisionsSheet = "Revisions"

// revisionsOf gathers the revisions of a briefing's views and figures, each
// once.
func revisionsOf(views []*view.View, figures []*view.Figure) []view.Revision {
	var out []view.Revision
	seen := map[view.Revision]bool{}
	add := func(r view.Revision) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, v := range views {
		for _, r := range v.Revisions {
			add(r)
		}
	}
	for _, f := range figures {
		if f.Revision != nil {
			add(*f.Revision)
		}
	}
	return out
}

// revisions writes the sheet of revised values: the dataset, the row, the
// column, what the briefing published, what it is now, and since when.
func (b *book) revisions(revs []view.Revision) error {
	cols := dataset.Numbered(
		dataset.TextColumn("dataset", "Dataset"),
		dataset.TextColumn("row", "Row"),
		dataset.TextColumn("column", "Column"),
		dataset.TextColumn("published", "Published"),
		dataset.TextColumn("current", "Now"),
		&dataset.Column{Name: "on", Label: "Revised on", Type: dataset.Date, Format: dataset.FormatDate},
	)
	t := table{cols: cols, rows: len(revs), value: func(r int, c *dataset.Column) dataset.Value {
		rv := revs[r]
		switch c.Index {
		case 0:
			return tomlval.StringValue(rv.Dataset)
		case 1:
			return tomlval.StringValue(rv.Row)
		case 2:
			return tomlval.StringValue(rv.Column)
		case 3:
			return tomlval.StringValue(rv.Published)
		case 4:
			return tomlval.StringValue(rv.Current)
		}
		return tomlval.DateValue(rv.On)
	}, list: true}
	return b.writeTable(revisionsSheet, t, nil)
}

// Datasets writes every dataset in full, a sheet each, and the sources.
func Datasets(w io.Writer, info Info, sets []*dataset.Dataset) error {
	b, err := newBook()
	if err != nil {
		return err
	}
	var contents [][2]string
	names := make([]string, len(sets))
	for i, d := range sets {
		names[i] = b.sheetName(d.ID, "Data")
		contents = append(contents, [2]string{names[i], fmt.Sprintf("%s: %d rows", d.Title, d.Len())})
	}
	contents = append(contents, [2]string{"Sources", "where every number comes from"})
	if err := b.cover(info, contents); err != nil {
		return err
	}
	for i, d := range sets {
		t := table{cols: d.Columns(), rows: d.Len(), value: func(r int, c *dataset.Column) dataset.Value { return d.Value(r, c) }}
		if err := b.writeTable(names[i], t, nil); err != nil {
			return fmt.Errorf("sheet %q: %w", names[i], err)
		}
	}
	if err := b.sources(sets); err != nil {
		return err
	}
	return b.finish(w, info)
}

// Bytes runs a writer into memory.
func Bytes(write func(io.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	err := write(&buf)
	return buf.Bytes(), err
}
