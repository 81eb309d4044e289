// Package key makes the keys of the build cache: a SHA-256 over every part
// an output depends on. Each part is length-prefixed, so that no two
// different lists of parts give the same key.
package key

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"strconv"
)

// Hash is a SHA-256 digest: of a file's bytes, or of everything an output
// depends on.
type Hash = [32]byte

// Of hashes bytes.
func Of(b []byte) Hash { return sha256.Sum256(b) }

// Builder adds parts to a key. Parts are gathered in a buffer and hashed a
// block at a time: keys are made of many small parts (every field of every
// row a block shows), and each write to the hash has a cost of its own. The
// hash is made only when the parts outgrow the buffer: most keys (a path, a
// few hashes) fit it and are hashed in one call, allocating nothing but the
// builder (a build makes tens of thousands).
type Builder struct {
	h   hash.Hash // nil until the buffer is first hashed
	buf []byte    // parts not hashed yet, in arr
	arr [256]byte
}

// bufMax is how full the buffer gets before it is hashed.
const bufMax = 192

// New starts a key.
func New() *Builder {
	k := &Builder{}
	k.buf = k.arr[:0]
	return k
}

// flush hashes the buffer once it is full enough, or always when all.
func (k *Builder) flush(all bool) {
	if len(k.buf) >= bufMax || all && len(k.buf) > 0 {
		if k.h == nil {
			k.h = sha256.New()
		}
		k.h.Write(k.buf)
		k.buf = k.arr[:0]
	}
}

// Str adds a string.
func (k *Builder) Str(s string) *Builder {
	k.buf = binary.LittleEndian.AppendUint64(k.buf, uint64(len(s)))
	if len(s) > len(k.arr)-bufMax-8 {
		k.flush(true)
		for len(s) > 0 { // through the buffer: []byte(s) would copy it to the heap
			n := copy(k.arr[:], s)
			k.h.Write(k.arr[:n])
			s = s[n:]
		}
		return k
	}
	k.buf = append(k.buf, s...)
	k.flush(false)
	return k
}

// Int adds a number.
func (k *Builder) Int(n int) *Builder { return k.Str(strconv.Itoa(n)) }

// U64 adds a number of 64 bits, such as a float's bits: eight bytes, no
// formatting.
func (k *Builder) U64(u uint64) *Builder {
	k.buf = binary.LittleEndian.AppendUint64(k.buf, u)
	k.flush(false)
	return k
}

// Sum adds a hash.
func (k *Builder) Sum(h Hash) *Builder {
	k.buf = append(k.buf, h[:]...)
	k.flush(false)
	return k
}

// Bool adds a flag.
func (k *Builder) Bool(b bool) *Builder {
	if b {
		k.buf = append(k.buf, 1)
	} else {
		k.buf = append(k.buf, 0)
	}
	k.flush(false)
	return k
}

// Done returns the key.
func (k *Builder) Done() Hash {
	if k.h == nil { // every part is in the buffer
		return sha256.Sum256(k.buf)
	}
	k.flush(true)
	var out Hash
	copy(out[:], k.h.Sum(nil))
	return out
}

// Wire is a Hash as records keep it: encoding/gob sends a [32]byte as 32
// numbers, each decoded on its own, and a Wire in one piece (a third of
// the time to decode, and a third fewer bytes; the pack holds thousands).
type Wire Hash

// MarshalBinary is the hash's bytes.
func (w Wire) MarshalBinary() ([]byte, error) { return w[:], nil }

// UnmarshalBinary takes the hash's bytes, which must be as many as a hash
// has.
func (w *Wire) UnmarshalBinary(b []byte) error {
	if len(b) != len(w) {
		return fmt.Errorf("a hash of %d bytes, want %d", len(b), len(w))
	}
	copy(w[:], b)
	return nil
}

// Wires are hashes as records keep them.
func Wires(hs []Hash) []Wire { return convert[Wire](hs) }

// Hashes are the hashes records kept.
func Hashes(ws []Wire) []Hash { return convert[Hash](ws) }

// convert converts each of a list of hashes to another type of hash.
func convert[To, From ~[32]byte](in []From) []To {
	if in == nil {
		return nil
	}
	out := make([]To, len(in))
	for i, h := range in {
		out[i] = To(h)
	}
	return out
}
