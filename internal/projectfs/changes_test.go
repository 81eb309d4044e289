package projectfs

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestForget: Reuse drops what the listings hold of the paths the changes
// name (a file; a folder with all below it), and everything when they
// cannot tell.
func TestForget(t *testing.T) {
	var fi fs.FileInfo = fakeInfo{}
	fill := func() *Listings {
		return &Listings{m: map[string]map[string]fs.FileInfo{
			"content/briefings":      {"a.md": fi, "b.md": fi},
			"content/briefings/2026": {"c.md": fi},
			"data":                   {"x.toml": fi},
		}}
	}
	held := func(l *Listings) []string {
		var out []string
		for dir, files := range l.m {
			for name := range files {
				out = append(out, dir+"/"+name)
			}
		}
		slices.Sort(out)
		return out
	}
	for _, tt := range []struct {
		changes *Changes
		want    []string
	}{
		{&Changes{}, []string{"content/briefings/2026/c.md", "content/briefings/a.md", "content/briefings/b.md", "data/x.toml"}},
		{&Changes{Paths: map[string]bool{"content/briefings/a.md": true}}, []string{"content/briefings/2026/c.md", "content/briefings/b.md", "data/x.toml"}},
		{&Changes{Paths: map[string]bool{"content": true}}, []string{"data/x.toml"}},
		{&Changes{Paths: map[string]bool{"content/briefings/2026": true}}, []string{"content/briefings/a.md", "content/briefings/b.md", "data/x.toml"}},
		{&Changes{Paths: map[string]bool{".": true}}, nil},
		{&Changes{All: true}, nil},
		{nil, nil},
	} {
		l := fill()
		before := l.m["content/briefings"]
		l.forget(tt.changes)
		if got := held(l); !slices.Equal(got, tt.want) {
			t.Errorf("%+v: holds %v, want %v", tt.changes, got, tt.want)
		}
		if len(before) != 2 {
			t.Errorf("%+v: a listing handed out was changed", tt.changes)
		}
	}
}

type fakeInfo struct{ fs.FileInfo }

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
