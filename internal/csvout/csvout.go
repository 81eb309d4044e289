// Package csvout writes a view's rows as the per-block CSV download of the
// contract: UTF-8 with a byte-order mark (so Excel reads it as UTF-8),
// RFC 4180 quoting and CRLF line ends, a header of column labels, raw
// numbers (percent columns as written in the dataset), ISO dates, and a
// leading apostrophe on any text that starts with =, +, -, @, a tab or a
// carriage return, so that no spreadsheet runs it as a formula.
package csvout

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/view"
)

// Bytes writes exactly the rows and columns the view shows.
func Bytes(v *view.View) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	head := make([]string, len(v.Columns))
	for i, c := range v.Columns {
		head[i] = guard(c.Label)
	}
	if err := w.Write(head); err != nil {
		return nil, err
	}
	rec := make([]string, len(v.Columns))
	for r := range v.Rows {
		for i, c := range v.Columns {
			rec[i] = Cell(v.Value(r, c))
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// Cell is a value as the CSV holds it.
func Cell(v dataset.Value) string {
	switch v.Type {
	case dataset.Number:
		if v.Int {
			return strconv.FormatInt(int64(v.Num), 10)
		}
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case dataset.Date:
		return v.Date().Format(time.DateOnly)
	case dataset.Bool:
		return strconv.FormatBool(v.Bool)
	case dataset.String:
		return guard(v.Str)
	}
	return ""
}

// guard puts an apostrophe before text a spreadsheet would read as a
// formula. Numbers are written as numbers: a negative number is not text.
func guard(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
