// Package chart turns a bound chart view into an ECharts option, built with
// go-echarts' typed option model and marshalled here with encoding/json (HTML
// escaping on), so that the result can sit in an inert
// <script type="application/json"> element: no string from data or markdown
// can close the element or become code. go-echarts' own renderer is not used;
// it pastes the option into a script with HTML escaping off and turns
// __f__...__f__ text into JavaScript.
//
// Formatting that ECharts does with functions (axis labels, value labels,
// tooltips) is described in a "meta" object beside the option; the page's
// script (templates/assets/brief.js) turns it into functions and escapes every
// name it puts into tooltip HTML.
package chart

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/view"
)

// Colours for gains and losses in moves charts.
const (
	ColorUp   = "#1a7f4b"
	ColorDown = "#c0362c"
)

// zoomAbove is the number of points above which a chart gets data zoom.
const zoomAbove = 60

// Chart is one rendered chart.
type Chart struct {
	Payload []byte // {"option": ..., "meta": ...} as JSON, safe inside a script element
	Alt     string // text alternative: what the chart shows
}

// Meta carries what the page script needs to format values.
type Meta struct {
	XType    string       `json:"xType"` // category, time or value
	XFormat  string       `json:"xFormat"`
	YFormat  string       `json:"yFormat"`
	YUnit    string       `json:"yUnit,omitempty"`
	Series   []SeriesMeta `json:"series"`
	Labels   bool         `json:"labels,omitempty"` // value labels on bars
	FileName string       `json:"fileName"`         // for "Save as PNG", without .png
	// The value axis (and a scatter chart's x axis): range, step, the
	// text of each tick.
	Y *Axis `json:"yAxis,omitempty"`
	X *Axis `json:"xAxis,omitempty"`
	// XLabels are a category axis' labels when they differ from the
	// categories (dates, by the rule of DateLabels); XDates is "months" or
	// "days" on a time axis.
	XLabels []string `json:"xLabels,omitempty"`
	XDates  string   `json:"xDates,omitempty"`
	Source  string   `json:"source"`           // the foot line, "Source: ..."
	Single  bool     `json:"single,omitempty"` // one value, drawn as a number
}

// SeriesMeta holds each point's formatted value and extra tooltip lines.
type SeriesMeta struct {
	Name  string        `json:"name"`
	Texts []string      `json:"texts"`           // formatted values, as the data table shows them
	XText []string      `json:"xTexts"`          // formatted x values
	Extra [][][2]string `json:"extra,omitempty"` // per point: label, formatted value
}

type payload struct {
	Option map[string]any `json:"option"`
	Meta   Meta           `json:"meta"`
}

// Build makes the chart for a chart view. id is the element id, used to keep
// the go-echarts chart id deterministic.
func Build(v *view.View, id string, colors []string) (*Chart, error) {
	if v.Chart == nil || v.Chart.X == nil || len(v.Chart.Y) == 0 {
		return nil, fmt.Errorf("chart: view %s is not a chart", v)
	}
	s := Describe(v) // what the static image draws too
	s.Colors = colors
	meta := axisMeta(v, s)
	meta.FileName = fileName(v.Title)
	global := globalOpts(v, s, id, meta.XType)
	var option map[string]any
	switch {
	case s.Single():
		option = singleOption(s)
	case v.Chart.Type == view.ChartBar:
		option = barOption(v, s, global, &meta)
	case v.Chart.Type == view.ChartLine, v.Chart.Type == view.ChartArea:
		option = lineOption(v, s, global, meta.XType)
	case v.Chart.Type == view.ChartScatter:
		option = scatterOption(v, s, global, meta.XType)
	default:
		return nil, fmt.Errorf("chart: unknown type %q", v.Chart.Type)
	}
	// go-echarts always writes a toolbox; brief's own button saves images,
	// and the embedded ECharts has no toolbox.
	delete(option, "toolbox")
	option["backgroundColor"] = "transparent"
	option["color"] = s.palette() // the site's series colours, not ECharts' own
	meta.Source = s.Source        // drawn by the script, which knows the width
	meta.Single = s.Single()
	meta.Series = seriesMeta(v, s)

	// encoding/json escapes <, > and & (and U+2028/9), so the payload cannot
	// end its script element whatever the data holds.
	b, err := json.Marshal(payload{Option: option, Meta: meta})
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return &Chart{Payload: b, Alt: s.Alt}, nil
}

// axisMeta describes the axes for the chart script.
func axisMeta(v *view.View, s Spec) Meta {
	meta := Meta{XFormat: string(v.Chart.X.Format), YFormat: string(v.Chart.Y[0].Format)}
	switch v.Chart.X.Type {
	case dataset.Date:
		meta.XType = "time"
	case dataset.Number:
		meta.XType = "value"
	default:
		meta.XType = "category"
	}
	if v.Chart.Type != view.ChartScatter && meta.XType == "value" {
		meta.XType = "category" // bars and lines over numbers read as categories
	}
	if v.Chart.Type == view.ChartBar && meta.XType == "time" && len(v.Rows) <= zoomAbove {
		meta.XType = "category" // a bar per date, not bars lost on a time axis
	}
	if len(v.Chart.Y) == 1 {
		meta.YUnit = v.Chart.Y[0].Unit
	}
	y := s.YAxis()
	meta.Y = &y
	switch meta.XType {
	case "value":
		lo, hi := math.Inf(1), math.Inf(-1)
		for r := range v.Rows {
			if val := v.Value(r, v.Chart.X); val.Type == dataset.Number {
				lo, hi = math.Min(lo, val.Num), math.Max(hi, val.Num)
			}
		}
		x := ValueAxis(lo, hi, false, v.Chart.X.Format, nil)
		meta.X = &x
	case "time":
		meta.XDates = "days"
		if n := len(s.Dates); n > 1 && s.Dates[n-1].Sub(s.Dates[0]) > monthSpan {
			meta.XDates = "months"
		}
	case "category":
		if len(s.Dates) == len(v.Rows) && len(s.Dates) > 0 {
			meta.XLabels = categoryDates(s.Dates)
		}
	}
	return meta
}

// globalOpts are the options of every chart: title, tooltip, legend, the
// save-as-image button, grid, axes and, for long series, zoom.
func globalOpts(v *view.View, s Spec, id, xType string) []charts.GlobalOpts {
	global := []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: jsID(id)}),
		charts.WithTitleOpts(opts.Title{Title: s.Title, Subtitle: s.Subtitle, Left: "0", Top: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: trigger(v)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(v.Chart.Y) > 1), Bottom: "30", Type: "scroll"}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "24", Top: gridTop(v), Bottom: gridBottom(v), ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: xType, AxisLabel: xLabels(v, xType)}),
		// The range is the meta's Axis, set by the script with the labels.
		charts.WithYAxisOpts(opts.YAxis{Type: "value", SplitLine: &opts.SplitLine{Show: opts.Bool(true)}}),
		charts.WithAnimation(false),
	}
	if len(v.Rows) > zoomAbove && xType != "category" {
		global = append(global, charts.WithDataZoomOpts(
			opts.DataZoom{Type: "inside", Start: 0, End: 100},
			opts.DataZoom{Type: "slider", Start: 0, End: 100},
		))
	}
	return global
}

// singleOption shows one value as a number, with what and when under
// it, instead of one bar across the whole plot.
func singleOption(s Spec) map[string]any {
	ss := s.Series[0]
	color := s.color(0)
	if ss.UpDown {
		color = ColorUp
		if ss.Values[0] < 0 {
			color = ColorDown
		}
	}
	return map[string]any{
		"animation": false,
		"title":     map[string]any{"text": s.Title, "subtext": s.Subtitle},
		"graphic": []map[string]any{{
			"type": "group", "left": "center", "silent": true,
			"children": []map[string]any{
				{"type": "text", "left": "center", "top": 0, "style": map[string]any{"text": ss.Texts[0], "font": "bold 40px sans-serif", "fill": color, "textAlign": "center"}},
				{"type": "text", "left": "center", "top": 52, "style": map[string]any{"text": singleCaption(s), "font": "13px sans-serif", "fill": "#8a8d93", "textAlign": "center"}},
			},
		}},
	}
}

// barOption draws bars; moves get gains and losses in two colours, and
// short single series their value labels (noted in meta for the script).
func barOption(v *view.View, s Spec, global []charts.GlobalOpts, meta *Meta) map[string]any {
	c := charts.NewBar()
	c.SetGlobalOptions(global...)
	if meta.XType == "category" {
		c.SetXAxis(s.X)
	}
	meta.Labels = s.Labels()
	for i, y := range v.Chart.Y {
		data := make([]opts.BarData, len(v.Rows))
		for r := range v.Rows {
			d := opts.BarData{Name: s.X[r], Value: point(v, r, y, meta.XType)}
			if s.Series[i].UpDown {
				d.ItemStyle = &opts.ItemStyle{Color: ColorUp}
				if x := s.Series[i].Values[r]; x < 0 {
					d.ItemStyle.Color = ColorDown
				}
			}
			data[r] = d
		}
		c.AddSeries(s.Series[i].Name, data, seriesOpts(s, i, meta.Labels)...)
	}
	c.Validate()
	return c.JSON()
}

// lineOption draws lines, or areas.
func lineOption(v *view.View, s Spec, global []charts.GlobalOpts, xType string) map[string]any {
	c := charts.NewLine()
	c.SetGlobalOptions(global...)
	if xType == "category" {
		c.SetXAxis(s.X)
	}
	for i, y := range v.Chart.Y {
		data := make([]opts.LineData, len(v.Rows))
		for r := range v.Rows {
			data[r] = opts.LineData{Name: s.X[r], Value: point(v, r, y, xType)}
		}
		so := seriesOpts(s, i, false)
		so = append(so, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(v.Rows) <= zoomAbove), ConnectNulls: opts.Bool(false)}))
		if v.Chart.Type == view.ChartArea {
			so = append(so, charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.25)}))
		}
		c.AddSeries(s.Series[i].Name, data, so...)
	}
	c.Validate()
	return c.JSON()
}

// scatterOption draws points.
func scatterOption(v *view.View, s Spec, global []charts.GlobalOpts, xType string) map[string]any {
	c := charts.NewScatter()
	c.SetGlobalOptions(global...)
	if xType == "category" {
		c.SetXAxis(s.X)
	}
	for i, y := range v.Chart.Y {
		data := make([]opts.ScatterData, len(v.Rows))
		for r := range v.Rows {
			data[r] = opts.ScatterData{Name: s.X[r], Value: point(v, r, y, xType)}
		}
		c.AddSeries(s.Series[i].Name, data, seriesOpts(s, i, false)...)
	}
	c.Validate()
	return c.JSON()
}

// seriesMeta is what the chart script shows in tooltips: each point's
// formatted value and x, and the other columns the view shows.
func seriesMeta(v *view.View, s Spec) []SeriesMeta {
	var extra []*dataset.Column
	for _, c := range v.Columns {
		if c != v.Chart.X && !slices.Contains(v.Chart.Y, c) {
			extra = append(extra, c)
		}
	}
	var out []SeriesMeta
	for i, y := range v.Chart.Y {
		sm := SeriesMeta{Name: y.Header(), Texts: s.Series[i].Texts, XText: s.X}
		if len(extra) > 0 {
			sm.Extra = make([][][2]string, len(v.Rows))
		}
		for r := range v.Rows {
			for _, c := range extra {
				if val := v.Value(r, c); !val.IsEmpty() {
					sm.Extra[r] = append(sm.Extra[r], [2]string{c.Header(), c.FormatValue(val)})
				}
			}
		}
		out = append(out, sm)
	}
	return out
}

func seriesOpts(s Spec, i int, labels bool) []charts.SeriesOpts {
	var so []charts.SeriesOpts
	if labels {
		so = append(so, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
	}
	if i != 0 || len(s.Marks) == 0 {
		return so
	}
	var ys []opts.MarkLineNameYAxisItem
	var xs []opts.MarkLineNameXAxisItem
	for _, m := range s.Marks {
		if !m.OnX {
			ys = append(ys, opts.MarkLineNameYAxisItem{Name: m.Label, YAxis: m.Y})
			continue
		}
		xs = append(xs, opts.MarkLineNameXAxisItem{Name: m.Label, XAxis: m.X})
	}
	if len(ys) > 0 {
		so = append(so, charts.WithMarkLineNameYAxisItemOpts(ys...))
	}
	if len(xs) > 0 {
		so = append(so, charts.WithMarkLineNameXAxisItemOpts(xs...))
	}
	pos := "insideEndTop"
	if s.MarksAtStart() {
		pos = "insideStartTop"
	}
	so = append(so, charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
		Symbol: []string{"none", "none"},
		Label:  &opts.Label{Show: opts.Bool(true), Position: pos, Formatter: "{b}"},
	}))
	return so
}

func trigger(v *view.View) string {
	if v.Chart.Type == view.ChartLine || v.Chart.Type == view.ChartArea {
		return "axis"
	}
	return "item"
}

func gridTop(v *view.View) string {
	top := 44
	if v.Subtitle != "" {
		top += 20
	}
	if yName(v) != "" {
		top += 18
	}
	return fmt.Sprint(top)
}

// xLabels shows every category when there are few (the page script wraps
// them to the bar width), and thins out labels that would overlap otherwise.
func xLabels(v *view.View, xType string) *opts.AxisLabel {
	if xType == "category" && len(v.Rows) <= 24 {
		return &opts.AxisLabel{Interval: "0"}
	}
	return &opts.AxisLabel{HideOverlap: opts.Bool(true)}
}

func gridBottom(v *view.View) string {
	b := 24
	if len(v.Chart.Y) > 1 {
		b += 30
	}
	if len(v.Rows) > zoomAbove && v.Chart.X.Type != dataset.String {
		b += 30
	}
	return fmt.Sprint(b)
}

func yName(v *view.View) string {
	if len(v.Chart.Y) == 1 {
		return v.Chart.Y[0].Unit
	}
	return ""
}

func categories(v *view.View) []string {
	out := make([]string, len(v.Rows))
	for r := range v.Rows {
		out[r] = xText(v, r)
	}
	return out
}

func xText(v *view.View, r int) string { return v.Chart.X.FormatValue(v.Value(r, v.Chart.X)) }

// point is a data item's value: y alone on a category axis, [x, y] otherwise.
// Missing values are "-", which ECharts draws as a gap.
func point(v *view.View, r int, y *dataset.Column, xType string) any {
	yv := rawValue(v.Value(r, y))
	if xType == "category" {
		return yv
	}
	return []any{rawValue(v.Value(r, v.Chart.X)), yv}
}

func rawValue(val dataset.Value) any {
	switch val.Type {
	case dataset.Number:
		return val.Num
	case dataset.Date:
		return val.Date().Format(time.DateOnly)
	case dataset.String:
		return val.Str
	case dataset.Bool:
		return val.Bool
	}
	return "-"
}

// jsID makes an identifier-safe chart id: go-echarts would paste it into a
// JavaScript variable name.
func jsID(id string) string {
	var b strings.Builder
	b.WriteString("brief_")
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// fileName is the name of a saved PNG.
func fileName(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	if b.Len() == 0 {
		return "chart"
	}
	return b.String()
}

// Alt describes what a chart shows, for screen readers and as the text
// alternative of the chart element.
func Alt(v *view.View) string {
	kind := map[view.ChartType]string{view.ChartLine: "Line chart", view.ChartArea: "Area chart", view.ChartBar: "Bar chart", view.ChartScatter: "Scatter chart"}[v.Chart.Type]
	var names []string
	for _, y := range v.Chart.Y {
		names = append(names, y.Label)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s of %s by %s", kind, strings.Join(names, " and "), v.Chart.X.Label)
	n := len(v.Rows)
	if n == 0 {
		b.WriteString(": no data.")
		return b.String()
	}
	if v.Chart.X.Type == dataset.Date {
		fmt.Fprintf(&b, ", %s to %s", xText(v, 0), xText(v, n-1))
	}
	fmt.Fprintf(&b, ", %d %s", n, plural(n, "point", "points"))
	if n <= 12 && len(v.Chart.Y) == 1 {
		b.WriteString(": ")
		for r := range n {
			if r > 0 {
				b.WriteString(", ")
			}
			text := v.Chart.Y[0].FormatValue(v.Value(r, v.Chart.Y[0]))
			if text == "" {
				text = "no value"
			}
			fmt.Fprintf(&b, "%s %s", xText(v, r), text)
		}
		b.WriteString(".")
		return b.String()
	}
	for _, y := range v.Chart.Y {
		lo, hi := -1, -1
		for r := range n {
			val := v.Value(r, y)
			if val.Type != dataset.Number {
				continue
			}
			if lo < 0 || val.Num < v.Value(lo, y).Num {
				lo = r
			}
			if hi < 0 || val.Num > v.Value(hi, y).Num {
				hi = r
			}
		}
		if lo < 0 {
			continue
		}
		fmt.Fprintf(&b, "; %s lowest %s (%s), highest %s (%s)", y.Label,
			y.FormatValue(v.Value(lo, y)), xText(v, lo), y.FormatValue(v.Value(hi, y)), xText(v, hi))
		if last := v.Value(n-1, y); last.Type == dataset.Number && !math.IsNaN(last.Num) {
			fmt.Fprintf(&b, ", last %s", y.FormatValue(last))
		}
	}
	b.WriteString(".")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
