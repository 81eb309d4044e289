package chart

import (
	"fmt"
	"math"

	gc "github.com/go-analyze/charts"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/view"
)

// Spec is what a chart shows, apart from how a renderer draws it: the
// ECharts option and the static image are both made from a view through it.
type Spec struct {
	Type     content.ChartType
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

// SpecMark is a labelled reference line: at a value (Y) or at one of the x
// points (XIndex, -1 when at a value).
type SpecMark struct {
	Label  string
	Y      float64
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
		for r := range v.Rows {
			if v.Value(r, v.Chart.X).Equal(*m.X) {
				s.Marks = append(s.Marks, SpecMark{Label: m.Label, XIndex: r})
				break
			}
		}
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
	p := gc.NewPainter(gc.PainterOptions{OutputFormat: format, Width: ImageWidth, Height: ImageHeight})
	var err error
	switch s.Type {
	case content.ChartBar:
		err = p.BarChart(barImage(s))
	default: // lines, areas and points are drawn as lines
		err = p.LineChart(lineImage(s))
	}
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

// common are the title, padding and fonts every image shares.
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

// markSeries draws each reference line at a value as a series holding that
// value once, whose "max" mark line is labelled with the mark's label: the
// library's own mark lines are statistics of a series only.
func markValues(s Spec, m SpecMark) []float64 {
	vals := make([]float64, len(s.X))
	for i := range vals {
		vals[i] = gc.GetNullValue()
	}
	if len(vals) > 0 {
		vals[len(vals)-1] = m.Y // its dot sits under the label, at the right
	}
	return vals
}

func lineImage(s Spec) gc.LineChartOption {
	var colors []string
	for i := range s.Series {
		colors = append(colors, Palette[i%len(Palette)])
	}
	var list gc.LineSeriesList
	for _, ss := range s.Series {
		list = append(list, gc.LineSeries{Name: ss.Name, Values: nulls(ss.Values)})
	}
	for _, m := range s.Marks {
		if m.XIndex >= 0 {
			continue
		}
		label := m.Label
		ls := gc.LineSeries{Name: label, Values: markValues(s, m), Symbol: gc.Symbol{Shape: gc.SymbolNone}}
		ls.MarkLine.Lines = gc.SeriesMarkList{{Type: gc.SeriesMarkTypeMax}}
		ls.MarkLine.ValueFormatter = func(float64) string { return label }
		list = append(list, ls)
		colors = append(colors, colorMark)
	}
	opt := gc.NewLineChartOptionWithSeries(list)
	opt.Theme, opt.Padding, opt.Title = theme(colors), padding, title(s)
	opt.XAxis = gc.XAxisOption{Labels: s.X, LabelFontStyle: axisFont()}
	opt.Padding.Right = max(opt.Padding.Right, markRoom(s))
	opt.YAxis = []gc.YAxisOption{{Title: s.YUnit, ValueFormatter: formatter(s.YFormat), LabelFontStyle: axisFont(), TitleFontStyle: axisFont()}}
	opt.Legend = gc.LegendOption{Show: gc.Ptr(len(s.Series) > 1), SeriesNames: names(s), Offset: gc.OffsetStr{Top: gc.PositionBottom}, FontStyle: axisFont()}
	opt.LineStrokeWidth = 3
	opt.Symbol = gc.Symbol{Shape: gc.SymbolNone}
	if s.Type == content.ChartArea {
		opt.FillArea = gc.Ptr(true)
	}
	opt.ValueFormatter = formatter(s.YFormat)
	return opt
}

func barImage(s Spec) gc.BarChartOption {
	var list gc.BarSeriesList
	var colors []string
	for i, ss := range s.Series {
		if !ss.UpDown {
			list = append(list, gc.BarSeries{Name: ss.Name, Values: nulls(ss.Values)})
			colors = append(colors, Palette[i%len(Palette)])
			continue
		}
		// Gains and losses as two series stacked in one slot, in the
		// site's two colours.
		// Zero, not the library's null, fills the other series' slots: a
		// stack adds them.
		up, down := make([]float64, len(ss.Values)), make([]float64, len(ss.Values))
		for j, x := range ss.Values {
			switch {
			case x > 0:
				up[j] = x
			case x < 0:
				down[j] = x
			}
		}
		list = append(list, gc.BarSeries{Name: ss.Name + " (up)", Values: up}, gc.BarSeries{Name: ss.Name + " (down)", Values: down})
		colors = append(colors, ColorUp, ColorDown)
	}
	opt := gc.NewBarChartOptionWithSeries(list)
	opt.Theme, opt.Padding, opt.Title = theme(colors), padding, title(s)
	opt.CategoryAxis = gc.CategoryAxisOption{Labels: s.X, LabelFontStyle: axisFont()}
	// Bars start at zero, as on the page.
	lo := 0.0
	for _, ss := range s.Series {
		for _, x := range ss.Values {
			if x < lo {
				lo = x
			}
		}
	}
	opt.ValueAxis = []gc.ValueAxisOption{{Title: s.YUnit, Min: gc.Ptr(lo), ValueFormatter: formatter(s.YFormat), LabelFontStyle: axisFont(), TitleFontStyle: axisFont()}}
	opt.Legend = gc.LegendOption{Show: gc.Ptr(len(s.Series) > 1), SeriesNames: names(s), Offset: gc.OffsetStr{Top: gc.PositionBottom}, FontStyle: axisFont()}
	if len(s.Series) == 1 && s.Series[0].UpDown {
		opt.StackSeries = gc.Ptr(true)
	}
	opt.ValueFormatter = formatter(s.YFormat)
	return opt
}

// markRoom is the right padding that the labels of value marks need.
func markRoom(s Spec) int {
	n := 0
	for _, m := range s.Marks {
		if m.XIndex < 0 {
			n = max(n, len([]rune(m.Label)))
		}
	}
	return 16 + n*9
}

func names(s Spec) []string {
	out := make([]string, len(s.Series))
	for i, ss := range s.Series {
		out[i] = ss.Name
	}
	return out
}
