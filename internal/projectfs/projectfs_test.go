package projectfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

func TestRefusesWhatLeavesTheProject(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("TOKEN=hunter2"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mk := func(rel, data string) {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, rel string) {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			t.Fatal(err)
		}
	}
	mk("data/a.toml", "title = 'a'")
	link("../data/a.toml", "content/inside.md")        // relative, stays inside: fine
	link("../data", "content/data")                    // a folder inside: fine
	link(secret, "templates/assets/secret.txt")        // absolute, outside
	link("/etc/passwd", "templates/assets/passwd")     // absolute, outside
	link("/proc/self/environ", "templates/assets/env") // the build's environment
	link("../../../"+filepath.Base(outside), "up")     // relative, climbs out
	link(outside, "shared")                            // a folder outside
	link(filepath.Join(dir, "data", "a.toml"), "abs-inside.toml")
	link("loop", "loop")
	if err := syscall.Mkfifo(filepath.Join(dir, "data", "pipe.toml"), 0o644); err != nil {
		t.Fatal(err)
	}

	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	// Twice: the second read goes through the root kept for the file's
	// folder, which must follow the project's rules, not its own.
	for range 2 {
		for _, name := range []string{"content/inside.md", "content/data/a.toml", "data/a.toml"} {
			if b, err := f.ReadFile(name); err != nil || string(b) != "title = 'a'" {
				t.Errorf("%s, a link inside the project: got %q, %v", name, b, err)
			}
		}
	}
	tests := []struct {
		name string
		want string // in the message
		is   error
	}{
		{"templates/assets/secret.txt", "templates/assets/secret.txt is a symbolic link to " + secret + ", outside the project folder", ErrOutside},
		{"templates/assets/passwd", "is a symbolic link to /etc/passwd, outside the project folder", ErrOutside},
		{"templates/assets/env", "is a symbolic link to /proc/self/environ, outside the project folder", ErrOutside},
		{"shared/secret.txt", "shared is a symbolic link to " + outside + ", outside", ErrOutside},
		{"abs-inside.toml", "absolute target", ErrOutside},
		{"loop", "loop is a symbolic link to loop that cannot be followed", ErrOutside},
		{"data/pipe.toml", "is a named pipe, not a regular file", ErrSpecial},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			var b []byte
			var err error
			go func() { b, err = f.ReadFile(tt.name); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("ReadFile hung")
			}
			if err == nil {
				t.Fatalf("read %q, want an error", b)
			}
			if !strings.Contains(err.Error(), tt.want) || !errors.Is(err, tt.is) {
				t.Errorf("error %q (is %v: %v), want it to contain %q", err, tt.is, errors.Is(err, tt.is), tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Error("the error leaks the file")
			}
		})
	}
	if _, err := f.ReadFile("up/" + filepath.Base(secret)); err == nil {
		t.Error("a relative link that climbs out was followed")
	}
	// fs.WalkDir over the project lists the links but never reads through them.
	var walked []string
	_ = fs.WalkDir(f, "templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			walked = append(walked, p)
		}
		return nil
	})
	if len(walked) != 3 {
		t.Errorf("walked %v", walked)
	}
}

func TestFSConformance(t *testing.T) {
	dir := t.TempDir()
	for _, rel := range []string{"site.toml", "data/a.toml", "content/briefings/x.md"} {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		_ = os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(rel), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := fstest.TestFS(f, "site.toml", "data/a.toml", "content/briefings/x.md"); err != nil {
		t.Fatal(err)
	}
}
