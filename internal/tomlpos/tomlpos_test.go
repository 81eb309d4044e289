package tomlpos

import (
	"errors"
	"strings"
	"testing"
)

const sample = `title = "Bitcoin hashprice"   # comment
source = 'Hashrate Index'
notes = """
multi "line" [not a table]
"""

[columns.usd_per_ph_day]
label = "Hashprice"

[[rows]]
date = 2025-07-01
usd_per_ph_day = 55.0

[[rows]]
date = 2026-01-05
  usd_per_ph_day = "fifty"
when = 1979-05-27 07:32:00
"quoted key" = [1, 2,
  3]

[[rows.sub]]
x = 1

[[rows]]
where = { date = 2026-01-02, ticker = ["HUT", "CLSK"] }
mark_lines = [{ y = 35.0, label = "Early January" }, { x = 2026-01-02 }]
`

func TestIndex(t *testing.T) {
	_, ix, err := Decode([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want Pos
	}{
		{"title", Pos{1, 9}},
		{"source", Pos{2, 10}},
		{"notes", Pos{3, 9}},
		{"columns.usd_per_ph_day", Pos{7, 1}},
		{"columns.usd_per_ph_day.label", Pos{8, 9}},
		{"rows[0]", Pos{10, 1}},
		{"rows[0].date", Pos{11, 8}},
		{"rows[0].usd_per_ph_day", Pos{12, 18}},
		{"rows[1]", Pos{14, 1}},
		{"rows[1].usd_per_ph_day", Pos{16, 20}},
		{"rows[1].when", Pos{17, 8}},
		{"rows[1].quoted key", Pos{18, 16}},
		{"rows[1].quoted key[2]", Pos{19, 3}},
		{"rows[1].sub[0].x", Pos{22, 5}},
		{"rows[2].where.date", Pos{25, 18}},
		{"rows[2].where.ticker[1]", Pos{25, 47}},
		{"rows[2].mark_lines[0].label", Pos{26, 35}},
		{"rows[2].mark_lines[1].x", Pos{26, 60}},
	}
	for _, tt := range tests {
		got, ok := ix.Lookup(tt.path)
		if !ok || got != tt.want {
			t.Errorf("Lookup(%q) = %v, %v; want %v", tt.path, got, ok, tt.want)
		}
	}
	if got := ix.Find("rows[1].missing"); got != (Pos{14, 1}) {
		t.Errorf("Find fallback = %v, want the row header 14:1", got)
	}
	if got := ix.Find("nothing.here"); got != (Pos{1, 1}) {
		t.Errorf("Find of unknown = %v, want 1:1", got)
	}
}

func TestSyntaxError(t *testing.T) {
	_, _, err := Decode([]byte("title = \"x\"\nsource = \n"))
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *SyntaxError", err)
	}
	if se.Pos.Line != 2 {
		t.Errorf("line = %d, want 2", se.Pos.Line)
	}
}

// FuzzIndex checks that indexing never panics or hangs on any input that
// BurntSushi/toml accepts, and that every recorded position is inside the
// source.
func FuzzIndex(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("a = \"\"\"x\"\"\"\"\"\nb = '''y'''''\n[[t.u]]\n\"q.k\" = { x = [1, {y = 2}] }\n"))
	f.Add([]byte("x = 1979-05-27 07:32:00Z\ny = [ # c\n 1,\n]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, ix, err := Decode(src)
		if err != nil {
			return
		}
		lines := 1 + strings.Count(string(src), "\n")
		for path, p := range ix.pos {
			if p.Line < 1 || p.Line > lines || p.Col < 1 {
				t.Fatalf("%s at %v, outside %d lines", path, p, lines)
			}
		}
	})
}
