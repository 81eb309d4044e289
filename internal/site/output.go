package site

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
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
// when dir is empty. With prev set (the previous output), a file whose bytes
// are unchanged is hard-linked from it instead of written: that is faster,
// and keeps the file's modification time, so rsync and s3 sync upload only
// what changed. Safe for concurrent use.
type writer struct {
	dir       string
	prev      string
	mu        sync.Mutex
	files     map[string][]byte // the bytes in memory mode; nil values on disk
	unchanged map[string]bool   // files linked from the previous output
	dirs      sync.Map          // folders already made: one mkdir each, not one per file
}

func newWriter(dir string) *writer {
	return &writer{dir: dir, files: map[string][]byte{}, unchanged: map[string]bool{}}
}

func (w *writer) write(rel string, data []byte) error {
	same := false
	if w.dir != "" {
		full := filepath.Join(w.dir, filepath.FromSlash(rel))
		if err := w.mkdir(filepath.Dir(full)); err != nil {
			return err
		}
		if same = w.link(rel, full, data); !same {
			if w.prev != "" {
				// Never write through a hard link into the previous output.
				_ = os.Remove(full)
			}
			if err := os.WriteFile(full, data, 0o644); err != nil {
				return err
			}
		}
		data = nil
	}
	w.mu.Lock()
	w.files[rel] = data
	if same {
		w.unchanged[rel] = true
	}
	w.mu.Unlock()
	return nil
}

// link hard-links the previous output's copy of rel to full when its bytes
// are data, and reports whether it did.
func (w *writer) link(rel, full string, data []byte) bool {
	if w.prev == "" {
		return false
	}
	old := filepath.Join(w.prev, filepath.FromSlash(rel))
	st, err := os.Lstat(old)
	if err != nil || !st.Mode().IsRegular() || st.Size() != int64(len(data)) {
		return false
	}
	b, err := os.ReadFile(old)
	if err != nil || !bytes.Equal(b, data) {
		return false
	}
	return os.Link(old, full) == nil
}

// reuse hard-links rel from the previous output when that file still has
// the size and modification time the cache recorded, and reports whether it
// did. The caller renders the file when it did not.
func (w *writer) reuse(rel string, m fileMeta) bool {
	if w.prev == "" || w.dir == "" {
		return false
	}
	old := filepath.Join(w.prev, filepath.FromSlash(rel))
	st, err := os.Lstat(old)
	if err != nil || !st.Mode().IsRegular() || st.Size() != m.Size || st.ModTime().UnixNano() != m.MTime {
		return false
	}
	full := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := w.mkdir(filepath.Dir(full)); err != nil {
		return false
	}
	if os.Link(old, full) != nil {
		return false
	}
	w.mu.Lock()
	w.files[rel] = nil
	w.unchanged[rel] = true
	w.mu.Unlock()
	return true
}

// unlink undoes a reuse.
func (w *writer) unlink(rel string) {
	_ = os.Remove(filepath.Join(w.dir, filepath.FromSlash(rel)))
	w.mu.Lock()
	delete(w.files, rel)
	delete(w.unchanged, rel)
	w.mu.Unlock()
}

// meta stats a file this writer wrote, for the cache.
func (w *writer) meta(rel string, data []byte) (fileMeta, bool) {
	st, err := os.Stat(filepath.Join(w.dir, filepath.FromSlash(rel)))
	if err != nil {
		return fileMeta{}, false
	}
	return fileMeta{Size: int64(len(data)), Sum: sha256.Sum256(data), MTime: st.ModTime().UnixNano()}, true
}

func (w *writer) mkdir(dir string) error {
	if dir == w.dir {
		return nil
	}
	if _, made := w.dirs.Load(dir); made {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	w.dirs.Store(dir, true)
	return nil
}

// counts returns how many files were written and how many linked unchanged.
func (w *writer) counts() (written, unchanged int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.files) - len(w.unchanged), len(w.unchanged)
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
