package view

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

var datasets = map[string]string{
	"prices": "title = \"Prices\"\nsource = \"S\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nclose = 1.0\nopen = 0.5\n[[rows]]\ndate = 2026-01-08\nclose = 2.0\nopen = 1.5\n[[rows]]\ndate = 2026-01-15\nclose = 3.0\nopen = 2.5\n",
	"moves":  "title = \"Moves\"\nsource = \"S\"\nkind = \"moves\"\n[[rows]]\ndate = 2026-01-02\nticker = \"A\"\nname = \"Alpha\"\nchange_pct = 1.0\n[[rows]]\ndate = 2026-01-02\nticker = \"B\"\nname = \"Beta\"\nchange_pct = 5.0\n[[rows]]\ndate = 2026-01-09\nticker = \"A\"\nname = \"Alpha\"\nchange_pct = -2.0\n",
	"deals":  "title = \"Deals\"\nsource = \"S\"\nkind = \"deals\"\n[[rows]]\nannounced = 2025-12-17\ncompany = \"Hut 8\"\ncounterparty = \"Fluidstack\"\nvalue_usd = 7e9\nterm_years = 15\n",
	"levels": "title = \"Levels\"\nsource = \"S\"\n[[rows]]\nlevel = \"High\"\nusd = 126210\n",
}

func find(t *testing.T) Find {
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
		block     content.Block
		kind      content.Kind
		typ       content.ChartType
		x, y, col string
		rows      int
		subtitle  string
	}{
		{"series: every number over date", content.Block{Kind: "chart", Dataset: "prices"}, "chart", "line", "date", "close,open", "date,close,open", 2, ""},
		{"moves: latest day, sorted", content.Block{Kind: "chart", Dataset: "moves"}, "chart", "bar", "ticker", "change_pct", "ticker,change_pct,name,date", 2, "2 January 2026"},
		{"deals: value by company", content.Block{Kind: "chart", Dataset: "deals"}, "chart", "bar", "company", "value_usd", "company,value_usd,counterparty,announced,term_years", 1, ""},
		{"table chart without axes is a table", content.Block{Kind: "chart", Dataset: "levels"}, "table", "", "", "", "level,usd", 1, ""},
		{"table chart with axes", content.Block{Kind: "chart", Dataset: "levels", X: "level", Y: []string{"usd"}}, "chart", "bar", "level", "usd", "level,usd", 1, ""},
		{"table block: every column", content.Block{Kind: "table", Dataset: "moves"}, "table", "", "", "", "date,ticker,name,change_pct", 2, ""},
		{"explicit type and columns", content.Block{Kind: "chart", Dataset: "prices", Type: "area", Y: []string{"open"}, Columns: []string{"close"}}, "chart", "area", "date", "open", "date,open,close", 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Bind(&tt.block, find(t), nil, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if (v.Chart != nil) != (v.Kind == content.KindChart) {
				t.Fatalf("kind %s with chart %v", v.Kind, v.Chart)
			}
			c := v.Chart
			if c == nil {
				c = &Chart{} // a table: no chart parts
			}
			x := ""
			if c.X != nil {
				x = c.X.Name
			}
			if v.Kind != tt.kind || c.Type != tt.typ || x != tt.x || names(c.Y) != tt.y || names(v.Columns) != tt.col || len(v.Rows) != tt.rows || v.Subtitle != tt.subtitle {
				t.Errorf("got kind %s type %s x %s y %s columns %s rows %d subtitle %q", v.Kind, c.Type, x, names(c.Y), names(v.Columns), len(v.Rows), v.Subtitle)
			}
			if v.Title == "" || v.Chart != nil && c.Height != DefaultHeight {
				t.Errorf("title %q height %d", v.Title, c.Height)
			}
		})
	}
	// The moves chart is sorted by change, descending.
	v, err := Bind(&content.Block{Kind: "chart", Dataset: "moves"}, find(t), nil, asOf)
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
		block content.Block
		want  string
	}{
		{content.Block{Kind: "chart", Dataset: "nope"}, `content/briefings/b.md:7:1: chart block: unknown dataset "nope"; datasets are prices, moves`},
		{content.Block{Kind: "chart", Dataset: "prices", Y: []string{"date"}}, `content/briefings/b.md:7:1: chart block: y: column "date" holds dates; a chart plots numbers`},
		{content.Block{Kind: "chart", Dataset: "moves", Type: "scatter"}, `content/briefings/b.md:7:1: chart block: x: a scatter chart needs numbers or dates on x; column "ticker" holds strings`},
		{content.Block{Kind: "chart", Dataset: "levels", Y: []string{"usd"}}, `content/briefings/b.md:7:1: chart block: a chart of the table "levels" needs both x and y: name the category column with x = "..." and the number columns with y = [...] (with neither, the block shows a table)`},
		{content.Block{Kind: "table", Dataset: "levels", From: asOf}, `content/briefings/b.md:7:1: table block: from: dataset "levels" has no date column to window on`},
		{content.Block{Kind: "chart", Dataset: "prices", Marks: []content.MarkLine{{X: ptr(tomlval.StringValue("x"))}}}, `content/briefings/b.md:7:1: chart block: mark_lines: x string "x" does not fit the x column "date", which holds dates`},
		// What a message quotes is cut: a 100 KB name is not repeated in full.
		{content.Block{Kind: "chart", Dataset: long}, `content/briefings/b.md:7:1: chart block: unknown dataset "` + cut + `"; datasets are prices, moves`},
		{content.Block{Kind: "chart", Dataset: "prices", Y: []string{long}}, `content/briefings/b.md:7:1: chart block: y: dataset "prices" has no column "` + cut + `"; its columns are date, close, open`},
		{content.Block{Kind: "chart", Dataset: "prices", Marks: []content.MarkLine{{X: ptr(tomlval.StringValue(long))}}}, `content/briefings/b.md:7:1: chart block: mark_lines: x string "` + cut + `" does not fit the x column "date", which holds dates`},
	}
	for _, tt := range tests {
		tt.block.Pos = diag.Pos{File: "content/briefings/b.md", Line: 7, Col: 1}
		_, err := Bind(&tt.block, find(t), []string{"prices", "moves"}, asOf)
		if got := fmt.Sprint(err); got != tt.want {
			t.Errorf("%+v:\n got %s\nwant %s", tt.block, got, tt.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

var long, cut = strings.Repeat("x", 100_000), strings.Repeat("x", 80) + "…"

// TestFigureErrorsCut: an inline value's messages quote its expression and
// names cut, and list at most diag.MaxNames columns.
func TestFigureErrorsCut(t *testing.T) {
	var wide strings.Builder
	wide.WriteString("title = \"Wide\"\nsource = \"S\"\n[[rows]]\n")
	for i := range 100 {
		fmt.Fprintf(&wide, "c%03d = %d\n", i, i)
	}
	w, err := dataset.Parse("data/wide.toml", []byte(wide.String()))
	if err != nil {
		t.Fatal(err)
	}
	sets := func(id string) *dataset.Dataset {
		if id == "wide" {
			return w
		}
		return find(t)(id)
	}
	var cols []string
	for i := range diag.MaxNames {
		cols = append(cols, fmt.Sprintf("c%03d", i))
	}
	tests := []struct{ expr, want string }{
		{long + ".close", `inline value {{ ` + cut + ` }}: unknown dataset "` + cut + `"; datasets are prices, wide`},
		{"wide." + long, `inline value {{ wide.` + strings.Repeat("x", 75) + `… }}: dataset "wide" has no column "` + cut + `"; its columns are ` + strings.Join(cols, ", ") + ` and 70 more`},
		{"prices.close [" + long + "=1]", `inline value {{ prices.close [` + strings.Repeat("x", 66) + `… }}: filter [` + cut + `=...]: dataset "prices" has no column "` + cut + `"`},
	}
	for _, tt := range tests {
		in, err := content.Parse("content/briefings/b.md", []byte("+++\ntitle = \"T\"\ndate = 2026-01-08\n+++\n{{ "+tt.expr+" }}\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = BindFigure(in.Inlines[0], sets, []string{"prices", "wide"}, time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC))
		if got, want := fmt.Sprint(err), "content/briefings/b.md:5:1: "+tt.want; got != want {
			t.Errorf("got  %.400s\nwant %s", got, want)
		}
	}
}
