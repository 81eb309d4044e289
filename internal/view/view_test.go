package view

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
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
		in, err := expr.Parse(tt.expr, diag.Pos{File: "content/briefings/b.md", Line: 5, Col: 1}, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = BindFigure(in, sets, []string{"prices", "wide"}, time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC))
		if got, want := fmt.Sprint(err), "content/briefings/b.md:5:1: "+tt.want; got != want {
			t.Errorf("got  %.400s\nwant %s", got, want)
		}
	}
}

var long, cut = strings.Repeat("x", 100_000), strings.Repeat("x", 80) + "…"
