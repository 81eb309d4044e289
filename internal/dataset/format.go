package dataset

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Format says how a column's values are shown.
type Format string

// The formats of the input contract.
const (
	FormatNumber     Format = "number"      // 1,121.5
	FormatInteger    Format = "integer"     // 1,122
	FormatUSD        Format = "usd"         // $35.00, $126,210
	FormatUSDCompact Format = "usd_compact" // $7.0B
	FormatPercent    Format = "percent"     // +10.8% (the value 10.8 means 10.8 percent)
	FormatDate       Format = "date"        // 2026-01-02
	FormatText       Format = "text"
)

var formats = []Format{FormatNumber, FormatInteger, FormatUSD, FormatUSDCompact, FormatPercent, FormatDate, FormatText}

// Numeric reports whether the format is for numbers.
func (f Format) Numeric() bool {
	switch f {
	case FormatNumber, FormatInteger, FormatUSD, FormatUSDCompact, FormatPercent:
		return true
	}
	return false
}

func validFormat(s string) bool { return slices.Contains(formats, Format(s)) }

// FormatValue renders v for a reader in format f. Empty cells are "".
func FormatValue(f Format, v Value) string {
	switch v.Type {
	case Empty:
		return ""
	case String:
		return v.Str
	case Bool:
		if v.Bool {
			return "yes"
		}
		return "no"
	case Date:
		return v.Date().Format(time.DateOnly)
	}
	return FormatNum(f, v.Num)
}

// FormatNum renders a number in format f.
func FormatNum(f Format, x float64) string { return FormatDecimals(f, x, -1) }

// FormatDecimals renders a number in format f with n decimals (an inline
// value's | round n); n < 0 keeps the format's own.
func FormatDecimals(f Format, x float64, n int) string {
	prec := func(own int) int {
		if n >= 0 {
			return n
		}
		return own
	}
	if n >= 0 {
		// Half away from zero, as a reader (and Excel) rounds: 90.25 to
		// one decimal is 90.3, where strconv would round to even.
		p := math.Pow(10, float64(n))
		x = math.Round(x*p) / p
	}
	switch f {
	case FormatInteger:
		if n < 0 {
			x = math.Round(x)
		}
		return group(strconv.FormatFloat(x, 'f', prec(0), 64))
	case FormatUSD:
		if n < 0 && math.Abs(x) >= 1000 {
			return money(strconv.FormatFloat(math.Round(x), 'f', 0, 64))
		}
		return money(strconv.FormatFloat(x, 'f', prec(2), 64))
	case FormatUSDCompact:
		return money(compact(x, prec(1)))
	case FormatPercent:
		s := strconv.FormatFloat(x, 'f', prec(1), 64)
		if strings.Trim(s, "-0.") == "" {
			s = strings.TrimPrefix(s, "-")
		} else if x > 0 {
			s = "+" + s
		}
		return s + "%"
	}
	return group(strconv.FormatFloat(x, 'f', prec(-1), 64))
}

// compact renders 7e9 as 7.0B (n decimals); below a thousand it keeps
// cents.
func compact(x float64, n int) string {
	a := math.Abs(x)
	units := []struct {
		div  float64
		unit string
	}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}}
	for _, u := range units {
		// Round first so that 999,960 shows as 1.0M, not 1000.0K.
		if math.Round(a/u.div*10)/10 >= 1 {
			return strconv.FormatFloat(x/u.div, 'f', n, 64) + u.unit
		}
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// money puts the dollar sign after any minus sign.
func money(s string) string {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return "-$" + group(rest)
	}
	return "$" + group(s)
}

// group inserts thousands separators into a plain decimal number.
func group(s string) string {
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if len(intPart) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	lead := len(intPart) % 3
	if lead > 0 {
		b.WriteString(intPart[:lead])
	}
	for i := lead; i < len(intPart); i += 3 {
		if b.Len() > len(sign) {
			b.WriteByte(',')
		}
		b.WriteString(intPart[i : i+3])
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
