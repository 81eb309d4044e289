package csvout_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/csvout"
	"github.com/brief-desk/brief/internal/dataset"
)

const moves = `title = "Moves"
source = "Desk"
kind = "moves"
[columns.change_pct]
label = "Change, %"
[[rows]]
date = 2026-01-02
ticker = "HUT"
name = "=HYPERLINK(\"http://evil.example\",\"x\")"
change_pct = 10.8
[[rows]]
date = 2026-01-02
ticker = "XYZ"
name = "Line one\nline \"two\""
change_pct = -4.25
[[rows]]
date = 2026-01-02
ticker = "ABC"
name = "+1 @SUM"
change_pct = 0
`

// TestBytes: BOM, CRLF, RFC 4180 quoting, labels, raw numbers, ISO dates,
// and the formula guard on text (not on negative numbers).
func TestBytes(t *testing.T) {
	d, err := dataset.Parse("data/moves.toml", []byte(moves))
	if err != nil {
		t.Fatal(err)
	}
	s := &block.Selection{Base: block.Base{Name: "table"}, Dataset: "moves", Sort: "change_pct", Desc: true}
	bd, err := s.Bind(&block.Context{Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Find: func(string) *dataset.Dataset { return d }})
	if err != nil {
		t.Fatal(err)
	}
	v := bd.Tables()[0]
	b, err := csvout.Bytes(v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbfDate,Ticker,Name,\"Change, %\"\r\n")) {
		t.Errorf("header: %q", b[:min(len(b), 60)])
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Date", "Ticker", "Name", "Change, %"},
		{"2026-01-02", "HUT", `'=HYPERLINK("http://evil.example","x")`, "10.8"},
		{"2026-01-02", "ABC", "'+1 @SUM", "0"},
		{"2026-01-02", "XYZ", "Line one\nline \"two\"", "-4.25"},
	}
	if len(recs) != len(want) {
		t.Fatalf("records: %q", recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d: %q, want %q", i, recs[i], want[i])
		}
	}
	if bytes.Count(b, []byte("\r\n")) != 5 { // four records, and the line break inside a quoted cell
		t.Errorf("want CRLF line ends: %q", b)
	}
}
