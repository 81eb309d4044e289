package chart

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/view"
)

// Axis is a value axis: its range, its step and the text of each tick,
// from Min to Max. The web chart and the static image use the same.
type Axis struct {
	Min    float64  `json:"min"`
	Max    float64  `json:"max"`
	Step   float64  `json:"step"`
	Labels []string `json:"labels"`
}

// targetTicks is about how many intervals a value axis shows.
const targetTicks = 5

// ValueAxis is the value axis of values from lo to hi: nice steps (1, 2,
// 2.5 or 5 times a power of ten), widened to whole steps; from zero when
// zero is set (bars and areas), else scaled to the data (lines, points).
// The reference lines at marks lie strictly inside, never on an end where
// their label would meet the axis' labels. Integers never step by less
// than 1.
func ValueAxis(lo, hi float64, zero bool, f dataset.Format, marks []float64) Axis {
	for _, m := range marks {
		lo, hi = math.Min(lo, m), math.Max(hi, m)
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
		lo, hi = 0, 1
	}
	if zero {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	if lo == hi {
		d := math.Max(math.Abs(lo)/10, 1)
		if lo == 0 {
			lo, hi = 0, 1
		} else if lo > 0 && zero {
			hi += d
		} else {
			lo, hi = lo-d, hi+d
		}
	}
	step := bestStep(lo, hi)
	if f == dataset.FormatInteger {
		step = math.Max(step, 1)
	}
	a := Axis{Min: math.Floor(lo/step+1e-9) * step, Max: math.Ceil(hi/step-1e-9) * step, Step: step}
	for _, m := range marks {
		if m-a.Min < step/4 && !(zero && a.Min == 0 && m == 0) {
			a.Min -= step
		}
		if a.Max-m < step/4 {
			a.Max += step
		}
	}
	for x := a.Min; x <= a.Max+step/2; x += step {
		a.Labels = append(a.Labels, TickLabel(f, math.Round(x/step)*step, step))
	}
	return a
}

// bestStep is the nice step that cuts lo to hi into nearest targetTicks
// intervals; 2.5 (an extra decimal) only when clearly nearer, and on a tie
// the larger step.
func bestStep(lo, hi float64) float64 {
	best, score := 0.0, math.Inf(1)
	for c := view.NiceStep((hi - lo) / targetTicks / 4); c <= view.NiceStep((hi-lo)/targetTicks*4); c = view.NiceStep(c * 1.01) {
		n := math.Ceil(hi/c-1e-9) - math.Floor(lo/c+1e-9)
		sc := math.Abs(n - targetTicks)
		if m := c / math.Pow(10, math.Floor(math.Log10(c)+1e-9)); math.Abs(m-2.5) < 1e-6 {
			sc += 1.5
		}
		if sc <= score {
			best, score = c, sc
		}
	}
	return best
}

// TickLabel is a tick's text in the column's format, with the precision
// the step needs and no more: "$30,000" and "$35" on price axes, "10%"
// (axes carry no plus sign), "$2.5B".
func TickLabel(f dataset.Format, x, step float64) string {
	if x == 0 {
		x = 0 // no "-0"
	}
	d := view.Decimals(step)
	num := func(x float64, d int) string { return groupDigits(strconv.FormatFloat(x, 'f', d, 64)) }
	switch f {
	case dataset.FormatUSD:
		if d > 0 {
			d = max(d, 2) // cents
		}
		return dollars(num(x, d))
	case dataset.FormatUSDCompact:
		for _, u := range []struct {
			div  float64
			unit string
		}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}} {
			if step >= u.div/10 && step*targetTicks >= u.div/2 {
				if x == 0 {
					return "$0"
				}
				return dollars(num(x/u.div, view.Decimals(step/u.div))) + u.unit
			}
		}
		return dollars(num(x, d))
	case dataset.FormatPercent:
		return num(x, d) + "%"
	case dataset.FormatInteger:
		return num(x, 0)
	}
	return num(x, d)
}

// dollars puts the dollar sign after any minus sign.
func dollars(s string) string {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return "-$" + rest
	}
	return "$" + s
}

// groupDigits inserts thousands separators into a plain decimal number.
func groupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// monthSpan is the span of dates beyond which a date axis labels months,
// not days: about three months.
const monthSpan = 92 * 24 * time.Hour

// DateLabels are the labels of a date axis at the given ticks (in order),
// the same on the web, in email and in Excel: over a span of more than
// about three months, months ("Jul 2025", then "Aug"; the year again on a
// year's first label), else days ("2 Jan"). span is the axis' whole span.
func DateLabels(ticks []time.Time, span time.Duration) []string {
	out := make([]string, len(ticks))
	year := -1
	for i, t := range ticks {
		switch {
		case span <= monthSpan:
			out[i] = t.Format("2 Jan")
		case t.Year() != year:
			out[i] = t.Format("Jan 2006")
		default:
			out[i] = t.Format("Jan")
		}
		year = t.Year()
	}
	return out
}

// categoryDates labels a category axis of dates (a bar per date) by the
// same rule; over months, only a month's first bar is labelled.
func categoryDates(dates []time.Time) []string {
	if len(dates) == 0 {
		return nil
	}
	span := dates[len(dates)-1].Sub(dates[0])
	out := make([]string, len(dates))
	if span <= monthSpan {
		return DateLabels(dates, span)
	}
	var firsts []time.Time
	var at []int
	for i, d := range dates {
		if i == 0 || d.Month() != dates[i-1].Month() || d.Year() != dates[i-1].Year() {
			firsts, at = append(firsts, d), append(at, i)
		}
	}
	for k, l := range DateLabels(firsts, span) {
		out[at[k]] = l
	}
	return out
}
