package project

import (
	"context"
	"encoding/binary"
	"io/fs"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/derive"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/projectfs"
)

// Memo keeps, between loads in one process (the preview server), what did
// not change: parsed datasets and briefings by the hash of their bytes, and
// bound briefings by the hashes of the briefing and of the datasets it
// names. Every entry is found by a key that covers all of its inputs, so it
// is never stale; what listings said of files (with Options.Changes) is
// kept on the word of the caller's watcher, whose changes are those since
// the last load with the memo, so loads with changes follow one another.
// The zero Memo is empty; it is safe for concurrent use.
type Memo struct {
	datasets  keyed[parsed[*dataset.Dataset]]
	briefings keyed[parsed[*content.Briefing]]
	views     keyed[bound]
	stats     keyed[key.Hash]    // file -> hash of its bytes, by size and time stamp
	derived   derive.Memo        // derived datasets' results, by the key of their inputs
	listings  projectfs.Listings // what listings said of files (Options.Changes)
}

// keyed holds one value per name, valid while its key is unchanged.
type keyed[T any] struct {
	mu sync.Mutex
	m  map[string]keyedEntry[T]
}

type keyedEntry[T any] struct {
	key key.Hash
	v   T
}

func (c *keyed[T]) get(name string, k key.Hash) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[name]
	if !ok || e.key != k {
		var zero T
		return zero, false
	}
	return e.v, true
}

func (c *keyed[T]) put(name string, k key.Hash, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]keyedEntry[T]{}
	}
	c.m[name] = keyedEntry[T]{k, v}
}

// parsed is a parsed file and its error.
type parsed[T any] struct {
	v   T
	err error
}

// bound is a briefing with its blocks bound, or the binding errors.
type bound struct {
	briefing *Briefing
	warnings []*diag.Error
	err      error
}

// parser is how parseAll parses one kind of file.
type parser[T any] struct {
	// parse parses a file's bytes, whose hash is h.
	parse func(file string, src []byte, h key.Hash) (T, error)
	// known, when not nil, says what a file holds without reading it:
	// the hash of its bytes, when it is the very file an earlier build
	// read (Options.Known).
	known func(file string, fi fs.FileInfo) (key.Hash, bool)
	// stored, when not nil, gives the value of a file of known bytes
	// from the records, or false.
	stored func(file string, h key.Hash) (T, bool)
}

// plain is a parser that needs no hash of the bytes and no records.
func plain[T any](parse func(string, []byte) (T, error)) parser[T] {
	return parser[T]{parse: func(file string, src []byte, _ key.Hash) (T, error) { return parse(file, src) }}
}

// parseAll reads and parses files in parallel, reusing the memo's result
// for a file whose bytes have not changed. A file whose size and
// modification time are those seen last time, and which was last modified
// more than a second ago, is not even read (the rule git uses against "racy"
// files: time stamps are coarse, so a recent file is always read); nor is
// a file the parser knows (p.known), whose value the records hold. It
// returns each file's value, hash and error, or ctx's error when cancelled.
func parseAll[T any](ctx context.Context, fsys *projectfs.FS, files []string, c *keyed[parsed[T]], stats *keyed[key.Hash], p parser[T]) ([]T, []key.Hash, []error, error) {
	now := time.Now()
	vals := make([]T, len(files))
	hashes := make([]key.Hash, len(files))
	errs := make([]error, len(files))
	eachOnCores(len(files), func(i int) {
		if ctx.Err() == nil {
			vals[i], hashes[i], errs[i] = parseOne(fsys, files[i], now, c, stats, p)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	return vals, hashes, errs, nil
}

// eachOnCores calls f(i) for every i below n on a worker a core, each
// worker claiming the next i in turn: a goroutine each (a thousand
// briefings) cost the scheduler more than the work.
func eachOnCores(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}

// statID is what the memo keeps a file's hash under: its size and
// modification time, only ever compared with the same file's (a thousand
// briefings' on every save of the preview), so not hashed.
func statID(fi fs.FileInfo) key.Hash {
	var id key.Hash
	binary.LittleEndian.PutUint64(id[:], uint64(fi.Size()))
	binary.LittleEndian.PutUint64(id[8:], uint64(fi.ModTime().UnixNano()))
	id[16] = 1 // never the zero hash, which is none
	return id
}

// parseOne is parseAll's work for one file: its value, hash and error.
func parseOne[T any](fsys *projectfs.FS, f string, now time.Time, c *keyed[parsed[T]], stats *keyed[key.Hash], p parser[T]) (T, key.Hash, error) {
	var statKey key.Hash
	fi, err := fsys.Stat(f)
	if err == nil && p.known != nil {
		if h, ok := p.known(f, fi); ok {
			if v, ok := p.stored(f, h); ok {
				return v, h, nil
			}
		}
	}
	if err == nil && now.Sub(fi.ModTime()) > time.Second {
		statKey = statID(fi)
		if h, ok := stats.get(f, statKey); ok {
			if hit, ok := c.get(f, h); ok {
				return hit.v, h, hit.err
			}
		}
	}
	src, err := fsys.ReadFile(f)
	if err != nil {
		var zero T
		return zero, key.Hash{}, diag.Errorf(diag.Pos{File: f}, "cannot read: %w", err)
	}
	h := key.Of(src)
	if statKey != (key.Hash{}) {
		stats.put(f, statKey, h)
	}
	if hit, ok := c.get(f, h); ok {
		return hit.v, h, hit.err
	}
	v, err := p.parse(f, src, h)
	c.put(f, h, parsed[T]{v: v, err: err})
	return v, h, err
}
