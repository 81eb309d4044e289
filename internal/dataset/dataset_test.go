package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/tomlval"
)

const hashprice = `title = "Bitcoin hashprice"
source = "Hashrate Index"
kind = "series"

[columns.usd_per_ph_day]
label = "Hashprice"
unit = "USD/PH/s/day"
format = "usd"

[[rows]]
date = 2025-07-01
usd_per_ph_day = 55

[[rows]]
date = 2025-10-01
usd_per_ph_day = 48.5

[[rows]]
date = 2026-01-05
usd_per_ph_day = 35.0
`

func TestParseSeries(t *testing.T) {
	d, err := Parse("data/hashprice.toml", []byte(hashprice))
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "hashprice" || d.Kind() != KindSeries || d.Len() != 3 {
		t.Fatalf("got id %q kind %q rows %d", d.ID, d.Kind(), d.Len())
	}
	c := d.Column("usd_per_ph_day")
	if c.Type != Number || c.Format != FormatUSD || c.Header() != "Hashprice (USD/PH/s/day)" {
		t.Errorf("column = %+v", c)
	}
	if got := d.Value(0, d.Column("date")).Date(); !got.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) || got.Location() != time.UTC {
		t.Errorf("date = %v, want 2025-07-01 UTC", got)
	}
	if got := c.FormatValue(d.Value(2, c)); got != "$35.00" {
		t.Errorf("formatted = %q", got)
	}
}

var long, cut = strings.Repeat("x", 100_000), strings.Repeat("x", 80) + "…"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		src  string
		want []string
	}{
		{"bad cell at its own line", "data/hashprice.toml", strings.Replace(hashprice, "48.5", `"fifty"`, 1),
			[]string{`data/hashprice.toml:16:18: rows[1].usd_per_ph_day: want a number, got string "fifty" (its format is usd)`}},
		{"syntax", "data/x.toml", "title = \"x\"\nsource = \n",
			[]string{`data/x.toml:2:10: invalid TOML: expected value but found '\n' instead`}},
		{"missing metadata and rows", "data/x.toml", "kind = \"table\"\n",
			[]string{
				`data/x.toml:1:1: dataset has no rows: add at least one [[rows]] table`,
				`data/x.toml:1:1: missing required key "source": add source = "..." at the top of the file`,
				`data/x.toml:1:1: missing required key "title": add title = "..." at the top of the file`,
			}},
		{"unknown key with suggestion", "data/x.toml", "title = \"t\"\nsource = \"s\"\nsoruce_url = \"https://x.org\"\n[[rows]]\na = 1\n",
			[]string{`data/x.toml:3:1: unknown key "soruce_url" (did you mean "source_url"?); a dataset's keys are title, source, source_url, kind, description, notes, columns, rows, key, update_every, query`}},
		{"bad id", "data/Hash Price.toml", "title = \"t\"\nsource = \"s\"\n[[rows]]\na = 1\n",
			[]string{`data/Hash Price.toml:1:1: invalid dataset id "Hash Price": rename the file to lower-case letters, digits, '-' and '_', starting with a letter or digit`}},
		{"unknown kind", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"serie\"\n[[rows]]\na = 1\n",
			[]string{`data/x.toml:3:8: unknown kind "serie"; use series, moves, deals, table or entities`}},
		{"series out of order", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-02\nv = 1\n[[rows]]\ndate = 2026-01-01\nv = 2\n",
			[]string{`data/x.toml:8:8: rows[1].date: 2026-01-01 does not come after the previous row's 2026-01-02; a series needs unique dates in ascending order`}},
		{"series without numbers", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-02\n",
			[]string{`data/x.toml:3:8: a series dataset needs at least one number column besides date`}},
		{"series of quoted numbers", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-02\nv = \"1.5\"\n",
			[]string{`data/x.toml:3:8: a series dataset needs at least one number column besides date (v holds text: write numbers without quotes)`}},
		{"moves missing column", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"moves\"\n[[rows]]\ndate = 2026-01-02\nticker = \"HUT\"\n",
			[]string{`data/x.toml:3:8: a moves dataset needs a "change_pct" column of numbers; columns are date, ticker`}},
		{"moves duplicate", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"moves\"\n[[rows]]\ndate = 2026-01-02\nticker = \"HUT\"\nchange_pct = 1\n[[rows]]\ndate = 2026-01-02\nticker = \"HUT\"\nchange_pct = 2\n",
			[]string{`data/x.toml:10:10: rows[1]: a second move for HUT on 2026-01-02 (the first is rows[0]); a moves dataset has one row per date and ticker`}},
		{"deals missing cell", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"deals\"\n[[rows]]\nannounced = 2026-01-02\ncompany = \"Hut 8\"\n",
			[]string{`data/x.toml:3:8: a deals dataset needs a "counterparty" column of strings; columns are announced, company`}},
		{"wrong type for required column", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"moves\"\n[[rows]]\ndate = \"2026-01-02\"\nticker = \"HUT\"\nchange_pct = 1\n",
			[]string{`data/x.toml:5:8: rows[0].date: want a date, got string "2026-01-02" (a moves dataset needs it)`}},
		{"nan and inf", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[[rows]]\na = nan\nb = -inf\n",
			[]string{`data/x.toml:4:5: rows[0].a: NaN is not a finite number; leave the cell out to mark it missing`, `data/x.toml:5:5: rows[0].b: -Inf is not a finite number; leave the cell out to mark it missing`}},
		{"date-time", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[[rows]]\na = 2026-01-02T10:00:00Z\n",
			[]string{`data/x.toml:4:5: rows[0].a: want a date such as 2026-01-02, got the date-time 2026-01-02T10:00:00Z`}},
		{"column metadata typo", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[columns.valeu]\nlabel = \"V\"\n[columns.value]\nfromat = \"usd\"\n[[rows]]\nvalue = 1\n",
			[]string{`data/x.toml:3:1: columns.valeu: no row has a column "valeu" (did you mean "value"?); columns are value`, `data/x.toml:6:1: columns.value: unknown key "fromat" (did you mean "format"?); column keys are label, unit and format`}},
		{"format against type", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[columns.name]\nformat = \"usd\"\n[[rows]]\nname = \"Hut 8\"\n",
			[]string{`data/x.toml:6:8: rows[0].name: want a number, got string "Hut 8" (its format is usd)`}},
		{"bad format", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[columns.v]\nformat = \"dollars\"\n[[rows]]\nv = 1\n",
			[]string{`data/x.toml:4:10: columns.v.format: unknown format "dollars"; use number, integer, usd, usd_compact, percent, date or text`}},
		{"javascript url", "data/x.toml", "title = \"t\"\nsource = \"s\"\nsource_url = \"javascript:alert(1)\"\n[[rows]]\nv = 1\n",
			[]string{`data/x.toml:3:14: source_url: want an absolute http:// or https:// URL, got "javascript:alert(1)"`}},
		{"array cell", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[[rows]]\nv = [1, 2]\n",
			[]string{`data/x.toml:4:5: rows[0].v: a cell holds one value, got an array`}},
		{"huge integer", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[[rows]]\nv = 9007199254740993\n",
			[]string{`data/x.toml:4:5: rows[0].v: integer 9007199254740993 is too large to keep exactly; write it as a float or in larger units`}},
		{"empty rows", "data/x.toml", "title = \"t\"\nsource = \"s\"\nrows = []\n",
			[]string{`data/x.toml:3:8: dataset has no rows: add at least one [[rows]] table`}},
		// What a message quotes is cut: a 100 KB value or name is not repeated in full.
		{"long kind", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"" + long + "\"\n[[rows]]\na = 1\n",
			[]string{`data/x.toml:3:8: unknown kind "` + cut + `"; use series, moves, deals, table or entities`}},
		{"long column name", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[[rows]]\n\"" + strings.ToUpper(long) + "\" = 1\n",
			[]string{`data/x.toml:4:100006: rows[0].` + strings.Repeat("X", 72) + `…: invalid column name "` + strings.Repeat("X", 80) + `…": use lower-case letters, digits, '-' and '_'`}},
		{"long cell", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[columns.v]\nformat = \"usd\"\n[[rows]]\nv = \"" + long + "\"\n",
			[]string{`data/x.toml:6:5: rows[0].v: want a number, got string "` + cut + `" (its format is usd)`}},
		{"long format", "data/x.toml", "title = \"t\"\nsource = \"s\"\n[columns.v]\nformat = \"" + long + "\"\n[[rows]]\nv = 1\n",
			[]string{`data/x.toml:4:10: columns.v.format: unknown format "` + cut + `"; use number, integer, usd, usd_compact, percent, date or text`}},
		{"long duplicate alias", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"entities\"\n[[rows]]\nid = \"a\"\nname = \"" + long[:200] + "\"\n[[rows]]\nid = \"b\"\nname = \"" + long[:200] + "\"\n",
			[]string{`data/x.toml:9:8: rows[1]: "` + cut + `" already names the entity of rows[0]; a name, ticker or alias must name one entity, or mentions and deals could not tell them apart`}},
		{"long alias", "data/x.toml", "title = \"t\"\nsource = \"s\"\nkind = \"entities\"\n[[rows]]\nid = \"a\"\nname = \"A\"\naliases = \"B; " + long + "\"\n[[rows]]\nid = \"b\"\nname = \"" + long + "\"\n",
			[]string{
				`data/x.toml:7:11: rows[0].aliases: "` + cut + `" has 100000 characters; a name, ticker or alias has at most 200 (mention search reads each as far as the prose matches it)`,
				`data/x.toml:10:8: rows[1].name: "` + cut + `" has 100000 characters; a name, ticker or alias has at most 200 (mention search reads each as far as the prose matches it)`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if lines[i] != w {
					t.Errorf("error %d:\n got %s\nwant %s", i, lines[i], w)
				}
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		f    Format
		x    float64
		want string
	}{
		{FormatNumber, 1121.5, "1,121.5"},
		{FormatNumber, -0.25, "-0.25"},
		{FormatInteger, 1121, "1,121"},
		{FormatInteger, 1234567.6, "1,234,568"},
		{FormatUSD, 35, "$35.00"},
		{FormatUSD, 126210, "$126,210"},
		{FormatUSD, -1500, "-$1,500"},
		{FormatUSDCompact, 7e9, "$7.0B"},
		{FormatUSDCompact, 3.7e9, "$3.7B"},
		{FormatUSDCompact, 999960, "$1.0M"},
		{FormatUSDCompact, 12500, "$12.5K"},
		{FormatUSDCompact, 35, "$35.00"},
		{FormatUSDCompact, -2.5e6, "-$2.5M"},
		{FormatPercent, 10.8, "+10.8%"},
		{FormatPercent, -35, "-35.0%"},
		{FormatPercent, 0, "0.0%"},
		{FormatPercent, -0.01, "0.0%"},
	}
	for _, tt := range tests {
		if got := FormatNum(tt.f, tt.x); got != tt.want {
			t.Errorf("FormatNum(%s, %v) = %q, want %q", tt.f, tt.x, got, tt.want)
		}
	}
}

const moves = `title = "Moves"
source = "s"
kind = "moves"
[[rows]]
date = 2026-01-02
ticker = "HUT"
change_pct = 10.8
[[rows]]
date = 2026-01-02
ticker = "COIN"
change_pct = 3.1
[[rows]]
date = 2026-01-05
ticker = "HUT"
change_pct = -2.0
[[rows]]
date = 2025-12-31
ticker = "HUT"
change_pct = 1.0
`

func TestSelect(t *testing.T) {
	d, err := Parse("data/moves.toml", []byte(moves))
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	ticker, change := d.Column("ticker"), d.Column("change_pct")
	tests := []struct {
		name string
		q    Query
		want []int
	}{
		{"all in file order", Query{}, []int{0, 1, 2, 3}},
		{"as of", Query{AsOf: day("2026-01-02")}, []int{0, 1, 3}},
		{"window", Query{From: day("2026-01-01"), To: day("2026-01-31")}, []int{0, 1, 2}},
		{"window and as of", Query{From: day("2026-01-01"), AsOf: day("2026-01-04")}, []int{0, 1}},
		{"where list", Query{Where: []Cond{{ticker, []Value{tomlval.StringValue("COIN"), tomlval.StringValue("XYZ")}}}}, []int{1}},
		{"where number int equals float", Query{Where: []Cond{{change, []Value{tomlval.IntValue(1)}}}}, []int{3}},
		{"sort desc and limit", Query{Sort: change, Desc: true, Limit: 2}, []int{0, 1}},
		{"sort asc", Query{Sort: change}, []int{2, 3, 1, 0}},
		{"date equality", Query{Where: []Cond{{d.Column("date"), []Value{tomlval.DateValue(day("2026-01-02"))}}}}, []int{0, 1}},
		{"date equality past the as-of", Query{AsOf: day("2026-01-04"), Where: []Cond{{d.Column("date"), []Value{tomlval.DateValue(day("2026-01-05"))}}}}, nil},
		{"date list", Query{Where: []Cond{{d.Column("date"), []Value{tomlval.DateValue(day("2025-12-31")), tomlval.DateValue(day("2026-01-05"))}}}}, []int{2, 3}},
	}
	for _, tt := range tests {
		got := d.Select(tt.q)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := d.LatestDate(day("2026-01-04")); !got.Equal(day("2026-01-02")) {
		t.Errorf("LatestDate = %v", got)
	}
	if got := d.LatestDate(day("2025-01-01")); !got.IsZero() {
		t.Errorf("LatestDate before all = %v", got)
	}

	// A table with undated rows: the as-of cut keeps them, a date filter does not.
	tbl, err := Parse("data/t.toml", []byte("title = \"t\"\nsource = \"s\"\n[[rows]]\ndate = 2026-01-01\nv = 1\n[[rows]]\nv = 2\n[[rows]]\ndate = 2026-02-01\nv = 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tbl.Select(Query{AsOf: day("2026-01-15")}); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("table as of = %v", got)
	}
	if got := tbl.Select(Query{Where: []Cond{{tbl.Column("date"), []Value{tomlval.DateValue(day("2026-01-01"))}}}}); !slices.Equal(got, []int{0}) {
		t.Errorf("table date filter = %v", got)
	}
}

// TestSelectTop: a sort with a small limit, which keeps the first rows as
// it goes, gives what sorting every row and keeping the first gives, ties
// and empty cells included, in both directions.
func TestSelectTop(t *testing.T) {
	var src strings.Builder
	src.WriteString("title = \"t\"\nsource = \"s\"\n")
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 400 {
		if r.IntN(10) == 0 {
			fmt.Fprintf(&src, "[[rows]]\nn = %d\n", i) // v empty
		} else {
			fmt.Fprintf(&src, "[[rows]]\nv = %d\nn = %d\n", r.IntN(30), i)
		}
	}
	d, err := Parse("data/t.toml", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, desc := range []bool{false, true} {
		all := d.Select(Query{Sort: d.Column("v"), Desc: desc})
		for _, limit := range []int{1, 2, 7, 50, 64, 99} {
			got := d.Select(Query{Sort: d.Column("v"), Desc: desc, Limit: limit})
			if want := all[:limit]; !slices.Equal(got, want) {
				t.Errorf("desc %v, limit %d: got %v, want %v", desc, limit, got, want)
			}
		}
	}
}

// TestSelectTopInWindow: the first rows of a sort within a date window
// (the as-of cut of "the largest deals to date", a from/to window, a date
// filter), the window's rows visited in date order, are those of a stable
// sort of the window's rows in file order, ties and undated rows included.
func TestSelectTopInWindow(t *testing.T) {
	var src strings.Builder
	src.WriteString("title = \"t\"\nsource = \"s\"\n")
	r := rand.New(rand.NewPCG(3, 4))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 500 {
		src.WriteString("[[rows]]\n")
		if r.IntN(12) != 0 { // some rows undated; dated rows in no order
			fmt.Fprintf(&src, "date = %s\n", start.AddDate(0, 0, r.IntN(60)).Format(time.DateOnly))
		}
		if r.IntN(10) != 0 {
			fmt.Fprintf(&src, "v = %d\n", r.IntN(20))
		}
		fmt.Fprintf(&src, "n = %d\n", i)
	}
	d, err := Parse("data/t.toml", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	v := d.Column("v")
	windows := []Query{
		{},
		{AsOf: start.AddDate(0, 0, 30)},
		{From: start.AddDate(0, 0, 10), To: start.AddDate(0, 0, 40)},
		{Where: []Cond{{d.Column("date"), []Value{tomlval.DateValue(start.AddDate(0, 0, 5)), tomlval.DateValue(start.AddDate(0, 0, 7))}}}},
		{AsOf: start.AddDate(0, 0, 50), Where: []Cond{{v, []Value{tomlval.NumberValue(3), tomlval.NumberValue(4), tomlval.NumberValue(5)}}}},
	}
	for wi, w := range windows {
		rows := d.Select(w) // file order
		for _, desc := range []bool{false, true} {
			want := slices.Clone(rows)
			slices.SortStableFunc(want, func(a, b int) int {
				va, vb := d.rows[a][v.Index], d.rows[b][v.Index]
				if desc && !va.IsEmpty() && !vb.IsEmpty() {
					return vb.Compare(va)
				}
				return va.Compare(vb)
			})
			for _, limit := range []int{0, 1, 3, 10, 64, 65} {
				q := w
				q.Sort, q.Desc, q.Limit = v, desc, limit
				got := d.Select(q)
				w := want
				if limit > 0 && len(w) > limit {
					w = w[:limit]
				}
				if !slices.Equal(got, w) {
					t.Errorf("window %d, desc %v, limit %d: got %v, want %v", wi, desc, limit, got, w)
				}
			}
		}
	}
}

// TestExcelLimits: a dataset beyond what an Excel sheet holds is refused at
// the first row or column too many (the row limit is lowered here: a dataset
// of a million rows takes seconds to parse; the limits themselves are
// checked against excelize's in the workbook tests).
func TestExcelLimits(t *testing.T) {
	defer func(n int) { maxRows = n }(maxRows)
	maxRows = 3
	var rows strings.Builder
	rows.WriteString("title = \"R\"\nsource = \"S\"\n")
	for range 4 {
		rows.WriteString("[[rows]]\na = 1\n")
	}
	_, err := Parse("data/r.toml", []byte(rows.String()))
	if got, want := fmt.Sprint(err), "data/r.toml:9:1: rows[3]: a dataset holds at most 3 rows, what one Excel sheet holds under its header; split the data into several datasets"; got != want {
		t.Errorf("rows:\n got %s\nwant %s", got, want)
	}
	var cols strings.Builder
	cols.WriteString("title = \"C\"\nsource = \"S\"\n[[rows]]\n")
	for i := range MaxColumns + 1 {
		fmt.Fprintf(&cols, "c%d = %d\n", i, i)
	}
	_, err = Parse("data/c.toml", []byte(cols.String()))
	if got, want := fmt.Sprint(err), "data/c.toml:16388:10: rows[0].c16384: a dataset holds at most 16,384 columns, as many as an Excel sheet; split the data into several datasets"; got != want {
		t.Errorf("columns:\n got %s\nwant %s", got, want)
	}
}

// TestNewChecksItsParts: a dataset made in code must fit together, and gets
// the date index that selections use.
func TestNewChecksItsParts(t *testing.T) {
	date := &Column{Name: "date", Type: Date, Index: 0}
	v := &Column{Name: "v", Type: Number, Index: 1}
	day := func(s string) Value { d, _ := time.Parse(time.DateOnly, s); return tomlval.DateValue(d) }
	tests := []struct {
		name string
		cols []*Column
		rows [][]Value
		want string
	}{
		{"index out of place", []*Column{v}, nil, `column "v" has index 1 at place 0`},
		{"short row", []*Column{date, v}, [][]Value{{day("2026-01-02")}}, "row 0 has 1 cells for 2 columns"},
		{"wrong type", []*Column{date, v}, [][]Value{{day("2026-01-02"), tomlval.StringValue("x")}}, `row 0: column "v" holds numbers, got string "x"`},
	}
	for _, tt := range tests {
		if _, err := New(Dataset{ID: "d"}, KindSeries, tt.cols, tt.rows); fmt.Sprint(err) != tt.want {
			t.Errorf("%s: err = %v, want %s", tt.name, err, tt.want)
		}
	}
	d, err := New(Dataset{ID: "d"}, KindSeries, []*Column{date, v}, [][]Value{{day("2026-01-05"), tomlval.NumberValue(2)}, {day("2026-01-02"), tomlval.NumberValue(1)}})
	if err != nil {
		t.Fatal(err)
	}
	asOf, _ := time.Parse(time.DateOnly, "2026-01-03")
	if got := d.Select(Query{AsOf: asOf}); len(got) != 1 || got[0] != 1 {
		t.Errorf("as of 2026-01-03: rows %v, want [1]: the date index was not built", got)
	}
}

// TestGobRoundTrip: a dataset decoded from the cache is the dataset that
// was parsed, negative zero, date index and revisions included.
//
// Every field of the parsed dataset and of its columns, unexported ones
// included, is set, so a field added later that the cache's encoding does
// not carry fails here instead of silently dropping out of cached builds.
func TestGobRoundTrip(t *testing.T) {
	d, err := Parse("data/x.toml", []byte("title = \"X\"\nsource = \"S\"\nsource_url = \"https://example.org/x\"\n"+
		"description = \"D\"\nnotes = \"N\"\nkind = \"table\"\nkey = [\"n\"]\nupdate_every = \"1m\"\n[columns.v]\nlabel = \"Value\"\nunit = \"MW\"\nformat = \"number\"\n"+
		"[[rows]]\ndate = 2026-01-09\nv = 0.0\nn = 1\n[[rows.revisions]]\non = 2026-01-20\nv = 0.5\n"+
		"[[rows]]\ndate = 2026-01-02\nv = 1.5\nn = 2\nadded = 2026-01-10\n[[rows]]\nv = 2\nn = 3\n[[rows]]\nv = 4\nn = 4\nremoved = 2026-02-01\n"))
	if err != nil {
		t.Fatal(err)
	}
	// A past state sets what only past states have (base, day); they are
	// made from the current dataset, never cached.
	past := d.state(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)) // not memoised, so d stays as parsed
	// A derived dataset's result sets what only results have (the query,
	// the snapshots, rows in date order); results are made by package
	// derive, never cached this way, but the definition is.
	def, err := Parse("data/y.toml", []byte("title = \"Y\"\nsource = \"S\"\nkind = \"series\"\nquery = \"SELECT date, v FROM x\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, probs := def.Result([]string{"date", "v"}, [][]Value{{tomlval.StringValue("2026-01-02"), tomlval.NumberValue(1)}}, nil, nil)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	res.Derive(func(time.Time) *Dataset { return res })
	everyFieldSet(t, "Dataset", reflect.ValueOf(*d), reflect.ValueOf(*past), reflect.ValueOf(*res))
	defData, err := def.GobEncode()
	if err != nil {
		t.Fatal(err)
	}
	var defBack Dataset
	if err := defBack.GobDecode(defData); err != nil || defBack.Derivation() == nil || defBack.Derivation().Query != "SELECT date, v FROM x" {
		t.Errorf("a derived dataset's definition from the cache: %v, %+v", err, defBack.Derivation())
	}
	var cols []reflect.Value
	for _, c := range d.columns {
		cols = append(cols, reflect.ValueOf(*c))
	}
	everyFieldSet(t, "Column", cols...)
	d.rows[0][1].Num = math.Copysign(0, -1) // what NumberValue would never make
	data, err := d.GobEncode()
	if err != nil {
		t.Fatal(err)
	}
	var back Dataset
	if err := back.GobDecode(data); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, d) {
		t.Errorf("decoded:\n%+v\nparsed:\n%+v", back, *d)
	}
	if !math.Signbit(back.rows[0][1].Num) {
		t.Error("the sign of zero was lost")
	}
}

// everyFieldSet fails for each field that holds its zero value in every
// one of vs, structs of one type: a fixture that leaves a field unset
// cannot show that it is kept.
func everyFieldSet(t *testing.T, name string, vs ...reflect.Value) {
	t.Helper()
	typ := vs[0].Type()
	for i := range typ.NumField() {
		if !slices.ContainsFunc(vs, func(v reflect.Value) bool { return !v.Field(i).IsZero() }) {
			t.Errorf("%s.%s is not set by the fixture: set it, so that the test shows the cache keeps it", name, typ.Field(i).Name)
		}
	}
}

// TestGobRowsRoundTrip: rows kept flat for the cache come back as they
// were, rows of any length included, and cells that do not add up to the
// rows are an error, never rows made up.
func TestGobRowsRoundTrip(t *testing.T) {
	rows := [][]Value{
		{tomlval.StringValue("2026-01-02"), tomlval.NumberValue(1.5)},
		{},
		{tomlval.NumberValue(math.Copysign(0, -1)), {Type: tomlval.Bool, Bool: true}, {}},
	}
	back, err := flatRows(rows).rows()
	if err != nil || !reflect.DeepEqual(back, rows) {
		t.Fatalf("round trip: %v, %+v", err, back)
	}
	for name, g := range map[string]gobRows{
		"a row longer than the cells": {Lens: []int{3}, Types: []byte{0}, Flags: []byte{0}, Bits: []uint64{0}, Strs: []string{""}},
		"cells left over":             {Lens: []int{0}, Types: []byte{0}, Flags: []byte{0}, Bits: []uint64{0}, Strs: []string{""}},
		"a field short":               {Lens: []int{1}, Types: []byte{0}, Flags: []byte{0}, Bits: []uint64{0}},
		"a negative length":           {Lens: []int{-1}},
	} {
		if _, err := g.rows(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if pos, err := flatPositions(nil).positions(); err != nil || pos != nil {
		t.Errorf("no positions: %v, %v", pos, err)
	}
}
