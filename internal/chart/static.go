package chart

import (
	"fmt"
	"math"

	gc "github.com/go-analyze/charts"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/view"
)

// Spec is what a chart shows, apart from how a renderer draws it: the
// ECharts option and the static image are both made from a view through it.
type Spec struct {
	Type     view.ChartType
	Title    string
	Subtitle string
	Source   string // "Source: ..." under the plot
	YUnit    string // the value axis' name, when one series
	YFormat  dataset.Format
	X        []string // each point's x, formatted as the data table shows it
	Series   []SpecSeries
	Marks    []SpecMark // reference lines at a value
	Alt      string     // the text alternative
}

// SpecSeries is one series: a value per x (NaN where there is none).
type SpecSeries struct {
	Name   string
	Values []float64
	// UpDown draws gains and losses in two colours (a moves chart).
	UpDown bool
}

// SpecMark is a labelled reference line: at a value (Y), or, when OnX, at
// an x value (X, as ECharts takes it; XIndex is the point that has it, -1
// when none has).
type SpecMark struct {
	Label  string
	Y      float64
	OnX    bool
	X      any
	XIndex int
}

// Describe makes the Spec of a chart view.
func Describe(v *view.View) Spec {
	s := Spec{Type: v.Chart.Type, Title: v.Title, Subtitle: v.Subtitle, Source: "Source: " + v.Data.Source,
		YUnit: yName(v), YFormat: v.Chart.Y[0].Format, X: categories(v), Alt: Alt(v)}
	moves := v.Data.Kind() == dataset.KindMoves && len(v.Chart.Y) == 1
	for _, y := range v.Chart.Y {
		ss := SpecSeries{Name: y.Header(), Values: make([]float64, len(v.Rows)), UpDown: moves}
		for r := range v.Rows {
			ss.Values[r] = math.NaN()
			if val := v.Value(r, y); val.Type == dataset.Number {
				ss.Values[r] = val.Num
			}
		}
		s.Series = append(s.Series, ss)
	}
	for _, m := range v.Chart.Marks {
		if m.Y != nil {
			s.Marks = append(s.Marks, SpecMark{Label: m.Label, Y: *m.Y, XIndex: -1})
			continue
		}
		sm := SpecMark{Label: m.Label, OnX: true, X: rawValue(*m.X), XIndex: -1}
		for r := range v.Rows {
			if v.Value(r, v.Chart.X).Equal(*m.X) {
				sm.XIndex = r
				break
			}
		}
		s.Marks = append(s.Marks, sm)
	}
	return s
}

// Image sizes: about the width of an email's column, at twice the pixels
// for sharp text on high-density screens.
const (
	ImageWidth  = 1200
	ImageHeight = 700
)

// Palette is the static charts' series colours: the site's accent first.
var Palette = []string{"#0b5cad", "#c26a00", "#5b8c2a", "#7a4fb5", "#1a9aa0", "#b0457a"}

const (
	colorText  = "#1d1d1f"
	colorMuted = "#5b5e66"
	colorRule  = "#dedbd2"
	colorMark  = "#8a8d93"
)

// Image draws a chart view as a PNG ("png") or SVG ("svg") image, in Go,
// with no browser. The same view gives the same bytes.
func Image(v *view.View, format string) ([]byte, error) {
	return DrawSpec(Describe(v), format)
}

// DrawSpec draws a Spec.
func DrawSpec(s Spec, format string) ([]byte, error) {
	if format != "png" && format != "svg" {
		return nil, fmt.Errorf("chart image: unknown format %q", format)
	}
	p, err := gc.Render(option(s, format))
	if err != nil {
		return nil, fmt.Errorf("chart image %q: %w", s.Title, err)
	}
	p.Text(s.Source, 24, ImageHeight-18, 0, gc.FontStyle{FontSize: 18, FontColor: gc.ParseColor(colorMuted)})
	return p.Bytes()
}

// theme is the site's light colours, with the given series colours.
func theme(series []string) gc.ColorPalette {
	colors := make([]gc.Color, len(series))
	for i, c := range series {
		colors[i] = gc.ParseColor(c)
	}
	return gc.MakeTheme(gc.ThemeOption{
		AxisStrokeColor: gc.ParseColor(colorRule), AxisSplitLineColor: gc.ParseColor(colorRule),
		BackgroundColor: gc.ParseColor("#ffffff"), TextColor: gc.ParseColor(colorText),
		TextColorMark: gc.ParseColor(colorMuted), SeriesColors: colors,
	})
}

// title is the title and subtitle, in the site's text colours.
func title(s Spec) gc.TitleOption {
	return gc.TitleOption{Text: s.Title, Subtext: s.Subtitle,
		FontStyle:        gc.FontStyle{FontSize: 26, FontColor: gc.ParseColor(colorText)},
		SubtextFontStyle: gc.FontStyle{FontSize: 18, FontColor: gc.ParseColor(colorMuted)}}
}

var padding = gc.Box{Left: 24, Top: 24, Right: 48, Bottom: 56}

func formatter(f dataset.Format) gc.ValueFormatter {
	return func(x float64) string { return dataset.FormatNum(f, x) }
}

func axisFont() gc.FontStyle { return gc.FontStyle{FontSize: 16, FontColor: gc.ParseColor(colorMuted)} }

// nulls turns NaN gaps into the library's null value.
func nulls(values []float64) []float64 {
	out := make([]float64, len(values))
	for i, x := range values {
		out[i] = x
		if math.IsNaN(x) {
			out[i] = gc.GetNullValue()
		}
	}
	return out
}

// option is the whole image as go-analyze's typed options: the series,
// then the reference lines as helper series on a second, hidden value axis
// of the same range (so that stacked bars do not stack them). go-analyze's
// mark lines and points are statistics of a series only, so a line at a
// value is the "max" line of a series that holds the value once, and a
// mark at an x is the "max" pin of a series that holds the first series'
// value there, each labelled with the mark's label.
func option(s Spec, format string) gc.ChartOption {
	kind := gc.ChartTypeLine
	if s.Type == view.ChartBar {
		kind = gc.ChartTypeBar
	}
	var list gc.GenericSeriesList
	var colors, names []string
	stack := false
	for i, ss := range s.Series {
		names = append(names, ss.Name)
		if !ss.UpDown {
			list = append(list, gc.GenericSeries{Type: kind, Name: ss.Name, Values: nulls(ss.Values)})
			colors = append(colors, Palette[i%len(Palette)])
			continue
		}
		// Gains and losses: two series stacked in one slot, in the site's
		// two colours; zero, not null, fills the other's slots.
		up, down := make([]float64, len(ss.Values)), make([]float64, len(ss.Values))
		for j, x := range ss.Values {
			if x > 0 {
				up[j] = x
			} else if x < 0 {
				down[j] = x
			}
		}
		list = append(list, gc.GenericSeries{Type: kind, Name: ss.Name, Values: up}, gc.GenericSeries{Type: kind, Name: ss.Name + " (down)", Values: down})
		colors, stack = append(colors, ColorUp, ColorDown), true
	}
	lo, hi, step := valueRange(s)
	labels := int(math.Round((hi-lo)/step)) + 1
	for _, m := range s.Marks {
		label := m.Label
		vals := make([]float64, len(s.X))
		for i := range vals {
			vals[i] = gc.GetNullValue()
		}
		h := gc.GenericSeries{Type: gc.ChartTypeLine, Name: label, YAxisIndex: 1, Values: vals}
		switch {
		case !m.OnX && len(vals) > 0:
			vals[len(vals)-1] = m.Y // its dot sits under the label, at the right
			h.MarkLine = gc.SeriesMarkLine{Lines: gc.NewSeriesMarkList(gc.SeriesMarkTypeMax), ValueFormatter: func(float64) string { return label }}
		case m.OnX && m.XIndex >= 0 && len(s.Series) > 0 && !math.IsNaN(s.Series[0].Values[m.XIndex]):
			vals[m.XIndex] = s.Series[0].Values[m.XIndex]
			h.MarkPoint = gc.SeriesMarkPoint{Points: gc.NewSeriesMarkList(gc.SeriesMarkTypeMax), ValueFormatter: func(float64) string { return label }, SymbolSize: 36}
		default:
			continue
		}
		list = append(list, h)
		colors = append(colors, colorMark)
	}
	axis := gc.YAxisOption{Title: s.YUnit, Min: gc.Ptr(lo), Max: gc.Ptr(hi), LabelCount: labels, ValueFormatter: formatter(s.YFormat), LabelFontStyle: axisFont(), TitleFontStyle: axisFont()}
	opt := gc.ChartOption{
		OutputFormat: format, Width: ImageWidth, Height: ImageHeight,
		Theme: theme(colors), Padding: padding, Title: title(s), SeriesList: list,
		XAxis:          gc.XAxisOption{Labels: s.X, LabelFontStyle: axisFont()},
		YAxis:          []gc.YAxisOption{axis, {Show: gc.Ptr(false), Min: gc.Ptr(lo), Max: gc.Ptr(hi), LabelCount: labels}},
		Legend:         gc.LegendOption{Show: gc.Ptr(len(s.Series) > 1), SeriesNames: names, Offset: gc.OffsetStr{Top: gc.PositionBottom}, FontStyle: axisFont()},
		Symbol:         gc.Symbol{Shape: gc.SymbolNone},
		ValueFormatter: formatter(s.YFormat),
	}
	if stack {
		opt.StackSeries = gc.Ptr(true)
	}
	if kind == gc.ChartTypeLine {
		opt.LineStrokeWidth = 3
		opt.FillArea = gc.Ptr(s.Type == view.ChartArea)
		opt.XAxis.BoundaryGap = gc.Ptr(false)
	}
	opt.Padding.Right = max(opt.Padding.Right, markRoom(s))
	return opt
}

// valueRange is the value axis' range: the data and the reference lines,
// widened to round steps; bars start at zero.
func valueRange(s Spec) (lo, hi, step float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, ss := range s.Series {
		for _, x := range ss.Values {
			if !math.IsNaN(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	for _, m := range s.Marks {
		if !m.OnX {
			lo, hi = math.Min(lo, m.Y), math.Max(hi, m.Y)
		}
	}
	if math.IsInf(lo, 0) {
		return 0, 1, 0.2
	}
	if s.Type == view.ChartBar {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	step = niceStep((hi - lo) / 5)
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

// niceStep rounds a step up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// markRoom is the right padding that the labels of value marks need.
func markRoom(s Spec) int {
	n := 0
	for _, m := range s.Marks {
		if !m.OnX {
			n = max(n, len([]rune(m.Label)))
		}
	}
	return 16 + n*9
}
