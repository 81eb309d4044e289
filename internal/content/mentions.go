package content

import (
	stdhtml "html"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/brief-desk/brief/internal/expr"
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

// Matcher finds terms in prose; made once for a project's terms, it serves
// every briefing. Its terms are sorted, so that the terms that start with
// the prose at a place are found by narrowing a range of them a byte at a
// time (a trie kept as a sorted list): the work at a place is a binary
// search for each byte that some term shares with the prose there, so it
// grows with the prose, and with the number of terms as its logarithm.
type Matcher struct {
	texts  []string // the terms' texts, sorted, each once
	entity []int    // the entity of texts[i]: of the first term with that text
	starts [256]bool
}

// NewMatcher makes the Matcher of terms; an empty term is left out.
func NewMatcher(terms []Term) *Matcher {
	terms = slices.Clone(terms)
	slices.SortStableFunc(terms, func(a, b Term) int { return strings.Compare(a.Text, b.Text) })
	m := &Matcher{}
	for _, t := range terms {
		if t.Text == "" || (len(m.texts) > 0 && m.texts[len(m.texts)-1] == t.Text) {
			continue
		}
		m.texts = append(m.texts, t.Text)
		m.entity = append(m.entity, t.Entity)
		m.starts[t.Text[0]] = true
	}
	return m
}

// compared, when a test sets it, is told how many comparisons with terms
// the mention search made, to check how the work grows.
var compared func(n int)

// Mentions finds the first mention of each entity in the prose: a term as
// a whole word (letters and digits of any script; "Hut 8" is found in
// "Hut 8's", "HUT" not in "HUTCHISON"), matched as written, the longest
// term first where two start at one place ("Constellation Energy" before
// "Constellation"). Code, headings, link text and brief's blocks are not
// prose. figure gives an inline value's text, for the sentences.
func (b *Briefing) Mentions(m *Matcher, figure func(*expr.Inline) string) []Mention {
	found := map[int]bool{}
	var out []Mention
	var block *blockText // the block of the last mention
	_ = ast.Walk(b.tree(), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Heading, *ast.CodeSpan, *ast.FencedCodeBlock, *ast.CodeBlock, *ast.Link, *ast.AutoLink, *ast.RawHTML,
			*ast.HTMLBlock, *ast.Image, *blockNode, *inlineNode, *east.FootnoteLink:
			return ast.WalkSkipChildren, nil
		}
		t, ok := n.(*ast.Text)
		if !ok {
			return ast.WalkContinue, nil
		}
		seg := t.Segment
		text := b.src()[seg.Start:seg.Stop]
		for at := 0; at < len(text); {
			if i, ok := m.termAt(text, at); ok && !found[m.entity[i]] {
				found[m.entity[i]] = true
				start := seg.Start + at
				block = b.blockOf(t, block, figure)
				out = append(out, Mention{Entity: m.entity[i], Start: start, End: start + len(m.texts[i]),
					Sentence: block.sentence(start)})
			}
			_, size := utf8.DecodeRune(text[at:])
			at += size
		}
		return ast.WalkContinue, nil
	})
	return out
}

// termAt is the longest term that starts at text[at] as a whole word: the
// index of its text.
func (m *Matcher) termAt(text []byte, at int) (int, bool) {
	if !m.starts[text[at]] {
		return 0, false
	}
	if at > 0 {
		if r, _ := utf8.DecodeLastRune(text[:at]); wordRune(r) {
			return 0, false
		}
	}
	// texts[lo:hi] are the terms that start with text[at:at+d].
	lo, hi, best, cmps := 0, len(m.texts), -1, 0
	for d := 0; lo < hi; d++ {
		if len(m.texts[lo]) == d { // the term text[at:at+d] itself, sorted first
			if end := at + d; end == len(text) || !wordRune(firstRune(text[end:])) {
				best = lo
			}
			lo++
		}
		if at+d == len(text) {
			break
		}
		c, texts := text[at+d], m.texts[lo:hi]
		i := sort.Search(len(texts), func(k int) bool { cmps++; return texts[k][d] >= c })
		j := i + sort.Search(len(texts)-i, func(k int) bool { cmps++; return texts[i+k][d] > c })
		lo, hi = lo+i, lo+j
	}
	if compared != nil {
		compared(cmps)
	}
	return best, best >= 0
}

func firstRune(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}

func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// sentenceReach is how far, in bytes, a mention's sentence reaches on
// each side of the mention: a longer sentence is cut, with an ellipsis.
const sentenceReach = 240

// blockText is the text of a block as a reader sees it (inline values as
// their figures), made once for all the mentions in the block.
type blockText struct {
	block ast.Node
	text  string
	segs  []textAt // the block's text nodes, in order
}

// textAt places a text node's bytes Start..Stop of the body at Off in the
// block's text.
type textAt struct{ start, stop, off int }

// blockOf is the block that holds t, with its text: last if it is that
// block, else made.
func (b *Briefing) blockOf(t *ast.Text, last *blockText, figure func(*expr.Inline) string) *blockText {
	block := ast.Node(t)
	for block.Parent() != nil && block.Type() != ast.TypeBlock {
		block = block.Parent()
	}
	if last != nil && last.block == block {
		return last
	}
	bt := &blockText{block: block}
	var buf strings.Builder
	_ = ast.Walk(block, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			bt.segs = append(bt.segs, textAt{n.Segment.Start, n.Segment.Stop, buf.Len()})
			buf.Write(n.Segment.Value(b.src()))
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
	bt.text = buf.String()
	scan(len(bt.text))
	return bt
}

// sentence is the sentence of the block that holds the byte at offset pos
// of the body; past sentenceReach on either side of pos it is cut at a
// space, with an ellipsis.
func (bt *blockText) sentence(pos int) string {
	i, found := slices.BinarySearchFunc(bt.segs, pos, func(s textAt, pos int) int { return s.start - pos })
	if !found {
		i--
	}
	if i < 0 || pos >= bt.segs[i].stop {
		return strings.TrimSpace(bt.text)
	}
	text := bt.text
	at := bt.segs[i].off + pos - bt.segs[i].start
	lo, hi := max(0, at-sentenceReach), min(len(text), at+sentenceReach)
	scan(hi - lo)
	start, end := lo, hi
	for i := at - 1; i > lo; i-- {
		if strings.ContainsRune(".!?", rune(text[i-1])) && text[i] == ' ' {
			start = i + 1
			break
		}
	}
	for i := at; i < hi-1; i++ {
		if strings.ContainsRune(".!?", rune(text[i])) && text[i+1] == ' ' {
			end = i + 1
			break
		}
	}
	before, after := "", ""
	if start == lo && lo > 0 {
		before = "…"
		if sp := strings.IndexByte(text[lo:at], ' '); sp >= 0 {
			start = lo + sp + 1
		}
		for start < at && !utf8.RuneStart(text[start]) {
			start++
		}
	}
	if end == hi && hi < len(text) {
		after = "…"
		if sp := strings.LastIndexByte(text[at:hi], ' '); sp > 0 {
			end = at + sp
		}
		for end > at && !utf8.RuneStart(text[end]) {
			end--
		}
	}
	return before + strings.TrimSpace(text[start:end]) + after
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
		if l.Start < at || l.End > t.Segment.Stop {
			continue // links are made apart and within a text node; never write one that is not
		}
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
