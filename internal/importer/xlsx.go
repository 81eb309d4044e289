package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
)

// An XLSX file is a zip of XML parts, and a few MB of it can unpack to
// gigabytes: a sheet padded with spaces, or one shared string of hundreds
// of MB. excelize reads a part's text whole, so the parts are checked before
// it reads them: what they unpack to in all, and the longest stretch of
// bytes without markup in any XML part.
var (
	// maxUnpacked is the most a workbook's parts may unpack to, in all: a
	// sheet of half a million rows of eight numbers fits; beyond it, a CSV
	// export of the sheet imports without this limit.
	maxUnpacked int64 = 512 << 20
	// maxStretch is the longest run of bytes without a '<' or '>' in an XML
	// part. The text of the longest cell, 32,767 characters, takes at most
	// 330 KB even written as character references; padding takes more.
	maxStretch = 1 << 20
	// maxSlots is the most cells the rows of a sheet may span, counting
	// the empty ones before a row's last value, which excelize's row
	// iterator fills in: a few bytes of XML (a value in column XFD) span
	// 16,384 of them.
	maxSlots = 1 << 25
	// maxHeld is the most the parts excelize holds in memory may unpack
	// to: every part but the worksheets and shared strings over
	// excelize.StreamChunkSize, which it unpacks to temporary files. Parsed,
	// a part takes several times its size (480 MB of padding in the
	// styles took 3.8 GB).
	maxHeld int64 = 128 << 20
	// maxStrings and maxStyles are the most the shared strings and the
	// styles may unpack to: excelize parses each whole (a million strings
	// of 50 characters fit; legitimate styles take well under 1 MB).
	maxStrings int64 = 64 << 20
	maxStyles  int64 = 8 << 20
)

// maxCellChars is the most characters a cell of an Excel sheet holds.
const maxCellChars = excelize.TotalCellChars

// cellKind is what a cell's style and type say about its value.
type cellKind uint8

const (
	kindPct  cellKind = 1 << iota // formatted as a percentage
	kindDate                      // formatted as a date: the value is a serial number
	kindBool                      // a boolean cell: the value is 0 or 1
)

// readXLSX reads a sheet's cells as stored (not as shown), noting which are
// formatted as dates or percentages. It reads the sheet twice, both times as
// a stream: once for each cell's style and type (excelize's row iterator
// gives only values, and asking excelize for the style of each cell parses
// the whole sheet into memory), once for the values. It refuses, at the
// place, a row or column past a sheet's last and a cell longer than a
// sheet's cell holds, and stops when ctx is done.
func readXLSX(ctx context.Context, name string, data []byte, sheet, prefer, tmpDir string) ([][]cell, error) {
	at := diag.Pos{File: name, Line: 1, Col: 1}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, diag.Errorf(at, "not a workbook brief can read: %v", err)
	}
	if err := checkNames(name, zr); err != nil {
		return nil, err
	}
	if err := checkParts(ctx, name, zr); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnpacked, TmpDir: tmpDir})
	if err != nil {
		return nil, diag.Errorf(at, "not a workbook brief can read: %v", err)
	}
	defer f.Close()
	if sheet == "" && prefer != "" {
		if idx, err := f.GetSheetIndex(prefer); err == nil && idx >= 0 {
			sheet = prefer
		}
	}
	if sheet == "" {
		sheet = f.GetSheetName(0)
	} else if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		return nil, fmt.Errorf("%s has no sheet %q; its sheets are %s", name, sheet, strings.Join(f.GetSheetList(), ", "))
	}
	part := sheetPart(zr, sheet)
	if part == nil {
		return nil, diag.Errorf(at, "not a workbook brief can read: sheet %q has no part", sheet)
	}
	kinds, err := scanSheet(ctx, name, sheet, part, styleKinds(f))
	if err != nil {
		return nil, err
	}
	return sheetValues(ctx, f, name, sheet, kinds)
}

// checkNames refuses a workbook holding two parts whose names differ only
// in case or in '\\' for '/': a reader that matches names one way and
// excelize, which matches them another, could then read different parts
// (a harmless sheet checked, a hostile one imported).
func checkNames(name string, zr *zip.Reader) error {
	seen := make(map[string]string, len(zr.File))
	for _, zf := range zr.File {
		k := strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))
		if first, ok := seen[k]; ok {
			return diag.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "not a workbook brief can read: it holds two parts named %s and %s", diag.Quote(first), diag.Quote(zf.Name))
		}
		seen[k] = zf.Name
	}
	return nil
}

// checkParts refuses a workbook whose parts unpack to more than
// maxUnpacked, or whose XML parts hold a stretch of more than maxStretch
// bytes without markup (scanSheet checks the imported sheet again, to say
// after which row). (archive/zip refuses a part that unpacks to more than
// its header says.)
func checkParts(ctx context.Context, name string, zr *zip.Reader) error {
	at := diag.Pos{File: name, Line: 1, Col: 1}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
	}
	if total > uint64(maxUnpacked) {
		return diag.Errorf(at, "the workbook unpacks to %.1f MB, more than the %d MB brief reads: save the sheet as CSV and import that", float64(total)/(1<<20), maxUnpacked>>20)
	}
	var held uint64
	for _, zf := range zr.File {
		size, part := zf.UncompressedSize64, strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))
		limit := int64(-1)
		switch {
		case part == "xl/sharedstrings.xml":
			limit = maxStrings
		case path.Base(part) == "styles.xml":
			limit = maxStyles
		}
		if limit >= 0 && size > uint64(limit) {
			return diag.Errorf(at, "%s unpacks to %.1f MB, more than the %d MB brief reads: save the sheet as CSV and import that", zf.Name, float64(size)/(1<<20), limit>>20)
		}
		streamed := size > excelize.StreamChunkSize && (strings.HasPrefix(part, "xl/worksheets/sheet") || part == "xl/sharedstrings.xml")
		if !streamed {
			held += size
		}
	}
	if held > uint64(maxHeld) {
		return diag.Errorf(at, "the workbook's parts other than large sheets unpack to %.1f MB, more than the %d MB brief reads: save the sheet as CSV and import that", float64(held)/(1<<20), maxHeld>>20)
	}
	for _, zf := range zr.File {
		ext := strings.ToLower(path.Ext(zf.Name))
		if ext != ".xml" && ext != ".rels" && ext != ".vml" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return diag.Errorf(at, "not a workbook brief can read: %s: %v", zf.Name, err)
		}
		_, err = io.Copy(io.Discard, &stretchReader{r: rc, ctx: ctx})
		rc.Close()
		var long *longStretch
		switch {
		case errors.As(err, &long):
			return diag.Errorf(at, "%s holds %d KB of text without markup at byte %d, more than any cell holds (%d characters): brief does not read it", zf.Name, maxStretch>>10, long.off, maxCellChars)
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			return diag.Errorf(at, "not a workbook brief can read: %s: %v", zf.Name, err)
		}
	}
	return nil
}

// longStretch is a stretch of more than maxStretch bytes without markup,
// ending at byte off of a part.
type longStretch struct{ off int64 }

func (e *longStretch) Error() string {
	return fmt.Sprintf("more than %d bytes without markup at byte %d", maxStretch, e.off)
}

// stretchReader passes a part through, failing at a stretch of more than
// maxStretch bytes without '<' or '>', and when ctx is done.
type stretchReader struct {
	r   io.Reader
	ctx context.Context
	run int   // bytes since the last '<' or '>'
	off int64 // bytes read
}

func (s *stretchReader) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := s.r.Read(p)
	for i, c := range p[:n] {
		if c == '<' || c == '>' {
			s.run = 0
			continue
		}
		if s.run++; s.run > maxStretch {
			return i, &longStretch{off: s.off + int64(i)}
		}
	}
	s.off += int64(n)
	return n, err
}

// sheetPart finds a sheet's part as excelize does: the workbook (named by
// the package's relationships) lists the sheet with a relationship id, and
// the workbook's relationships give the part.
func sheetPart(zr *zip.Reader, sheet string) *zip.File {
	type rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	var workbook struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	var pkg, wbRels rels
	readPart(zr, "_rels/.rels", &pkg)
	wb := "xl/workbook.xml"
	for _, r := range pkg.Rel {
		if r.Type == excelize.SourceRelationshipOfficeDocument {
			wb = strings.TrimPrefix(r.Target, "/")
		}
	}
	readPart(zr, wb, &workbook)
	readPart(zr, strings.TrimPrefix(path.Join(path.Dir(wb), "_rels", path.Base(wb)+".rels"), "/"), &wbRels)
	for _, s := range workbook.Sheets {
		if !strings.EqualFold(s.Name, sheet) {
			continue
		}
		for _, r := range wbRels.Rel {
			if r.ID != s.ID {
				continue
			}
			target := strings.ReplaceAll(r.Target, "\\", "/")
			p := path.Join(path.Dir(wb), target)
			if strings.HasPrefix(target, "/") {
				p = path.Clean(target)
			}
			p = strings.TrimPrefix(p, "/")
			for _, zf := range zr.File {
				if strings.ReplaceAll(zf.Name, "\\", "/") == p {
					return zf
				}
			}
		}
	}
	return nil
}

// readPart decodes a small part (checkParts has bounded its text); a part
// that is missing or broken leaves v empty.
func readPart(zr *zip.Reader, name string, v any) {
	for _, zf := range zr.File {
		if zf.Name == name { // as excelize finds it
			if rc, err := zf.Open(); err == nil {
				_ = xml.NewDecoder(rc).Decode(v)
				rc.Close()
			}
			return
		}
	}
}

// styleKinds says what a style id's number format makes of a cell, reading
// each style once.
func styleKinds(f *excelize.File) func(id int) cellKind {
	seen := map[int]cellKind{}
	return func(id int) cellKind {
		if k, ok := seen[id]; ok {
			return k
		}
		var k cellKind
		if st, err := f.GetStyle(id); err == nil {
			format := ""
			if st.CustomNumFmt != nil {
				format = *st.CustomNumFmt
			}
			switch {
			case st.NumFmt == 9 || st.NumFmt == 10 || strings.Contains(format, "%"):
				k = kindPct
			case st.NumFmt >= 14 && st.NumFmt <= 22, isDateFormat(format):
				k = kindDate
			}
		}
		seen[id] = k
		return k
	}
}

// scanSheet reads the cells' style ids and types in one pass over the
// sheet's XML: kinds[row] lists (from 1) the cells that are dates,
// percentages or booleans. It numbers rows and cells as excelize does (a
// row or cell without its reference follows the previous one), and counts
// the cells the rows span up to their last value.
func scanSheet(ctx context.Context, name, sheet string, part *zip.File, kindOf func(int) cellKind) ([][]kindAt, error) {
	rc, err := part.Open()
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "not a workbook brief can read: %v", err)
	}
	defer rc.Close()
	d := xml.NewDecoder(&stretchReader{r: rc, ctx: ctx})
	var kinds [][]kindAt
	row, col, width, slots := 0, 0, 0, 0
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return kinds, nil
		}
		if err != nil {
			return nil, scanError(ctx, name, sheet, row, err)
		}
		if end, ok := tok.(xml.EndElement); ok && end.Name.Local == "sheetData" {
			return kinds, nil // the rows are over, as for excelize
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "row":
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if slots += width; slots > maxSlots {
				return nil, diag.Errorf(diag.Pos{File: name, Line: row, Col: 1},
					"the rows of sheet %q span more than %d cells by row %d, counting the empty ones before each row's last value: brief does not read it", sheet, maxSlots, row)
			}
			row, col, width = row+1, 0, 0
			if n, err := strconv.Atoi(attr(el, "r")); err == nil && n > 0 {
				row = n
			}
			if row > excelize.TotalRows {
				return nil, diag.Errorf(diag.Pos{File: name, Line: row, Col: 1},
					"row %d (%s!A%d) is past the last row of an Excel sheet, %d, the most a dataset holds with its header: split the data", row, sheet, row, excelize.TotalRows)
			}
		case "c":
			if col, err = cellColumn(el, col+1); err != nil {
				return nil, diag.Errorf(diag.Pos{File: name, Line: max(row, 1), Col: col}, "%v", err)
			}
			k := cellKind(0)
			if s, err := strconv.Atoi(attr(el, "s")); err == nil && s > 0 {
				k = kindOf(s)
			}
			if attr(el, "t") == "b" {
				k = kindBool
			}
			if k != 0 && row > 0 {
				for len(kinds) <= row {
					kinds = append(kinds, nil)
				}
				kinds[row] = append(kinds[row], kindAt{col: int32(col), kind: k})
			}
		case "v", "f", "is":
			width = max(width, col)
		}
	}
}

// kindAt is the kind of the cell in a column.
type kindAt struct {
	col  int32
	kind cellKind
}

// cellColumn is a cell's column: its reference's, or next if it has none.
func cellColumn(el xml.StartElement, next int) (int, error) {
	col := next
	if ref := attr(el, "r"); ref != "" {
		c, _, err := excelize.CellNameToCoordinates(ref)
		if err != nil {
			return next, fmt.Errorf("cell reference %q: %w", ref, err)
		}
		col = c
	}
	if col > dataset.MaxColumns {
		return col, fmt.Errorf("column %d is past the last column of an Excel sheet, %d, the most a dataset holds: split the data", col, dataset.MaxColumns)
	}
	return col, nil
}

// scanError places an error of the sheet's XML after the last row read.
func scanError(ctx context.Context, name, sheet string, row int, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	pos := diag.Pos{File: name, Line: max(row, 1), Col: 1}
	var long *longStretch
	if errors.As(err, &long) {
		return diag.Errorf(pos, "sheet %q holds %d KB of text without markup after row %d, more than any cell holds (%d characters): brief does not read it", sheet, maxStretch>>10, row, maxCellChars)
	}
	return diag.Errorf(pos, "not a workbook brief can read: sheet %q after row %d: %v", sheet, row, err)
}

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// sheetValues reads the sheet's values with excelize's row iterator, one
// row at a time, and joins them with their kinds.
func sheetValues(ctx context.Context, f *excelize.File, name, sheet string, kinds [][]kindAt) ([][]cell, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "not a workbook brief can read: %v", err)
	}
	defer it.Close()
	var rows [][]cell
	last := 0 // the last row that has a value
	held := 0 // cells held, whatever part scanSheet read
	for r := 1; it.Next(); r++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if r > excelize.TotalRows {
			return nil, diag.Errorf(diag.Pos{File: name, Line: r, Col: 1},
				"row %d (%s!A%d) is past the last row of an Excel sheet, %d, the most a dataset holds with its header: split the data", r, sheet, r, excelize.TotalRows)
		}
		rec, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, diag.Errorf(diag.Pos{File: name, Line: r, Col: 1}, "not a workbook brief can read: %v", err)
		}
		if held += len(rec); held > maxSlots {
			return nil, diag.Errorf(diag.Pos{File: name, Line: r, Col: 1},
				"the rows of sheet %q span more than %d cells by row %d, counting the empty ones before each row's last value: brief does not read it", sheet, maxSlots, r)
		}
		if len(rec) == 0 {
			// An empty row still has a place, for messages.
			rows = append(rows, []cell{{pos: diag.Pos{File: name, Line: r, Col: 1}}})
			continue
		}
		var ks []kindAt
		if r < len(kinds) {
			ks = kinds[r]
		}
		row := make([]cell, len(rec))
		for c, text := range rec {
			pos := diag.Pos{File: name, Line: r, Col: c + 1}
			if n := utf8.RuneCountInString(text); n > maxCellChars {
				return nil, diag.Errorf(pos, "this cell holds %d characters, more than an Excel cell holds (%d): brief does not read it", n, maxCellChars)
			}
			var k cellKind
			for len(ks) > 0 && int(ks[0].col) <= c+1 {
				// Cells come in column order (in a file where they do not,
				// a cell may lose its kind and be read as stored).
				if int(ks[0].col) == c+1 {
					k = ks[0].kind
				}
				ks = ks[1:]
			}
			if r > 1 && k == kindBool && (text == "0" || text == "1") {
				text = map[string]string{"0": "false", "1": "true"}[text]
			}
			row[c] = cell{text: text, pos: pos, pct: r > 1 && k == kindPct, date: r > 1 && k == kindDate}
		}
		last = r
		rows = append(rows, row)
	}
	if err := it.Error(); err != nil {
		return nil, diag.Errorf(diag.Pos{File: name, Line: len(rows) + 1, Col: 1}, "not a workbook brief can read: %v", err)
	}
	return rows[:last], nil
}

// isDateFormat reports whether a custom number format shows a date: it has
// a day, month or year part outside quoted text and brackets.
func isDateFormat(f string) bool {
	var b strings.Builder
	quoted, bracket := false, false
	for _, r := range f {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case !quoted && !bracket:
			b.WriteRune(r)
		}
	}
	s := strings.ToLower(b.String())
	return strings.ContainsAny(s, "dy") || strings.Contains(s, "mmm")
}
