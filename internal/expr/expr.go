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
	Func    Func      // "" for the value itself
	Arg     time.Time // the date change and delta compare with
}

// Func is what an inline value computes from the rows it selects.
type Func string

// The functions of inline values.
const (
	FuncChange Func = "change" // relative change from Arg's value to the value, in percent
	FuncDelta  Func = "delta"  // absolute change from Arg's value to the value
	FuncMax    Func = "max"
	FuncMin    Func = "min"
	FuncSum    Func = "sum"
	FuncMean   Func = "mean"
	FuncFirst  Func = "first"
	FuncLast   Func = "last"
	FuncCount  Func = "count" // rows; the only one without a column
)

var funcs = []Func{FuncChange, FuncDelta, FuncMax, FuncMin, FuncSum, FuncMean, FuncFirst, FuncLast, FuncCount}

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
	if piped {
		ftoks, err := tokens(right)
		if err != nil {
			return fail("%v", err)
		}
		if len(ftoks) == 0 {
			return fail("name a function after |: %s", funcList())
		}
		in.Func = Func(ftoks[0])
		if !slices.Contains(funcs, in.Func) {
			return fail("unknown function %s; functions are %s", diag.Quote(ftoks[0]), funcList())
		}
		switch {
		case in.Func == FuncChange || in.Func == FuncDelta:
			if len(ftoks) != 2 {
				return fail("%s needs the date to compare with, such as | %s 2025-07-01", in.Func, in.Func)
			}
			d, err := time.Parse(time.DateOnly, ftoks[1])
			if err != nil {
				return fail("%s %s: want a date such as 2025-07-01", in.Func, diag.Cut(ftoks[1]))
			}
			in.Arg = d
		case len(ftoks) > 1:
			return fail("%s takes no argument, got %s", in.Func, diag.Quote(ftoks[1]))
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
