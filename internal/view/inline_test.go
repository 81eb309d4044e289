package view

import (
	"fmt"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
)

const quoted = `title = "Prices"
source = "S"
kind = "series"
[[rows]]
date = 2025-12-31
close = 100.0
[[rows]]
date = 2026-01-15
close = 110.0
[[rows]]
date = 2026-02-28
close = 95.0
[[rows]]
date = 2026-03-31
close = 90.25
`

const quotedMoves = `title = "Moves"
source = "S"
kind = "moves"
[[rows]]
date = 2026-03-31
ticker = "HUT"
name = "Hut 8"
change_pct = -7.94
`

// TestFunctions: the third round's inline functions and periods, each as
// a reader sees it printed, and their errors.
func TestFunctions(t *testing.T) {
	sets := map[string]*dataset.Dataset{}
	for id, src := range map[string]string{"prices": quoted, "moves": quotedMoves} {
		d, err := dataset.Parse("data/"+id+".toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		sets[id] = d
	}
	asOf := time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct{ expr, want string }{
		{"prices.close", "90.25"},
		{"prices.close | round 1", "90.3"},
		{"prices.close | round 0", "90"},
		{"prices.close | change -1m", "-5.0%"}, // 31 March less a month is 28 February
		{"prices.close | change -1m | abs", "5.0%"},
		{"prices.close | change -1m | dir \"rose\" \"fell\"", "fell"},
		{"prices.close | change -1m | round 2", "-5.00%"},
		{"prices.close | change ytd", "-9.8%"},              // from the last row of 2025
		{"prices.close | change 2026-02-01", "-18.0%"},      // the last row on or before, 15 January
		{"prices.close | change -10d", "-5.0%"},             // 21 March: the row of 28 February
		{"prices.close | delta -2w", "-4.75"},               // 17 March: 28 February again
		{"prices.close @2026-02-28 | change -1m", "-13.6%"}, // back from the quoted row's own date: 15 January
		{"prices.close | delta 2026-03-31 | dir \"rose\" \"fell\" \"was flat\"", "was flat"},
		{"prices.close | change 2026-03-30 | dir \"rose\" \"fell\"", "fell"},
		{"prices.close | change 2026-01-15 | round 0 | dir \"up\" \"down\" \"flat\"", "down"},
		{"moves.change_pct [ticker=HUT]", "-7.9%"},
		{"moves.change_pct [ticker=HUT] | abs", "7.9%"},
		{"moves.change_pct [ticker=HUT] | dir \"rose\" \"fell\"", "fell"},
		{"prices | count | round 1", "4.0"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			in, err := expr.Parse(tt.expr, diag.Pos{File: "b.md", Line: 1, Col: 1}, 0)
			if err != nil {
				t.Fatal(err)
			}
			f, err := BindFigure(in, func(id string) *dataset.Dataset { return sets[id] }, nil, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if f.Text != tt.want {
				t.Errorf("got %q, want %q", f.Text, tt.want)
			}
		})
	}

	errs := []struct{ expr, want string }{
		{"prices.close | change 2025-06-01", `no row of "prices" is dated on or before 2025-06-01 to compare with; the first is 2025-12-31`},
		{"prices.close | delta -1y", `no row of "prices" is dated on or before 2025-03-31 to compare with; the first is 2025-12-31`},
		{"prices.close | max | change -1m", `change applies to a single value, not to the result of max`},
		{"prices.close | change -1m | max", `max after change: an inline value selects with one function`},
		{"prices.close | abs | change -1m", `change after abs or round: put change first, right after the column`},
		{"prices.close | dir \"up\" \"down\" | abs", `abs after dir: dir prints a word, so it comes last`},
		{"prices.close | dir \"up\"", `dir needs two or three "quoted" words: for a rise, a fall and (optionally) no change, such as | dir "rose" "fell" "was flat"`},
		{"prices.close | dir up down", `dir: "up" is not a "quoted" word`},
		{"prices.close | round 7", `round needs the number of decimals, 0 to 6, such as | round 1; got "7"`},
		{"prices.close | round", `round needs the number of decimals, 0 to 6, such as | round 1; got ""`},
		{"prices.close | abs | abs", `abs twice`},
		{"prices.close | change -0m", `change -0m: want a date such as 2025-07-01, or a period back such as -1w, -3m, -1y or ytd`},
		{"prices.close | change +1m", `change +1m: want a date such as 2025-07-01, or a period back such as -1w, -3m, -1y or ytd`},
		{"prices.close | change", `change needs the date or period to compare with, such as | change 2025-07-01 or | change -1m`},
		{"prices.date | abs", `abs, round and dir need a number; "date" holds dates`},
	}
	for _, tt := range errs {
		t.Run("error "+tt.expr, func(t *testing.T) {
			in, err := expr.Parse(tt.expr, diag.Pos{File: "b.md", Line: 1, Col: 1}, 0)
			if err == nil {
				_, err = BindFigure(in, func(id string) *dataset.Dataset { return sets[id] }, nil, asOf)
			}
			want := fmt.Sprintf("b.md:1:1: inline value {{ %s }}: %s", tt.expr, tt.want)
			if fmt.Sprint(err) != want {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
}

// TestPeriodBack: months and years clamp to the month's end.
func TestPeriodBack(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		from string
		p    expr.Period
		want string
	}{
		{"2026-03-31", expr.Period{N: 1, Unit: 'm'}, "2026-02-28"},
		{"2024-03-31", expr.Period{N: 1, Unit: 'm'}, "2024-02-29"},
		{"2024-02-29", expr.Period{N: 1, Unit: 'y'}, "2023-02-28"},
		{"2026-01-31", expr.Period{N: 3, Unit: 'm'}, "2025-10-31"},
		{"2026-05-31", expr.Period{N: 3, Unit: 'm'}, "2026-02-28"},
		{"2026-01-07", expr.Period{N: 1, Unit: 'w'}, "2025-12-31"},
		{"2026-03-01", expr.Period{N: 1, Unit: 'd'}, "2026-02-28"},
		{"2026-06-15", expr.Period{YTD: true}, "2025-12-31"},
	}
	for _, tt := range tests {
		if got := tt.p.Back(day(tt.from)).Format(time.DateOnly); got != tt.want {
			t.Errorf("%s %s = %s, want %s", tt.from, tt.p, got, tt.want)
		}
	}
}
