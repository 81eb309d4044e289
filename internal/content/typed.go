package content

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"

	"github.com/brief-desk/brief/internal/diag"
)

// Typed is a figure typed by hand in a briefing's prose: a number with a
// percent sign, a dollar sign, or a word after it that may be a unit. brief
// check looks for it in the data.
type Typed struct {
	Pos       diag.Pos
	Text      string  // as written: "$7 billion", "35%", "70 MW"
	Value     float64 // 7e9, 35, 70
	Step      float64 // one unit in the last digit written: 1e9, 1, 1
	Percent   bool
	Money     bool
	Word      string // the word after the number, for units ("MW")
	Qualifier string // "more than", "around", ... or ""
}

var (
	typedNumber = regexp.MustCompile(`(?i)(\$\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s?%|\s?percent\b|\s(?:thousand|million|billion|trillion)\b|[kmbt]\b)?(?:[\s-]+([A-Za-z][A-Za-z/]*))?`)
	scales      = map[string]float64{"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12}
	qualifiers  = []string{"more than", "over", "above", "at least", "less than", "under", "below", "at most",
		"around", "about", "roughly", "nearly", "almost", "some", "approximately", "close to"}
)

// TypedFigures lists the figures typed in the prose (not in code, not inline
// values, not blocks), with their places.
func (b *Briefing) TypedFigures() []Typed {
	var out []Typed
	src := b.src()
	var lineOf func(int) (int, int) // made at the first figure
	_ = ast.Walk(b.tree(), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan, *ast.FencedCodeBlock, *ast.CodeBlock, *inlineNode, *blockNode:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			seg := n.Segment
			text := seg.Value(src)
			for _, m := range typedNumber.FindAllSubmatchIndex(text, -1) {
				if t, ok := typedAt(text, m); ok {
					if lineOf == nil {
						lineOf = bodyLines(src, b.bodyLine)
					}
					line, col := lineOf(seg.Start + m[0])
					t.Pos = diag.Pos{File: b.File, Line: line, Col: col}
					out = append(out, t)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

// typedAt reads one match of typedNumber in text.
func typedAt(text []byte, m []int) (Typed, bool) {
	part := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return string(text[m[2*i]:m[2*i+1]])
	}
	digits, frac, suffix := strings.ReplaceAll(part(2), ",", ""), part(3), strings.ToLower(strings.TrimSpace(part(4)))
	x, err := strconv.ParseFloat(digits+frac, 64)
	if err != nil {
		return Typed{}, false
	}
	t := Typed{Money: part(1) != "", Word: part(5), Step: math.Pow(10, -float64(max(len(frac)-1, 0)))}
	switch {
	case suffix == "%" || suffix == "percent":
		t.Percent = true
	case scales[suffix] > 0:
		x, t.Step = x*scales[suffix], t.Step*scales[suffix]
	}
	if !t.Money && !t.Percent && t.Word == "" {
		return Typed{}, false
	}
	end := m[1]
	if t.Word != "" && (t.Money || t.Percent) {
		end = m[10] // the word after a $ or % figure is not part of it
	}
	t.Value, t.Text = x, strings.TrimSpace(string(text[m[0]:end]))
	before := strings.ToLower(string(bytes.TrimRight(text[:m[0]], " ")))
	for _, q := range qualifiers {
		if strings.HasSuffix(before, q) {
			t.Qualifier = q
			break
		}
	}
	return t, true
}
