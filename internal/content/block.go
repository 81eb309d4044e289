package content

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlpos"
	"github.com/brief-desk/brief/internal/tomlval"
)

// Block is a ```chart or ```table fence: what data to show and how. Keys left
// out are zero; package view fills in the defaults of the dataset's kind.
type Block struct {
	Kind     Kind
	Pos      diag.Pos // the opening fence
	Index    int      // 0-based among the briefing's blocks
	Dataset  string
	Title    string
	Subtitle string
	Type     ChartType // "" for the kind's default
	X        string    // column
	Y        []string  // columns
	Where    []Where
	From, To time.Time
	Sort     string // column name, without the '-'
	Desc     bool
	Limit    int
	Columns  []string
	Marks    []MarkLine
	Height   int // pixels; 0 for the default

	keys map[string]diag.Pos // position of each key's value
}

// Where is one equality filter: the column equals any of Values.
type Where struct {
	Column string
	Values []tomlval.Value
	Pos    diag.Pos
}

// MarkLine is a labelled reference line at a y value or an x value (a date or
// a category).
type MarkLine struct {
	Y     *float64
	X     *tomlval.Value
	Label string
	Pos   diag.Pos
}

// Kind is what a block shows: a chart or a table.
type Kind string

// The kinds of block, named by the fence's info string.
const (
	KindChart Kind = "chart"
	KindTable Kind = "table"
)

// ChartType is how a chart draws its series.
type ChartType string

// The chart types a block may ask for.
const (
	ChartLine    ChartType = "line"
	ChartBar     ChartType = "bar"
	ChartArea    ChartType = "area"
	ChartScatter ChartType = "scatter"
)

// chartTypes lists them, for checks and messages.
var chartTypes = []ChartType{ChartLine, ChartBar, ChartArea, ChartScatter}

var (
	commonKeys = []string{"dataset", "title", "subtitle", "where", "from", "to", "sort", "limit", "columns"}
	chartKeys  = []string{"type", "x", "y", "mark_lines", "height"}
)

// KeyPos is the position of a key's value in the block, or the block's own.
func (b *Block) KeyPos(key string) diag.Pos {
	if p, ok := b.keys[key]; ok {
		return p
	}
	return b.Pos
}

// Has reports whether the block set a key.
func (b *Block) Has(key string) bool {
	_, ok := b.keys[key]
	return ok
}

// parseBlock reads the TOML body of a block. The body starts on the line after
// pos, at column bodyCol.
func parseBlock(kind Kind, pos diag.Pos, body []byte, bodyCol, index int) (*Block, error) {
	var errs diag.List
	at := func(p tomlpos.Pos) diag.Pos {
		return diag.Pos{File: pos.File, Line: pos.Line + p.Line, Col: p.Col + bodyCol - 1}
	}
	m, ix, se := tomlpos.Decode(body)
	if se != nil {
		errs.Addf(at(se.Pos), "%s block: invalid TOML: %s", kind, se.Msg)
		return nil, &errs
	}
	b := &Block{Kind: kind, Pos: pos, Index: index, keys: map[string]diag.Pos{}}
	keyPos := func(path string) diag.Pos {
		if p, ok := ix.Lookup(path); ok {
			return at(p)
		}
		return pos
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.keys[k] = keyPos(k)
	}
	errorf := func(key, format string, args ...any) {
		errs.Addf(keyPos(key), string(kind)+" block: "+format, args...)
	}
	keyErrorf := func(key, format string, args ...any) {
		errs.Addf(at(ix.Key(key)), string(kind)+" block: "+format, args...)
	}
	known := slices.Concat(commonKeys, chartKeys)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch {
		case slices.Contains(commonKeys, k), kind == KindChart && slices.Contains(chartKeys, k):
		case slices.Contains(chartKeys, k):
			keyErrorf(k, "%q applies to chart blocks only; use ```chart, or remove it", k)
		default:
			keyErrorf(k, "%s", tomlval.UnknownKey(k, known, "keys"))
		}
	}
	str := func(key string) string {
		x, ok := m[key]
		if !ok {
			return ""
		}
		s, err := tomlval.Text(x)
		if err != nil {
			errorf(key, "%s: %v", key, err)
		}
		return s
	}
	strs := func(key string) []string {
		switch x := m[key].(type) {
		case nil:
			return nil
		case string:
			return []string{x}
		case []any:
			var out []string
			for i, e := range x {
				s, ok := e.(string)
				if !ok {
					errs.Addf(keyPos(fmt.Sprintf("%s[%d]", key, i)), "%s block: %s[%d]: want a column name, got %s", kind, key, i, tomlval.Describe(e))
					continue
				}
				out = append(out, s)
			}
			if len(out) == 0 && len(x) == 0 {
				errorf(key, "%s: the list is empty; name at least one column or leave %s out", key, key)
			}
			return out
		default:
			errorf(key, "%s: want a column name or a list of them, got %s", key, tomlval.Describe(x))
			return nil
		}
	}
	date := func(key string) time.Time {
		x, ok := m[key]
		if !ok {
			return time.Time{}
		}
		v, err := tomlval.FromTOML(x)
		if err != nil || v.Type != tomlval.Date {
			errorf(key, "%s: want a date such as 2026-01-02, got %s", key, tomlval.Describe(x))
			return time.Time{}
		}
		return v.Date()
	}
	integer := func(key string, lo, hi int64) int {
		x, ok := m[key]
		if !ok {
			return 0
		}
		n, isInt := x.(int64)
		if !isInt || n < lo || n > hi {
			errorf(key, "%s: want a whole number from %d to %d, got %s", key, lo, hi, tomlval.Describe(x))
			return 0
		}
		return int(n)
	}

	b.Dataset = str("dataset")
	if b.Dataset == "" && m["dataset"] == nil {
		errs.Addf(pos, "%s block: missing dataset: add dataset = \"<id>\", the name of a file in data/ without .toml", kind)
	}
	b.Title = str("title")
	b.Subtitle = str("subtitle")
	b.Type = ChartType(str("type"))
	if b.Type != "" && !slices.Contains(chartTypes, b.Type) {
		errorf("type", "type: unknown chart type %q; use line, bar, area or scatter", b.Type)
	}
	b.X = str("x")
	b.Y = strs("y")
	b.Columns = strs("columns")
	if s := str("sort"); s != "" {
		b.Sort, b.Desc = strings.TrimPrefix(s, "-"), strings.HasPrefix(s, "-")
	}
	b.From, b.To = date("from"), date("to")
	if !b.From.IsZero() && !b.To.IsZero() && b.To.Before(b.From) {
		errorf("to", "to: %s is before from %s", b.To.Format(time.DateOnly), b.From.Format(time.DateOnly))
	}
	b.Limit = integer("limit", 1, 1_000_000)
	b.Height = integer("height", 120, 2000)

	if x, ok := m["where"]; ok {
		w, isMap := x.(map[string]any)
		if !isMap {
			errorf("where", "where: want a table such as { ticker = \"HUT\" }, got %s", tomlval.Describe(x))
		}
		for _, col := range slices.Sorted(maps.Keys(w)) {
			path := "where." + col
			cond := Where{Column: col, Pos: keyPos(path)}
			vals := []any{w[col]}
			if list, isList := w[col].([]any); isList {
				vals = list
				if len(list) == 0 {
					errs.Addf(cond.Pos, "%s block: %s: the list is empty, so no row could match", kind, path)
				}
			}
			for _, e := range vals {
				v, err := tomlval.FromTOML(e)
				if err != nil {
					errs.Addf(cond.Pos, "%s block: %s: %v", kind, path, err)
					continue
				}
				cond.Values = append(cond.Values, v)
			}
			b.Where = append(b.Where, cond)
		}
	}

	if x, ok := m["mark_lines"]; ok {
		list, isList := x.([]map[string]any)
		if anyList, isAny := x.([]any); isAny {
			isList = true
			for _, e := range anyList {
				t, isMap := e.(map[string]any)
				if !isMap {
					isList = false
					break
				}
				list = append(list, t)
			}
		}
		if !isList {
			errorf("mark_lines", "mark_lines: want a list such as [{ y = 35.0, label = \"Early January\" }], got %s", tomlval.Describe(x))
		}
		for i, t := range list {
			path := fmt.Sprintf("mark_lines[%d]", i)
			ml := MarkLine{Pos: keyPos(path)}
			for _, k := range slices.Sorted(maps.Keys(t)) {
				kp := keyPos(path + "." + k)
				switch k {
				case "label":
					s, isStr := t[k].(string)
					if !isStr {
						errs.Addf(kp, "%s block: %s.label: want a string, got %s", kind, path, tomlval.Describe(t[k]))
					} else if err := tomlval.CheckText(s); err != nil {
						errs.Addf(kp, "%s block: %s.label: %v", kind, path, err)
					}
					ml.Label = s
				case "y":
					v, err := tomlval.FromTOML(t[k])
					if err != nil || v.Type != tomlval.Number {
						errs.Addf(kp, "%s block: %s.y: want a number, got %s", kind, path, tomlval.Describe(t[k]))
						continue
					}
					ml.Y = &v.Num
				case "x":
					v, err := tomlval.FromTOML(t[k])
					if err != nil {
						errs.Addf(kp, "%s block: %s.x: %v", kind, path, err)
						continue
					}
					ml.X = &v
				default:
					errs.Addf(at(ix.Key(path+"."+k)), "%s block: %s: unknown key %q; a mark line has y or x, and label", kind, path, k)
				}
			}
			if (ml.Y == nil) == (ml.X == nil) {
				errs.Addf(ml.Pos, "%s block: %s: give exactly one of y (a value) or x (a date or category)", kind, path)
			}
			b.Marks = append(b.Marks, ml)
		}
	}
	if errs.Len() > 0 {
		return nil, &errs
	}
	return b, nil
}
