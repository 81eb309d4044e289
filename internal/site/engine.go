package site

import (
	"context"
	"time"

	"github.com/brief-desk/brief/internal/diag"
)

// Engine builds one project again and again in memory, reusing what did not
// change since the last build: files are re-read and hashed every time (so no
// change is ever missed), but only changed files are parsed, only briefings
// whose inputs changed are rendered, and the list pages, feed and sitemap are
// rendered afresh. The result is byte for byte what Build writes to disk.
// Not safe for concurrent use.
type Engine struct {
	opts  Options
	cache *Cache
}

// NewEngine makes an engine for the project in opts.Src.
func NewEngine(opts Options) *Engine { return &Engine{opts: opts, cache: NewCache()} }

// Snapshot is one complete build in memory.
type Snapshot struct {
	Files    map[string][]byte // slash path under the site root -> bytes
	Warnings []*diag.Error
	Elapsed  time.Duration
}

// Build builds the project. On error the previous snapshot stays valid.
func (e *Engine) Build(ctx context.Context) (*Snapshot, error) {
	start := time.Now()
	p, err := load(ctx, e.opts, e.cache)
	if err != nil {
		return nil, err
	}
	files, err := p.RenderMemory(ctx)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Files: files, Warnings: p.Warnings, Elapsed: time.Since(start)}, nil
}
