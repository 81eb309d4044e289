package preview_test

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/preview"
)

// TestWatcherCoalescesSaves: each way editors save a file, in steps a few
// milliseconds apart, gives one rebuild, not one per step; files editors
// write beside it and never keep give none.
func TestWatcherCoalescesSaves(t *testing.T) {
	dir := t.TempDir()
	briefings := filepath.Join(dir, "content", "briefings")
	if err := os.MkdirAll(briefings, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(briefings, "w.md")
	write := func(p, text string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(file, "first")
	w, err := preview.NewWatcher(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rebuilds atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx, func(*build.Changes) { rebuilds.Add(1) })
	// Steps 2 ms apart; a busy machine may sleep much longer, and then two
	// rebuilds are right: such a save is not judged.
	last, widest := time.Now(), time.Duration(0)
	step := func() {
		time.Sleep(2 * time.Millisecond)
		widest = max(widest, time.Since(last))
		last = time.Now()
	}
	saves := []struct {
		name string
		save func()
	}{
		{"in place, truncated then written", func() {
			f, err := os.OpenFile(file, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			step()
			f.WriteString("in place")
			step()
			f.WriteString(", more")
			f.Close()
		}},
		{"to a temporary file, renamed over it", func() {
			tmp := filepath.Join(briefings, ".w.md.tmp")
			write(tmp, "renamed")
			step()
			if err := os.Rename(tmp, file); err != nil {
				t.Fatal(err)
			}
		}},
		{"vim: write test, backup, new file, backup removed", func() {
			probe := filepath.Join(briefings, "4913")
			write(probe, "")
			os.Remove(probe)
			step()
			backup := file + "~"
			if err := os.Rename(file, backup); err != nil {
				t.Fatal(err)
			}
			step()
			write(file, "vim")
			step()
			os.Remove(backup)
		}},
		{"editor's files only", func() {
			write(filepath.Join(briefings, ".w.md.swp"), "swap")
			write(filepath.Join(briefings, "w.md~"), "backup")
		}},
	}
	// Let the watcher settle, then save one way at a time.
	time.Sleep(50 * time.Millisecond)
	rebuilds.Store(0)
	for _, s := range saves {
		last, widest = time.Now(), 0
		s.save()
		time.Sleep(preview.Debounce + 150*time.Millisecond)
		want := int32(1)
		if s.name == "editor's files only" {
			want = 0
		}
		got := rebuilds.Swap(0)
		switch {
		case widest > preview.Debounce/2:
			t.Logf("%s: a step took %v on this busy machine; %d rebuilds not judged", s.name, widest, got)
		case got != want:
			t.Errorf("%s: %d rebuilds, want %d", s.name, got, want)
		}
	}
}

// TestWatcherNamesChanges: each rebuild is told what changed since the
// last: anything at first (files may have changed before the watch
// began), then the paths the events named, and anything again once a
// folder is made (the files in it were there before its watch).
func TestWatcherNamesChanges(t *testing.T) {
	dir := t.TempDir()
	briefings := filepath.Join(dir, "content", "briefings")
	if err := os.MkdirAll(briefings, 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := preview.NewWatcher(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *build.Changes, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx, func(ch *build.Changes) { got <- ch })
	next := func(what string) *build.Changes {
		t.Helper()
		select {
		case ch := <-got:
			return ch
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no rebuild", what)
			return nil
		}
	}
	// settle lets a busy machine's late events of one save make their
	// rebuild before the next save.
	settle := func() {
		time.Sleep(preview.Debounce + 100*time.Millisecond)
		for len(got) > 0 {
			<-got
		}
	}
	write := func(p string) {
		t.Helper()
		if err := os.WriteFile(p, []byte("text"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(briefings, "a.md"))
	if ch := next("first save"); !ch.All {
		t.Errorf("first rebuild: %+v, want All", ch)
	}
	settle()
	write(filepath.Join(briefings, "b.md"))
	ch := next("second save")
	if ch.All || !ch.Paths["content/briefings/b.md"] || ch.Paths["content/briefings/a.md"] {
		t.Errorf("second rebuild: %+v, want b.md named and nothing else", ch)
	}
	settle()
	sub := filepath.Join(briefings, "2026")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if ch := next("a folder made"); !ch.All {
		t.Errorf("after a folder was made: %+v, want All", ch)
	}
}
