package content

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/brief-desk/brief/internal/expr"
)

// kindInline is the AST node of an inline value.
var kindInline = ast.NewNodeKind("BriefInline")

type inlineNode struct {
	ast.BaseInline
	expr   []byte // between the braces
	offset int    // of the opening braces in the body
	closed bool
	inline *expr.Inline // set when the briefing is parsed
}

func (n *inlineNode) Kind() ast.NodeKind { return kindInline }

func (n *inlineNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// unclosedKey holds, in a parse's context, the rest of a line from a {{
// that has no }} after it on its line.
var unclosedKey = parser.NewContextKey()

// inlineParser finds {{ ... }} in running text. Code spans are parsed
// before it reaches their text, fenced code is not inline, and \{{ is an
// escaped brace followed by a lone one: all stay literal.
type inlineParser struct{}

func (inlineParser) Trigger() []byte { return []byte{'{'} }

func (inlineParser) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if !bytes.HasPrefix(line, []byte("{{")) {
		return nil
	}
	n := &inlineNode{offset: seg.Start}
	// A line of many {{ and no }} would be read to its end from each of
	// them: once one found no }}, the rest of the line has none.
	end := -1
	if open, _ := pc.Get(unclosedKey).(text.Segment); seg.Start < open.Start || seg.Start >= open.Stop {
		end = bytes.Index(line[2:], []byte("}}"))
		if end < 0 {
			scan(len(line))
			pc.Set(unclosedKey, seg)
		} else {
			scan(2 + end + 2)
		}
	}
	if end < 0 {
		n.expr = bytes.TrimRight(line[2:], "\r\n")
		block.Advance(2)
		return n
	}
	n.expr, n.closed = line[2:2+end], true
	block.Advance(2 + end + 2)
	return n
}
