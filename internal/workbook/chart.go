package workbook

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/view"
)

// Chart text: dark enough to read in print (excelize's default axis labels
// are a 15% grey), at sizes legible on a printed page.
var (
	axisFont   = excelize.Font{Size: 10, Color: "404040"}
	titleFont  = excelize.Font{Bold: true, Size: 13, Color: "1A1A1A"}
	sourceFont = excelize.Font{Size: 9, Color: "595959"}
)

// nativeChart builds the Excel chart for a chart view whose data is on sheet,
// in columns laid out as t. Its title carries the view's title, subtitle and
// source, so the chart says where its numbers come from wherever it is
// copied. It sits beside the data at the top of the sheet, so it prints
// whole on the first page.
func nativeChart(v *view.View, palette []string) func(sheet string, t table) (*excelize.Chart, string) {
	return func(sheet string, t table) (*excelize.Chart, string) {
		if t.rows == 0 {
			return nil, ""
		}
		col := func(c *dataset.Column) string {
			for i, tc := range t.cols {
				if tc == c {
					name, _ := excelize.ColumnNumberToName(i + 1)
					return name
				}
			}
			return ""
		}
		x := col(v.Chart.X)
		ref := func(column string) string {
			return fmt.Sprintf("%s!$%s$2:$%s$%d", quote(sheet), column, column, t.rows+1)
		}
		ch := &excelize.Chart{
			Title:      excelize.ChartTitle{Paragraph: chartTitle(v)},
			Legend:     excelize.ChartLegend{Position: "bottom"},
			Dimension:  excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
			XAxis:      excelize.ChartAxis{Font: axisFont, NumFmt: excelize.ChartNumFmt{CustomNumFmt: numFmt(v.Chart.X, 0, true)}},
			YAxis:      yAxis(v),
			VaryColors: new(bool),
		}
		if v.Chart.X.Type == dataset.Date {
			ch.XAxis.NumFmt.CustomNumFmt = dateAxisFmt(v)
		}
		if len(v.Chart.Y) == 1 {
			ch.Legend.Position = "none"
		}
		switch v.Chart.Type {
		case view.ChartLine:
			ch.Type = excelize.Line
		case view.ChartArea:
			ch.Type = excelize.Area
		case view.ChartScatter:
			ch.Type = excelize.Scatter
			scatterX(v, &ch.XAxis)
		default:
			ch.Type = excelize.Col
		}
		for i, y := range v.Chart.Y {
			yc := col(y)
			s := excelize.ChartSeries{
				Name:       fmt.Sprintf("%s!$%s$1", quote(sheet), yc),
				Categories: ref(x),
				Values:     ref(yc),
			}
			if len(palette) > 0 {
				// The site's series colours, as on the page and in the email.
				fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.TrimPrefix(palette[i%len(palette)], "#")}}
				s.Fill, s.Line.Fill, s.Marker.Fill = fill, fill, fill
			}
			if ch.Type == excelize.Scatter {
				s.Marker = excelize.ChartMarker{Symbol: "circle", Size: 6}
				s.Line = excelize.LineOptions{Width: 0}
			}
			if ch.Type == excelize.Line {
				s.Marker = excelize.ChartMarker{Symbol: "none"}
			}
			// excelize colours single points of pie charts only, so a moves
			// chart's gains and losses share one colour in Excel.
			ch.Series = append(ch.Series, s)
		}
		at, _ := excelize.CoordinatesToCellName(len(t.cols)+2, 2)
		return ch, at
	}
}

// chartTitle is the chart's title, its subtitle and its source, a line
// each.
func chartTitle(v *view.View) []excelize.RichTextRun {
	runs := []excelize.RichTextRun{{Text: text(v.Title), Font: &titleFont}}
	if v.Subtitle != "" {
		runs = append(runs, excelize.RichTextRun{Text: text(v.Subtitle), Font: &axisFont})
	}
	if v.Data.Source != "" {
		runs = append(runs, excelize.RichTextRun{Text: text("Source: " + v.Data.Source), Font: &sourceFont})
	}
	return runs
}

// yAxis is the value axis: labels in the first series' format with the
// precision its step needs, and, for lines and points, a range scaled to
// the data (Excel starts at zero whenever the data's low is under five
// sixths of its high); bars and areas keep zero, which their size encodes.
func yAxis(v *view.View) excelize.ChartAxis {
	ax := excelize.ChartAxis{MajorGridLines: true, Font: axisFont}
	f := v.Chart.Y[0].Format
	lo, hi, ok := math.Inf(1), math.Inf(-1), false
	for _, y := range v.Chart.Y {
		for r := range v.Rows {
			if val := v.Value(r, y); val.Type == dataset.Number {
				lo, hi, ok = min(lo, val.Num), max(hi, val.Num), true
			}
		}
	}
	if !ok {
		ax.NumFmt.CustomNumFmt = numFmt(v.Chart.Y[0], 0, true)
		return ax
	}
	scaled := v.Chart.Type == view.ChartLine || v.Chart.Type == view.ChartScatter
	if !scaled {
		lo, hi = min(lo, 0), max(hi, 0)
	}
	step := view.NiceStep((hi - lo) / 5)
	if hi == lo {
		step = view.NiceStep(math.Abs(hi) / 5)
	}
	if scaled && lo > 0 {
		unit := 1.0
		if f == dataset.FormatPercent {
			unit = 100 // the cells hold fractions
		}
		low := math.Floor(lo/step) * step / unit
		ax.Minimum, ax.MajorUnit = &low, step/unit
	}
	ax.NumFmt.CustomNumFmt = axisFmt(f, step, max(math.Abs(lo), math.Abs(hi)))
	return ax
}

// axisFmt is the format of value axis labels in steps of step (in the
// data's units) up to top: the column's format, unsigned, with no more
// decimals than the step has.
func axisFmt(f dataset.Format, step, top float64) string {
	dec := func(d int) string {
		if d == 0 {
			return ""
		}
		return "." + strings.Repeat("0", d)
	}
	switch f {
	case dataset.FormatPercent:
		return "0" + dec(view.Decimals(step)) + "%"
	case dataset.FormatUSD:
		return `"$"#,##0` + dec(view.Decimals(step))
	case dataset.FormatUSDCompact:
		for i, unit := range []string{"T", "B", "M", "K"} {
			div := math.Pow10(12 - 3*i)
			if top >= div {
				return `"$"#,##0` + dec(view.Decimals(step/div)) + strings.Repeat(",", 4-i) + `"` + unit + `"`
			}
		}
		return `"$"#,##0` + dec(view.Decimals(step))
	case dataset.FormatInteger:
		return "#,##0"
	}
	return "#,##0" + dec(view.Decimals(step))
}

// dateAxisFmt labels a date axis as the site does: months ("Jul 2025") over
// a span of more than about three months, days ("2 Jan") over a shorter one.
func dateAxisFmt(v *view.View) string {
	first, last, ok := dateSpan(v)
	if ok && last.Sub(first) > 92*24*time.Hour {
		return "mmm yyyy"
	}
	return "d mmm"
}

// dateSpan is the first and last date on a date x axis.
func dateSpan(v *view.View) (first, last time.Time, ok bool) {
	for r := range v.Rows {
		val := v.Value(r, v.Chart.X)
		if val.Type != dataset.Date {
			continue
		}
		d := val.Date()
		if !ok || d.Before(first) {
			first = d
		}
		if !ok || d.After(last) {
			last = d
		}
		ok = true
	}
	return first, last, ok
}

// scatterX scales a scatter chart's x axis (a value axis, which Excel
// starts at zero) to its dates.
func scatterX(v *view.View, ax *excelize.ChartAxis) {
	if v.Chart.X.Type != dataset.Date {
		return
	}
	first, last, ok := dateSpan(v)
	if !ok || first.Before(excelEpoch) {
		return
	}
	serial := func(t time.Time) float64 {
		return math.Floor(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	lo, hi := serial(first), serial(last)
	ax.Minimum, ax.Maximum = &lo, &hi
}
