package build

import (
	"maps"
	"slices"
	"testing"

	"github.com/brief-desk/brief/internal/key"
)

// TestMemCacheKeep: the memory cache forgets the paths a build no longer
// has, and keeps the bytes of those it has.
func TestMemCacheKeep(t *testing.T) {
	var c memCache
	for _, p := range []string{"a", "b", "c"} {
		c.put(p, key.Of([]byte(p)), []byte(p))
	}
	c.keep(map[string][]byte{"a": nil, "b": nil, "c": nil})
	if got := slices.Sorted(maps.Keys(c.m)); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("after a build of the same paths: %v", got)
	}
	c.keep(map[string][]byte{"a": nil, "c": nil})
	if got := slices.Sorted(maps.Keys(c.m)); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("after b went: %v, want [a c]", got)
	}
	if data, ok := c.get("c", key.Of([]byte("c"))); !ok || string(data) != "c" {
		t.Errorf("c: %q %v", data, ok)
	}
}
