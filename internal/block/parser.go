package block

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/tomlpos"
	"github.com/brief-desk/brief/internal/tomlval"
)

// Parser reads one block's TOML for its kind's Parse, reporting every
// problem at its place in the briefing's file as "<kind> block: ...".
type Parser struct {
	kind    string
	pos     diag.Pos // the opening fence
	bodyCol int      // the column the body starts at
	index   int
	m       map[string]any
	ix      *tomlpos.Index
	errs    diag.List
	refused bool // an inline value was refused, and said so elsewhere
	inline  InlineFunc
}

// InlineFunc parses an inline value a block holds (a card's value), at pos,
// and numbers it among the briefing's inline values; what names it in a
// message. It returns nil and a nil error for a value refused once already
// said why (past a briefing's limit).
type InlineFunc func(text string, pos diag.Pos, what string) (*expr.Inline, error)

// Parse reads a block of kind k. body is the fence's content, which starts
// on the line after pos at column bodyCol; index is the block's place among
// the briefing's blocks. The error is a *diag.List.
func Parse(k Kind, pos diag.Pos, body []byte, bodyCol, index int, inline InlineFunc) (Block, error) {
	p := &Parser{kind: k.Name, pos: pos, bodyCol: bodyCol, index: index, inline: inline}
	m, ix, se := tomlpos.Decode(body)
	if se != nil {
		p.Addf(p.at(se.Pos), "invalid TOML: %s", se.Msg)
		return nil, &p.errs
	}
	p.m, p.ix = m, ix
	b := k.Parse(p)
	if p.Failed() || b == nil {
		if !p.Failed() {
			p.Addf(pos, "its kind returned no block and no error (a bug in brief)")
		}
		return nil, p.errs.Err()
	}
	return b, nil
}

// Base is the block's Base, with the position of every key it sets.
func (p *Parser) Base(draws bool) Base {
	b := Base{Name: p.kind, Fence: p.pos, N: p.index, Keys: map[string]diag.Pos{}, Draws: draws}
	for _, k := range slices.Sorted(maps.Keys(p.m)) {
		b.Keys[k] = p.At(k)
	}
	return b
}

// Map is the block's TOML, decoded.
func (p *Parser) Map() map[string]any { return p.m }

// Keys are the block's top-level keys, sorted.
func (p *Parser) Keys() []string { return slices.Sorted(maps.Keys(p.m)) }

// Fence is the position of the opening fence.
func (p *Parser) Fence() diag.Pos { return p.pos }

// at turns a position in the block's body into one in the file.
func (p *Parser) at(tp tomlpos.Pos) diag.Pos {
	return diag.Pos{File: p.pos.File, Line: p.pos.Line + tp.Line, Col: tp.Col + p.bodyCol - 1}
}

// At is where the value at a dotted path (card[0].value) is, or the fence
// for one not written.
func (p *Parser) At(path string) diag.Pos {
	if tp, ok := p.ix.Lookup(path); ok {
		return p.at(tp)
	}
	return p.pos
}

// KeyAt is where the key at a dotted path is written.
func (p *Parser) KeyAt(path string) diag.Pos { return p.at(p.ix.Key(path)) }

// Addf reports a problem at pos.
func (p *Parser) Addf(pos diag.Pos, format string, args ...any) {
	p.errs.Addf(pos, p.kind+" block: "+format, args...)
}

// Errorf reports a problem with the value at a path.
func (p *Parser) Errorf(path, format string, args ...any) { p.Addf(p.At(path), format, args...) }

// Add reports an error found elsewhere (an inline value's).
func (p *Parser) Add(err error) { p.errs.Add(err) }

// Failed reports whether a problem has been reported.
func (p *Parser) Failed() bool { return p.errs.Len() > 0 || p.refused }

// Inline parses an inline value the block holds, at the value of path;
// what names it in messages. Nil when it failed (reported).
func (p *Parser) Inline(text, path, what string) *expr.Inline {
	in, err := p.inline(text, p.At(path), what)
	if err != nil {
		p.errs.Add(err)
	} else if in == nil {
		p.refused = true
	}
	return in
}

// Text reads a text value of x at path.
func (p *Parser) Text(path string, x any) string {
	s, err := tomlval.Text(x)
	if err != nil {
		p.Errorf(path, "%s: %v", path, err)
	}
	return s
}

// Str reads a top-level text key; "" when absent.
func (p *Parser) Str(key string) string {
	x, ok := p.m[key]
	if !ok {
		return ""
	}
	return p.Text(key, x)
}

// Strs reads a column name or a list of them.
func (p *Parser) Strs(key string) []string {
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
				p.Errorf(fmt.Sprintf("%s[%d]", key, i), "%s[%d]: want a column name, got %s", key, i, tomlval.Describe(e))
				continue
			}
			out = append(out, s)
		}
		if len(out) == 0 && len(x) == 0 {
			p.Errorf(key, "%s: the list is empty; name at least one column or leave %s out", key, key)
		}
		return out
	default:
		p.Errorf(key, "%s: want a column name or a list of them, got %s", key, tomlval.Describe(x))
		return nil
	}
}

// Date reads a date key; zero when absent.
func (p *Parser) Date(key string) time.Time {
	x, ok := p.m[key]
	if !ok {
		return time.Time{}
	}
	v, err := tomlval.FromTOML(x)
	if err != nil || v.Type != tomlval.Date {
		p.Errorf(key, "%s: want a date such as 2026-01-02, got %s", key, tomlval.Describe(x))
		return time.Time{}
	}
	return v.Date()
}

// Integer reads a whole number from lo to hi; 0 when absent.
func (p *Parser) Integer(key string, lo, hi int64) int {
	x, ok := p.m[key]
	if !ok {
		return 0
	}
	n, isInt := x.(int64)
	if !isInt || n < lo || n > hi {
		p.Errorf(key, "%s: want a whole number from %d to %d, got %s", key, lo, hi, tomlval.Describe(x))
		return 0
	}
	return int(n)
}

// Where reads the equality filters: a value, or a list of values, a column.
func (p *Parser) Where() []expr.Where {
	x, ok := p.m["where"]
	if !ok {
		return nil
	}
	w, isMap := x.(map[string]any)
	if !isMap {
		p.Errorf("where", "where: want a table such as { ticker = \"HUT\" }, got %s", tomlval.Describe(x))
	}
	var out []expr.Where
	for _, col := range slices.Sorted(maps.Keys(w)) {
		path := "where." + col
		cond := expr.Where{Column: col, Pos: p.At(path)}
		vals := []any{w[col]}
		if list, isList := w[col].([]any); isList {
			vals = list
			if len(list) == 0 {
				p.Addf(cond.Pos, "%s: the list is empty, so no row could match", diag.Cut(path))
			}
		}
		for _, e := range vals {
			v, err := tomlval.FromTOML(e)
			if err != nil {
				p.Addf(cond.Pos, "%s: %v", diag.Cut(path), err)
				continue
			}
			cond.Values = append(cond.Values, v)
		}
		out = append(out, cond)
	}
	return out
}

// Tables reads a list of tables at key ([[card]] or [{...}, ...]); ok is
// false when key holds something else.
func (p *Parser) Tables(key string) (list []map[string]any, ok bool) {
	x, found := p.m[key]
	if !found {
		return nil, true
	}
	if l, isList := x.([]map[string]any); isList {
		return l, true
	}
	anyList, isAny := x.([]any)
	if !isAny {
		return nil, false
	}
	for _, e := range anyList {
		t, isMap := e.(map[string]any)
		if !isMap {
			return nil, false
		}
		list = append(list, t)
	}
	return list, true
}

// sortedKeys are a table's keys, sorted, so problems are reported in order.
func sortedKeys(t map[string]any) []string { return slices.Sorted(maps.Keys(t)) }
