// Package content reads briefings: TOML front matter between +++ lines, then
// CommonMark with GitHub tables, footnotes, typographer and heading ids, in
// which fenced ```chart and ```table blocks hold TOML that selects data.
//
// Parsing needs no data: blocks are parsed and checked for their own keys and
// types here, and bound to datasets in a later step (package view), which
// reports unknown datasets and columns at the block's position.
package content

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"weak"

	"github.com/BurntSushi/toml"
	"github.com/gosimple/slug"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/tomlpos"
	"github.com/brief-desk/brief/internal/tomlval"
)

// Briefing is one parsed content/briefings/<slug>.md file.
type Briefing struct {
	File    string // slash path relative to the project
	Slug    string
	Title   string
	Date    time.Time // civil date at UTC midnight
	Summary string
	Tags    []string
	Draft   bool
	Words   int // words of prose, for reading time

	// blocks and inlines: see Blocks and Inlines; named and chart are
	// what the build needs of them for every briefing (Named, Chart).
	blocks  []block.Block
	inlines []*expr.Inline
	named   []string
	chart   *diag.Pos

	body     []byte
	bodyLine int // the file's line the body starts on
	// the markdown tree (use tree): held weakly, so that the collector
	// may drop the tree of a briefing nothing is using, parsed again when
	// asked for; parsed is set once the blocks and inline values are.
	mu     sync.Mutex
	doc    weak.Pointer[ast.Document]
	parsed bool

	// lazy, for a briefing from the cache whose file was not read
	// (Stored.Lazy), reads its body when first needed (Load).
	lazy *lazyBody
}

// lazyBody reads a briefing's body once.
type lazyBody struct {
	once  sync.Once
	start int // where the body starts in the file
	read  func() ([]byte, error)
	err   error
}

var frontKeys = []string{"title", "date", "summary", "tags", "draft", "slug"}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// ValidSlug reports whether s may name a briefing's page.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// MaxInlines is the most inline values a briefing holds, in its prose and
// its cards together: each is a look-up in the data and a row of the
// workbook's "Quoted figures" sheet. Far more than a briefing needs, it
// keeps a hostile one cheap to refuse. Each kind of block has its own cap
// (block.Kind's Max).
const MaxInlines = 1000

// scanned, when a test sets it, is told how many bytes the parser reads to
// place what it found (the line index) and to find where each inline value
// closes: the test checks that this stays linear in a briefing's size.
var scanned func(n int)

func scan(n int) {
	if scanned != nil {
		scanned(n)
	}
}

// bodyLines places offsets of a briefing's body, whose first line is the
// file's line bodyLine. The body's lines are indexed once, so placing many
// things costs a binary search each, not a count from the start.
func bodyLines(body []byte, bodyLine int) func(off int) (line, col int) {
	scan(len(body))
	lines := diag.NewLines(body)
	return func(off int) (int, int) {
		l, c := lines.LineCol(off)
		return l + bodyLine - 1, c
	}
}

// Parse reads a briefing. file is the slash path used in messages; its stem is
// the default slug. The error, if any, is a *diag.List.
func Parse(file string, src []byte) (*Briefing, error) {
	b := &Briefing{File: file}
	var errs diag.List
	at := func(line, col int) diag.Pos { return diag.Pos{File: file, Line: line, Col: col} }

	front, body, bodyLine, err := splitFront(src)
	if err != nil {
		errs.Addf(at(1, 1), "%v", err)
		return nil, &errs
	}
	b.body, b.bodyLine = body, bodyLine
	lineOf := bodyLines(body, bodyLine)
	// The markdown is copied into the page as it is: refuse what the TOML
	// values are refused for, and bytes that are not UTF-8.
	for _, bad := range tomlval.FindBadText(body, 10) {
		errs.Addf(at(lineOf(bad.Offset)), "the text %s", bad.Msg)
	}
	m, ix, se := tomlpos.Decode(front)
	if se != nil {
		errs.Addf(at(se.Pos.Line+1, se.Pos.Col), "front matter: invalid TOML: %s", se.Msg)
		return nil, &errs
	}
	f := &frontParser{file: file, m: m, ix: ix, errs: &errs}
	f.fill(b)
	f.tags(b)
	f.slug(b)

	md := newMarkdown(nil)
	doc := md.Parser().Parse(text.NewReader(body)).(*ast.Document)
	b.blocks, b.inlines, b.Words = collectBlocks(doc, body, file, lineOf, &errs)
	b.doc, b.parsed = weak.Make(doc), true
	if errs.Len() > 0 {
		return nil, &errs
	}
	b.named, b.chart = summariseBlocks(b.blocks, b.inlines)
	return b, nil
}

// Blocks are the briefing's fenced blocks, of every kind, in order. A
// briefing from the build cache has none until its tree is parsed again,
// which this does (reading its file first if it was not: Load).
func (b *Briefing) Blocks() []block.Block {
	b.parse()
	return b.blocks
}

// Inlines are the values quoted in the prose, {{ ... }}, and in cards, in
// order; like Blocks, parsed again for a briefing from the cache.
func (b *Briefing) Inlines() []*expr.Inline {
	b.parse()
	return b.inlines
}

// Named are the ids of the datasets the briefing's blocks and inline
// values name, in order, once each; kept by the build cache, so that the
// blocks of a briefing it does not bind are never parsed.
func (b *Briefing) Named() []string { return b.named }

// Chart is the place of the briefing's first block that may draw with
// ECharts (a chart, or a numbers block's sparklines), or nil.
func (b *Briefing) Chart() *diag.Pos { return b.chart }

// summariseBlocks are the dataset ids blocks and inlines name, and the
// place of the first block that charts.
func summariseBlocks(blocks []block.Block, inlines []*expr.Inline) (named []string, chart *diag.Pos) {
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			named = append(named, id)
		}
	}
	for _, blk := range blocks {
		for _, id := range blk.Datasets() {
			add(id)
		}
		if chart == nil && blk.Charts() {
			pos := blk.Pos()
			chart = &pos
		}
	}
	for _, in := range inlines {
		add(in.Dataset)
	}
	return named, chart
}

// fenceBody is a fenced block's place (the first character of its opening
// fence line), its body, and the column the body starts at.
func fenceBody(f *ast.FencedCodeBlock, src []byte, file string, lineOf func(int) (int, int)) (diag.Pos, *bytes.Buffer, int) {
	start := f.Info.Segment.Start
	fc := bytes.LastIndexByte(src[:start], '\n') + 1
	for fc < start && (src[fc] == ' ' || src[fc] == '\t') {
		fc++
	}
	line, fenceCol := lineOf(fc)
	var body bytes.Buffer
	bodyCol := 1
	for i := 0; i < f.Lines().Len(); i++ {
		seg := f.Lines().At(i)
		if i == 0 {
			_, bodyCol = lineOf(seg.Start)
		}
		body.Write(seg.Value(src))
	}
	return diag.Pos{File: file, Line: line, Col: fenceCol}, &body, bodyCol
}

// frontParser reads a briefing's front matter, reporting every problem at
// its place (lines count from the file's first line, the opening +++).
type frontParser struct {
	file string
	m    map[string]any
	ix   *tomlpos.Index
	errs *diag.List
}

func (f *frontParser) at(line, col int) diag.Pos { return diag.Pos{File: f.file, Line: line, Col: col} }

func (f *frontParser) keyAt(key string) diag.Pos {
	if p, ok := f.ix.Lookup(key); ok {
		return f.at(p.Line+1, p.Col)
	}
	return f.at(1, 1)
}

func (f *frontParser) errorf(key, format string, args ...any) {
	f.errs.Addf(f.keyAt(key), "front matter: "+format, args...)
}

func (f *frontParser) str(key string) string {
	x, ok := f.m[key]
	if !ok {
		return ""
	}
	s, err := tomlval.Text(x)
	if err != nil {
		f.errorf(key, "%s: %v", key, err)
	}
	return s
}

// fill checks the keys and reads title, summary, date and draft.
func (f *frontParser) fill(b *Briefing) {
	for _, k := range slices.Sorted(maps.Keys(f.m)) {
		if !slices.Contains(frontKeys, k) {
			kp := f.ix.Key(k)
			f.errs.Addf(f.at(kp.Line+1, kp.Col), "front matter: %s", tomlval.UnknownKey(k, frontKeys, "keys"))
		}
	}
	b.Title = f.str("title")
	if f.m["title"] == nil {
		f.errorf("title", "a briefing needs a title: add title = \"...\"")
	} else if t, isStr := f.m["title"].(string); isStr && b.Title == "" && tomlval.CheckText(t) == nil {
		f.errorf("title", "title must not be empty")
	}
	b.Summary = f.str("summary")
	switch x := f.m["date"].(type) {
	case nil:
		f.errorf("date", "a briefing needs a date: add date = 2026-01-02")
	case time.Time:
		b.Date = tomlval.DateValue(x).Date()
	default:
		f.errorf("date", "date: want a date such as 2026-01-02, got %s", tomlval.Describe(x))
	}
	if x, ok := f.m["draft"]; ok {
		d, isBool := x.(bool)
		if !isBool {
			f.errorf("draft", "draft: want true or false, got %s", tomlval.Describe(x))
		}
		b.Draft = d
	}
}

// tags reads the tags: short labels with letters or digits, without
// repeats.
func (f *frontParser) tags(b *Briefing) {
	x, ok := f.m["tags"]
	if !ok {
		return
	}
	list, isList := x.([]any)
	if !isList {
		f.errorf("tags", "tags: want a list of strings such as [\"miners\"], got %s", tomlval.Describe(x))
	}
	for i, t := range list {
		key := fmt.Sprintf("tags[%d]", i)
		s, isStr := t.(string)
		s = strings.TrimSpace(s)
		switch {
		case !isStr:
			f.errorf(key, "%s: want a string, got %s", key, tomlval.Describe(t))
		case tomlval.CheckText(s) != nil:
			f.errorf(key, "%s: %v", key, tomlval.CheckText(s))
		case len(s) > 80:
			f.errorf(key, "%s: a tag is a short label; this one has %d characters (at most 80)", key, len(s))
		case TagSlug(s) == "":
			f.errorf(key, "%s: %q has no letters or digits to name its page", key, s)
		case !slices.Contains(b.Tags, s):
			b.Tags = append(b.Tags, s)
		}
	}
}

// slug is the file's name without .md, or the slug key.
func (f *frontParser) slug(b *Briefing) {
	base := f.file[strings.LastIndexByte(f.file, '/')+1:]
	b.Slug = strings.TrimSuffix(base, ".md")
	slugPos := f.at(1, 1)
	if s := f.str("slug"); s != "" {
		b.Slug, slugPos = s, f.keyAt("slug")
	}
	if len(b.Slug) > 100 {
		f.errs.Addf(slugPos, "slug %s is too long for a page name: at most 100 characters (rename the file or set slug = \"...\")", diag.Quote(b.Slug))
	} else if !ValidSlug(b.Slug) {
		f.errs.Addf(slugPos, "invalid slug %s: a briefing's page name uses lower-case letters, digits, '-' and '_' (rename the file or set slug = \"...\")", diag.Quote(b.Slug))
	}
}

// splitFront cuts the +++ front matter off the file. bodyLine is the file line
// on which the body starts.
func splitFront(src []byte) (front, body []byte, bodyLine int, err error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if string(bytes.TrimRight(first, " \t\r")) != "+++" {
		return nil, nil, 0, fmt.Errorf("missing front matter: start the file with a line +++, then title = \"...\" and date = 2026-01-02, then a closing +++")
	}
	line := 2
	off := 0
	for off <= len(rest) {
		end := bytes.IndexByte(rest[off:], '\n')
		next := len(rest) + 1
		if end >= 0 {
			next = off + end + 1
		} else {
			end = len(rest) - off
		}
		if string(bytes.TrimRight(rest[off:off+end], " \t\r")) == "+++" {
			return rest[:off], rest[min(next, len(rest)):], line + 1, nil
		}
		off = next
		line++
	}
	return nil, nil, 0, fmt.Errorf("front matter opened with +++ on line 1 is never closed: add a line +++ after the last key")
}

// Renderers write what brief puts into a briefing's markdown: blocks (of
// every kind) and inline values.
type Renderers struct {
	Block  func(w io.Writer, b block.Block) error
	Inline func(w io.Writer, in *expr.Inline) error
	// Styles, when set, gives elements an inline style attribute, by
	// element name (h2, p, a, li, table, td, ...): for email, where style
	// sheets are not read. Base, when set, makes relative links absolute.
	// Both change the briefing's tree while it renders, so such a render
	// must not run beside another of the same briefing.
	Styles map[string]string
	Base   *url.URL
	// Links make text of the prose links (entity mentions), sorted by
	// Start.
	Links []Link
}

// newMarkdown builds the goldmark instance. r, if not nil, writes brief's
// blocks and inline values in place of their fences and braces.
func newMarkdown(r *Renderers) goldmark.Markdown {
	opts := []goldmark.Option{
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(), parser.WithInlineParsers(util.Prioritized(inlineParser{}, 90))),
	}
	if r != nil {
		nrs := []util.PrioritizedValue{util.Prioritized(nodeRenderer{r}, 100)}
		if len(r.Links) > 0 {
			// Before goldmark's own renderer (priority 1000; the lowest
			// number registers last and wins), for text nodes only.
			nrs = append(nrs, util.Prioritized(linkRenderer{linkText{links: r.Links, plain: plainText()}}, 100))
		}
		opts = append(opts, goldmark.WithRendererOptions(renderer.WithNodeRenderers(nrs...), html.WithXHTML()))
	}
	return goldmark.New(opts...)
}

// Render writes the briefing's HTML body through r. Raw HTML in the
// markdown is left out, as goldmark does by default.
func (b *Briefing) Render(w io.Writer, r Renderers) error {
	doc, src := b.tree(), b.src()
	if r.Styles != nil || r.Base != nil {
		defer restyle(doc, src, r)()
	}
	return newMarkdown(&r).Renderer().Render(w, src, doc)
}

// restyle sets the style attributes and absolute links of r on the tree
// and returns what undoes it.
func restyle(doc ast.Node, src []byte, r Renderers) (undo func()) {
	var undos []func()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if l, ok := n.(*ast.Link); ok && r.Base != nil {
			dest := l.Destination
			if u, err := url.Parse(string(dest)); err == nil && !u.IsAbs() && !strings.HasPrefix(string(dest), "#") {
				l.Destination = []byte(r.Base.ResolveReference(u).String())
				undos = append(undos, func() { l.Destination = dest })
			}
		}
		if style := r.Styles[element(n)]; style != "" {
			saved := slices.Clone(n.Attributes())
			n.SetAttributeString("style", []byte(style))
			undos = append(undos, func() {
				n.RemoveAttributes()
				for _, a := range saved {
					n.SetAttribute(a.Name, a.Value)
				}
			})
		}
		return ast.WalkContinue, nil
	})
	return func() {
		for _, u := range undos {
			u()
		}
	}
}

// element names the HTML element goldmark writes for a node.
func element(n ast.Node) string {
	switch n := n.(type) {
	case *ast.Heading:
		return fmt.Sprintf("h%d", n.Level)
	case *ast.Paragraph:
		return "p"
	case *ast.Blockquote:
		return "blockquote"
	case *ast.List:
		if n.IsOrdered() {
			return "ol"
		}
		return "ul"
	case *ast.ListItem:
		return "li"
	case *ast.Link, *ast.AutoLink: // autolinks: <https://...>, and the URLs GFM's linkify finds in text
		return "a"
	case *ast.CodeSpan:
		return "code"
	case *ast.ThematicBreak:
		return "hr"
	case *east.Table:
		return "table"
	case *east.FootnoteList:
		return "footnotes"
	case *east.Footnote:
		return "footnote"
	case *east.TableCell:
		if _, head := n.Parent().(*east.TableHeader); head {
			return "th"
		}
		return "td"
	}
	return ""
}

// kindBlock is the AST node that replaces a block's fence.
var kindBlock = ast.NewNodeKind("BriefBlock")

type blockNode struct {
	ast.BaseBlock
	block block.Block
}

func (n *blockNode) Kind() ast.NodeKind { return kindBlock }

func (n *blockNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// nodeRenderer writes brief's nodes through the briefing's Renderers.
type nodeRenderer struct{ r *Renderers }

func (nr nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	renderWith(reg, kindBlock, func(w util.BufWriter, n *blockNode) error { return nr.r.Block(w, n.block) })
	renderWith(reg, kindInline, func(w util.BufWriter, n *inlineNode) error { return nr.r.Inline(w, n.inline) })
}

// renderWith registers f for the nodes of kind, which it writes whole.
func renderWith[N ast.Node](reg renderer.NodeRendererFuncRegisterer, kind ast.NodeKind, f func(w util.BufWriter, n N) error) {
	reg.Register(kind, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			if err := f(w, n.(N)); err != nil {
				return ast.WalkStop, err
			}
		}
		return ast.WalkSkipChildren, nil
	})
}

// collectBlocks replaces the fences of registered block kinds with block
// nodes and parses their TOML. In the same walk it counts the words of the
// prose, leaving out code and blocks, for the reading time.
func collectBlocks(doc ast.Node, src []byte, file string, lineOf func(int) (int, int), errs *diag.List) ([]block.Block, []*expr.Inline, int) {
	c := &collector{src: src, file: file, lineOf: lineOf, errs: errs, counts: map[string]int{}}
	var fences []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock:
			if _, ok := block.Lookup(string(n.Language(src))); ok {
				fences = append(fences, n)
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock:
			return ast.WalkSkipChildren, nil
		case *inlineNode:
			c.inline(n)
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			c.words += len(bytes.Fields(n.Segment.Value(src)))
		}
		return ast.WalkContinue, nil
	})
	for _, f := range fences {
		c.fence(f)
	}
	return c.blocks, c.inlines, c.words
}

// collector gathers a briefing's blocks and inline values, and counts its
// words.
type collector struct {
	src     []byte
	file    string
	lineOf  func(int) (int, int)
	errs    *diag.List
	blocks  []block.Block
	inlines []*expr.Inline
	seen    int            // inline values of the prose, with those in error
	full    bool           // MaxInlines was passed, and said so
	counts  map[string]int // blocks of each kind's Group, with those in error
	words   int
}

// tooMany reports, once, an inline value past MaxInlines at pos.
func (c *collector) tooMany(pos diag.Pos, what string) {
	if !c.full {
		c.full = true
		c.errs.Addf(pos, "%s: a briefing holds at most %d inline values, in its prose and its cards (each is a row of its workbook's \"Quoted figures\" sheet); split it into several briefings", what, MaxInlines)
	}
}

// inline parses an inline value of the prose.
func (c *collector) inline(n *inlineNode) {
	c.seen++
	if c.full {
		return
	}
	line, col := c.lineOf(n.offset)
	pos := diag.Pos{File: c.file, Line: line, Col: col}
	switch {
	case c.seen > MaxInlines:
		c.tooMany(pos, "inline value")
		return
	case !n.closed:
		c.errs.Addf(pos, "inline value: {{ has no closing }} on its line; write \\{{ for literal braces")
		return
	}
	in, err := expr.Parse(string(n.expr), pos, len(c.inlines))
	if err != nil {
		c.errs.Add(err)
		return
	}
	n.inline = in
	c.inlines = append(c.inlines, in)
	c.words++
}

// blockInline parses an inline value a block holds (a card's).
func (c *collector) blockInline(text string, pos diag.Pos, what string) (*expr.Inline, error) {
	if c.full || len(c.inlines) >= MaxInlines {
		c.tooMany(pos, what)
		return nil, nil
	}
	in, err := expr.Parse(text, pos, len(c.inlines))
	if err != nil {
		return nil, err
	}
	c.inlines = append(c.inlines, in)
	return in, nil
}

// fence parses a block's fence through its kind and puts its node in its
// place. Past its kind's cap, a block is refused (said once) and not read.
func (c *collector) fence(f *ast.FencedCodeBlock) {
	k, _ := block.Lookup(string(f.Language(c.src)))
	pos, body, bodyCol := fenceBody(f, c.src, c.file, c.lineOf)
	group := cmp.Or(k.Group, k.Name+" blocks")
	c.counts[group]++
	if k.Max > 0 && c.counts[group] > k.Max {
		if c.counts[group] == k.Max+1 {
			c.errs.Addf(pos, "%s block: a briefing holds at most %d %s; split it into several briefings", k.Name, k.Max, group)
		}
		return
	}
	b, err := block.Parse(k, pos, body.Bytes(), bodyCol, len(c.blocks), c.blockInline)
	c.errs.Add(err)
	if b != nil {
		c.blocks = append(c.blocks, b)
		f.Parent().ReplaceChild(f.Parent(), f, &blockNode{block: b})
	}
}

// TagSlug turns a tag into the name of its page: the tag transliterated to
// lower-case ASCII letters and digits (gosimple/slug, as for briefings'
// slugs: "Énergie" is energie, "日本" ri-ben), every other run of
// characters one '-', at most 80 bytes. It is "" when nothing is left. For
// a tag of ASCII letters, digits and punctuation it is LegacyTagSlug's.
func TagSlug(tag string) string {
	if s, ok := tagSlugs.Load(tag); ok {
		return s.(string)
	}
	s := slug.Make(tagSpaces.Replace(tag))
	if len(s) > 80 {
		s = s[:80]
	}
	s = strings.Trim(s, "-")
	// A site has tens of topics, each named on every briefing: slug.Make
	// took a tenth of a preview's rebuild. Bounded against hostile input.
	if tagSlugCount.Add(1) <= maxTagSlugs {
		tagSlugs.Store(tag, s)
	}
	return s
}

var (
	// tagSpaces are read as spaces, as the first tag slugs did:
	// gosimple/slug would spell '&' and '@' "and" and "at", keep '_', and
	// join the words around a quote ("Investor's day" investors-day).
	tagSpaces    = strings.NewReplacer("&", " ", "@", " ", "_", " ", "'", " ", `"`, " ")
	tagSlugs     sync.Map // tag -> TagSlug(tag)
	tagSlugCount atomic.Int64
)

// maxTagSlugs bounds the tags whose slugs are remembered.
const maxTagSlugs = 10000

// LegacyTagSlug is the name brief gave a tag's page until December 2026:
// ASCII letters and digits only ("Énergie" was nergie), other runs of
// characters as one '-'. The build writes a redirect from it to the page
// TagSlug names, where the two differ, so that no published link breaks.
func LegacyTagSlug(tag string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(tag) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

// Slugify turns a title into a file-name slug, as `brief new` does: letters
// with accents lose them and other scripts are transliterated ("Ünïcödé –
// café" becomes unicode-cafe, "日本語" ri-ben-yu), at most 60 characters. It
// returns "" when nothing is left.
func Slugify(title string) string {
	s := slug.Make(strings.ReplaceAll(title, "&", " and "))
	if len(s) > 60 {
		s = s[:60]
	}
	s = strings.Trim(s, "-_")
	if !tomlval.ValidID(s) {
		return ""
	}
	return s
}

// Draft is the file `brief new` writes for a title and date: its name under
// content/briefings/ and its text, a draft with front matter and a hint on
// blocks. A title with nothing to make a slug of is named "briefing".
func Draft(title string, day time.Time) (name string, text []byte, err error) {
	title = strings.TrimSpace(title)
	if err := tomlval.CheckText(title); err != nil {
		return "", nil, fmt.Errorf("the title %v", err)
	}
	if strings.ContainsAny(title, "\r\n") {
		return "", nil, errors.New("the title holds a line break: give it on one line")
	}
	s := cmp.Or(Slugify(title), "briefing")
	var front strings.Builder
	if err := toml.NewEncoder(&front).Encode(map[string]string{"title": title}); err != nil {
		return "", nil, err
	}
	text = []byte("+++\n" + front.String() +
		"date    = " + day.Format(time.DateOnly) + "\n" +
		"summary = \"\"\n" +
		"tags    = []\n" +
		"draft   = true\n" +
		"+++\n\n" +
		"Write the commentary here.\n\n" +
		"<!-- Embed data with a fenced chart or table block, for example:\n\n" +
		"```chart\ndataset = \"hashprice\"\nfrom    = 2025-07-01\n```\n\n" +
		"The dataset is the name of a file in data/ without .toml. See docs/format.md. -->\n")
	return day.Format(time.DateOnly) + "-" + s + ".md", text, nil
}
