package atomicfile_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/brief-desk/brief/internal/atomicfile"
)

// only lists the names in dir: a dropped or committed file leaves nothing
// else beside its target.
func only(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) {
		t.Fatalf("folder holds %q, want %q", got, want)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPending(t *testing.T) {
	for _, tc := range []struct {
		name   string
		old    string // "" for no file before
		commit bool
		want   string // "" for no file after
	}{
		{"replaces a file", "old", true, "new"},
		{"makes a new file", "", true, "new"},
		{"discarded: the old file stays", "old", false, "old"},
		{"discarded: no file", "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "briefing.eml")
			if tc.old != "" {
				if err := os.WriteFile(path, []byte(tc.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p, err := atomicfile.New(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Write([]byte("new")); err != nil {
				t.Fatal(err)
			}
			if tc.old != "" && read(t, path) != tc.old {
				t.Fatal("the target changed before the commit")
			}
			if tc.commit {
				if err := p.Commit(); err != nil {
					t.Fatal(err)
				}
				if err := p.Commit(); err != nil { // again: nothing
					t.Fatalf("second commit: %v", err)
				}
			}
			p.Discard() // after a commit: nothing
			if tc.want == "" {
				only(t, dir)
				return
			}
			only(t, dir, "briefing.eml")
			if got := read(t, path); got != tc.want {
				t.Fatalf("file holds %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWriteFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.toml")
	if err := atomicfile.WriteFile(path, []byte("x = 1\n")); err != nil {
		t.Fatal(err)
	}
	if read(t, path) != "x = 1\n" {
		t.Fatal("wrong bytes")
	}
	if runtime.GOOS == "windows" {
		return
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// A project's file: the owner reads and writes it, and no one has
	// more than 0644 gives (the umask may take some away).
	if m := st.Mode().Perm(); m&0o600 != 0o600 || m&^0o644 != 0 {
		t.Fatalf("mode %v, want 0644 less the umask", m)
	}
}
