package block

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
	"github.com/brief-desk/brief/internal/view"
)

var datasets = map[string]string{
	"prices": "title = \"Prices\"\nsource = \"S\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nclose = 1.0\nopen = 0.5\n[[rows]]\ndate = 2026-01-08\nclose = 2.0\nopen = 1.5\n[[rows]]\ndate = 2026-01-15\nclose = 3.0\nopen = 2.5\n",
	"moves":  "title = \"Moves\"\nsource = \"S\"\nkind = \"moves\"\n[[rows]]\ndate = 2026-01-02\nticker = \"A\"\nname = \"Alpha\"\nchange_pct = 1.0\n[[rows]]\ndate = 2026-01-02\nticker = \"B\"\nname = \"Beta\"\nchange_pct = 5.0\n[[rows]]\ndate = 2026-01-09\nticker = \"A\"\nname = \"Alpha\"\nchange_pct = -2.0\n",
	"deals":  "title = \"Deals\"\nsource = \"S\"\nkind = \"deals\"\n[[rows]]\nannounced = 2025-12-17\ncompany = \"Hut 8\"\ncounterparty = \"Fluidstack\"\nvalue_usd = 7e9\nterm_years = 15\n",
	"levels": "title = \"Levels\"\nsource = \"S\"\n[[rows]]\nlevel = \"High\"\nusd = 126210\n",
}

func find(t *testing.T) func(string) *dataset.Dataset {
	sets := map[string]*dataset.Dataset{}
	for id, src := range datasets {
		d, err := dataset.Parse("data/"+id+".toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		sets[id] = d
	}
	return func(id string) *dataset.Dataset { return sets[id] }
}

func names(cols []*dataset.Column) string {
	var out []string
	for _, c := range cols {
		out = append(out, c.Name)
	}
	return strings.Join(out, ",")
}

func TestDefaults(t *testing.T) {
	asOf := time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		block     Selection
		kind      string
		typ       view.ChartType
		x, y, col string
		rows      int
		subtitle  string
	}{
		{"series: every number over date", Selection{Base: Base{Name: "chart"}, Dataset: "prices"}, "chart", "line", "date", "close,open", "date,close,open", 2, ""},
		{"moves: latest day, sorted", Selection{Base: Base{Name: "chart"}, Dataset: "moves"}, "chart", "bar", "ticker", "change_pct", "ticker,change_pct,name,date", 2, "2 January 2026"},
		{"deals: value by company", Selection{Base: Base{Name: "chart"}, Dataset: "deals"}, "chart", "bar", "company", "value_usd", "company,value_usd,counterparty,announced,term_years", 1, ""},
		{"table chart without axes is a table", Selection{Base: Base{Name: "chart"}, Dataset: "levels"}, "table", "", "", "", "level,usd", 1, ""},
		{"table chart with axes", Selection{Base: Base{Name: "chart"}, Dataset: "levels", X: "level", Y: []string{"usd"}}, "chart", "bar", "level", "usd", "level,usd", 1, ""},
		{"table block: every column", Selection{Base: Base{Name: "table"}, Dataset: "moves"}, "table", "", "", "", "date,ticker,name,change_pct", 2, ""},
		{"explicit type and columns", Selection{Base: Base{Name: "chart"}, Dataset: "prices", Type: "area", Y: []string{"open"}, Columns: []string{"close"}}, "chart", "area", "date", "open", "date,open,close", 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := bindView(&tt.block, find(t), nil, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if (v.Chart != nil) != (v.Kind == "chart") {
				t.Fatalf("kind %s with chart %v", v.Kind, v.Chart)
			}
			c := v.Chart
			if c == nil {
				c = &view.Chart{} // a table: no chart parts
			}
			x := ""
			if c.X != nil {
				x = c.X.Name
			}
			if v.Kind != tt.kind || c.Type != tt.typ || x != tt.x || names(c.Y) != tt.y || names(v.Columns) != tt.col || len(v.Rows) != tt.rows || v.Subtitle != tt.subtitle {
				t.Errorf("got kind %s type %s x %s y %s columns %s rows %d subtitle %q", v.Kind, c.Type, x, names(c.Y), names(v.Columns), len(v.Rows), v.Subtitle)
			}
			if v.Title == "" || v.Chart != nil && c.Height != view.DefaultHeight {
				t.Errorf("title %q height %d", v.Title, c.Height)
			}
		})
	}
	// The moves chart is sorted by change, descending.
	v, err := bindView(&Selection{Base: Base{Name: "chart"}, Dataset: "moves"}, find(t), nil, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Value(0, v.Chart.X).Str; got != "B" {
		t.Errorf("first bar = %s, want B", got)
	}
}

func TestErrors(t *testing.T) {
	asOf := time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		block Selection
		want  string
	}{
		{Selection{Base: Base{Name: "chart"}, Dataset: "nope"}, `content/briefings/b.md:7:1: chart block: unknown dataset "nope"; datasets are prices, moves`},
		{Selection{Base: Base{Name: "chart"}, Dataset: "prices", Y: []string{"date"}}, `content/briefings/b.md:7:1: chart block: y: column "date" holds dates; a chart plots numbers`},
		{Selection{Base: Base{Name: "chart"}, Dataset: "moves", Type: "scatter"}, `content/briefings/b.md:7:1: chart block: x: a scatter chart needs numbers or dates on x; column "ticker" holds strings`},
		{Selection{Base: Base{Name: "chart"}, Dataset: "levels", Y: []string{"usd"}}, `content/briefings/b.md:7:1: chart block: a chart of the table "levels" needs both x and y: name the category column with x = "..." and the number columns with y = [...] (with neither, the block shows a table)`},
		{Selection{Base: Base{Name: "table"}, Dataset: "levels", From: asOf}, `content/briefings/b.md:7:1: table block: from: dataset "levels" has no date column to window on`},
		{Selection{Base: Base{Name: "chart"}, Dataset: "prices", Marks: []MarkLine{{X: ptr(tomlval.StringValue("x"))}}}, `content/briefings/b.md:7:1: chart block: mark_lines: x string "x" does not fit the x column "date", which holds dates`},
		// What a message quotes is cut: a 100 KB name is not repeated in full.
		{Selection{Base: Base{Name: "chart"}, Dataset: long}, `content/briefings/b.md:7:1: chart block: unknown dataset "` + cut + `"; datasets are prices, moves`},
		{Selection{Base: Base{Name: "chart"}, Dataset: "prices", Y: []string{long}}, `content/briefings/b.md:7:1: chart block: y: dataset "prices" has no column "` + cut + `"; its columns are date, close, open`},
		{Selection{Base: Base{Name: "chart"}, Dataset: "prices", Marks: []MarkLine{{X: ptr(tomlval.StringValue(long))}}}, `content/briefings/b.md:7:1: chart block: mark_lines: x string "` + cut + `" does not fit the x column "date", which holds dates`},
	}
	for _, tt := range tests {
		tt.block.Fence = diag.Pos{File: "content/briefings/b.md", Line: 7, Col: 1}
		_, err := bindView(&tt.block, find(t), []string{"prices", "moves"}, asOf)
		if got := fmt.Sprint(err); got != tt.want {
			t.Errorf("%+v:\n got %s\nwant %s", tt.block, got, tt.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

var long, cut = strings.Repeat("x", 100_000), strings.Repeat("x", 80) + "…"

// bindView binds a chart or table block and returns its view.
func bindView(s *Selection, find func(string) *dataset.Dataset, ids []string, asOf time.Time) (*view.View, error) {
	bd, err := s.Bind(&Context{Date: asOf, IDs: ids, Find: find})
	if err != nil {
		return nil, err
	}
	return bd.Tables()[0], nil
}
