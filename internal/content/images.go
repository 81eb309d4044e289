package content

import (
	"github.com/yuin/goldmark/ast"

	"github.com/brief-desk/brief/internal/diag"
)

// Image is an image written in a briefing's prose, ![alt](destination) or
// ![alt][reference], at the place of its "![".
type Image struct {
	Pos  diag.Pos
	Dest string // as written (a reference's destination for ![alt][ref])
}

// Images lists the images of the prose, in order. The site shows them as
// written; an email cannot (brief mail refuses them).
func (b *Briefing) Images() []Image {
	var out []Image
	var lineOf func(int) (int, int) // one line index, made at the first image
	_ = ast.Walk(b.tree(), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan, *ast.FencedCodeBlock, *ast.CodeBlock, *blockNode, *inlineNode:
			return ast.WalkSkipChildren, nil
		case *ast.Image:
			pos := diag.Pos{File: b.File}
			if off := n.Pos(); off >= 0 {
				if lineOf == nil {
					lineOf = bodyLines(b.src(), b.bodyLine)
				}
				pos.Line, pos.Col = lineOf(off)
			}
			out = append(out, Image{Pos: pos, Dest: string(n.Destination)})
		}
		return ast.WalkContinue, nil
	})
	return out
}
