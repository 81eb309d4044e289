package content

import (
	"errors"
	"time"
	"weak"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/brief-desk/brief/internal/diag"
)

// A parsed briefing travels through the build cache as a Stored value,
// without its markdown tree or its blocks: the tree cannot be encoded, and
// a build needs it and the blocks only for the few briefings whose files
// it makes (or whose mentions it looks for). tree parses both again from
// the body on first use. Decoding every briefing's blocks, gob interfaces
// one by one, was half of reading the cache in a weekly publish; what the
// build needs of every briefing's blocks (the datasets they name, whether
// they chart) is kept instead.

// Stored is a parsed briefing as the build cache keeps it (with
// encoding/gob): plain exported fields, so that the cache can encode many
// briefings in one gob stream and describe their types once.
type Stored struct {
	File, Slug, Title, Summary string
	Date                       time.Time
	Tags                       []string
	Draft                      bool
	Named                      []string  // Briefing.Named
	Chart                      *diag.Pos // Briefing.Chart
	Words                      int
	BodyStart                  int // where the body starts in the file
	BodyLine                   int
}

// Store returns what the build cache keeps of the briefing parsed from src,
// which is all but the body: the cache finds it again in the same bytes. It
// shares the briefing's values: encode it before anything changes them.
func (b *Briefing) Store(src []byte) *Stored {
	s := &Stored{File: b.File, Slug: b.Slug, Title: b.Title, Summary: b.Summary, Date: b.Date, Tags: b.Tags, Draft: b.Draft,
		Named: b.named, Chart: b.chart, Words: b.Words, BodyStart: len(src) - len(b.body), BodyLine: b.bodyLine}
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
		named: s.Named, chart: s.Chart, Words: s.Words, body: src[s.BodyStart:], bodyLine: s.BodyLine}
	return b, nil
}

// Lazy is the briefing s was stored from, when its file is known to hold
// the bytes it was parsed from without reading them (the build's record
// of the files it read): read reads them when the body is first needed
// (Load), and must refuse bytes that are not those. It takes s's values.
func (s *Stored) Lazy(read func() ([]byte, error)) (*Briefing, error) {
	if s.BodyStart < 0 {
		return nil, errors.New("stored briefing does not fit its file")
	}
	b := &Briefing{File: s.File, Slug: s.Slug, Title: s.Title, Summary: s.Summary, Date: s.Date.UTC(), Tags: s.Tags, Draft: s.Draft,
		named: s.Named, chart: s.Chart, Words: s.Words, bodyLine: s.BodyLine, lazy: &lazyBody{start: s.BodyStart, read: read}}
	return b, nil
}

// Load reads the body of a briefing from the cache whose file was not read
// (Lazy), once, and returns what stopped it: the file is gone, cannot be
// read, or no longer holds the bytes the briefing was parsed from. Every
// method that needs the body loads it; a build calls Load first, so that
// it stops with the error. A parsed briefing has its body: nil.
func (b *Briefing) Load() error {
	lz := b.lazy
	if lz == nil {
		return nil
	}
	lz.once.Do(func() {
		src, err := lz.read()
		switch {
		case err != nil:
			lz.err = err
		case lz.start > len(src):
			lz.err = diag.Errorf(diag.Pos{File: b.File}, "the file changed while brief was building; build again")
		default:
			b.body = src[lz.start:]
		}
	})
	return lz.err
}

// src is the briefing's body, read first if it is not yet (Load; on an
// error, none).
func (b *Briefing) src() []byte {
	_ = b.Load()
	return b.body
}

// parse parses the briefing's tree unless its blocks and inline values
// are known.
func (b *Briefing) parse() {
	b.mu.Lock()
	parsed := b.parsed
	b.mu.Unlock()
	if !parsed {
		b.tree()
	}
}

// tree is the briefing's markdown tree, with brief's blocks, cards and
// inline values in place: the one parsed with the briefing while anything
// still holds it, or parsed again from its body (a briefing decoded from
// the cache, or one whose tree the collector dropped: a build of 10,000
// briefings kept every tree to the end, a quarter of its peak memory).
// The first parse sets the blocks and inline values; a later one keeps
// them, since renderers find blocks and values by index (the same bytes
// parsed without error before, so the errors of this parse are dropped).
func (b *Briefing) tree() ast.Node {
	b.mu.Lock()
	defer b.mu.Unlock()
	if doc := b.doc.Value(); doc != nil {
		return doc
	}
	src := b.src()
	doc := newMarkdown(nil).Parser().Parse(text.NewReader(src)).(*ast.Document)
	var errs diag.List
	blocks, inlines, _ := collectBlocks(doc, src, b.File, bodyLines(src, b.bodyLine), &errs)
	if !b.parsed {
		b.blocks, b.inlines, b.parsed = blocks, inlines, true
	}
	b.doc = weak.Make(doc)
	return doc
}
