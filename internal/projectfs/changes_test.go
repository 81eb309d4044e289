package projectfs

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestChangesUnchanged(t *testing.T) {
	ch := &Changes{Paths: map[string]bool{"content/briefings/a.md": true, "data/old": true}}
	for _, tt := range []struct {
		changes *Changes
		name    string
		want    bool
	}{
		{ch, "content/briefings/b.md", true},
		{ch, "content/briefings/a.md", false},
		{ch, "data/old/x.toml", false}, // a folder above it changed
		{ch, "data/x.toml", true},
		{&Changes{Paths: map[string]bool{".": true}}, "site.toml", false},
		{&Changes{All: true}, "content/briefings/b.md", false},
		{nil, "content/briefings/b.md", false},
		{&Changes{}, "content/briefings/b.md", true},
	} {
		if got := tt.changes.Unchanged(tt.name); got != tt.want {
			t.Errorf("%+v.Unchanged(%q) = %v, want %v", tt.changes, tt.name, got, tt.want)
		}
	}
}

// TestReuseListings: with Listings, a file the changes do not name is
// taken as the last listing found it, without stating it; one they name, a
// file added and one removed are as they are now; All states every file.
func TestReuseListings(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "content", "briefings")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string, age time.Duration) {
		t.Helper()
		p := filepath.Join(folder, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		then := time.Now().Add(-age)
		if err := os.Chtimes(p, then, then); err != nil {
			t.Fatal(err)
		}
	}
	write("a.md", "a", time.Hour)
	write("b.md", "b", time.Hour)
	write("gone.md", "g", time.Hour)
	var l Listings
	load := func(changes *Changes) map[string]int64 {
		t.Helper()
		fsys, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer fsys.Close()
		fsys.Reuse(&l, changes)
		entries, err := fsys.ReadDir("content/briefings")
		if err != nil {
			t.Fatal(err)
		}
		sizes := map[string]int64{}
		for _, e := range entries {
			fi, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			sizes[e.Name()] = fi.Size()
		}
		return sizes
	}
	load(nil)
	// Changed behind the watcher's back (no event), and as it saw.
	write("a.md", "a, longer", time.Minute)
	write("b.md", "b, longer", time.Minute)
	write("new.md", "new", time.Minute)
	if err := os.Remove(filepath.Join(folder, "gone.md")); err != nil {
		t.Fatal(err)
	}
	got := load(&Changes{Paths: map[string]bool{"content/briefings/b.md": true}})
	want := map[string]int64{"a.md": 1, "b.md": 9, "new.md": 3}
	if !maps.Equal(got, want) {
		t.Errorf("after changes naming b.md: sizes %v, want %v (a.md as last listed)", got, want)
	}
	got = load(&Changes{All: true})
	want["a.md"] = 9
	if !maps.Equal(got, want) {
		t.Errorf("after All: sizes %v, want %v", got, want)
	}

	// A load told of a change that fails before it lists the folder (a
	// broken site.toml): the next load, told nothing new, still states
	// the file.
	write("new.md", "new, changed", time.Minute)
	fsys, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fsys.Reuse(&l, &Changes{Paths: map[string]bool{"content/briefings/new.md": true}})
	fsys.Close()
	got = load(&Changes{})
	want["new.md"] = 12
	if !maps.Equal(got, want) {
		t.Errorf("after a load that listed nothing: sizes %v, want %v", got, want)
	}
}
