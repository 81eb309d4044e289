package importer

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/tomlval"
)

var (
	integer = regexp.MustCompile(`^[+-]?(\d{1,3}(,\d{3})+|\d+)$`)
	decimal = regexp.MustCompile(`^[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)
	slash   = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
)

// dateLayouts are the dates brief import reads besides d/m/y and m/d/y.
var dateLayouts = []string{
	"2006-01-02", "2006/01/02", "2006-1-2", "2 Jan 2006", "2 January 2006", "Jan 2, 2006",
	"January 2, 2006", "02-Jan-2006", "2-Jan-2006", "02-Jan-06",
}

// order says how a column writes n/n/yyyy dates.
type order int

const (
	dayFirst order = iota + 1
	monthFirst
	ambiguous
)

// DateOrder settles how n/n/yyyy dates are read: "" to tell from the
// column (a first number over 12 means day first), DayFirst or MonthFirst
// (--dayfirst, --monthfirst) for a file whose dates cannot tell.
type DateOrder string

// The orders of --dayfirst and --monthfirst.
const (
	DayFirst   DateOrder = "dayfirst"
	MonthFirst DateOrder = "monthfirst"
)

// orderOf is the order a column's slash dates are read in.
func orderOf(cells []cell, o DateOrder) order {
	switch o {
	case DayFirst:
		return dayFirst
	case MonthFirst:
		return monthFirst
	}
	return slashOrder(cells)
}

// isMissing reports the tokens a file writes for a missing value: n/a, NA,
// N/A, a dash or an em dash. They read as an empty cell.
func isMissing(s string) bool {
	switch s {
	case "-", "\u2014", "\u2013":
		return true
	}
	return strings.EqualFold(s, "n/a") || strings.EqualFold(s, "na")
}

// slashOrder decides, for a whole column, whether 03/04/2026 is the 3rd of
// April or the 4th of March: a first number over 12 means day first, a
// second over 12 month first; with neither, it cannot tell.
func slashOrder(cells []cell) order {
	day, month := false, false
	for _, c := range cells {
		m := slash.FindStringSubmatch(strings.TrimSpace(c.text))
		if m == nil {
			continue
		}
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		day = day || a > 12
		month = month || b > 12
	}
	switch {
	case day && !month:
		return dayFirst
	case month && !day:
		return monthFirst
	}
	return ambiguous
}

// parseCell reads one cell: empty, a boolean, an integer, a number (with
// thousands separators), a percentage, a date, or text. pct reports a
// percentage, whose value is in percent (12.5% is 12.5).
func parseCell(c cell, o order) (v tomlval.Value, pct bool, err error) {
	s := strings.TrimSpace(c.text)
	switch {
	case s == "" || isMissing(s):
		return tomlval.Value{}, false, nil
	case c.date:
		serial, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return tomlval.Value{}, false, fmt.Errorf("a date cell holds %q", s)
		}
		t, err := excelize.ExcelDateToTime(serial, false)
		if err != nil {
			return tomlval.Value{}, false, err
		}
		return tomlval.DateValue(t), false, nil
	case c.pct:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return tomlval.Value{}, false, fmt.Errorf("a percentage cell holds %q", s)
		}
		return tomlval.NumberValue(round(x * 100)), true, nil
	case strings.EqualFold(s, "true"), strings.EqualFold(s, "false"):
		return tomlval.BoolValue(strings.EqualFold(s, "true")), false, nil
	}
	if v, pct, ok, err := parseNumber(s); ok || err != nil {
		return v, pct, err
	}
	if m := slash.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		switch o {
		case ambiguous:
			return tomlval.Value{}, false, fmt.Errorf("date %s could be day/month or month/day, and no date in the column tells which: write dates as %04d-%02d-%02d", s, y, b, a)
		case monthFirst:
			a, b = b, a
		}
		t := time.Date(y, time.Month(b), a, 0, 0, 0, 0, time.UTC)
		if t.Day() != a || int(t.Month()) != b {
			return tomlval.Value{}, false, fmt.Errorf("date %s is not a day of the calendar", s)
		}
		return tomlval.DateValue(t), false, nil
	}
	if looksLikeDate(s) {
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return tomlval.DateValue(t), false, nil
			}
		}
	}
	if err := tomlval.CheckText(s); err != nil {
		return tomlval.Value{}, false, err
	}
	return tomlval.StringValue(s), false, nil
}

// parseNumber reads an integer, a number or a percentage, with thousands
// separators or not; ok is false for text that is none of them. (Plain
// checks first: regular expressions on every cell of a large file cost more
// than the rest of the import.)
func parseNumber(s string) (v tomlval.Value, pct, ok bool, err error) {
	if c := s[0]; c != '+' && c != '-' && c != '.' && (c < '0' || c > '9') {
		return v, false, false, nil
	}
	body := s
	if strings.HasSuffix(body, "%") {
		body, pct = strings.TrimSpace(strings.TrimSuffix(body, "%")), true
	}
	plain := body
	if strings.IndexByte(body, ',') >= 0 {
		if !integer.MatchString(body) && !decimal.MatchString(body) {
			return v, false, false, nil
		}
		plain = strings.ReplaceAll(body, ",", "")
	}
	if !pct {
		if n, err := strconv.ParseInt(plain, 10, 64); err == nil {
			if n > 1<<53 || n < -(1<<53) {
				return v, false, true, fmt.Errorf("integer %s is too large to keep exactly", s)
			}
			return tomlval.IntValue(n), false, true, nil
		}
	}
	for _, r := range plain {
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E') {
			return v, false, false, nil
		}
	}
	x, err := strconv.ParseFloat(plain, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return v, false, true, fmt.Errorf("number %s is out of range", s)
		}
		return v, false, false, nil
	}
	return tomlval.NumberValue(x), pct, true, nil
}

// looksLikeDate is a quick test before trying every date layout: a date has
// a digit and is between 6 and 20 characters long.
func looksLikeDate(s string) bool {
	return len(s) >= 6 && len(s) <= 20 && strings.ContainsAny(s, "0123456789")
}

// round drops the binary noise of a multiplication (0.108 * 100 is
// 10.800000000000001), keeping 12 significant digits.
func round(x float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return r
}
