// Package expr reads the expression of an inline value, `{{ DATASET.COLUMN
// [FILTER ...] [@DATE] [| FUNCTION [ARGUMENT]] }}`, and the equality filters
// that blocks and inline values share. It knows nothing of markdown or of the
// data: package content finds the expressions, package view looks them up.
package expr

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// Inline is a value quoted in running text, `{{ DATASET.COLUMN [FILTER ...]
// [@DATE] [| FUNCTION [ARGUMENT]] }}` (docs/format.md): what to look up;
// package view finds it in the data.
type Inline struct {
	Pos     diag.Pos // the opening braces
	Index   int      // 0-based among the briefing's inline values
	Expr    string   // what is between the braces, trimmed
	Dataset string
	Column  string // "" for `| count` of a whole dataset
	Filters []Where
	At      time.Time // @DATE: the row of that day; zero for the last as of the briefing
	Func    Func      // the function that selects or compares; "" for the value itself
	Arg     time.Time // the date change and delta compare with (the last row on or before it)
	Period  Period    // or the period back from the value's own row's date
	// What the later functions of the chain do to the value shown.
	Abs     bool     // | abs: no sign
	Rounded bool     // | round N: Round decimals instead of the format's
	Round   int      //
	Dir     []string // | dir "rose" "fell" ["was flat"]: a word by the sign (rise, fall, none) instead of the number
}

// Func is what an inline value computes from the rows it selects.
type Func string

// The functions of inline values that select or compare rows; at most one,
// first in the chain.
const (
	FuncChange Func = "change" // relative change from the base row's value to the value, in percent
	FuncDelta  Func = "delta"  // absolute change from the base row's value to the value
	FuncMax    Func = "max"
	FuncMin    Func = "min"
	FuncSum    Func = "sum"
	FuncMean   Func = "mean"
	FuncFirst  Func = "first"
	FuncLast   Func = "last"
	FuncCount  Func = "count" // rows; the only one without a column
)

// The functions that change how the value is shown; they follow the others.
const (
	funcAbs   = "abs"
	funcRound = "round"
	funcDir   = "dir"
)

var funcs = []Func{FuncChange, FuncDelta, FuncMax, FuncMin, FuncSum, FuncMean, FuncFirst, FuncLast, FuncCount, funcAbs, funcRound, funcDir}

// Period is a span counted back from a date: -Nd, -Nw, -Nm, -Ny, or ytd.
type Period struct {
	N    int  // how many units back; 0 for none
	Unit byte // 'd', 'w', 'm' or 'y'; 0 with ytd
	YTD  bool // the last day of the previous year
}

// IsZero reports whether there is no period.
func (p Period) IsZero() bool { return p.N == 0 && !p.YTD }

// Back is the date the period counts back to from day. Months and years
// clamp to the month's end: 31 March less a month is the end of February.
func (p Period) Back(day time.Time) time.Time {
	switch {
	case p.YTD:
		return time.Date(day.Year()-1, 12, 31, 0, 0, 0, 0, time.UTC)
	case p.Unit == 'd':
		return day.AddDate(0, 0, -p.N)
	case p.Unit == 'w':
		return day.AddDate(0, 0, -7*p.N)
	}
	months := p.N
	if p.Unit == 'y' {
		months *= 12
	}
	y, m := day.Year(), int(day.Month())-months
	first := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC) // normalised by time.Date
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day.Day(), last), 0, 0, 0, 0, time.UTC)
}

// String writes the period as it is written.
func (p Period) String() string {
	if p.YTD {
		return "ytd"
	}
	return fmt.Sprintf("-%d%c", p.N, p.Unit)
}

// MaxPeriod caps N in a period: a hundred years back, in days.
const MaxPeriod = 36_600

func parsePeriod(s string) (Period, bool) {
	if s == "ytd" {
		return Period{YTD: true}, true
	}
	if len(s) < 3 || s[0] != '-' || !strings.ContainsRune("dwmy", rune(s[len(s)-1])) {
		return Period{}, false
	}
	n, err := strconv.Atoi(s[1 : len(s)-1])
	if err != nil || n < 1 || n > MaxPeriod || strings.ContainsAny(s[1:len(s)-1], "+-_") {
		return Period{}, false
	}
	return Period{N: n, Unit: s[len(s)-1]}, true
}

// Parse reads an inline value's expression; pos is its opening braces.
func Parse(expr string, pos diag.Pos, index int) (*Inline, error) {
	in := &Inline{Pos: pos, Index: index, Expr: strings.TrimSpace(expr)}
	fail := func(format string, args ...any) (*Inline, error) {
		return nil, diag.Errorf(pos, "inline value {{ %s }}: "+format, append([]any{diag.Cut(in.Expr)}, args...)...)
	}
	left, right, piped := cutOutsideQuotes(in.Expr, '|')
	toks, err := tokens(left)
	if err != nil {
		return fail("%v", err)
	}
	if len(toks) == 0 {
		return fail("name a dataset and a column, such as {{ hashprice.usd_per_ph_day }}")
	}
	in.Dataset, in.Column, _ = strings.Cut(toks[0], ".")
	if !tomlval.ValidID(in.Dataset) || (in.Column != "" && !tomlval.ValidID(in.Column)) {
		return fail("%s is not DATASET.COLUMN", diag.Quote(toks[0]))
	}
	for _, tok := range toks[1:] {
		switch {
		case strings.HasPrefix(tok, "@"):
			d, err := time.Parse(time.DateOnly, tok[1:])
			if err != nil {
				return fail("%s: want a date such as @2026-01-02", diag.Cut(tok))
			}
			in.At = d
		case strings.HasPrefix(tok, "[") && strings.HasSuffix(tok, "]"):
			col, val, ok := strings.Cut(tok[1:len(tok)-1], "=")
			col = strings.TrimSpace(col)
			if !ok || !tomlval.ValidID(col) {
				return fail("filter %s: want [column=value]", diag.Cut(tok))
			}
			v, err := filterValue(strings.TrimSpace(val))
			if err != nil {
				return fail("filter %s: %v", diag.Cut(tok), err)
			}
			in.Filters = append(in.Filters, Where{Column: col, Values: []tomlval.Value{v}, Pos: pos})
		default:
			return fail("%s is neither a [column=value] filter nor an @date", diag.Quote(tok))
		}
	}
	for piped {
		var call string
		call, right, piped = cutOutsideQuotes(right, '|')
		if msg := in.call(call); msg != "" {
			return fail("%s", msg)
		}
	}
	switch {
	case in.Column == "" && in.Func != FuncCount:
		return fail("name a column, such as {{ %s.COLUMN }}; only | count takes a whole dataset", diag.Cut(in.Dataset))
	case in.Column != "" && in.Func == FuncCount:
		return fail("count counts a dataset's rows: write {{ %s | count }}", diag.Cut(in.Dataset))
	}
	return in, nil
}

// call reads one function of the chain, or says what is wrong with it.
func (in *Inline) call(call string) string {
	ftoks, err := tokens(call)
	if err != nil {
		return err.Error()
	}
	if len(ftoks) == 0 {
		return "name a function after |: " + funcList()
	}
	fn, args := Func(ftoks[0]), ftoks[1:]
	switch {
	case !slices.Contains(funcs, fn):
		return fmt.Sprintf("unknown function %s; functions are %s", diag.Quote(ftoks[0]), funcList())
	case len(in.Dir) > 0:
		return fmt.Sprintf("%s after dir: dir prints a word, so it comes last", fn)
	case fn == funcAbs || fn == funcRound || fn == funcDir:
		return in.display(fn, args)
	case in.Func != "" && (fn == FuncChange || fn == FuncDelta):
		return fmt.Sprintf("%s applies to a single value, not to the result of %s", fn, in.Func)
	case in.Func != "":
		return fmt.Sprintf("%s after %s: an inline value selects with one function", fn, in.Func)
	case in.Abs || in.Rounded:
		return fmt.Sprintf("%s after abs or round: put %s first, right after the column", fn, fn)
	}
	in.Func = fn
	if fn != FuncChange && fn != FuncDelta {
		if len(args) > 0 {
			return fmt.Sprintf("%s takes no argument, got %s", fn, diag.Quote(args[0]))
		}
		return ""
	}
	if len(args) != 1 {
		return fmt.Sprintf("%s needs the date or period to compare with, such as | %s 2025-07-01 or | %s -1m", fn, fn, fn)
	}
	if p, ok := parsePeriod(args[0]); ok {
		in.Period = p
	} else if d, err := time.Parse(time.DateOnly, args[0]); err == nil {
		in.Arg = d
	} else {
		return fmt.Sprintf("%s %s: want a date such as 2025-07-01, or a period back such as -1w, -3m, -1y or ytd", fn, diag.Cut(args[0]))
	}
	return ""
}

// display reads abs, round or dir: how the value is shown.
func (in *Inline) display(fn Func, args []string) string {
	switch fn {
	case funcAbs:
		if len(args) > 0 {
			return fmt.Sprintf("abs takes no argument, got %s", diag.Quote(args[0]))
		}
		if in.Abs {
			return "abs twice"
		}
		in.Abs = true
	case funcRound:
		n, err := strconv.Atoi(strings.Join(args, " "))
		if len(args) != 1 || err != nil || n < 0 || n > 6 {
			return fmt.Sprintf("round needs the number of decimals, 0 to 6, such as | round 1; got %s", diag.Quote(strings.Join(args, " ")))
		}
		if in.Rounded {
			return "round twice"
		}
		in.Rounded, in.Round = true, n
	case funcDir:
		if len(args) < 2 || len(args) > 3 {
			return `dir needs two or three "quoted" words: for a rise, a fall and (optionally) no change, such as | dir "rose" "fell" "was flat"`
		}
		for _, a := range args {
			if len(a) < 2 || a[0] != '"' || a[len(a)-1] != '"' {
				return fmt.Sprintf("dir: %s is not a \"quoted\" word", diag.Quote(a))
			}
			if err := tomlval.CheckText(a); err != nil {
				return "dir: " + err.Error()
			}
			in.Dir = append(in.Dir, a[1:len(a)-1])
		}
		if len(in.Dir) == 2 {
			in.Dir = append(in.Dir, in.Dir[0])
		}
	}
	return ""
}

func funcList() string {
	var s []string
	for _, f := range funcs {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}

// cutOutsideQuotes cuts s at the first sep that is not inside "quotes".
func cutOutsideQuotes(s string, sep byte) (before, after string, found bool) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case s[i] == sep && !quoted:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// tokens splits on spaces, keeping [filters] and "quoted strings" whole.
func tokens(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	quoted, bracket := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '[' && !quoted:
			bracket = true
		case r == ']' && !quoted:
			bracket = false
		case (r == ' ' || r == '\t') && !quoted && !bracket:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteRune(r)
	}
	if quoted {
		return nil, fmt.Errorf("a quoted string is not closed")
	}
	if bracket {
		return nil, fmt.Errorf("a [filter] is not closed")
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out, nil
}

// filterValue reads a filter's value: a "quoted string", a date, a number,
// true or false, or a bare word.
func filterValue(s string) (tomlval.Value, error) {
	if strings.HasPrefix(s, `"`) {
		if len(s) < 2 || !strings.HasSuffix(s, `"`) {
			return tomlval.Value{}, fmt.Errorf("a quoted string is not closed")
		}
		return tomlval.StringValue(s[1 : len(s)-1]), tomlval.CheckText(s)
	}
	if s == "" {
		return tomlval.Value{}, fmt.Errorf("no value after =")
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return tomlval.DateValue(d), nil
	}
	if s == "true" || s == "false" {
		return tomlval.BoolValue(s == "true"), nil
	}
	if v, err := numberValue(s); err == nil {
		return v, nil
	}
	return tomlval.StringValue(s), tomlval.CheckText(s)
}

func numberValue(s string) (tomlval.Value, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return tomlval.FromTOML(n)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "nNiIxX_") { // no NaN, Inf, hex or underscores
		return tomlval.Value{}, fmt.Errorf("not a number")
	}
	return tomlval.FromTOML(x)
}

// Where is one equality filter: the column equals any of Values.
type Where struct {
	Column string
	Values []tomlval.Value
	Pos    diag.Pos
}
