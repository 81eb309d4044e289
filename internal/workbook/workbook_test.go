package workbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/tomlval"
	"github.com/brief-desk/brief/internal/view"
)

const moves = `title = "Moves"
source = "Desk"
source_url = "https://example.org/moves"
notes = "Illustrative."
kind = "moves"
[columns.change_pct]
label = "Change"
[[rows]]
date = 2026-01-02
ticker = "HUT"
name = "=HYPERLINK(\"http://evil.example\",\"click\")"
change_pct = 10.8
[[rows]]
date = 2026-01-02
ticker = "WULF"
name = "+1 @SUM(A1)"
change_pct = 11.6
[[rows]]
date = 2026-01-02
ticker = "XYZ"
name = "replaced below"
change_pct = -4.25
[[rows]]
date = 2026-01-05
ticker = "HUT"
name = "later"
change_pct = 1.0
`

const deals = `title = "Deals"
source = "Desk"
kind = "deals"
[[rows]]
announced = 2025-12-17
company = "Hut 8"
counterparty = "Fluidstack"
value_usd = 7_000_000_000
term_years = 15
capacity_mw = 250.5
`

var asOf = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)

func parse(t testing.TB, id, src string) *dataset.Dataset {
	t.Helper()
	d, err := dataset.Parse("data/"+id+".toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func bind(t testing.TB, d *dataset.Dataset, b block.Selection) *view.View {
	t.Helper()
	b.Dataset = d.ID
	bd, err := b.Bind(&block.Context{Date: asOf, IDs: []string{d.ID}, Find: func(string) *dataset.Dataset { return d }})
	if err != nil {
		t.Fatal(err)
	}
	return bd.Tables()[0]
}

func open(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func briefingBook(t testing.TB) []byte {
	t.Helper()
	m, d := parse(t, "moves", moves), parse(t, "deals", deals)
	// Parsing refuses control characters; the workbook still drops them if
	// one ever gets through.
	m = withCell(t, m, 2, "name", tomlval.StringValue("bad\x01control"))
	views := []*view.View{
		bind(t, m, block.Selection{Base: block.Base{Name: "chart"}, Title: "Miners led: the first day [of] 2026 / a very long title indeed"}),
		bind(t, d, block.Selection{Base: block.Base{Name: "table"}, Title: "Deals"}),
		bind(t, m, block.Selection{Base: block.Base{Name: "table"}, Title: "Sources", Sort: "ticker"}),
	}
	data, err := Bytes(func(w io.Writer) error {
		return Briefing(w, Info{SiteTitle: "Desk", Author: "Sector desk", Title: "Miners turn AI landlords", Summary: "Sum",
			URL: "https://example.org/briefings/x/", Date: asOf}, views, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestBriefingWorkbook(t *testing.T) {
	f := open(t, briefingBook(t))
	wantSheets := []string{"About", "Miners led the first day", "Deals", "Sources (2)", "Sources"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(wantSheets, "|") {
		t.Fatalf("sheets = %q, want %q", got, wantSheets)
	}
	chartSheet := wantSheets[1]

	// The chart's sheet holds exactly the block's rows: as of 2026-01-02,
	// latest day, sorted by change descending.
	rows, err := f.GetRows(chartSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "Ticker" || rows[1][0] != "WULF" || rows[2][0] != "HUT" || rows[3][0] != "XYZ" {
		t.Errorf("chart rows = %q", rows)
	}

	tests := []struct {
		sheet, cell string
		typ         excelize.CellType
		raw         string
		numFmt      string
	}{
		{chartSheet, "B2", excelize.CellTypeNumber, "0.116", "+0.0%;-0.0%;0.0%"},
		{chartSheet, "B4", excelize.CellTypeNumber, "-0.0425", "+0.0%;-0.0%;0.0%"},
		{chartSheet, "C3", excelize.CellTypeSharedString, `=HYPERLINK("http://evil.example","click")`, "@"},
		{chartSheet, "C2", excelize.CellTypeSharedString, "+1 @SUM(A1)", "@"},
		{chartSheet, "C4", excelize.CellTypeSharedString, "badcontrol", "@"},
		{chartSheet, "D2", excelize.CellTypeNumber, "46024", "yyyy-mm-dd"},
		{"Deals", "A2", excelize.CellTypeNumber, "46008", "yyyy-mm-dd"},
		{"Deals", "D2", excelize.CellTypeNumber, "7000000000", `[>=1000000000]"$"#,##0.0,,,"B";[>=1000000]"$"#,##0.0,,"M";"$"#,##0`},
		{"Deals", "E2", excelize.CellTypeNumber, "15", "#,##0"},
		{"Deals", "F2", excelize.CellTypeNumber, "250.5", "#,##0.0"},
		{"About", "B4", excelize.CellTypeNumber, "46024", "yyyy-mm-dd"},
	}
	for _, tt := range tests {
		typ, err := f.GetCellType(tt.sheet, tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := f.GetCellValue(tt.sheet, tt.cell, excelize.Options{RawCellValue: true})
		if typ == excelize.CellTypeInlineString {
			typ = excelize.CellTypeSharedString // both are text
		}
		if typ != tt.typ && !(tt.typ == excelize.CellTypeNumber && typ == excelize.CellTypeUnset) {
			t.Errorf("%s!%s type = %v, want %v", tt.sheet, tt.cell, typ, tt.typ)
		}
		if raw != tt.raw {
			t.Errorf("%s!%s = %q, want %q", tt.sheet, tt.cell, raw, tt.raw)
		}
		formula, _ := f.GetCellFormula(tt.sheet, tt.cell)
		if formula != "" {
			t.Errorf("%s!%s became a formula %q", tt.sheet, tt.cell, formula)
		}
		style, _ := f.GetCellStyle(tt.sheet, tt.cell)
		st, _ := f.GetStyle(style)
		got := ""
		if st != nil && st.CustomNumFmt != nil {
			got = *st.CustomNumFmt
		}
		if got != tt.numFmt {
			t.Errorf("%s!%s number format = %q, want %q", tt.sheet, tt.cell, got, tt.numFmt)
		}
	}
	// Formatted as a reader sees it.
	if v, _ := f.GetCellValue(chartSheet, "B2"); v != "+11.6%" {
		t.Errorf("formatted percent = %q", v)
	}
	// Money's format scales by thousands ("$7.0B"), which excelize's own
	// formatter does not apply; the cell's value and format are checked
	// above, and LibreOffice's rendering of them in the build package's
	// TestWorkbooksInLibreOffice.

	// Header: bold, frozen, with units; a filterable table on data sheets.
	for _, sheet := range wantSheets[1:] {
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes = %+v, %v", sheet, panes, err)
		}
		style, _ := f.GetCellStyle(sheet, "A1")
		if st, _ := f.GetStyle(style); st == nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("%s: header is not bold", sheet)
		}
		tables, err := f.GetTables(sheet)
		want := 1
		if sheet == "Sources" {
			want = 0
		}
		if err != nil || len(tables) != want {
			t.Errorf("%s: tables = %v, %v; want %d (data sheets have one, the sources list none)", sheet, tables, err, want)
		}
		if w, _ := f.GetColWidth(sheet, "A"); w < 8 {
			t.Errorf("%s: column A width %v", sheet, w)
		}
	}
	if v, _ := f.GetCellValue("Deals", "D1"); v != "Value usd" {
		t.Errorf("deals header = %q", v)
	}

	// The cover links to the page; the sources list the datasets with links.
	if ok, target, _ := f.GetCellHyperLink("About", "B6"); !ok || target != "https://example.org/briefings/x/" {
		t.Errorf("cover link = %v %q", ok, target)
	}
	src, _ := f.GetRows("Sources")
	if len(src) != 3 || src[1][0] != "moves" || src[1][3] != "https://example.org/moves" || src[1][5] != "Illustrative." {
		t.Errorf("sources = %q", src)
	}
	props, _ := f.GetDocProps()
	if props.Title != "Miners turn AI landlords" || props.Creator != "Sector desk" || props.Created != "2026-01-02T00:00:00Z" {
		t.Errorf("doc props = %+v", props)
	}
}

func TestNativeChart(t *testing.T) {
	data := briefingBook(t)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var charts []string
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/charts/chart") {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			charts = append(charts, string(b))
		}
	}
	if len(charts) != 1 {
		t.Fatalf("chart parts = %d, want 1 (one chart block)", len(charts))
	}
	c := charts[0]
	for _, want := range []string{"<barChart>", `<varyColors val="0">`, "Miners led: the first day [of] 2026", `&#39;Miners led the first day&#39;!$B$2:$B$4`, `&#39;Miners led the first day&#39;!$A$2:$A$4`} {
		if !strings.Contains(c, want) {
			t.Errorf("chart part lacks %q", want)
		}
	}
}

func TestReproducible(t *testing.T) {
	a, b := briefingBook(t), briefingBook(t)
	if !bytes.Equal(a, b) {
		t.Error("two runs gave different bytes")
	}
	// The zip's time stamps are the briefing's date, not the clock.
	zr, _ := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	for _, f := range zr.File {
		if !f.Modified.Equal(asOf) {
			t.Errorf("%s modified %v", f.Name, f.Modified)
			break
		}
	}
}

func TestSheetNamesValid(t *testing.T) {
	b, _ := newBook()
	tests := []struct{ title, want string }{
		{"A/B: C?", "A B C"},
		{"History", "History (2)"},
		{"'quoted'", "quoted"},
		{"", "Chart 1"},
		{strings.Repeat("x", 40), strings.Repeat("x", 31)},
		{strings.Repeat("x", 40), strings.Repeat("x", 27) + " (2)"},
		{"about", "about (2)"},
	}
	for _, tt := range tests {
		if got := b.sheetName(tt.title, "Chart 1"); got != tt.want {
			t.Errorf("sheetName(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

// TestLargeDatasetStreams writes 20,000 rows and reads them back.
func TestLargeDatasetStreams(t *testing.T) {
	d := bigDataset(t, 20_000, 8)
	data, err := Bytes(func(w io.Writer) error { return Datasets(w, Info{Title: "All", Date: asOf}, []*dataset.Dataset{d}) })
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	rows, err := f.GetRows("big")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 20_001 || rows[20_000][0] != "1954-12-02" || rows[20_000][1] != "19,999" {
		t.Errorf("rows = %d, last = %q", len(rows), rows[len(rows)-1])
	}
}

func TestDatesBefore1900AreText(t *testing.T) {
	d := parse(t, "old", "title = \"Old\"\nsource = \"S\"\n[[rows]]\ndate = 1850-06-01\nv = 1\n[[rows]]\ndate = 1950-06-01\nv = 2\n")
	data, err := Bytes(func(w io.Writer) error { return Datasets(w, Info{Title: "All", Date: asOf}, []*dataset.Dataset{d}) })
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	if typ, _ := f.GetCellType("old", "A2"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("1850 date cell type = %v, want text", typ)
	}
	if v, _ := f.GetCellValue("old", "A2"); v != "1850-06-01" {
		t.Errorf("1850 date = %q", v)
	}
	if v, _ := f.GetCellValue("old", "A3"); v != "1950-06-01" {
		t.Errorf("1950 date = %q", v)
	}
}

// bigDataset makes a dataset of n daily rows and cols columns (a date, an
// integer and floats) in memory, as dataset.Parse would leave it.
func bigDataset(t testing.TB, n, cols int) *dataset.Dataset {
	t.Helper()
	columns := []*dataset.Column{
		{Name: "date", Label: "Date", Type: dataset.Date, Format: dataset.FormatDate, Index: 0},
		{Name: "i", Label: "I", Type: dataset.Number, Format: dataset.FormatInteger, AllInt: true, Index: 1},
	}
	for c := 2; c < cols; c++ {
		columns = append(columns, &dataset.Column{Name: fmt.Sprintf("v%d", c), Label: fmt.Sprintf("V%d", c), Unit: "USD",
			Type: dataset.Number, Format: dataset.FormatNumber, Index: c})
	}
	start := time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)
	if n < 1000 {
		start = asOf.AddDate(0, 0, -n)
	}
	rows := make([][]dataset.Value, n)
	for i := range n {
		row := make([]dataset.Value, cols)
		row[0] = tomlval.DateValue(start.AddDate(0, 0, i))
		row[1] = tomlval.IntValue(int64(i))
		for c := 2; c < cols; c++ {
			row[c] = tomlval.NumberValue(float64(i%1000) + float64(c)/10)
		}
		rows[i] = row
	}
	d, err := dataset.New(dataset.Dataset{ID: "big", Title: "Big", Source: "Generated"}, dataset.KindSeries, columns, rows)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// withCell returns a copy of d with one cell changed, for values that
// parsing would refuse.
func withCell(t testing.TB, d *dataset.Dataset, r int, col string, v dataset.Value) *dataset.Dataset {
	t.Helper()
	rows := make([][]dataset.Value, d.Len())
	for i := range rows {
		for _, c := range d.Columns() {
			rows[i] = append(rows[i], d.Value(i, c))
		}
	}
	rows[r][d.Column(col).Index] = v
	nd, err := dataset.New(*d, d.Kind(), d.Columns(), rows)
	if err != nil {
		t.Fatal(err)
	}
	return nd
}

// BenchmarkLargeWorkbook writes a 100,000-row, 8-column dataset to a workbook.
// Figures are in docs/performance.md.
func BenchmarkLargeWorkbook(b *testing.B) {
	d := bigDataset(b, 100_000, 8)
	b.ResetTimer()
	for b.Loop() {
		if err := Datasets(io.Discard, Info{Title: "All", Date: asOf}, []*dataset.Dataset{d}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBriefingWorkbook writes the workbook of a briefing with a chart
// and two tables: the per-briefing cost that a cold build pays a thousand
// times.
func BenchmarkBriefingWorkbook(b *testing.B) {
	m, d := parse(b, "moves", moves), parse(b, "deals", deals)
	big := bigDataset(b, 90, 3)
	views := []*view.View{
		bind(b, big, block.Selection{Base: block.Base{Name: "chart"}, Title: "Index"}),
		bind(b, m, block.Selection{Base: block.Base{Name: "chart"}, Title: "Moves"}),
		bind(b, d, block.Selection{Base: block.Base{Name: "table"}, Title: "Deals"}),
		bind(b, m, block.Selection{Base: block.Base{Name: "table"}, Title: "All moves"}),
	}
	info := Info{SiteTitle: "Desk", Title: "Week", Date: asOf}
	for b.Loop() {
		if err := Briefing(io.Discard, info, views, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLimitsMatchExcel: the most rows and columns a dataset may hold are
// what one sheet holds, under its header row.
func TestLimitsMatchExcel(t *testing.T) {
	if dataset.MaxRows != excelize.TotalRows-1 || dataset.MaxColumns != excelize.MaxColumns {
		t.Errorf("dataset limits %d rows, %d columns; Excel's %d rows (with the header), %d columns",
			dataset.MaxRows, dataset.MaxColumns, excelize.TotalRows, excelize.MaxColumns)
	}
}

// TestWidestSheet writes a dataset as wide as a sheet: every column is
// there, the first columns have fitted widths and the rest Excel's default
// (fitting all of them is quadratic in excelize: 4,000 columns took 25 s).
func TestWidestSheet(t *testing.T) {
	d := bigDataset(t, 3, dataset.MaxColumns)
	data, err := Bytes(func(w io.Writer) error { return Datasets(w, Info{Title: "All", Date: asOf}, []*dataset.Dataset{d}) })
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	rows, err := f.GetRows("big")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || len(rows[0]) != dataset.MaxColumns || rows[0][dataset.MaxColumns-1] != "V16383 (USD)" {
		t.Fatalf("got %d rows, %d columns, last header %q", len(rows), len(rows[0]), rows[0][len(rows[0])-1])
	}
	fitted, _ := f.GetColWidth("big", "A")
	rest, _ := f.GetColWidth("big", "XFD")
	if rest != 9.140625 || fitted == rest {
		t.Errorf("widths: A %v (want a fitted width), XFD %v (want Excel's default, 9.140625)", fitted, rest)
	}
	if last, _ := f.GetColWidth("big", "IV"); last == rest { // column 256
		t.Errorf("column 256 has the default width, want a fitted one")
	}
}

// TestSortContentTypes: the Default and Override elements are sorted, in
// whichever form excelize writes them, and what is around them is kept.
func TestSortContentTypes(t *testing.T) {
	tests := []struct{ in, want string }{
		{
			`<?xml?><Types x="1"><Override PartName="/b" ContentType="t"></Override><Default Extension="xml" ContentType="u"/><Override PartName="/a" ContentType="t">` + "\n" + `</Override></Types>`,
			`<?xml?><Types x="1"><Default Extension="xml" ContentType="u"/><Override PartName="/a" ContentType="t">` + "\n" + `</Override><Override PartName="/b" ContentType="t"></Override></Types>`,
		},
		{`<Types><Override PartName="/b"/></Types>`, `<Types><Override PartName="/b"/></Types>`},
		{`<Types><Overrides/><Override PartName="/b"/><Override PartName="/a"/></Types>`, `<Types><Overrides/><Override PartName="/a"/><Override PartName="/b"/></Types>`},
		{`<Types><Override PartName="/b">x</Override><Override PartName="/a"/></Types>`, `<Types><Override PartName="/b">x</Override><Override PartName="/a"/></Types>`},
	}
	for _, tt := range tests {
		if got := string(sortContentTypes([]byte(tt.in))); got != tt.want {
			t.Errorf("sortContentTypes(%s)\n= %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
