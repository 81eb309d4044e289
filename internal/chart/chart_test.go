package chart

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/golden"
	"github.com/brief-desk/brief/internal/tomlval"
	"github.com/brief-desk/brief/internal/view"
)

const series = `title = "Hashprice"
source = "Hashrate Index"
kind = "series"
[columns.usd_per_ph_day]
label = "Hashprice"
unit = "USD/PH/s/day"
format = "usd"
[[rows]]
date = 2025-07-01
usd_per_ph_day = 55.0
btc = 1.5
[[rows]]
date = 2025-10-01
usd_per_ph_day = 49.0
[[rows]]
date = 2026-01-02
usd_per_ph_day = 35.0
btc = 0.9
`

const moves = `title = "Moves"
source = "Desk"
kind = "moves"
[[rows]]
date = 2026-01-02
ticker = "HUT"
name = "Hut 8"
change_pct = 10.8
[[rows]]
date = 2026-01-02
ticker = "XYZ"
name = "Loser"
change_pct = -4.25
`

const deals = `title = "Deals"
source = "Desk"
kind = "deals"
[columns.value_usd]
format = "usd_compact"
[[rows]]
announced = 2025-12-17
company = "Hut 8"
counterparty = "Fluidstack"
value_usd = 7_000_000_000
term_years = 15
[[rows]]
announced = 2025-10-20
company = "TeraWulf"
counterparty = "G42"
capacity_mw = 70
`

const table = `title = "Levels"
source = "Desk"
[[rows]]
level = "High"
usd = 126210
share = 0.5
[[rows]]
level = "Break-even"
usd = 90000
share = 0.7
`

func bind(t testing.TB, src string, b block.Selection) *view.View {
	t.Helper()
	d, err := dataset.Parse("data/"+b.Dataset+".toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b.Name = "chart"
	bd, err := b.Bind(&block.Context{Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), IDs: []string{d.ID}, Find: func(string) *dataset.Dataset { return d }})
	if err != nil {
		t.Fatal(err)
	}
	return bd.Tables()[0]
}

func TestGolden(t *testing.T) {
	y := 35.0
	x := tomlval.DateValue(time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name    string
		src     string
		block   block.Selection
		wantAlt string
	}{
		{"series-line", series, block.Selection{Dataset: "hashprice", Y: []string{"usd_per_ph_day"}, Marks: []block.MarkLine{{Y: &y, Label: "Early January"}, {X: &x, Label: "Record"}}},
			"Line chart of Hashprice by Date, 2025-07-01 to 2026-01-02, 3 points: 2025-07-01 $55.00, 2025-10-01 $49.00, 2026-01-02 $35.00."},
		{"series-area-two", series, block.Selection{Dataset: "hashprice", Type: "area"},
			"Area chart of Hashprice and Btc by Date, 2025-07-01 to 2026-01-02, 3 points; Hashprice lowest $35.00 (2026-01-02), highest $55.00 (2025-07-01), last $35.00; Btc lowest 0.9 (2026-01-02), highest 1.5 (2025-07-01), last 0.9."},
		{"moves-bar", moves, block.Selection{Dataset: "moves"},
			"Bar chart of Change pct by Ticker, 2 points: HUT +10.8%, XYZ -4.2%."},
		{"deals-bar", deals, block.Selection{Dataset: "deals"},
			"Bar chart of Value usd by Company, 2 points: Hut 8 $7.0B, TeraWulf no value."},
		{"table-scatter", table, block.Selection{Dataset: "levels", Type: "scatter", X: "share", Y: []string{"usd"}},
			"Scatter chart of Usd by Share, 2 points: 0.5 $126,210, 0.7 $90,000."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := bind(t, tt.src, tt.block)
			c, err := Build(v, "chart-1", nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.Alt != tt.wantAlt {
				t.Errorf("alt:\n got %q\nwant %q", c.Alt, tt.wantAlt)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, c.Payload, "", "  "); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.name+".json"), pretty.Bytes())
		})
	}
}

func TestMovesColoursAndOrder(t *testing.T) {
	c, err := Build(bind(t, moves, block.Selection{Dataset: "moves"}), "chart-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Option struct {
			Series []struct {
				Data []struct {
					Name      string  `json:"name"`
					Value     float64 `json:"value"`
					ItemStyle struct {
						Color string `json:"color"`
					} `json:"itemStyle"`
				} `json:"data"`
			} `json:"series"`
		} `json:"option"`
		Meta Meta `json:"meta"`
	}
	if err := json.Unmarshal(c.Payload, &p); err != nil {
		t.Fatal(err)
	}
	data := p.Option.Series[0].Data
	if len(data) != 2 || data[0].Name != "HUT" || data[0].ItemStyle.Color != ColorUp || data[1].ItemStyle.Color != ColorDown {
		t.Errorf("moves data = %+v", data)
	}
	if got := p.Meta.Series[0].Extra[0]; len(got) == 0 || got[0] != [2]string{"Name", "Hut 8"} {
		t.Errorf("tooltip extra = %v", got)
	}
	if p.Meta.Series[0].Texts[1] != "-4.2%" || !p.Meta.Labels {
		t.Errorf("meta = %+v", p.Meta)
	}
}

// TestHostileStrings feeds script breakouts, go-echarts function markers and
// HTML through every text that reaches a chart, and checks that the payload
// can neither close its script element nor carry markup, and that each
// string survives as data.
func TestHostileStrings(t *testing.T) {
	hostile := []string{
		`</script><script>window.__pwned=1</script>`,
		`__f__function(){window.__pwned=1}__f__`,
		`<img src=x onerror="window.__pwned=1">`,
		"line\u2028separator & \"quotes\" 'single' `tick`",
	}
	for _, h := range hostile {
		esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(h)
		src := `title = "` + esc + `"
source = "` + esc + `"
[columns.v]
label = "` + esc + `"
unit = "` + esc + `"
[[rows]]
k = "` + esc + `"
v = 1
tip = "` + esc + `"
`
		v := bind(t, src, block.Selection{Dataset: "x", Title: h, Subtitle: h, X: "k", Y: []string{"v"}, Columns: []string{"tip"},
			Marks: []block.MarkLine{{Y: new(float64), Label: h}}})
		c, err := Build(v, "chart-1", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<", ">", "\u2028"} {
			if bytes.Contains(c.Payload, []byte(bad)) {
				t.Errorf("payload for %q holds a raw %q", h, bad)
			}
		}
		// The string is still there, as data.
		if !strings.Contains(decodeAll(t, c.Payload), h) {
			t.Errorf("payload lost %q", h)
		}
	}
}

func decodeAll(t *testing.T, b []byte) string {
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			out.WriteString(x)
			out.WriteByte('\n')
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(x)
	return out.String()
}
