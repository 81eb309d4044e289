package site

import (
	"crypto/sha256"
	"encoding/binary"
	gohash "hash"
	"sync"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
)

// hash is a SHA-256 digest: of a file's bytes, or of everything an output
// depends on.
type hash = [32]byte

// hasher builds a key from the parts an output depends on. Each string is
// length-prefixed, so that no two different lists of parts give the same key.
type hasher struct{ h gohash.Hash }

func newHasher() *hasher { return &hasher{sha256.New()} }

func (k *hasher) str(s string) *hasher {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
	k.h.Write(n[:])
	k.h.Write([]byte(s))
	return k
}

func (k *hasher) sum(h hash) *hasher { k.h.Write(h[:]); return k }

func (k *hasher) bool(b bool) *hasher {
	if b {
		k.h.Write([]byte{1})
	} else {
		k.h.Write([]byte{0})
	}
	return k
}

func (k *hasher) done() (out hash) {
	copy(out[:], k.h.Sum(nil))
	return out
}

// keyed holds one value per name, valid while its key is unchanged. Safe for
// concurrent use.
type keyed[T any] struct {
	mu sync.Mutex
	m  map[string]keyedEntry[T]
}

type keyedEntry[T any] struct {
	key hash
	v   T
}

func (c *keyed[T]) get(name string, key hash) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[name]
	if !ok || e.key != key {
		var zero T
		return zero, false
	}
	return e.v, true
}

func (c *keyed[T]) put(name string, key hash, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]keyedEntry[T]{}
	}
	c.m[name] = keyedEntry[T]{key, v}
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

// rendered is what rendering one briefing produced.
type rendered struct {
	files    map[string][]byte // slash path -> bytes
	workbook *download
}

// Cache keeps, between builds in one process, what did not change: parsed
// datasets and briefings (by the hash of their bytes), bound blocks (by the
// hashes of the briefing and of the datasets it names), and rendered briefing
// pages and workbooks (by everything they depend on). It never serves a stale
// result: every entry is found by a key that covers all of its inputs.
type Cache struct {
	datasets  keyed[parsed[*dataset.Dataset]]
	briefings keyed[parsed[*content.Briefing]]
	views     keyed[bound]
	pages     keyed[rendered]
	lists     keyed[[]byte] // list pages, feed and sitemap
	stats     keyed[hash]   // file -> hash of its bytes, by size and time stamp
	keepPages bool          // keep rendered pages and workbooks: worth it only across builds
	disk      *diskCache    // rendered outputs kept between runs, or nil
}

// NewCache makes an empty cache that keeps everything, for repeated builds.
func NewCache() *Cache { return &Cache{keepPages: true} }
