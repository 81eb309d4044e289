package site

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// writer collects the files of one build: under dir on disk, or in memory
// when dir is empty. Safe for concurrent use.
type writer struct {
	dir   string
	mu    sync.Mutex
	files map[string][]byte // the bytes in memory mode; nil values on disk
}

func newWriter(dir string) *writer { return &writer{dir: dir, files: map[string][]byte{}} }

func (w *writer) write(rel string, data []byte) error {
	if w.dir != "" {
		full := filepath.Join(w.dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return err
		}
		data = nil
	}
	w.mu.Lock()
	w.files[rel] = data
	w.mu.Unlock()
	return nil
}

func (w *writer) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.files))
	for name := range w.files {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// checkOut refuses output folders that a whole-folder swap would harm: the
// project itself, a folder that holds the project, and a non-empty folder that
// was not made by brief.
func checkOut(src, out string) error {
	absSrc, err1 := filepath.Abs(src)
	absOut, err2 := filepath.Abs(out)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	if absOut == absSrc || strings.HasPrefix(absSrc+string(filepath.Separator), absOut+string(filepath.Separator)) {
		return fmt.Errorf("refusing to build into %s: it holds the project; choose another --out", out)
	}
	st, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("refusing to build into %s: it is a file, not a folder", out)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		return fmt.Errorf("refusing to replace %s: it is not empty and has no index.html, so it does not look like brief's output; remove it or choose another --out", out)
	}
	return nil
}

// swap moves the finished build at tmp into place at out, and removes the
// previous output. Both renames are within one folder, so each is atomic; if
// the second fails the previous output is put back.
func swap(tmp, out string) error {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	var old string
	if _, err := os.Stat(out); err == nil {
		var b [6]byte
		_, _ = rand.Read(b[:])
		old = filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".old-"+hex.EncodeToString(b[:]))
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("cannot move the previous output aside: %w", err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			_ = os.Rename(old, out)
		}
		return fmt.Errorf("cannot move the new output into place: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("the site is built, but the previous output at %s could not be removed: %w", old, err)
		}
	}
	return nil
}
