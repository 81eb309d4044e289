package content

import (
	"fmt"
	"maps"
	"slices"

	"github.com/yuin/goldmark/ast"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlpos"
	"github.com/brief-desk/brief/internal/tomlval"
)

// KindNumbers is a ```numbers fence: a row of key-number cards.
const KindNumbers Kind = "numbers"

// Numbers is a numbers block.
type Numbers struct {
	Pos   diag.Pos // the opening fence
	Cards []*Card
}

// Card is one headline figure: an inline value, with an optional change
// (another inline value, shown green up and red down) and a note.
type Card struct {
	Label  string
	Value  *Inline
	Change *Inline // nil without one
	Note   string
	Pos    diag.Pos // the [[card]] header
}

var cardKeys = []string{"label", "value", "change", "note"}

// parseNumbers reads a numbers block's TOML; its card expressions become
// inline values numbered from first.
func parseNumbers(pos diag.Pos, body []byte, bodyCol, first int) (*Numbers, []*Inline, error) {
	p := &blockParser{kind: KindNumbers, pos: pos, bodyCol: bodyCol}
	m, ix, se := tomlpos.Decode(body)
	if se != nil {
		p.addf(p.at(se.Pos), "invalid TOML: %s", se.Msg)
		return nil, nil, &p.errs
	}
	p.m, p.ix = m, ix
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != "card" {
			p.addf(p.at(ix.Key(k)), "%s", tomlval.UnknownKey(k, []string{"card"}, "keys"))
		}
	}
	cards, ok := m["card"].([]map[string]any)
	if !ok || len(cards) == 0 {
		p.addf(pos, "a numbers block needs [[card]] tables, each with label and value = \"dataset.column\"")
		return nil, nil, &p.errs
	}
	n := &Numbers{Pos: pos}
	var inlines []*Inline
	for i, c := range cards {
		path := fmt.Sprintf("card[%d]", i)
		card := &Card{Pos: p.keyPos(path)}
		for _, k := range slices.Sorted(maps.Keys(c)) {
			if !slices.Contains(cardKeys, k) {
				p.addf(p.at(ix.Key(path+"."+k)), "%s: %s", path, tomlval.UnknownKey(k, cardKeys, "card keys"))
			}
		}
		text := func(k string, required bool) string {
			x, ok := c[k]
			if !ok {
				if required {
					p.addf(card.Pos, "%s: missing %s", path, k)
				}
				return ""
			}
			s, err := tomlval.Text(x)
			if err != nil {
				p.addf(p.keyPos(path+"."+k), "%s.%s: %v", path, k, err)
			}
			return s
		}
		card.Label, card.Note = text("label", true), text("note", false)
		for _, k := range []string{"value", "change"} {
			expr := text(k, k == "value")
			if expr == "" {
				continue
			}
			in, err := parseInline(expr, p.keyPos(path+"."+k), first+len(inlines))
			if err != nil {
				p.errs.Add(err)
				continue
			}
			inlines = append(inlines, in)
			if k == "value" {
				card.Value = in
			} else {
				card.Change = in
			}
		}
		n.Cards = append(n.Cards, card)
	}
	if p.errs.Len() > 0 {
		return nil, nil, &p.errs
	}
	return n, inlines, nil
}

var kindNumbers = ast.NewNodeKind("BriefNumbers")

type numbersNode struct {
	ast.BaseBlock
	numbers *Numbers
}

func (n *numbersNode) Kind() ast.NodeKind { return kindNumbers }

func (n *numbersNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
