package workbook

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/view"
)

// TestPrintSetup reads every sheet's page setup back: each prints one page
// wide and as many tall as it needs, landscape when wider than tall, with
// its header row on every page (the cover has none).
func TestPrintSetup(t *testing.T) {
	long := bigDataset(t, 300, 2)
	books := map[string][]byte{"briefing": briefingBook(t)}
	all, err := Bytes(func(w io.Writer) error {
		return Datasets(w, Info{Title: "All", Date: asOf}, []*dataset.Dataset{parse(t, "deals", deals), long})
	})
	if err != nil {
		t.Fatal(err)
	}
	books["datasets"] = all
	want := map[string]string{ // orientation
		"briefing/About": "landscape", "briefing/Miners led the first day": "landscape", "briefing/Deals": "landscape",
		"briefing/Sources (2)": "landscape", "briefing/Sources": "landscape",
		"datasets/About": "landscape", "datasets/deals": "landscape", "datasets/big": "portrait", "datasets/Sources": "landscape",
	}
	for name, data := range books {
		f := open(t, data)
		titles := map[string]string{}
		for _, dn := range f.GetDefinedName() {
			if dn.Name == "_xlnm.Print_Titles" {
				titles[dn.Scope] = dn.RefersTo
			}
		}
		for _, sheet := range f.GetSheetList() {
			id := name + "/" + sheet
			props, err := f.GetSheetProps(sheet)
			if err != nil || props.FitToPage == nil || !*props.FitToPage {
				t.Errorf("%s: fit to page is off (%v)", id, err)
			}
			pl, err := f.GetPageLayout(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
				t.Errorf("%s: fits to %v wide, %v tall; want 1 wide, any number tall", id, deref(pl.FitToWidth), deref(pl.FitToHeight))
			}
			if got := deref(pl.Orientation); got != want[id] {
				t.Errorf("%s: orientation %s, want %s", id, got, want[id])
			}
			wantTitles := quote(sheet) + "!$1:$1"
			if sheet == "About" {
				wantTitles = ""
			}
			if titles[sheet] != wantTitles {
				t.Errorf("%s: print titles %q, want %q", id, titles[sheet], wantTitles)
			}
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return "unset"
	}
	return *p
}

// TestSheetNamesShortened: long titles are shortened by whole words, never ending on
// a word the rest of the title needed.
func TestSheetNamesShortened(t *testing.T) {
	tests := []struct{ title, want string }{
		{"Miners led crypto equities on 2 January 2026", "Miners led crypto equities"},
		{"Hashprice, July 2025 to January 2026", "Hashprice, July 2025"},
		{"Months to build: a miner against a conventional AI data centre", "Months to build a miner"},
		{"Bitcoin now sits below the miners' break-even", "Bitcoin now sits below"},
		{"Leases announced since the last briefing", "Leases announced since the last"},
		{"Short title", "Short title"},
		{"Supercalifragilisticexpialidocious-and-more", "Supercalifragilisticexpialidoci"},
		{"Top 10 miners by hashrate in the world today", "Top 10 miners by hashrate"},
	}
	for _, tt := range tests {
		b, err := newBook()
		if err != nil {
			t.Fatal(err)
		}
		got := b.sheetName(tt.title, "Chart 1")
		if got != tt.want || len([]rune(got)) > maxSheetName {
			t.Errorf("sheetName(%q) = %q, want %q", tt.title, got, tt.want)
		}
		// A second block with the same title gets a number, still by words.
		if again := b.sheetName(tt.title, "Chart 2"); again == got || len([]rune(again)) > maxSheetName || !strings.HasSuffix(again, " (2)") {
			t.Errorf("second %q = %q", tt.title, again)
		}
	}
}

const levels = `title = "Levels"
source = "Exchange"
kind = "series"
[columns.price]
format = "usd"
[columns.share]
format = "percent"
[columns.cap]
format = "usd_compact"
[columns.count]
format = "integer"
[[rows]]
date = 2025-12-01
price = 950.5
share = 10.8
cap = 7_000_000_000
count = 12
index = 1.25
[[rows]]
date = 2026-01-02
price = 1_200
share = 9.5
cap = 6_500_000_000
count = 15
index = 1.5
`

// TestChangesSheetHoldsNumbers: a series changes block's then, now and
// change cells are numbers, each row in its series' format, and read as
// the page shows them.
func TestChangesSheetHoldsNumbers(t *testing.T) {
	d := parse(t, "levels", levels)
	s := &block.Selection{Base: block.Base{Name: "changes"}, Dataset: "levels"}
	bd, err := s.Bind(&block.Context{Date: asOf, Previous: time.Date(2025, 12, 5, 0, 0, 0, 0, time.UTC), Find: func(string) *dataset.Dataset { return d }})
	if err != nil {
		t.Fatal(err)
	}
	v := bd.Tables()[0]
	data, err := Bytes(func(w io.Writer) error { return Briefing(w, Info{Title: "W", Date: asOf}, []*view.View{v}, nil) })
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	sheet := f.GetSheetList()[1]
	tests := []struct {
		cell, raw, shown, page string
	}{
		{"B2", "950.5", "$950.50", "$950.50"},
		{"C2", "1200", "$1,200", "$1,200"},
		{"D2", "249.5", "+$249.50", "+$249.50"},
		{"B3", "0.108", "+10.8%", "+10.8%"},
		{"D3", "-0.013", "-1.3%", "-1.3%"},
		{"D5", "3", "+3", "+3"},
		{"D6", "0.25", "+0.25", "+0.25"},
	}
	for _, tt := range tests {
		typ, _ := f.GetCellType(sheet, tt.cell)
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s is a %v, want a number", tt.cell, typ)
		}
		raw, _ := f.GetCellValue(sheet, tt.cell, excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue(sheet, tt.cell)
		if raw != tt.raw || shown != tt.shown {
			t.Errorf("%s = %s shown as %q, want %s shown as %q", tt.cell, raw, shown, tt.raw, tt.shown)
		}
		c, r, _ := excelize.CellNameToCoordinates(tt.cell)
		if page := v.Text(r-2, c-1); page != tt.page {
			t.Errorf("%s on the page: %q, want %q", tt.cell, page, tt.page)
		}
	}
	// The compact money row: excelize does not apply the scaling commas,
	// so its format is checked as written.
	style, _ := f.GetCellStyle(sheet, "D4")
	st, _ := f.GetStyle(style)
	if st.CustomNumFmt == nil || *st.CustomNumFmt != `+"$"#,##0.0,,"M";-"$"#,##0.0,,"M";"$"#,##0.0,,"M"` {
		t.Errorf("D4's format = %v", deref(st.CustomNumFmt))
	}
}

// TestLineChartAxes: a line chart's value axis starts near its data, not
// at zero, in nice steps; axis labels are legible; dates read as months
// over a long span; the title carries the source.
func TestLineChartAxes(t *testing.T) {
	d := parse(t, "levels", levels)
	v := bind(t, d, block.Selection{Base: block.Base{Name: "chart"}, Title: "Price", Type: view.ChartLine, Y: []string{"price"}})
	data, err := Bytes(func(w io.Writer) error { return Briefing(w, Info{Title: "W", Date: asOf}, []*view.View{v}, nil) })
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var c string
	for _, f := range zr.File {
		if f.Name == "xl/charts/chart1.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			c = string(b)
		}
	}
	for _, want := range []string{
		`<min val="950">`, `<majorUnit val="50">`, `formatCode="&#34;$&#34;#,##0"`, // 950.50 to 1,200: from 950 by 50
		`formatCode="d mmm"`, // a month apart: days
		`sz="1000"`, `<a:srgbClr val="404040">`,
		"<a:t>Price</a:t>", "<a:t>Source: Exchange</a:t>",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("chart lacks %s", want)
		}
	}
	if strings.Contains(c, "lumMod val=\"15000\"></a:lumMod><a:lumOff val=\"85000\"></a:lumOff></a:schemeClr></a:solidFill><a:latin") {
		t.Error("axis labels keep excelize's pale grey")
	}
}

// TestAxisSteps: value axes step by 1, 2, 2.5 or 5 times a power of ten,
// labelled with no more decimals than the step has, in the column's
// format.
func TestAxisSteps(t *testing.T) {
	steps := []struct{ raw, want float64 }{
		{49.9, 50}, {6000, 10000}, {0.3, 0.5}, {2.1, 2.5}, {1, 1}, {0.012, 0.02}, {0, 1},
	}
	for _, tt := range steps {
		if got := view.NiceStep(tt.raw); got != tt.want {
			t.Errorf("niceStep(%v) = %v, want %v", tt.raw, got, tt.want)
		}
	}
	formats := []struct {
		f         dataset.Format
		step, top float64
		want      string
	}{
		{dataset.FormatUSD, 5, 55, `"$"#,##0`},
		{dataset.FormatUSD, 0.5, 3, `"$"#,##0.0`},
		{dataset.FormatUSD, 10000, 110000, `"$"#,##0`},
		{dataset.FormatPercent, 2.5, 12, "0.0%"},
		{dataset.FormatPercent, 5, 12, "0%"},
		{dataset.FormatUSDCompact, 1e9, 7e9, `"$"#,##0,,,"B"`},
		{dataset.FormatUSDCompact, 5e8, 7e9, `"$"#,##0.0,,,"B"`},
		{dataset.FormatNumber, 0.25, 3, "#,##0.00"},
		{"", 20, 100, "#,##0"},
	}
	for _, tt := range formats {
		if got := axisFmt(tt.f, tt.step, tt.top); got != tt.want {
			t.Errorf("axisFmt(%q, %v, %v) = %s, want %s", tt.f, tt.step, tt.top, got, tt.want)
		}
	}
}

// TestLines: wrapped text's lines are counted by whole words.
func TestLines(t *testing.T) {
	tests := []struct {
		s     string
		width float64
		want  int
	}{
		{"", 10, 1},
		{"one two three", 13, 1},
		{"one two three", 12, 2},
		{"one\ntwo", 40, 2},
		{strings.Repeat("x", 25), 10, 3},
	}
	for _, tt := range tests {
		if got := lines(tt.s, tt.width); got != tt.want {
			t.Errorf("lines(%q, %v) = %d, want %d", tt.s, tt.width, got, tt.want)
		}
	}
}

// TestTallRows: text too long for the tallest row Excel allows gets that
// row (409 points), in a sheet and on the cover, and the rest stays in
// the cell.
func TestTallRows(t *testing.T) {
	long := strings.Repeat("word ", 4000)
	notes := parse(t, "notes", "title = \"Notes\"\nsource = \"Desk\"\n[[rows]]\nnote = \""+long+"\"\n")
	data, err := Bytes(func(w io.Writer) error {
		return Briefing(w, Info{Title: "W", Summary: long, Date: asOf}, []*view.View{bind(t, notes, block.Selection{Base: block.Base{Name: "table"}, Title: "Notes"})}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	for _, c := range []struct {
		sheet string
		row   int
	}{{"Notes", 2}, {"About", 5}} {
		if h, err := f.GetRowHeight(c.sheet, c.row); err != nil || h != excelize.MaxRowHeight {
			t.Errorf("%s row %d: height %v (%v), want %d", c.sheet, c.row, h, err, excelize.MaxRowHeight)
		}
	}
	if v, _ := f.GetCellValue("Notes", "A2"); v != strings.TrimSpace(long) && v != long {
		t.Errorf("the note lost text: %d characters", len(v))
	}
}
