package content

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// Text writes the briefing as plain text, for the text part of an email:
// paragraphs as lines of text, headings underlined, list items with a dash,
// quotes with "> ", links as "text <url>", and blocks, cards and inline
// values through r (which write text, not HTML).
func (b *Briefing) Text(w io.Writer, r Renderers) error {
	if r.Base != nil {
		defer restyle(b.tree(), b.src(), Renderers{Base: r.Base})()
	}
	t := &textWriter{src: b.src(), r: r}
	for n := b.tree().FirstChild(); n != nil; n = n.NextSibling() {
		t.block(n, "")
	}
	if t.err != nil {
		return t.err
	}
	_, err := w.Write(bytes.TrimSpace(t.out.Bytes()))
	return err
}

type textWriter struct {
	src []byte
	r   Renderers
	out bytes.Buffer
	err error
	// plain leaves out link addresses (the search index's sections).
	plain bool
}

// block writes a block node and a blank line after it; prefix starts each
// of its lines (quotes).
func (t *textWriter) block(n ast.Node, prefix string) {
	var line bytes.Buffer
	switch n := n.(type) {
	case *ast.Heading:
		t.inlines(&line, n)
		t.lines(prefix, line.String())
		mark := "-"
		if n.Level <= 2 {
			mark = "="
		}
		t.lines(prefix, strings.Repeat(mark, min(len([]rune(line.String())), 72)))
	case *ast.Paragraph, *ast.TextBlock:
		t.inlines(&line, n)
		t.lines(prefix, line.String())
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			t.block(c, prefix+"> ")
		}
		return
	case *ast.List:
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			var text bytes.Buffer
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				t.inlines(&text, c)
				text.WriteByte(' ')
			}
			t.lines(prefix, "- "+strings.TrimSpace(text.String()))
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			t.lines(prefix, "    "+strings.TrimRight(string(seg.Value(t.src)), "\n"))
		}
	case *east.Table:
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			var cells []string
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				var cell bytes.Buffer
				t.inlines(&cell, c)
				cells = append(cells, cell.String())
			}
			t.lines(prefix, strings.Join(cells, " | "))
		}
	case *east.FootnoteList:
		for fn := n.FirstChild(); fn != nil; fn = fn.NextSibling() {
			var text bytes.Buffer
			for c := fn.FirstChild(); c != nil; c = c.NextSibling() {
				t.inlines(&text, c)
			}
			t.lines(prefix, fmt.Sprintf("[%d] %s", fn.(*east.Footnote).Index, strings.TrimSpace(text.String())))
		}
	case *blockNode:
		t.keep(t.r.Block(&line, n.block))
		t.lines(prefix, line.String())
	default:
		return // thematic breaks and raw HTML are left out
	}
	t.out.WriteString(strings.TrimRight(prefix, " ") + "\n")
}

// lines writes text, each line after prefix.
func (t *textWriter) lines(prefix, text string) {
	for l := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		t.out.WriteString(prefix + l + "\n")
	}
}

func (t *textWriter) keep(err error) {
	if t.err == nil {
		t.err = err
	}
}

// inlines writes the text of n's inline children.
func (t *textWriter) inlines(w *bytes.Buffer, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			w.Write(c.Segment.Value(t.src))
			if c.SoftLineBreak() {
				w.WriteByte(' ')
			}
			if c.HardLineBreak() {
				w.WriteByte('\n')
			}
		case *ast.String: // typographer's quotes and dashes, as entities
			w.WriteString(html.UnescapeString(string(c.Value)))
		case *ast.CodeSpan:
			t.inlines(w, c)
		case *ast.Link:
			t.inlines(w, c)
			if !t.plain {
				w.WriteString(" <" + string(c.Destination) + ">")
			}
		case *ast.AutoLink:
			w.Write(c.URL(t.src))
		case *inlineNode:
			t.keep(t.r.Inline(w, c.inline))
		case *east.FootnoteLink:
			fmt.Fprintf(w, "[%d]", c.Index)
		case *ast.RawHTML, *east.FootnoteBacklink:
		default:
			t.inlines(w, c)
		}
	}
}
