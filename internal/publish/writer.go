package publish

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Writer collects the files of one build: under dir on disk, or in memory
// when dir is empty. With prev set (the previous output), a file whose bytes
// are unchanged is hard-linked from it instead of written: that is faster,
// and keeps the file's modification time, so rsync and s3 sync upload only
// what changed. Safe for concurrent use.
type Writer struct {
	dir       string
	prev      string
	mu        sync.Mutex
	files     map[string][]byte // the bytes in memory mode; nil values on disk
	unchanged map[string]bool   // files linked from the previous output
	dirs      sync.Map          // folders already made (or found in a reused spare): one mkdir each, not one per file
	// spare, when dir is a reused spare (spare.go), is what it held when
	// it was checked: its files, with what lstat said of each.
	spare map[string]fs.FileInfo
}

// newWriter returns a writer into dir for about files files (the
// previous output's count): its maps are made that large at once, not
// grown a file at a time.
func newWriter(dir string, files int) *Writer {
	return &Writer{dir: dir, files: make(map[string][]byte, files), unchanged: make(map[string]bool, files)}
}

// NewMemoryWriter returns a writer that keeps the files in memory (the
// preview, `brief check`): Files has their bytes.
func NewMemoryWriter() *Writer { return newWriter("", 0) }

// Write writes the file rel (a slash path under the site's root).
func (w *Writer) Write(rel string, data []byte) error {
	same, err := w.put(rel, data)
	if err != nil {
		return err
	}
	if w.dir != "" {
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

// put writes a file on disk, or links it from the previous output when its
// bytes are unchanged, and reports whether it did that. In memory it does
// nothing.
func (w *Writer) put(rel string, data []byte) (same bool, err error) {
	if w.dir == "" {
		return false, nil
	}
	full := under(w.dir, rel)
	if err := w.mkdir(filepath.Dir(full)); err != nil {
		return false, err
	}
	if w.link(rel, full, data) {
		return true, nil
	}
	if w.prev != "" {
		// Never write through a hard link into the previous output.
		_ = os.Remove(full)
	}
	return false, os.WriteFile(full, data, 0o644)
}

// link hard-links the previous output's copy of rel to full when its bytes
// are data, and reports whether it did.
func (w *Writer) link(rel, full string, data []byte) bool {
	if w.prev == "" {
		return false
	}
	old := under(w.prev, rel)
	st, err := os.Lstat(old)
	if err != nil || !st.Mode().IsRegular() || st.Size() != int64(len(data)) {
		return false
	}
	b, err := os.ReadFile(old)
	if err != nil || !bytes.Equal(b, data) {
		return false
	}
	return w.linkPrev(rel, old, full, st)
}

// linkPrev makes full (rel in the folder) a hard link to the previous
// output's file old. In a reused spare it usually is one already, as the
// walk of the spare showed (takeSpare walks it again unless it is still the
// folder and manifest that were walked; the spare is brief's own, hidden
// folder); otherwise the spare's older copy is replaced.
func (w *Writer) linkPrev(rel, old, full string, oldSt os.FileInfo) bool {
	if w.spare != nil {
		if st, ok := w.spare[rel]; ok {
			if os.SameFile(st, oldSt) {
				return true
			}
			_ = os.Remove(full)
		}
	}
	if err := os.Link(old, full); err != nil {
		// Not in the spare when it was walked, yet there now: replace it.
		if !errors.Is(err, fs.ErrExist) || os.Remove(full) != nil {
			return false
		}
		return os.Link(old, full) == nil
	}
	return true
}

// HasPrevious reports whether the writer writes a folder beside a previous
// output, from which Reuse can link files.
func (w *Writer) HasPrevious() bool { return w.prev != "" && w.dir != "" }

// FileID is what a cache records of a file an output was written to:
// enough to tell, with one lstat, that a file is still that file.
type FileID struct {
	Size  int64
	MTime int64  // modification time, nanoseconds
	Ino   uint64 // inode number; 0 where the system gives none
}

func idOf(fi fs.FileInfo) FileID {
	return FileID{Size: fi.Size(), MTime: fi.ModTime().UnixNano(), Ino: inode(fi)}
}

// Reuse hard-links rel from the previous output when that file is still
// the one a cache recorded (size and modification time), and reports
// whether it did. The caller makes the file when it did not.
func (w *Writer) Reuse(rel string, id FileID) bool {
	if !w.HasPrevious() {
		return false
	}
	if !w.keeps(rel, id) {
		old := under(w.prev, rel)
		st, err := os.Lstat(old)
		if err != nil || !st.Mode().IsRegular() || st.Size() != id.Size || st.ModTime().UnixNano() != id.MTime {
			return false
		}
		full := under(w.dir, rel)
		if err := w.mkdir(filepath.Dir(full)); err != nil {
			return false
		}
		if !w.linkPrev(rel, old, full, st) {
			return false
		}
	}
	w.mu.Lock()
	w.files[rel] = nil
	w.unchanged[rel] = true
	w.mu.Unlock()
	return true
}

// keeps reports whether the reused spare already holds, as its walk found
// it, the very file the cache recorded in the previous output: the same
// inode, size and modification time (the file is one inode with a name in
// each tree, linked unchanged from build to build). The previous output's
// name for it need not even be stated. The inode is what tells an older
// file of the same size and time apart, where time stamps are coarse.
func (w *Writer) keeps(rel string, id FileID) bool {
	st, ok := w.spare[rel]
	return ok && id.Ino != 0 && idOf(st) == id
}

// FileID describes the file rel this writer wrote on disk, for a cache to
// record; ok is false in memory.
func (w *Writer) FileID(rel string) (id FileID, ok bool) {
	if w.dir == "" {
		return FileID{}, false
	}
	st, err := os.Lstat(under(w.dir, rel))
	if err != nil {
		return FileID{}, false
	}
	return idOf(st), true
}

func (w *Writer) mkdir(dir string) error {
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
func (w *Writer) counts() (written, unchanged int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.files) - len(w.unchanged), len(w.unchanged)
}

// Files returns the files written, slash path -> bytes (nil on disk). The
// map is the writer's: read it once writing is over, and do not change it.
func (w *Writer) Files() map[string][]byte { return w.files }

// List returns the paths of the files written, sorted.
func (w *Writer) List() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.files))
	for name := range w.files {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// under is the file rel (a clean slash path, as the plan makes them) in the
// folder dir: without filepath.Join's cleaning, which took a fifth of
// linking a site's 8,000 unchanged files.
func under(dir, rel string) string {
	return dir + string(filepath.Separator) + filepath.FromSlash(rel)
}
