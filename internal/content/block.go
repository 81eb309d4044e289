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
	KindChart   Kind = "chart"
	KindTable   Kind = "table"
	KindChanges Kind = "changes" // what changed since the previous briefing
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
	// A changes block's window is fixed: from the previous briefing to this one.
	changesKeys = []string{"dataset", "title", "subtitle", "where", "columns", "limit"}
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

// blockParser reads one block's TOML, reporting every problem at its place.
type blockParser struct {
	kind    Kind
	pos     diag.Pos // the opening fence
	bodyCol int      // the column the body starts at
	m       map[string]any
	ix      *tomlpos.Index
	errs    diag.List
}

// at turns a position in the block's body into one in the file.
func (p *blockParser) at(tp tomlpos.Pos) diag.Pos {
	return diag.Pos{File: p.pos.File, Line: p.pos.Line + tp.Line, Col: tp.Col + p.bodyCol - 1}
}

// keyPos is where a key's value is, or the fence for a key not written.
func (p *blockParser) keyPos(path string) diag.Pos {
	if tp, ok := p.ix.Lookup(path); ok {
		return p.at(tp)
	}
	return p.pos
}

// addf reports a problem at pos, as "<kind> block: ...".
func (p *blockParser) addf(pos diag.Pos, format string, args ...any) {
	p.errs.Addf(pos, string(p.kind)+" block: "+format, args...)
}

// errorf reports a problem with a key's value.
func (p *blockParser) errorf(key, format string, args ...any) { p.addf(p.keyPos(key), format, args...) }

// parseBlock reads the TOML body of a block. The body starts on the line after
// pos, at column bodyCol.
func parseBlock(kind Kind, pos diag.Pos, body []byte, bodyCol, index int) (*Block, error) {
	p := &blockParser{kind: kind, pos: pos, bodyCol: bodyCol}
	m, ix, se := tomlpos.Decode(body)
	if se != nil {
		p.addf(p.at(se.Pos), "invalid TOML: %s", se.Msg)
		return nil, &p.errs
	}
	p.m, p.ix = m, ix
	b := &Block{Kind: kind, Pos: pos, Index: index, keys: map[string]diag.Pos{}}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.keys[k] = p.keyPos(k)
	}
	p.checkKeys()
	b.Dataset = p.str("dataset")
	if b.Dataset == "" && m["dataset"] == nil {
		p.addf(pos, "missing dataset: add dataset = \"<id>\", the name of a file in data/ without .toml")
	}
	b.Title = p.str("title")
	b.Subtitle = p.str("subtitle")
	b.Type = ChartType(p.str("type"))
	if b.Type != "" && !slices.Contains(chartTypes, b.Type) {
		p.errorf("type", "type: unknown chart type %s; use line, bar, area or scatter", diag.Quote(string(b.Type)))
	}
	b.X = p.str("x")
	b.Y = p.strs("y")
	b.Columns = p.strs("columns")
	if s := p.str("sort"); s != "" {
		b.Sort, b.Desc = strings.TrimPrefix(s, "-"), strings.HasPrefix(s, "-")
	}
	b.From, b.To = p.date("from"), p.date("to")
	if !b.From.IsZero() && !b.To.IsZero() && b.To.Before(b.From) {
		p.errorf("to", "to: %s is before from %s", b.To.Format(time.DateOnly), b.From.Format(time.DateOnly))
	}
	b.Limit = p.integer("limit", 1, 1_000_000)
	b.Height = p.integer("height", 120, 2000)
	b.Where = p.where()
	b.Marks = p.markLines()
	if p.errs.Len() > 0 {
		return nil, &p.errs
	}
	return b, nil
}

// checkKeys reports unknown keys, and chart keys in a table block.
func (p *blockParser) checkKeys() {
	known := slices.Concat(commonKeys, chartKeys)
	if p.kind == KindChanges {
		known = changesKeys
	}
	for _, k := range slices.Sorted(maps.Keys(p.m)) {
		switch {
		case p.kind == KindChanges && !slices.Contains(changesKeys, k):
			p.addf(p.at(p.ix.Key(k)), "%s", tomlval.UnknownKey(k, known, "a changes block's keys"))
		case slices.Contains(commonKeys, k), p.kind == KindChart && slices.Contains(chartKeys, k):
		case slices.Contains(chartKeys, k):
			p.addf(p.at(p.ix.Key(k)), "%s applies to chart blocks only; use ```chart, or remove it", diag.Quote(k))
		default:
			p.addf(p.at(p.ix.Key(k)), "%s", tomlval.UnknownKey(k, known, "keys"))
		}
	}
}

func (p *blockParser) str(key string) string {
	x, ok := p.m[key]
	if !ok {
		return ""
	}
	s, err := tomlval.Text(x)
	if err != nil {
		p.errorf(key, "%s: %v", key, err)
	}
	return s
}

// strs reads a column name or a list of them.
func (p *blockParser) strs(key string) []string {
	switch x := p.m[key].(type) {
	case nil:
		return nil
	case string:
		return []string{x}
	case []any:
		var out []string
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				p.addf(p.keyPos(fmt.Sprintf("%s[%d]", key, i)), "%s[%d]: want a column name, got %s", key, i, tomlval.Describe(e))
				continue
			}
			out = append(out, s)
		}
		if len(out) == 0 && len(x) == 0 {
			p.errorf(key, "%s: the list is empty; name at least one column or leave %s out", key, key)
		}
		return out
	default:
		p.errorf(key, "%s: want a column name or a list of them, got %s", key, tomlval.Describe(x))
		return nil
	}
}

func (p *blockParser) date(key string) time.Time {
	x, ok := p.m[key]
	if !ok {
		return time.Time{}
	}
	v, err := tomlval.FromTOML(x)
	if err != nil || v.Type != tomlval.Date {
		p.errorf(key, "%s: want a date such as 2026-01-02, got %s", key, tomlval.Describe(x))
		return time.Time{}
	}
	return v.Date()
}

func (p *blockParser) integer(key string, lo, hi int64) int {
	x, ok := p.m[key]
	if !ok {
		return 0
	}
	n, isInt := x.(int64)
	if !isInt || n < lo || n > hi {
		p.errorf(key, "%s: want a whole number from %d to %d, got %s", key, lo, hi, tomlval.Describe(x))
		return 0
	}
	return int(n)
}

// where reads the equality filters: a value, or a list of values, a column.
func (p *blockParser) where() []Where {
	x, ok := p.m["where"]
	if !ok {
		return nil
	}
	w, isMap := x.(map[string]any)
	if !isMap {
		p.errorf("where", "where: want a table such as { ticker = \"HUT\" }, got %s", tomlval.Describe(x))
	}
	var out []Where
	for _, col := range slices.Sorted(maps.Keys(w)) {
		path := "where." + col
		cond := Where{Column: col, Pos: p.keyPos(path)}
		vals := []any{w[col]}
		if list, isList := w[col].([]any); isList {
			vals = list
			if len(list) == 0 {
				p.addf(cond.Pos, "%s: the list is empty, so no row could match", diag.Cut(path))
			}
		}
		for _, e := range vals {
			v, err := tomlval.FromTOML(e)
			if err != nil {
				p.addf(cond.Pos, "%s: %v", diag.Cut(path), err)
				continue
			}
			cond.Values = append(cond.Values, v)
		}
		out = append(out, cond)
	}
	return out
}

// markLines reads the list of reference lines.
func (p *blockParser) markLines() []MarkLine {
	x, ok := p.m["mark_lines"]
	if !ok {
		return nil
	}
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
		p.errorf("mark_lines", "mark_lines: want a list such as [{ y = 35.0, label = \"Early January\" }], got %s", tomlval.Describe(x))
	}
	var out []MarkLine
	for i, t := range list {
		out = append(out, p.markLine(fmt.Sprintf("mark_lines[%d]", i), t))
	}
	return out
}

func (p *blockParser) markLine(path string, t map[string]any) MarkLine {
	ml := MarkLine{Pos: p.keyPos(path)}
	for _, k := range slices.Sorted(maps.Keys(t)) {
		kp := p.keyPos(path + "." + k)
		switch k {
		case "label":
			s, err := tomlval.Text(t[k])
			if err != nil {
				p.addf(kp, "%s.label: %v", path, err)
			}
			ml.Label = s
		case "y":
			v, err := tomlval.FromTOML(t[k])
			if err != nil || v.Type != tomlval.Number {
				p.addf(kp, "%s.y: want a number, got %s", path, tomlval.Describe(t[k]))
				continue
			}
			ml.Y = &v.Num
		case "x":
			v, err := tomlval.FromTOML(t[k])
			if err != nil {
				p.addf(kp, "%s.x: %v", path, err)
				continue
			}
			ml.X = &v
		default:
			p.addf(p.at(p.ix.Key(path+"."+k)), "%s: unknown key %s; a mark line has y or x, and label", path, diag.Quote(k))
		}
	}
	if (ml.Y == nil) == (ml.X == nil) {
		p.addf(ml.Pos, "%s: give exactly one of y (a value) or x (a date or category)", path)
	}
	return ml
}
