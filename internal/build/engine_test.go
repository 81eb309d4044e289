package build

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/brief-desk/brief/internal/key"
)

// TestMemCacheKeep: the memory cache forgets the paths a build no longer
// has once they are more than an eighth of those it has, and keeps the
// bytes of those it has.
func TestMemCacheKeep(t *testing.T) {
	var c memCache
	paths := func(n int) map[string][]byte {
		m := map[string][]byte{}
		for i := range n {
			m[fmt.Sprint(i)] = nil
		}
		return m
	}
	for p := range paths(9) {
		c.put(p, key.Of([]byte(p)), []byte(p))
	}
	c.keep(paths(8))
	if len(c.m) != 9 {
		t.Errorf("one path gone of nine: %d kept, want 9 (an eighth may wait)", len(c.m))
	}
	c.keep(paths(6))
	if got := slices.Sorted(maps.Keys(c.m)); !slices.Equal(got, slices.Sorted(maps.Keys(paths(6)))) {
		t.Errorf("three gone of nine: %v kept, want 0-5", got)
	}
	if data, ok := c.get("5", key.Of([]byte("5"))); !ok || string(data) != "5" {
		t.Errorf("5: %q %v", data, ok)
	}
}
