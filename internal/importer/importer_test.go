package importer

import (
	"bytes"
	"cmp"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/workbook"
)

func parse(t testing.TB, out []byte) *dataset.Dataset {
	t.Helper()
	d, err := dataset.Parse("data/x.toml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return d
}

func TestImportCSV(t *testing.T) {
	src := "\xef\xbb\xbfDate,Close (USD),Change %,Volume,Listed,Note\r\n" +
		"2026-01-02,35.5,-2.5%,\"1,200\",true,first\r\n" +
		"2 Jan 2026x,,,,,\r\n"
	_, err := Import(t.Context(), "p.csv", []byte(src), Options{ID: "p"})
	if got, want := fmt.Sprint(err), `p.csv:3:1: want a date like the rest of column "Date", got string "2 Jan 2026x"`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	src = strings.Replace(src, "2 Jan 2026x", "\"Jan 9, 2026\"", 1)
	out, err := Import(t.Context(), "p.csv", []byte(src), Options{ID: "p", Kind: dataset.KindSeries})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, out)
	if d.Kind() != dataset.KindSeries || d.Len() != 2 {
		t.Fatalf("kind %s, %d rows", d.Kind(), d.Len())
	}
	want := map[string]string{"date": "2026-01-02", "close_usd": "35.5", "change": "-2.5", "volume": "1200", "listed": "true", "note": `"first"`}
	for name, lit := range want {
		c := d.Column(name)
		if c == nil {
			t.Fatalf("no column %s in\n%s", name, out)
		}
		if got := d.Value(0, c).Literal(); got != lit {
			t.Errorf("%s = %s, want %s", name, got, lit)
		}
	}
	if c := d.Column("change"); c.Format != dataset.FormatPercent || c.Label != "Change %" {
		t.Errorf("change: format %s, label %q", c.Format, c.Label)
	}
	if got := d.Value(1, d.Column("date")).Literal(); got != "2026-01-09" {
		t.Errorf("second date %s", got)
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name, src string
		opts      Options
		want      string
	}{
		{"empty", "", Options{}, "x.csv:1:1: the file is empty: brief import needs a header row, then a row per record"},
		{"header only", "a,b\n", Options{}, "x.csv:1:1: the file has a header but no rows"},
		{"ragged", "a,b\n1,2\n3,4,5\n", Options{}, "x.csv:3:5: this row has 3 cells, the header 2: remove the extra cells or name them in the header"},
		{"mixed types", "a,b\n1,x\n2,y\ntbd,z\n", Options{}, `x.csv:4:1: want a number like the rest of column "a", got string "tbd"`},
		{"duplicate headers", "Price,price,Value %\n1,2,3%\n", Options{}, `x.csv:1:7: header "price" names the column "price" again (first at 1:1): rename one of them`},
		{"no name", "a,%%\n1,2\n", Options{}, `x.csv:1:3: header "%%" has no letters or digits to name a column: give it a name`},
		{"ambiguous dates", "date,v\n03/04/2026,1\n05/06/2026,2\n", Options{}, "x.csv:2:1: date 03/04/2026 could be day/month or month/day, and no date in the column tells which: write dates as 2026-04-03\nx.csv:3:1: date 05/06/2026 could be day/month or month/day, and no date in the column tells which: write dates as 2026-06-05"},
		{"series out of order", "date,v\n2026-01-09,1\n2026-01-02,2\n", Options{Kind: dataset.KindSeries}, "x.csv:3:1: 2026-01-02 does not come after the previous row's 2026-01-09; a series needs unique dates in ascending order"},
		{"kind columns", "date,ticker\n2026-01-02,HUT\n", Options{Kind: dataset.KindMoves}, `x.csv:1:1: a moves dataset needs a "change_pct" column of numbers; columns are date, ticker`},
		{"control character", "a\n\"x\x1by\"\n", Options{}, "x.csv:2:1: contains the control character U+001B at byte 1; remove it (it is often pasted in from other programs)"},
		{"bad quote", "a\n\"x\n", Options{}, `x.csv:2:4: not valid CSV: extraneous or missing " in quoted-field`},
		{"long id", "a\n1\n", Options{ID: strings.Repeat("q", 101)}, `--id "` + strings.Repeat("q", 80) + `…": a dataset id has at most 100 characters (it names data/ID.toml and the workbook's sheet)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.ID = cmp.Or(tt.opts.ID, "x")
			_, err := Import(t.Context(), "x.csv", []byte(tt.src), tt.opts)
			if got := fmt.Sprint(err); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestDayAndMonthOrder(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"date,v\n13/04/2026,1\n03/04/2026,2\n", "2026-04-03"}, // day first
		{"date,v\n04/13/2026,1\n04/03/2026,2\n", "2026-04-03"}, // month first
	} {
		out, err := Import(t.Context(), "x.csv", []byte(tt.src), Options{ID: "x"})
		if err != nil {
			t.Fatal(err)
		}
		d := parse(t, out)
		if got := d.Value(1, d.Column("date")).Literal(); got != tt.want {
			t.Errorf("%q: second date %s, want %s", tt.src, got, tt.want)
		}
	}
}

// TestRoundTrip writes datasets to a workbook as brief does and imports
// each sheet back: the rows are the same (percentages included).
func TestRoundTrip(t *testing.T) {
	sources := map[string]string{
		"series": "title = \"S\"\nsource = \"x\"\nkind = \"series\"\n[columns.v]\nformat = \"usd\"\n[[rows]]\ndate = 2025-07-01\nv = 55.25\nw = 3\n[[rows]]\ndate = 2026-01-02\nv = 35.0\nw = -4\n",
		"moves":  "title = \"M\"\nsource = \"x\"\nkind = \"moves\"\n[[rows]]\ndate = 2026-01-02\nticker = \"HUT\"\nchange_pct = 10.8\n[[rows]]\ndate = 2026-01-02\nticker = \"XYZ\"\nchange_pct = -4.25\n",
		"deals":  "title = \"D\"\nsource = \"x\"\nkind = \"deals\"\n[columns.value_usd]\nformat = \"usd_compact\"\n[[rows]]\nannounced = 2025-12-17\ncompany = \"Hut 8\"\ncounterparty = \"Fluidstack\"\nvalue_usd = 7_000_000_000\nlive = true\n",
	}
	var sets []*dataset.Dataset
	for _, id := range []string{"deals", "moves", "series"} {
		d, err := dataset.Parse("data/"+id+".toml", []byte(sources[id]))
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, d)
	}
	var buf bytes.Buffer
	if err := workbook.Datasets(&buf, workbook.Info{Title: "All", Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}, sets); err != nil {
		t.Fatal(err)
	}
	for _, d := range sets {
		out, err := Import(t.Context(), "all.xlsx", buf.Bytes(), Options{ID: d.ID, Sheet: d.ID})
		if err != nil {
			t.Fatalf("%s: %v", d.ID, err)
		}
		back := parse(t, out)
		if back.Len() != d.Len() || len(back.Columns()) != len(d.Columns()) {
			t.Fatalf("%s: %d rows, %d columns; want %d, %d\n%s", d.ID, back.Len(), len(back.Columns()), d.Len(), len(d.Columns()), out)
		}
		for r := range d.Len() {
			for i, c := range d.Columns() {
				want, got := d.Value(r, c), back.Value(r, back.Columns()[i])
				if !want.Equal(got) {
					t.Errorf("%s row %d %s: got %s, want %s", d.ID, r, c.Name, got.Describe(), want.Describe())
				}
			}
		}
	}
}

// bigCSV is a CSV of n rows and 8 columns: a date, integers, numbers,
// percentages and text.
func bigCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("date,ticker,close,volume,change,high,low,note\n")
	day := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		fmt.Fprintf(&b, "%s,T%d,%d.25,%d,%.1f%%,%d.5,%d.75,row %d\n", day.AddDate(0, 0, i).Format(time.DateOnly), i%50, i%1000, i, float64(i%200)/10-10, i%1000+1, i%1000, i)
	}
	return b.Bytes()
}

func TestLargeImport(t *testing.T) {
	out, err := Import(t.Context(), "big.csv", bigCSV(100_000), Options{ID: "big", Kind: dataset.KindSeries})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, out)
	if d.Len() != 100_000 || d.Value(99_999, d.Column("note")).Str != "row 99999" {
		t.Errorf("%d rows", d.Len())
	}
}

// BenchmarkImport imports a CSV of 100,000 rows and 8 columns (figures in
// docs/performance.md; the target is under a second).
func BenchmarkImport(b *testing.B) {
	src := bigCSV(100_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Import(b.Context(), "big.csv", src, Options{ID: "big", Kind: dataset.KindSeries}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestImportXLSXErrors: a workbook's problems are placed at its row and
// column, and a sheet that is not there is named with the ones that are.
func TestImportXLSXErrors(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{{"Ticker", "Change"}, {"HUT", 0.108}, {"CLSK", "tbd"}, {"WULF", 0.05}}
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue("Sheet1", ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := Import(t.Context(), "m.xlsx", buf.Bytes(), Options{ID: "m"})
	if got, want := fmt.Sprint(err), `m.xlsx:3:2: want a number like the rest of column "Change", got string "tbd"`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	_, err = Import(t.Context(), "m.xlsx", buf.Bytes(), Options{ID: "m", Sheet: "Data"})
	if got, want := fmt.Sprint(err), `m.xlsx has no sheet "Data"; its sheets are Sheet1`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := Import(t.Context(), "m.xlsx", []byte("not a zip"), Options{ID: "m"}); err == nil || !strings.HasPrefix(err.Error(), "m.xlsx:1:1: not a workbook brief can read") {
		t.Errorf("a file that is not a workbook: %v", err)
	}
}

// bigXLSX is a workbook of n rows and 4 columns, as brief's own workbooks
// write them: a date, a ticker, a number and a percentage, each styled.
func bigXLSX(tb testing.TB, n int) []byte {
	tb.Helper()
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err := sw.SetRow("A1", []any{"Date", "Ticker", "Close", "Change"}); err != nil {
		tb.Fatal(err)
	}
	for r := 2; r <= n+1; r++ {
		ref, _ := excelize.CoordinatesToCellName(1, r)
		row := []any{excelize.Cell{StyleID: date, Value: 40000 + r}, fmt.Sprintf("T%d", r%50), float64(r%1000) + 0.25, excelize.Cell{StyleID: pct, Value: float64(r%200)/1000 - 0.1}}
		if err := sw.SetRow(ref, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportXLSX imports a sheet of 100,000 rows and 4 styled columns
// (figures in docs/performance.md).
func BenchmarkImportXLSX(b *testing.B) {
	src := bigXLSX(b, 100_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Import(b.Context(), "big.xlsx", src, Options{ID: "big", Kind: dataset.KindSeries}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestImportNames: whatever the file is called, the dataset brief writes
// is one it reads (issue 21: a name with ESC, DEL, bytes that are not UTF-8
// or U+202E went raw into the title and comment, and `bs\x.csv` got the
// title "x"); messages quote a name a terminal would act on.
func TestImportNames(t *testing.T) {
	tests := []struct{ name, title, source, msg string }{
		{`bs\x.csv`, `bs\x`, `bs\x.csv`, `bs\x.csv:1:1:`},
		{"dir/esc\x1b[31mred.csv", "esc [31mred", "esc [31mred.csv", `"dir/esc\x1b[31mred.csv":1:1:`},
		{"del\x7f.csv", "del", "del .csv", `"del\x7f.csv":1:1:`},
		{"bad\xff.csv", "bad", "bad .csv", `"bad\xff.csv":1:1:`},
		{"evil\u202ecsv.txt", "evil csv", "evil csv.txt", `"evil\u202ecsv.txt":1:1:`},
		{"two\nlines.csv", "two lines", "two lines.csv", `"two\nlines.csv":1:1:`},
		{"\x1b.csv", "x", ".csv", `"\x1b.csv":1:1:`},
	}
	for _, tt := range tests {
		out, err := Import(t.Context(), tt.name, []byte("a\n1\n"), Options{ID: "x"})
		if err != nil {
			t.Fatalf("%q: %v", tt.name, err)
		}
		d := parse(t, out)
		if d.Title != tt.title || d.Source != tt.source {
			t.Errorf("%q: title %q, source %q; want %q, %q", tt.name, d.Title, d.Source, tt.title, tt.source)
		}
		if _, err := Import(t.Context(), tt.name, nil, Options{ID: "x"}); !strings.HasPrefix(fmt.Sprint(err), tt.msg) {
			t.Errorf("%q: message %v, want it to start %s", tt.name, err, tt.msg)
		}
	}
}

// TestImportColumns: a file wider than a dataset (an Excel sheet) is
// refused at the first column too many, not written for the build to
// refuse.
func TestImportColumns(t *testing.T) {
	var b strings.Builder
	for i := range dataset.MaxColumns + 1 {
		fmt.Fprintf(&b, "c%d,", i)
	}
	src := strings.TrimSuffix(b.String(), ",") + "\n"
	_, err := Import(t.Context(), "w.csv", []byte(src+strings.Repeat("1,", dataset.MaxColumns)+"1\n"), Options{ID: "w"})
	want := fmt.Sprintf("w.csv:1:%d: this row has 16385 cells; a dataset holds at most 16384 columns, as many as an Excel sheet: split the data", strings.LastIndexByte(src, ',')+2)
	if got := fmt.Sprint(err); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
