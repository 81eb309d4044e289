// Package key makes the keys of the build cache: a SHA-256 over every part
// an output depends on. Each part is length-prefixed, so that no two
// different lists of parts give the same key.
package key

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"strconv"
)

// Hash is a SHA-256 digest: of a file's bytes, or of everything an output
// depends on.
type Hash = [32]byte

// Of hashes bytes.
func Of(b []byte) Hash { return sha256.Sum256(b) }

// Builder adds parts to a key.
type Builder struct{ h hash.Hash }

// New starts a key.
func New() *Builder { return &Builder{sha256.New()} }

// Str adds a string.
func (k *Builder) Str(s string) *Builder {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
	k.h.Write(n[:])
	k.h.Write([]byte(s))
	return k
}

// Int adds a number.
func (k *Builder) Int(n int) *Builder { return k.Str(strconv.Itoa(n)) }

// U64 adds a number of 64 bits, such as a float's bits: eight bytes, no
// formatting.
func (k *Builder) U64(u uint64) *Builder {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], u)
	k.h.Write(n[:])
	return k
}

// Sum adds a hash.
func (k *Builder) Sum(h Hash) *Builder { k.h.Write(h[:]); return k }

// Bool adds a flag.
func (k *Builder) Bool(b bool) *Builder {
	if b {
		k.h.Write([]byte{1})
	} else {
		k.h.Write([]byte{0})
	}
	return k
}

// Done returns the key.
func (k *Builder) Done() (out Hash) {
	copy(out[:], k.h.Sum(nil))
	return out
}
