// Package block holds brief's block kinds: the fenced blocks of a briefing
// (```chart, ```table, ```changes, ```numbers) that select data and show it.
// A kind is one Kind registered once (Register), the way goldmark registers
// a node's renderer: it reads its TOML with located errors (Parser), binds
// to the datasets as they stood on the briefing's date (Context), and a
// bound block renders itself to every output (Env: page, email, text) and
// gives the tables its workbook sheets and CSV files hold (Tables).
//
// The package knows datasets and the views drawn from them, not markdown
// (package content finds the fences and asks Lookup), templates or files
// (package render gives each output's Env).
package block

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/view"
)

// Kind is one kind of block.
type Kind struct {
	// Name is the fence's info string, as in ```chart.
	Name string
	// Parse reads a block's TOML through p. It returns nil when it
	// reported a problem through p.
	Parse func(p *Parser) Block
	// Max caps how many blocks a briefing holds of every kind whose Group
	// is this one's; Group says what is counted, for the message ("numbers
	// blocks"). A zero Max is no cap.
	Max   int
	Group string
}

// A Block is a parsed block: what the markdown asks for. Kinds embed Base,
// which gives all but Datasets and Bind. The build cache does not keep
// blocks: a briefing's are parsed again from its file when needed.
type Block interface {
	Kind() string       // the kind's name
	Pos() diag.Pos      // the opening fence
	Index() int         // 0-based among the briefing's blocks
	Charts() bool       // it may draw with ECharts: the site then needs ECharts
	Datasets() []string // the datasets it names, for the keys of its binding
	// Bind resolves the block against the datasets as they stood on the
	// briefing's date. The error is a *diag.List or a *diag.Error.
	Bind(c *Context) (Bound, error)
}

// Bound is a block bound to its data, ready to render.
type Bound interface {
	// Tables are the rows it shows, each a sheet of the briefing's workbook
	// and a CSV file beside its page, in order. Everything a bound block
	// shows from the data is in its tables or in the briefing's figures,
	// which the outputs' keys cover.
	Tables() []*view.View
	// Render writes the block in env's output.
	Render(w io.Writer, env *Env) error
}

// Output is what a block renders into.
type Output int

// The outputs.
const (
	Page  Output = iota // the briefing's web page (and its printed edition)
	Email               // the HTML part of its email
	Text                // plain text: the email's text part, the search index
)

// Env is what a bound block renders with, in one output. render gives it.
type Env struct {
	Output Output
	// Template runs one of the site's templates.
	Template func(w io.Writer, name string, data any) error
	// View draws a table or chart view as this output draws one, with its
	// title, source and notes.
	View func(w io.Writer, v *view.View) error
	// Figure writes an inline value as this output writes one.
	Figure func(w io.Writer, f *view.Figure) error
	// Charts tells the page that the block draws with ECharts. Nil outside
	// pages.
	Charts func()
}

// Context is what a block binds with.
type Context struct {
	Date     time.Time // the briefing's date
	Previous time.Time // the date of the published briefing before it, or zero
	IDs      []string  // every dataset's id, for suggestions
	// Find returns the dataset with the id, or nil.
	Find func(id string) *dataset.Dataset
	// Figures are the briefing's inline values, bound, by Index; nil where
	// one failed (its error is reported).
	Figures []*view.Figure
}

// Data is the dataset with the id as it stood on the briefing's date, or
// false when there is none.
func (c *Context) Data(id string) (dataset.AsOf, bool) {
	d := c.Find(id)
	if d == nil {
		return dataset.AsOf{}, false
	}
	return d.On(c.Date), true
}

var (
	mu    sync.RWMutex
	kinds = map[string]Kind{}
)

// Register adds a kind of block. A kind registered twice, or without a
// name or Parse, is a programming error, and panics.
func Register(k Kind) {
	mu.Lock()
	defer mu.Unlock()
	if k.Name == "" || k.Parse == nil {
		panic("block: Register needs a Name and Parse")
	}
	if _, dup := kinds[k.Name]; dup {
		panic(fmt.Sprintf("block: kind %q registered twice", k.Name))
	}
	kinds[k.Name] = k
}

// Lookup returns the kind a fence's info string names.
func Lookup(name string) (Kind, bool) {
	mu.RLock()
	defer mu.RUnlock()
	k, ok := kinds[name]
	return k, ok
}

// Names lists the registered kinds, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return slices.Sorted(maps.Keys(kinds))
}

// Base is what every block has; kinds embed it.
type Base struct {
	Name  string // the kind
	Fence diag.Pos
	N     int                 // 0-based among the briefing's blocks
	Keys  map[string]diag.Pos // where each key's value is
	Draws bool                // may draw with ECharts
}

// Kind names the block's kind.
func (b *Base) Kind() string { return b.Name }

// Pos is the opening fence.
func (b *Base) Pos() diag.Pos { return b.Fence }

// Index is the block's place among the briefing's blocks.
func (b *Base) Index() int { return b.N }

// Charts reports whether the block may draw with ECharts.
func (b *Base) Charts() bool { return b.Draws }

// KeyPos is the position of a key's value in the block, or the fence's.
func (b *Base) KeyPos(key string) diag.Pos {
	if p, ok := b.Keys[key]; ok {
		return p
	}
	return b.Fence
}

// Has reports whether the block set a key.
func (b *Base) Has(key string) bool {
	_, ok := b.Keys[key]
	return ok
}
