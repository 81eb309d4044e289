package key

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestBuilderHashesEveryPart: a key is the SHA-256 of its parts laid end to
// end (strings length-prefixed), however the parts fall across the
// builder's buffer: many small ones, and strings longer than it.
func TestBuilderHashesEveryPart(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 50 {
		k := New()
		var want []byte
		for range r.IntN(400) {
			switch r.IntN(5) {
			case 0:
				s := strings.Repeat("x", r.IntN(3000))
				k.Str(s)
				want = binary.LittleEndian.AppendUint64(want, uint64(len(s)))
				want = append(want, s...)
			case 1:
				u := r.Uint64()
				k.U64(u)
				want = binary.LittleEndian.AppendUint64(want, u)
			case 2:
				h := Of([]byte{byte(round)})
				k.Sum(h)
				want = append(want, h[:]...)
			case 3:
				k.Bool(true).Bool(false)
				want = append(want, 1, 0)
			case 4:
				k.Int(-42)
				want = binary.LittleEndian.AppendUint64(want, 3)
				want = append(want, "-42"...)
			}
		}
		if got := k.Done(); got != sha256.Sum256(want) {
			t.Fatalf("round %d: the key is not the hash of its %d bytes of parts", round, len(want))
		}
	}
}

// TestPartsAreDelimited: parts that concatenate to the same bytes give
// different keys.
func TestPartsAreDelimited(t *testing.T) {
	if New().Str("ab").Str("c").Done() == New().Str("a").Str("bc").Done() {
		t.Error(`"ab","c" and "a","bc" give one key`)
	}
}

// BenchmarkKey makes the key of an output as the plan does: a path and two
// hashes.
func BenchmarkKey(b *testing.B) {
	site, file := Of([]byte("site")), Of([]byte("file"))
	for b.Loop() {
		New().Str("briefings/week-00500/week-00500.xlsx").Sum(site).Sum(file).Done()
	}
}

// TestWireRoundTrip: a Wire comes back from gob as the hash it was, and
// bytes of another length are refused.
func TestWireRoundTrip(t *testing.T) {
	type rec struct {
		K    Wire
		Many []Wire
	}
	h := Of([]byte("x"))
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(rec{Wire(h), Wires([]Hash{h, {}})}); err != nil {
		t.Fatal(err)
	}
	var got rec
	if err := gob.NewDecoder(&buf).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if Hash(got.K) != h || !slices.Equal(Hashes(got.Many), []Hash{h, {}}) {
		t.Errorf("got %x %x", got.K, got.Many)
	}
	var w Wire
	if err := w.UnmarshalBinary(make([]byte, 31)); err == nil {
		t.Error("31 bytes taken for a hash")
	}
}
