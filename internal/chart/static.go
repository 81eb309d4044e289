package chart

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	gc "github.com/go-analyze/charts"
	"github.com/golang/freetype/truetype"

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
	// Dates are each point's date when x is a date column (nil otherwise);
	// XValues each point's number when x is a number column.
	Dates   []time.Time
	XValues []float64
	XFormat dataset.Format
	Series  []SpecSeries
	Marks   []SpecMark // reference lines at a value
	Alt     string     // the text alternative
	Colors  []string   // the series' colours in order (#rrggbb); nil for Palette
}

// palette is the series' colours: Colors, or brief's own.
func (s Spec) palette() []string {
	if len(s.Colors) > 0 {
		return s.Colors
	}
	return Palette
}

// color is series i's colour.
func (s Spec) color(i int) string {
	c := s.palette()
	return c[i%len(c)]
}

// SpecSeries is one series: a value per x (NaN where there is none).
type SpecSeries struct {
	Name   string
	Values []float64
	Texts  []string // each value formatted as the data table shows it
	// UpDown draws gains and losses in two colours (a moves chart).
	UpDown bool
}

// SpecMark is a labelled reference line: at a value (Y), or, when OnX, at
// an x value (X, as ECharts takes it; XIndex is the point that has it, -1
// when none has; XDate its date on a date axis).
type SpecMark struct {
	Label  string
	Y      float64
	OnX    bool
	X      any
	XIndex int
	XDate  time.Time
}

// Describe makes the Spec of a chart view.
func Describe(v *view.View) Spec {
	s := Spec{Type: v.Chart.Type, Title: v.Title, Subtitle: v.Subtitle, Source: "Source: " + v.Data.Source,
		YUnit: yName(v), YFormat: v.Chart.Y[0].Format, XFormat: v.Chart.X.Format, X: categories(v), Alt: Alt(v)}
	switch v.Chart.X.Type {
	case dataset.Date:
		s.Dates = make([]time.Time, 0, len(v.Rows))
	case dataset.Number:
		s.XValues = make([]float64, 0, len(v.Rows))
	}
	for r := range v.Rows {
		switch val := v.Value(r, v.Chart.X); {
		case v.Chart.X.Type == dataset.Date && val.Type == dataset.Date:
			s.Dates = append(s.Dates, val.Date())
		case v.Chart.X.Type == dataset.Number && val.Type == dataset.Number:
			s.XValues = append(s.XValues, val.Num)
		}
	}
	if len(s.Dates) != len(v.Rows) {
		s.Dates = nil
	}
	if len(s.XValues) != len(v.Rows) {
		s.XValues = nil
	}
	moves := v.Data.Kind() == dataset.KindMoves && len(v.Chart.Y) == 1
	for _, y := range v.Chart.Y {
		ss := SpecSeries{Name: y.Header(), Values: make([]float64, len(v.Rows)), Texts: make([]string, len(v.Rows)), UpDown: moves}
		for r := range v.Rows {
			ss.Values[r] = math.NaN()
			if val := v.Value(r, y); val.Type == dataset.Number {
				ss.Values[r] = val.Num
			}
			ss.Texts[r] = y.FormatValue(v.Value(r, y))
		}
		s.Series = append(s.Series, ss)
	}
	for _, m := range v.Chart.Marks {
		if m.Y != nil {
			s.Marks = append(s.Marks, SpecMark{Label: m.Label, Y: *m.Y, XIndex: -1})
			continue
		}
		sm := SpecMark{Label: m.Label, OnX: true, X: rawValue(*m.X), XIndex: -1}
		if m.X.Type == dataset.Date {
			sm.XDate = m.X.Date()
		}
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

// Single reports whether the chart has one value only: it is shown as
// that value, not as one bar across the whole plot.
func (s Spec) Single() bool {
	return len(s.Series) == 1 && len(s.X) == 1 && !math.IsNaN(s.Series[0].Values[0])
}

// Labels reports whether bars carry their values: one series of a few.
func (s Spec) Labels() bool { return s.Type == view.ChartBar && len(s.Series) == 1 && len(s.X) <= 24 }

// YAxis is the value axis: bars and areas from zero, lines and points
// scaled to their data and reference lines, with room above the highest
// bar (and below the lowest) for its value label.
func (s Spec) YAxis() Axis {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, ss := range s.Series {
		for _, x := range ss.Values {
			if !math.IsNaN(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	var marks []float64
	for _, m := range s.Marks {
		if !m.OnX {
			marks = append(marks, m.Y)
		}
	}
	zero := s.Type == view.ChartBar || s.Type == view.ChartArea
	a := ValueAxis(lo, hi, zero, s.YFormat, marks)
	if s.Labels() && !math.IsInf(lo, 0) {
		room := (a.Max - a.Min) / 8
		if hi > 0 && a.Max-hi < room {
			hi += room
		}
		if lo < 0 && lo-a.Min < room {
			lo -= room
		}
		a = ValueAxis(lo, hi, zero, s.YFormat, marks)
	}
	return a
}

// MarksAtStart reports whether the labels of value marks go at the plot's
// left, where the first series is farther from them than at its right.
func (s Spec) MarksAtStart() bool {
	if len(s.Series) == 0 {
		return false
	}
	first, last := math.NaN(), math.NaN()
	for _, x := range s.Series[0].Values {
		if !math.IsNaN(x) {
			if math.IsNaN(first) {
				first = x
			}
			last = x
		}
	}
	near := func(x float64) float64 {
		d := math.Inf(1)
		for _, m := range s.Marks {
			if !m.OnX {
				d = math.Min(d, math.Abs(x-m.Y))
			}
		}
		return d
	}
	return s.Type != view.ChartBar && near(last) < near(first)
}

// Image sizes: about twice the width an email shows them at (EmailWidth
// CSS pixels), for sharp text on high-density screens.
const (
	ImageWidth  = 1200
	ImageHeight = 700
	EmailWidth  = 552
	// MinTextPx is the smallest text, in CSS pixels, of an image shown
	// EmailWidth wide.
	MinTextPx = 11
)

// Palette is the static charts' series colours: the site's accent first.
var Palette = []string{"#1f6fd1", "#c26a00", "#5b8c2a", "#7a4fb5", "#1a9aa0", "#b0457a"}

const (
	colorText  = "#1d1d1f"
	colorMuted = "#5b5e66"
	colorRule  = "#dedbd2"
	colorAxis  = "#8a8d93"
	colorMark  = "#5b5e66"
)

// textPx is the images' text size in pixels: MinTextPx at the email's
// width; bigPx the size of a single value.
var (
	textPx = math.Ceil(float64(MinTextPx) * ImageWidth / EmailWidth)
	bigPx  = 4 * textPx
)

// Image draws a chart view as a PNG ("png") or SVG ("svg") image, in Go,
// with no browser, for email: the plot, its axes, legend and marks, but
// neither title nor source, which the email's HTML shows above and below
// it. The same view gives the same bytes.
func Image(v *view.View, format string, colors []string) ([]byte, error) {
	s := Describe(v)
	s.Colors = colors
	return DrawSpec(s, format)
}

// DrawSpec draws a Spec.
func DrawSpec(s Spec, format string) ([]byte, error) {
	if format != "png" && format != "svg" {
		return nil, fmt.Errorf("chart image: unknown format %q", format)
	}
	c := draw(s, format)
	b, err := c.p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("chart image %q: %w", s.Title, err)
	}
	return b, nil
}

// placed is a text drawn on an image: its string, size and the box of its
// glyphs (the font's ascent above the baseline, its descent below).
type placed struct {
	Text string
	Px   float64
	Box  gc.Box
}

// canvas is a painter that remembers the texts it drew, so that a test can
// check them for overlap and clipping.
type canvas struct {
	p     *gc.Painter
	texts []placed
}

// style is a font of px pixels (go-analyze sizes fonts in points at 96
// dots an inch).
func style(px float64, color string) gc.FontStyle {
	return gc.FontStyle{FontSize: px*72/96 + 0.001, FontColor: gc.ParseColor(color)}
}

// metrics are the default font's ascent and descent at a size, in pixels.
func metrics(px float64) (ascent, descent int) {
	if m, ok := fontMetrics.Load(px); ok {
		a := m.([2]int)
		return a[0], a[1]
	}
	face := truetype.NewFace(gc.GetDefaultFont(), &truetype.Options{Size: px * 72 / 96, DPI: 96})
	m := face.Metrics()
	fontMetrics.Store(px, [2]int{m.Ascent.Ceil(), m.Descent.Ceil()})
	return m.Ascent.Ceil(), m.Descent.Ceil()
}

var fontMetrics sync.Map // px → [ascent, descent]

func (c *canvas) width(text string, px float64) int {
	return c.p.MeasureText(text, 0, style(px, colorText)).Width()
}

// box is where a text would go: anchored at x by align ("left", "center"
// or "right"), its baseline at y.
func (c *canvas) box(text string, x, y int, px float64, align string) gc.Box {
	w := c.width(text, px)
	switch align {
	case "center":
		x -= w / 2
	case "right":
		x -= w
	}
	up, down := metrics(px)
	return gc.NewBox(x, y-up, x+w, y+down)
}

// free reports whether a box lies inside the image and clear of every
// text drawn so far.
func (c *canvas) free(b gc.Box) bool {
	if b.Left < 0 || b.Top < 0 || b.Right > ImageWidth || b.Bottom > ImageHeight {
		return false
	}
	for _, t := range c.texts {
		if b.Left < t.Box.Right && t.Box.Left < b.Right && b.Top < t.Box.Bottom && t.Box.Top < b.Bottom {
			return false
		}
	}
	return true
}

// text draws a text in its box (from box), and remembers it.
func (c *canvas) text(text string, b gc.Box, px float64, color string) {
	_, down := metrics(px)
	c.p.Text(text, b.Left, b.Bottom-down, 0, style(px, color))
	c.texts = append(c.texts, placed{Text: text, Px: px, Box: b})
}

// fit shortens a text to a width, ending it with an ellipsis.
func (c *canvas) fit(text string, width int, px float64) string {
	if c.width(text, px) <= width {
		return text
	}
	r := []rune(text)
	for len(r) > 1 && c.width(string(r)+"…", px) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// wrap breaks a text at spaces into at most n lines of a width.
func (c *canvas) wrap(text string, width int, px float64, n int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		next := strings.TrimSpace(line + " " + w)
		if line == "" || c.width(next, px) <= width {
			line = next
			continue
		}
		lines, line = append(lines, line), w
	}
	lines = append(lines, line)
	if len(lines) > n {
		lines = append(lines[:n-1], strings.Join(lines[n-1:], " "))
	}
	for i, l := range lines {
		lines[i] = c.fit(l, width, px)
	}
	return lines
}

// plot is the plotting area and its scales.
type plot struct {
	left, top, right, bottom int
	y                        Axis
	xAt                      func(i int) int // a point's x
	slot                     float64         // a category's width; 0 on a date or value scale
}

func (p plot) yAt(v float64) int {
	return p.bottom - int(math.Round((v-p.y.Min)/(p.y.Max-p.y.Min)*float64(p.bottom-p.top)))
}

const pad = 24

// draw lays out and draws the image. (long: one pass from the legend at
// the top to the axis labels at the foot, each step placing its texts
// where the ones before left room)
func draw(s Spec, format string) *canvas {
	c := &canvas{p: gc.NewPainter(gc.PainterOptions{OutputFormat: format, Width: ImageWidth, Height: ImageHeight})}
	c.p.FilledRect(0, 0, ImageWidth, ImageHeight, gc.ParseColor("#ffffff"), gc.ParseColor("#ffffff"), 0)
	up, down := metrics(textPx)
	lineH := up + down + 6
	if len(s.X) == 0 {
		c.text("No data", c.box("No data", ImageWidth/2, ImageHeight/2, textPx, "center"), textPx, colorMuted)
		return c
	}
	if s.Single() {
		drawSingle(c, s)
		return c
	}
	colors := seriesColors(s)
	top := pad
	// The legend, when more than one series, flows over as many rows as
	// it needs.
	if len(s.Series) > 1 {
		x, y := pad, top+up
		for i, ss := range s.Series {
			name := c.fit(ss.Name, ImageWidth-2*pad-40, textPx)
			w := 28 + 10 + c.width(name, textPx)
			if x > pad && x+w > ImageWidth-pad {
				x, y = pad, y+lineH+8
			}
			c.p.FilledRect(x, y-up+4, x+28, y-up+4+int(textPx)-4, gc.ParseColor(colors[i]), gc.ParseColor(colors[i]), 0)
			c.text(name, c.box(name, x+38, y, textPx, "left"), textPx, colorText)
			x += w + 32
		}
		top = y + down + 16
	}
	if s.YUnit != "" {
		unit := c.fit(s.YUnit, ImageWidth-2*pad, textPx)
		c.text(unit, c.box(unit, pad, top+up, textPx, "left"), textPx, colorMuted)
		top += lineH + 8
	}
	p := plot{top: top + up/2 + 4, right: ImageWidth - pad - 8, y: s.YAxis()}
	labelW := 0
	for _, l := range p.y.Labels {
		labelW = max(labelW, c.width(l, textPx))
	}
	p.left = pad + labelW + 16
	// The x labels: categories wrapped to their width (every k-th one when
	// there are many), or dates and numbers at round ticks.
	xl := imageXLabels(c, s, &p)
	lines := 1
	for _, l := range xl {
		lines = max(lines, len(l.lines))
	}
	p.bottom = ImageHeight - pad - lines*lineH - 8
	// Grid lines and the value axis' labels.
	for i, l := range p.y.Labels {
		y := p.yAt(p.y.Min + float64(i)*p.y.Step)
		c.p.LineStroke([]gc.Point{{X: p.left, Y: y}, {X: p.right, Y: y}}, gc.ParseColor(colorRule), 2)
		c.text(l, c.box(l, p.left-16, y+up/2-down/2, textPx, "right"), textPx, colorMuted)
	}
	base := p.y.Min
	if p.y.Min <= 0 && p.y.Max >= 0 {
		base = 0
	}
	c.p.LineStroke([]gc.Point{{X: p.left, Y: p.yAt(base)}, {X: p.right, Y: p.yAt(base)}}, gc.ParseColor(colorAxis), 2)
	for _, l := range xl {
		for k, line := range l.lines {
			b := c.box(line, l.x, p.bottom+12+up+k*lineH, textPx, "center")
			if b.Left < p.left-8 { // clear of the value axis' labels
				b = gc.NewBox(p.left-8, b.Top, p.left-8+b.Width(), b.Bottom)
			}
			if b.Right > ImageWidth {
				b = gc.NewBox(ImageWidth-b.Width(), b.Top, ImageWidth, b.Bottom)
			}
			if c.free(b) {
				c.text(line, b, textPx, colorMuted)
			}
		}
	}
	drawSeries(c, s, p, colors, base)
	drawMarks(c, s, p)
	return c
}

// seriesColors are the series' colours: the palette, or a moves chart's
// gains colour (its losses are drawn in ColorDown).
func seriesColors(s Spec) []string {
	out := make([]string, len(s.Series))
	for i, ss := range s.Series {
		out[i] = s.color(i)
		if ss.UpDown {
			out[i] = ColorUp
		}
	}
	return out
}

// xLabel is a label under the plot, centred at x.
type xLabel struct {
	x     int
	lines []string
}

// imageXLabels sets the plot's x scale and returns the labels under it.
func imageXLabels(c *canvas, s Spec, p *plot) []xLabel {
	n := len(s.X)
	width := float64(p.right - p.left)
	timeScale := s.Dates != nil && n > 1 && s.Type != view.ChartBar && s.Dates[n-1].After(s.Dates[0])
	valueScale := s.XValues != nil && n > 1 && s.Type == view.ChartScatter
	switch {
	case timeScale:
		t0, t1 := s.Dates[0], s.Dates[n-1]
		at := func(t time.Time) int {
			return p.left + int(math.Round(float64(t.Sub(t0))/float64(t1.Sub(t0))*width))
		}
		p.xAt = func(i int) int { return at(s.Dates[i]) }
		var out []xLabel
		ticks := dateTicks(t0, t1, func(labels []string) bool {
			w := 0
			for _, l := range labels {
				w += c.width(l, textPx) + 32
			}
			return w <= int(width)
		})
		for i, l := range DateLabels(ticks, t1.Sub(t0)) {
			out = append(out, xLabel{x: at(ticks[i]), lines: []string{l}})
		}
		return out
	case valueScale:
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range s.XValues {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		a := ValueAxis(lo, hi, false, s.XFormat, nil)
		at := func(x float64) int { return p.left + int(math.Round((x-a.Min)/(a.Max-a.Min)*width)) }
		p.xAt = func(i int) int { return at(s.XValues[i]) }
		var out []xLabel
		for i, l := range a.Labels {
			out = append(out, xLabel{x: at(a.Min + float64(i)*a.Step), lines: []string{l}})
		}
		return out
	}
	p.slot = width / float64(n)
	p.xAt = func(i int) int { return p.left + int(math.Round((float64(i)+0.5)*p.slot)) }
	texts := s.X
	if s.Dates != nil {
		texts = categoryDates(s.Dates)
	}
	k := 1
	for float64(k)*p.slot < 3*textPx*2 && k < n {
		k++
	}
	var out []xLabel
	for i := 0; i < n; i += k {
		if texts[i] == "" {
			continue
		}
		out = append(out, xLabel{x: p.xAt(i), lines: c.wrap(texts[i], int(float64(k)*p.slot)-16, textPx, 2)})
	}
	return out
}

// dateTicks are the ticks of a date axis from t0 to t1: month starts over
// a span of months (every 1, 2, 3, 6 or 12 months), else days (every 1, 2,
// 7, 14 or 28), the first that fit says fit.
func dateTicks(t0, t1 time.Time, fit func([]string) bool) []time.Time {
	var ticks []time.Time
	if t1.Sub(t0) > monthSpan {
		for _, m := range []int{1, 2, 3, 6, 12} {
			ticks = ticks[:0]
			start := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC)
			if start.Before(t0) {
				start = start.AddDate(0, 1, 0)
			}
			for t := start; !t.After(t1); t = t.AddDate(0, 1, 0) {
				if (int(t.Month())-1)%m == 0 {
					ticks = append(ticks, t)
				}
			}
			if fit(DateLabels(ticks, t1.Sub(t0))) {
				return ticks
			}
		}
		return ticks
	}
	for _, d := range []int{1, 2, 7, 14, 28} {
		ticks = ticks[:0]
		for t := t0; !t.After(t1); t = t.AddDate(0, 0, d) {
			ticks = append(ticks, t)
		}
		if fit(DateLabels(ticks, t1.Sub(t0))) {
			return ticks
		}
	}
	return ticks
}

// drawSeries draws bars (side by side, with their values when Labels),
// lines, areas or points.
func drawSeries(c *canvas, s Spec, p plot, colors []string, base float64) {
	n := len(s.Series)
	for i, ss := range s.Series {
		color := gc.ParseColor(colors[i])
		switch s.Type {
		case view.ChartBar:
			group := p.slot * 0.7
			w := math.Min(group/float64(n), 120)
			for r, v := range ss.Values {
				if math.IsNaN(v) {
					continue
				}
				x := float64(p.xAt(r)) - w*float64(n)/2 + w*float64(i)
				fill := color
				if ss.UpDown && v < 0 {
					fill = gc.ParseColor(ColorDown)
				}
				y0, y1 := p.yAt(base), p.yAt(v)
				c.p.FilledRect(int(x)+1, min(y0, y1), int(x+w)-1, max(y0, y1), fill, fill, 0)
				if !s.Labels() || ss.Texts[r] == "" {
					continue
				}
				up, down := metrics(textPx)
				y := y1 - 8 - down
				if v < 0 {
					y = y1 + 8 + up
				}
				// A label wider than its bar's room would cover the next bar.
				if b := c.box(ss.Texts[r], p.xAt(r), y, textPx, "center"); b.Width() <= int(p.slot)-4 && c.free(b) {
					c.text(ss.Texts[r], b, textPx, colorText)
				}
			}
		default:
			var pts []gc.Point
			for r, v := range ss.Values {
				if math.IsNaN(v) {
					pts = append(pts, gc.Point{X: p.xAt(r), Y: math.MaxInt32})
					continue
				}
				pts = append(pts, gc.Point{X: p.xAt(r), Y: p.yAt(v)})
			}
			if s.Type == view.ChartArea {
				area := append(append([]gc.Point(nil), pts...), gc.Point{X: p.xAt(len(pts) - 1), Y: p.yAt(base)}, gc.Point{X: p.xAt(0), Y: p.yAt(base)})
				c.p.FillArea(area, color.WithAlpha(64))
			}
			if s.Type != view.ChartScatter {
				c.p.LineStroke(pts, color, 4)
			}
			if s.Type == view.ChartScatter || len(pts) <= zoomAbove {
				for _, pt := range pts {
					if pt.Y != math.MaxInt32 {
						c.p.Circle(6, pt.X, pt.Y, gc.ParseColor("#ffffff"), color, 3)
					}
				}
			}
		}
	}
}

// drawMarks draws the reference lines, dashed, each labelled inside the
// plot where its label meets no other text: a value's at the right end,
// above its line (or below); an x's at the top, beside its line.
func drawMarks(c *canvas, s Spec, p plot) {
	up, down := metrics(textPx)
	dash := []float64{10, 8}
	for _, m := range s.Marks {
		label := c.fit(m.Label, (p.right-p.left)/2, textPx)
		if !m.OnX {
			y := p.yAt(m.Y)
			c.p.DashedLineStroke([]gc.Point{{X: p.left, Y: y}, {X: p.right, Y: y}}, gc.ParseColor(colorMark), 3, dash)
			x, align := p.right-4, "right"
			if s.MarksAtStart() {
				x, align = p.left+4, "left"
			}
			for _, b := range []gc.Box{c.box(label, x, y-8-down, textPx, align), c.box(label, x, y+8+up, textPx, align)} {
				if b.Top >= p.top-up/2 && b.Bottom <= p.bottom && c.free(b) {
					c.text(label, b, textPx, colorText)
					break
				}
			}
			continue
		}
		x := -1
		switch {
		case !m.XDate.IsZero() && s.Dates != nil && p.slot == 0:
			t0, t1 := s.Dates[0], s.Dates[len(s.Dates)-1]
			if !m.XDate.Before(t0) && !m.XDate.After(t1) {
				x = p.left + int(math.Round(float64(m.XDate.Sub(t0))/float64(t1.Sub(t0))*float64(p.right-p.left)))
			}
		case m.XIndex >= 0:
			x = p.xAt(m.XIndex)
		}
		if x < 0 {
			continue
		}
		c.p.DashedLineStroke([]gc.Point{{X: x, Y: p.top}, {X: x, Y: p.bottom}}, gc.ParseColor(colorMark), 3, dash)
		for _, b := range []gc.Box{c.box(label, x+10, p.top+up, textPx, "left"), c.box(label, x-10, p.top+up, textPx, "right")} {
			if b.Left >= p.left && b.Right <= p.right && c.free(b) {
				c.text(label, b, textPx, colorText)
				break
			}
		}
	}
}

// drawSingle shows a chart of one value as that value, large, with what
// and when under it.
func drawSingle(c *canvas, s Spec) {
	ss := s.Series[0]
	color := s.color(0)
	if ss.UpDown {
		color = ColorUp
		if ss.Values[0] < 0 {
			color = ColorDown
		}
	}
	_, down := metrics(bigPx)
	y := ImageHeight/2 + int(bigPx)/3
	value := c.fit(ss.Texts[0], ImageWidth-2*pad, bigPx)
	c.text(value, c.box(value, ImageWidth/2, y, bigPx, "center"), bigPx, color)
	up, _ := metrics(textPx)
	caption := c.fit(singleCaption(s), ImageWidth-2*pad, textPx)
	c.text(caption, c.box(caption, ImageWidth/2, y+down+16+up, textPx, "center"), textPx, colorMuted)
}

// singleCaption says what a single value is and when: "Change pct, 2
// January 2026".
func singleCaption(s Spec) string {
	x := s.X[0]
	if s.Dates != nil {
		x = s.Dates[0].Format("2 January 2006")
	}
	return s.Series[0].Name + ", " + x
}
