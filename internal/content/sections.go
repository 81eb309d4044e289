package content

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// Section is a part of a briefing's text that starts at a heading (or, the
// first, at the top of the body): what the search index shows and links.
type Section struct {
	ID      string // the heading's id attribute; "" for the text before the first heading
	Heading string
	Text    string // its paragraphs, lists, quotes and blocks as plain text, a line each
}

// Sections writes the briefing's text as Text does, cut at its headings of
// every level, with blocks and inline values through r and links as their
// text alone (no address). The first section is the text before the first
// heading, even when empty.
func (b *Briefing) Sections(r Renderers) ([]Section, error) {
	t := &textWriter{src: b.src(), r: r, plain: true}
	out := []Section{{}}
	flush := func() {
		s := &out[len(out)-1]
		s.Text = strings.TrimSpace(t.out.String())
		t.out.Reset()
	}
	for n := b.tree().FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			flush()
			t.inlines(&t.out, h)
			heading := strings.TrimSpace(t.out.String())
			t.out.Reset()
			id, _ := h.AttributeString("id")
			idText, _ := id.([]byte)
			out = append(out, Section{ID: string(idText), Heading: heading})
			continue
		}
		if bn, ok := n.(*blockNode); ok { // once: block writes a block's text twice
			var line bytes.Buffer
			t.keep(t.r.Block(&line, bn.block))
			t.lines("", line.String())
			t.out.WriteString("\n")
			continue
		}
		t.block(n, "")
	}
	flush()
	if t.err != nil {
		return nil, t.err
	}
	return out, nil
}
