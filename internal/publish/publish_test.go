package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree makes a folder with one file, marked as brief's output.
func tree(t *testing.T, dir, text string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), manifestBytes([]string{"index.html"}), 0o644); err != nil {
		t.Fatal(err)
	}
}

func index(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

func TestRecoverOut(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	tree(t, out, "current")
	stale := filepath.Join(parent, ".public.tmp-111")
	old := filepath.Join(parent, ".public.old-222")
	running := filepath.Join(parent, ".public.tmp-333")
	unrelated := filepath.Join(parent, ".other.tmp-444")
	for _, d := range []string{stale, old, running, unrelated} {
		tree(t, d, d)
	}
	hold, err := Lock(running, true) // a build that is running now
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	if err := recoverOut(out); err != nil {
		t.Fatal(err)
	}
	if exists(stale) || exists(old) {
		t.Error("leftovers of interrupted builds were kept")
	}
	if !exists(running) || !exists(unrelated) {
		t.Error("removed a running build's folder or a folder brief did not name")
	}
	if index(t, out) != "current" {
		t.Error("the output changed")
	}
}

func TestRecoverOutPutsBackThePreviousSite(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	old := filepath.Join(parent, ".public.old-222")
	tree(t, old, "previous") // killed between the fallback's two renames
	if err := recoverOut(out); err != nil {
		t.Fatal(err)
	}
	if index(t, out) != "previous" || exists(old) {
		t.Error("the previous site was not put back")
	}
}

func TestSwap(t *testing.T) {
	failRemove := func(string) error { return errors.New("read-only file system") }
	noExchange := func(a, b string) error { return errNoExchange }
	tests := []struct {
		name     string
		exchange func(a, b string) error
		remove   func(string) error
		breakTmp bool   // the new tree vanishes before the fallback's second rename
		want     string // index.html of the output after the swap
		// spare is the index.html of the spare kept for the next build ("":
		// none); spareThere puts one there before the swap.
		spare      string
		spareThere bool
		warn       string
		err        string
	}{
		{name: "exchange", want: "new", spare: "old"},
		{name: "exchange with a spare already there", spareThere: true, want: "new", spare: "other"},
		{name: "fallback", exchange: noExchange, want: "new"},
		{name: "old output cannot be removed", exchange: noExchange, remove: failRemove, want: "new", warn: "the site is published, but the previous output"},
		{name: "fallback rolls back", exchange: noExchange, breakTmp: true, want: "old", err: "cannot move the new output into place"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			out, tmp := filepath.Join(parent, "public"), filepath.Join(parent, ".public.tmp-1")
			tree(t, out, "old")
			tree(t, tmp, "new")
			if tt.spareThere {
				tree(t, sparePath(out), "other")
			}
			defer func(e func(a, b string) error, r func(string) error) { exchange, removeAll = e, r }(exchange, removeAll)
			if tt.exchange != nil {
				exchange = tt.exchange
			}
			if tt.remove != nil {
				removeAll = tt.remove
			}
			if tt.breakTmp {
				exchange = func(a, b string) error { os.RemoveAll(a); return errNoExchange }
			}
			warn, err := swap(tmp, out)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			if tt.warn == "" && warn != nil || tt.warn != "" && (warn == nil || !strings.Contains(warn.Error(), tt.warn)) {
				t.Fatalf("warning = %v, want %q", warn, tt.warn)
			}
			if got := index(t, out); got != tt.want {
				t.Errorf("output holds %q, want %q", got, tt.want)
			}
			if tt.spare != "" && index(t, sparePath(out)) != tt.spare {
				t.Errorf("spare holds %q, want %q", index(t, sparePath(out)), tt.spare)
			}
			entries, _ := os.ReadDir(parent)
			want := 1
			if tt.spare != "" {
				want = 2
			}
			if tt.remove == nil && len(entries) != want {
				t.Errorf("left beside the output: %v", entries)
			}
		})
	}
}
