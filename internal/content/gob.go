package content

import (
	"bytes"
	"encoding/gob"
	"time"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/brief-desk/brief/internal/diag"
)

// A parsed briefing travels through the build cache without its markdown
// tree: the tree cannot be encoded, and a build needs it only for the few
// briefings whose pages it renders (or whose mentions it looks for). tree
// parses it again from the body on first use.

type gobBriefing struct {
	File, Slug, Title, Summary string
	Date                       time.Time
	Tags                       []string
	Draft                      bool
	Blocks                     []gobBlock
	Numbers                    []*Numbers
	Inlines                    []*Inline
	Words                      int
	Body                       []byte
	BodyLine                   int
}

// gobBlock carries a block's key positions, which are not exported.
type gobBlock struct {
	Block *Block
	Keys  map[string]diag.Pos
}

// GobEncode encodes the briefing for the build cache.
func (b *Briefing) GobEncode() ([]byte, error) {
	g := gobBriefing{File: b.File, Slug: b.Slug, Title: b.Title, Summary: b.Summary, Date: b.Date, Tags: b.Tags, Draft: b.Draft,
		Numbers: b.Numbers, Inlines: b.Inlines, Words: b.Words, Body: b.body, BodyLine: b.bodyLine}
	for _, blk := range b.Blocks {
		g.Blocks = append(g.Blocks, gobBlock{Block: blk, Keys: blk.keys})
	}
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(g)
	return buf.Bytes(), err
}

// GobDecode decodes a briefing from the build cache; its tree is parsed
// when first needed.
func (b *Briefing) GobDecode(data []byte) error {
	var g gobBriefing
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&g); err != nil {
		return err
	}
	*b = Briefing{File: g.File, Slug: g.Slug, Title: g.Title, Summary: g.Summary, Date: g.Date.UTC(), Tags: g.Tags, Draft: g.Draft,
		Numbers: g.Numbers, Inlines: g.Inlines, Words: g.Words, body: g.Body, bodyLine: g.BodyLine}
	for _, gb := range g.Blocks {
		gb.Block.keys = gb.Keys
		if gb.Block.keys == nil {
			gb.Block.keys = map[string]diag.Pos{}
		}
		b.Blocks = append(b.Blocks, gb.Block)
	}
	return nil
}

// tree is the briefing's markdown tree, with brief's blocks, cards and
// inline values in place: parsed with the briefing, or again from its
// body for a briefing decoded from the cache (it parsed without error
// before, so the errors of this parse are dropped).
func (b *Briefing) tree() ast.Node {
	b.once.Do(func() {
		if b.doc != nil {
			return
		}
		b.doc = newMarkdown(nil).Parser().Parse(text.NewReader(b.body))
		lineOf := func(off int) (int, int) {
			l, c := diag.LineCol(b.body, off)
			return l + b.bodyLine - 1, c
		}
		var errs diag.List
		collectBlocks(b.doc, b.body, b.File, lineOf, &errs)
	})
	return b.doc
}
