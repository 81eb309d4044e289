package build

import (
	"context"
	"runtime/trace"
	"sync"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/projectfs"
	"github.com/brief-desk/brief/internal/publish"
	"github.com/brief-desk/brief/internal/render"
)

// Engine builds one project again and again in memory, reusing what did not
// change since the last build: files are re-read and hashed every time (so
// no change is ever missed), but only changed files are parsed, and only
// outputs whose keys changed are made. The result is byte for byte what
// Build writes to disk (but for the manifest, which only a folder has). Not
// safe for concurrent use.
type Engine struct {
	opts Options
	memo project.Memo
	rmem render.Memo
	mem  memCache
	last *project.Project // the project of the last good build, for Email
	// lastFiles are the files of the last good build, for Email: the
	// memory cache may still hold a path that build no longer has.
	lastFiles map[string][]byte
}

// NewEngine makes an engine for the project in opts.Src. It prints no PDF:
// the preview shows pages, and a PDF per save would cost seconds.
func NewEngine(opts Options) *Engine {
	opts.PDF, opts.NoPDF = false, true
	return &Engine{opts: opts}
}

// Snapshot is one complete build in memory.
type Snapshot struct {
	Files    map[string][]byte // slash path under the site root -> bytes
	Warnings []*diag.Error
	Elapsed  time.Duration
}

// Changes are what a watcher saw change in the project since the last
// build (Rebuild).
type Changes = projectfs.Changes

// Build builds the project. On error the previous snapshot stays valid.
func (e *Engine) Build(ctx context.Context) (*Snapshot, error) { return e.Rebuild(ctx, nil) }

// Rebuild builds the project after changes, what its watcher saw change
// since the last build (nil: anything may have): a listed file they do not
// name is taken as the last build found it, without stating it again.
func (e *Engine) Rebuild(ctx context.Context, changes *Changes) (*Snapshot, error) {
	start := time.Now()
	po := e.opts.project(nil, nil)
	po.Changes = changes
	p, err := project.Load(ctx, po, &e.memo)
	if err != nil {
		return nil, err
	}
	ro := e.opts.render()
	ro.Memo = &e.rmem
	r := trace.StartRegion(ctx, "plan")
	pl, err := render.New(p, ro)
	r.End()
	if err != nil {
		return nil, err
	}
	w := publish.NewMemoryWriter()
	if _, err := run(ctx, pl, w, caches{mem: &e.mem}, nil); err != nil {
		return nil, err
	}
	trace.WithRegion(ctx, "keep", func() { e.mem.keep(w.Files()) })
	e.last, e.lastFiles = p, w.Files()
	return &Snapshot{Files: w.Files(), Warnings: p.Warnings, Elapsed: time.Since(start)}, nil
}

// memCache holds the bytes each output path had and the key that made
// them. A nil memCache holds nothing. Safe for concurrent use.
type memCache struct {
	mu sync.Mutex
	m  map[string]memEntry
}

type memEntry struct {
	key  key.Hash
	data []byte
}

func (c *memCache) get(path string, k key.Hash) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[path]
	return e.data, ok && e.key == k
}

func (c *memCache) put(path string, k key.Hash, data []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]memEntry{}
	}
	c.m[path] = memEntry{k, data}
}

// keep forgets the paths that the last build no longer has, once they
// are more than an eighth of those it has. Every file of a build that
// succeeded was taken from the cache or put there (run), so the entries of
// its paths are its own, and those left are only ever looked up by key
// (get), which a stale entry never matches (the email view reads the last
// build's own files): a save, which renames its year's search index parts,
// then costs a walk of the eight thousand paths only every few dozen
// saves, for an eighth more memory at most.
func (c *memCache) keep(files map[string][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m)-len(files) <= len(files)/8 {
		return
	}
	for path := range c.m {
		if _, ok := files[path]; !ok {
			delete(c.m, path)
		}
	}
}
