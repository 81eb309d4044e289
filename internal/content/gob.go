package content

import (
	"errors"
	"slices"
	"time"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
)

// A parsed briefing travels through the build cache as a Stored value,
// without its markdown tree: the tree cannot be encoded, and a build needs
// it only for the few briefings whose pages it renders (or whose mentions
// it looks for). tree parses it again from the body on first use.

// Stored is a parsed briefing as the build cache keeps it (with
// encoding/gob): plain exported fields, so that the cache can encode many
// briefings in one gob stream and describe their types once.
type Stored struct {
	File, Slug, Title, Summary string
	Date                       time.Time
	Tags                       []string
	Draft                      bool
	Blocks                     []block.Block // the kinds register their types with gob
	Inlines                    []*expr.Inline
	Words                      int
	BodyStart                  int // where the body starts in the file
	BodyLine                   int
}

// Store returns what the build cache keeps of the briefing parsed from src,
// which is all but the body: the cache finds it again in the same bytes. It
// shares the briefing's values: encode it before anything changes them.
func (b *Briefing) Store(src []byte) *Stored {
	s := &Stored{File: b.File, Slug: b.Slug, Title: b.Title, Summary: b.Summary, Date: b.Date, Tags: b.Tags, Draft: b.Draft,
		Blocks: b.Blocks, Inlines: b.Inlines, Words: b.Words, BodyStart: len(src) - len(b.body), BodyLine: b.bodyLine}
	return s
}

// Briefing is the briefing s was stored from, given the same file's bytes;
// its tree is parsed when first needed. It takes s's values: s is not to
// be used after.
func (s *Stored) Briefing(src []byte) (*Briefing, error) {
	if s.BodyStart < 0 || s.BodyStart > len(src) {
		return nil, errors.New("stored briefing does not fit its file")
	}
	b := &Briefing{File: s.File, Slug: s.Slug, Title: s.Title, Summary: s.Summary, Date: s.Date.UTC(), Tags: s.Tags, Draft: s.Draft,
		Blocks: s.Blocks, Inlines: s.Inlines, Words: s.Words, body: src[s.BodyStart:], bodyLine: s.BodyLine}
	if slices.Contains(b.Blocks, nil) {
		return nil, errors.New("stored briefing has a block of no kind")
	}
	return b, nil
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
		var errs diag.List
		collectBlocks(b.doc, b.body, b.File, bodyLines(b.body, b.bodyLine), &errs)
	})
	return b.doc
}
