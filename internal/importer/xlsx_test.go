package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// craft makes an XLSX file: a new excelize workbook whose parts are
// replaced (or joined) by the given ones, as a hostile file would be made.
func craft(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var src bytes.Buffer
	if err := excelize.NewFile().Write(&src); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(src.Bytes()), int64(src.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name string, r io.Reader) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, zf := range zr.File {
		if text, ok := parts[zf.Name]; ok {
			put(zf.Name, strings.NewReader(text))
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		put(zf.Name, rc)
		rc.Close()
	}
	for name, text := range parts {
		if !hasFile(zr, name) {
			put(name, strings.NewReader(text))
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func hasFile(zr *zip.Reader, name string) bool {
	for _, zf := range zr.File {
		if zf.Name == name {
			return true
		}
	}
	return false
}

// sheet is a worksheet part holding rows (their XML).
func sheet(rows ...string) map[string]string {
	return map[string]string{"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		strings.Join(rows, "") + `</sheetData></worksheet>`}
}

const header = `<row r="1"><c r="A1" t="inlineStr"><is><t>v</t></is></c></row>`

// TestImportXLSXLimits: what an Excel sheet cannot hold, and what unpacks
// to far more than it weighs, is refused at its place before excelize
// reads it whole (issue 21: a sheet past the last row took 12 minutes, a
// sheet padded with 3 GB of spaces 13.6 GB of memory).
func TestImportXLSXLimits(t *testing.T) {
	defer func(n, h, s, st int64) { maxUnpacked, maxHeld, maxStrings, maxStyles = n, h, s, st }(maxUnpacked, maxHeld, maxStrings, maxStyles)
	maxUnpacked, maxHeld, maxStrings, maxStyles = 4<<20, 3<<20, 3<<20, 1<<20
	sst := func(s string) map[string]string {
		p := sheet(header, `<row r="2"><c r="A2" t="s"><v>0</v></c></row>`)
		p["xl/sharedStrings.xml"] = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>` + s + `</t></si></sst>`
		return p
	}
	var far strings.Builder
	for r := 2; r <= 2100; r++ {
		fmt.Fprintf(&far, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
	}
	wide := `<row r="2">` + strings.Repeat(`<c><v>1</v></c>`, 16385) + `</row>`
	tests := []struct {
		name  string
		parts map[string]string
		want  string
	}{
		{"past the last row", sheet(header, `<row r="2"><c r="A2"><v>1</v></c></row>`, `<row r="1048577"><c r="A1048577"><v>2</v></c></row>`),
			"x.xlsx:1048577:1: row 1048577 (Sheet1!A1048577) is past the last row of an Excel sheet, 1048576, the most a dataset holds with its header: split the data"},
		{"past the last column", sheet(header, wide),
			"x.xlsx:2:16385: column 16385 is past the last column of an Excel sheet, 16384, the most a dataset holds: split the data"},
		{"a cell past the last column", sheet(header, `<row r="2"><c r="XFE2"><v>1</v></c></row>`),
			`x.xlsx:2:1: cell reference "XFE2": the column number must be greater than or equal to 1 and less than or equal to 16384`},
		{"rows that span too many cells", sheet(header, far.String()),
			`x.xlsx:2049:1: the rows of sheet "Sheet1" span more than 33554432 cells by row 2049, counting the empty ones before each row's last value: brief does not read it`},
		{"padded sheet", sheet(header, strings.Repeat(" ", 2<<20), `<row r="2"><c r="A2"><v>1</v></c></row>`),
			"x.xlsx:1:1: xl/worksheets/sheet1.xml holds 1024 KB of text without markup at byte 1048781, more than any cell holds (32767 characters): brief does not read it"},
		// A second package index whose name differs only in case could send
		// brief's scan to a harmless sheet while excelize reads another.
		{"two parts with one name", map[string]string{"_RELS/.RELS": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`},
			`x.xlsx:1:1: not a workbook brief can read: it holds two parts named "_rels/.rels" and "_RELS/.RELS"`},
		{"long shared string", sst(strings.Repeat("a", 2<<20)),
			"x.xlsx:1:1: xl/sharedStrings.xml holds 1024 KB of text without markup at byte 1048718, more than any cell holds (32767 characters): brief does not read it"},
		{"long cell", sst(strings.Repeat("a", 40000)),
			"x.xlsx:2:1: this cell holds 40000 characters, more than an Excel cell holds (32767): brief does not read it"},
		// Parts excelize parses whole, each under the total: 480 MB of
		// styles took 3.8 GB, of shared strings 3.2 GB, of other parts 1.2 GB.
		{"large styles", map[string]string{"xl/styles.xml": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>` + strings.Repeat(`<xf numFmtId="9"/>`, 70_000) + `</cellXfs></styleSheet>`},
			"x.xlsx:1:1: xl/styles.xml unpacks to 1.2 MB, more than the 1 MB brief reads: save the sheet as CSV and import that"},
		{"large shared strings", sst(strings.Repeat("a</t></si><si><t>a", 180_000)),
			"x.xlsx:1:1: xl/sharedStrings.xml unpacks to 3.1 MB, more than the 3 MB brief reads: save the sheet as CSV and import that"},
		{"many parts", map[string]string{"xl/junk1.xml": strings.Repeat("<a/>", 400_000), "xl/junk2.xml": strings.Repeat("<a/>", 400_000)},
			"x.xlsx:1:1: the workbook's parts other than large sheets unpack to 3.1 MB, more than the 3 MB brief reads: save the sheet as CSV and import that"},
		{"unpacks to more than the limit", sheet(header, strings.Repeat(`<row><c><v>1</v></c></row>`, 200_000)),
			"x.xlsx:1:1: the workbook unpacks to 5.0 MB, more than the 4 MB brief reads: save the sheet as CSV and import that"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(t.Context(), "x.xlsx", craft(t, tt.parts), Options{ID: "x"})
			if got := fmt.Sprint(err); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestImportXLSXBlankRow: a blank row inside the data is read as a row of
// empty cells, at its place.
func TestImportXLSXBlankRow(t *testing.T) {
	src := craft(t, sheet(header, `<row r="2"><c r="A2"><v>1</v></c></row>`, `<row r="4"><c r="A4"><v>3</v></c></row>`))
	out, err := Import(t.Context(), "x.xlsx", src, Options{ID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if d := parse(t, out); d.Len() != 3 || !d.Value(1, d.Column("v")).IsEmpty() {
		t.Errorf("got\n%s", out)
	}
}

// TestImportStops: an import stops when its context is done, at the first
// row it reads after.
func TestImportStops(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for name, src := range map[string][]byte{"x.csv": bigCSV(10), "x.xlsx": bigXLSX(t, 10)} {
		if _, err := Import(ctx, name, src, Options{ID: "x"}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", name, err)
		}
	}
}

// TestImportXLSXPastLastRowLarge is issue 21's file: a sheet of 60 MB
// unpacked (so excelize keeps it in a temporary file, where its row iterator
// drops the error of a row past the last) whose rows go past 1,048,576. It
// took 12+ minutes (excelize parsed the whole sheet again for each cell's
// style); now the first row too many is refused after one streamed pass.
func TestImportXLSXPastLastRowLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("a sheet of a million rows")
	}
	var b strings.Builder
	b.WriteString(header)
	for r := 2; r <= excelize.TotalRows+10; r++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, r, r, r)
	}
	_, err := Import(t.Context(), "x.xlsx", craft(t, sheet(b.String())), Options{ID: "x"})
	want := "x.xlsx:1048577:1: row 1048577 (Sheet1!A1048577) is past the last row of an Excel sheet, 1048576, the most a dataset holds with its header: split the data"
	if got := fmt.Sprint(err); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestImportXLSXSheetPart: the sheet's part is found as excelize finds it,
// through the workbook's relationships, wherever it is and however the
// target is written.
func TestImportXLSXSheetPart(t *testing.T) {
	rels := func(target string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Target="` + target + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>` +
			`<Relationship Id="rId2" Target="styles.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/></Relationships>`
	}
	rows := sheet(header, `<row r="2"><c r="A2" s="1"><v>0.25</v></c></row>`)["xl/worksheets/sheet1.xml"]
	styles := `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="10" applyNumberFormat="1"/></cellXfs></styleSheet>`
	for _, target := range []string{"worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml", "data/prices.xml"} {
		part := "xl/" + strings.TrimPrefix(strings.TrimPrefix(target, "/"), "xl/")
		src := craft(t, map[string]string{"xl/_rels/workbook.xml.rels": rels(target), part: rows, "xl/styles.xml": styles})
		out, err := Import(t.Context(), "x.xlsx", src, Options{ID: "x"})
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		// The style (a percentage) is read from the part: 0.25 is 25%.
		if d := parse(t, out); d.Value(0, d.Column("v")).Literal() != "25" {
			t.Errorf("%s: got\n%s", target, out)
		}
	}
}
