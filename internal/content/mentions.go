package content

import (
	"bytes"
	stdhtml "html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Term is a name to look for in a briefing's prose: an entity's name,
// ticker or alias.
type Term struct {
	Text   string
	Entity int
}

// Mention is the first place a briefing's prose names an entity.
type Mention struct {
	Entity     int
	Start, End int    // byte offsets of the name in the briefing's body
	Sentence   string // the sentence it is in, as a reader sees it
}

// Mentions finds the first mention of each entity in the prose: a term as
// a whole word (letters and digits of any script; "Hut 8" is found in
// "Hut 8's", "HUT" not in "HUTCHISON"), matched as written, the longest
// term first where two start at one place ("Constellation Energy" before
// "Constellation"). Code, headings, link text and brief's blocks are not
// prose. figure gives an inline value's text, for the sentences.
func (b *Briefing) Mentions(terms []Term, figure func(*Inline) string) []Mention {
	terms = slices.Clone(terms)
	slices.SortStableFunc(terms, func(a, b Term) int { return len(b.Text) - len(a.Text) })
	byFirst := map[byte][]Term{} // the terms by their first byte, longest first
	for _, t := range terms {
		if t.Text != "" {
			byFirst[t.Text[0]] = append(byFirst[t.Text[0]], t)
		}
	}
	found := map[int]bool{}
	var out []Mention
	_ = ast.Walk(b.tree(), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Heading, *ast.CodeSpan, *ast.FencedCodeBlock, *ast.CodeBlock, *ast.Link, *ast.AutoLink, *ast.RawHTML,
			*ast.HTMLBlock, *ast.Image, *blockNode, *numbersNode, *inlineNode, *east.FootnoteLink:
			return ast.WalkSkipChildren, nil
		}
		t, ok := n.(*ast.Text)
		if !ok {
			return ast.WalkContinue, nil
		}
		seg := t.Segment
		text := b.body[seg.Start:seg.Stop]
		for at := 0; at < len(text); {
			if term, ok := termAt(text, at, byFirst[text[at]]); ok && !found[term.Entity] {
				found[term.Entity] = true
				start := seg.Start + at
				out = append(out, Mention{Entity: term.Entity, Start: start, End: start + len(term.Text),
					Sentence: sentence(b, t, start, figure)})
			}
			_, size := utf8.DecodeRune(text[at:])
			at += size
		}
		return ast.WalkContinue, nil
	})
	return out
}

// termAt is the longest term that starts at text[at] as a whole word.
func termAt(text []byte, at int, terms []Term) (Term, bool) {
	if at > 0 {
		if r, _ := utf8.DecodeLastRune(text[:at]); wordRune(r) {
			return Term{}, false
		}
	}
	for _, t := range terms {
		end := at + len(t.Text)
		if t.Text == "" || !bytes.HasPrefix(text[at:], []byte(t.Text)) {
			continue
		}
		if end < len(text) {
			if r, _ := utf8.DecodeRune(text[end:]); wordRune(r) {
				continue
			}
		}
		return t, true
	}
	return Term{}, false
}

func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// sentence is the sentence of the block around t that holds the byte at
// offset pos, as text (inline values as their figures).
func sentence(b *Briefing, t *ast.Text, pos int, figure func(*Inline) string) string {
	block := ast.Node(t)
	for block.Parent() != nil && block.Type() != ast.TypeBlock {
		block = block.Parent()
	}
	var buf strings.Builder
	at := -1
	_ = ast.Walk(block, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			if n.Segment.Start <= pos && pos < n.Segment.Stop {
				at = buf.Len() + pos - n.Segment.Start
			}
			buf.Write(n.Segment.Value(b.body))
			if n.SoftLineBreak() || n.HardLineBreak() {
				buf.WriteByte(' ')
			}
		case *ast.String:
			buf.WriteString(stdhtml.UnescapeString(string(n.Value)))
		case *inlineNode:
			if figure != nil {
				buf.WriteString(figure(n.inline))
			}
			return ast.WalkSkipChildren, nil
		case *east.FootnoteLink:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	text := buf.String()
	if at < 0 {
		return strings.TrimSpace(text)
	}
	start, end := 0, len(text)
	for i := at - 1; i > 0; i-- {
		if strings.ContainsRune(".!?", rune(text[i-1])) && text[i] == ' ' {
			start = i + 1
			break
		}
	}
	for i := at; i < len(text)-1; i++ {
		if strings.ContainsRune(".!?", rune(text[i])) && text[i+1] == ' ' {
			end = i + 1
			break
		}
	}
	return strings.TrimSpace(text[start:end])
}

// Link makes the text at Start..End of a briefing's body a link to Href.
type Link struct {
	Start, End int
	Href       string
	Title      string
}

// linkText renders text nodes, writing the links of r.Links inside them;
// goldmark's own renderer writes every other text node.
type linkText struct {
	links []Link
	plain renderTextFunc
}

type renderTextFunc = renderer.NodeRendererFunc

// render writes a text node with its links.
func (lt linkText) render(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	t := n.(*ast.Text)
	i, _ := slices.BinarySearchFunc(lt.links, t.Segment.Start, func(l Link, start int) int { return l.Start - start })
	if !entering || i == len(lt.links) || lt.links[i].Start >= t.Segment.Stop {
		return lt.plain(w, src, n, entering)
	}
	// Each piece is written by goldmark's own text renderer, so escapes
	// and entities come out as everywhere else.
	piece := func(start, stop int, last bool) {
		p := ast.NewTextSegment(text.NewSegment(start, stop))
		if last {
			p.SetSoftLineBreak(t.SoftLineBreak())
			p.SetHardLineBreak(t.HardLineBreak())
		}
		_, _ = lt.plain(w, src, p, true)
	}
	at := t.Segment.Start
	for ; i < len(lt.links) && lt.links[i].Start < t.Segment.Stop; i++ {
		l := lt.links[i]
		piece(at, l.Start, false)
		_, _ = w.WriteString(`<a class="entity" href="` + string(util.EscapeHTML(util.URLEscape([]byte(l.Href), false))) + `" title="` + string(util.EscapeHTML([]byte(l.Title))) + `">`)
		piece(l.Start, l.End, false)
		_, _ = w.WriteString("</a>")
		at = l.End
	}
	piece(at, t.Segment.Stop, true)
	return ast.WalkContinue, nil
}

// plainText is goldmark's renderer of text nodes.
func plainText() renderTextFunc {
	var f renderTextFunc
	html.NewRenderer(html.WithXHTML()).RegisterFuncs(registerFunc(func(k ast.NodeKind, fn renderTextFunc) {
		if k == ast.KindText {
			f = fn
		}
	}))
	return f
}

type registerFunc func(ast.NodeKind, renderTextFunc)

func (r registerFunc) Register(k ast.NodeKind, fn renderer.NodeRendererFunc) { r(k, fn) }

// linkRenderer registers linkText for text nodes.
type linkRenderer struct{ lt linkText }

func (l linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindText, l.lt.render)
}
