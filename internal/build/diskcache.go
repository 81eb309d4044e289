package build

import (
	"crypto/rand"
	"crypto/sha256"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/publish"
	"github.com/brief-desk/brief/internal/render"
)

// diskCache lets `brief build` skip rendering what has not changed since
// the last build. It lives in a folder outside the site (by default
// .brief-cache in the project), its records in one file (pack.go). A record
// is named by the key of what it was made from (a file's bytes, or an
// output's inputs) and signed together with the identity of the brief
// binary (toolHash), so that a new version of the tool never reads an old
// record. It holds a value a package keeps between builds through Get and
// Put (project's parsed datasets and briefings, opaque here), or the file an
// output made: its name, size and the modification time it has in the
// published site. On a hit for an output,
// the previous site's file is hard-linked into the new one, but only when
// it still has the recorded size and time; anything else (a file edited or
// removed by hand, a pack that does not verify) is a miss and is rendered
// again. Deleting the folder is always safe.
type diskCache struct {
	dir    string
	out    string // the output folder: records of outputs are its files
	salt   key.Hash
	secret []byte // signs the pack: see cacheSecret

	mu         sync.Mutex
	recs       map[key.Hash]*record   // values read from the pack (Get)
	files      map[fileKey]*fileEntry // files of outputs in out read from the pack
	used       map[key.Hash]bool      // the records of values this build took or added
	added      newRecords             // the records of values this build added
	addedFiles []byte                 // the files this build made (appendFile)
	// left are the output's files as this build left them (made or
	// reused), by path: the record of the last build takes their sizes
	// and times from here instead of stating them again.
	left  map[string]fileMeta
	state packState

	markOnce sync.Once
}

var (
	toolOnce sync.Once
	toolSum  key.Hash
)

// toolHash identifies the running binary: by the build ID the Go linker
// writes into an ELF binary (its last part is a hash of the binary's own
// bytes), which costs a read of a few hundred bytes; elsewhere, or for a
// binary linked without one, by a SHA-256 of its bytes (about 20 ms for
// brief's). When neither can be had, the hash matches no real binary.
func toolHash() key.Hash {
	toolOnce.Do(func() {
		exe, err := os.Executable()
		if err == nil {
			if id := goBuildID(exe); id != "" {
				toolSum = key.New().Str("go build id").Str(id).Done()
				return
			}
			var f *os.File
			if f, err = os.Open(exe); err == nil {
				h := sha256.New()
				_, err = io.Copy(h, f)
				f.Close()
				copy(toolSum[:], h.Sum(nil))
			}
		}
		if err != nil {
			toolSum = sha256.Sum256([]byte("unknown tool " + err.Error()))
		}
	})
	return toolSum
}

// goBuildID reads the Go build ID of an ELF binary from its note, or
// returns "". A binary's build ID is four hashes, joined by '/': of the
// link's inputs, of the main package's inputs and output, and of the
// binary itself (cmd/go writes it after linking).
func goBuildID(exe string) string {
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil || sec.Size > 4096 {
		return ""
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		return ""
	}
	// An ELF note: name size, description size, type, then the name
	// "Go" padded to four bytes and the description, the ID.
	order := f.ByteOrder
	nameSize, descSize, typ := order.Uint32(data), order.Uint32(data[4:]), order.Uint32(data[8:])
	if nameSize != 4 || typ != 4 || string(data[12:16]) != "Go\x00\x00" || uint64(descSize) > uint64(len(data)-16) {
		return ""
	}
	id := string(data[16 : 16+descSize])
	if strings.Count(id, "/") != 3 {
		return "" // not a linked binary's ID of content hashes
	}
	return id
}

// openDiskCache reads the cache in dir, for a build into the folder out.
func openDiskCache(dir, out string) *diskCache {
	d := &diskCache{dir: dir, out: out, salt: toolHash(), secret: cacheSecret(), recs: map[key.Hash]*record{}, files: map[fileKey]*fileEntry{}, used: map[key.Hash]bool{}}
	d.load()
	return d
}

var (
	secretOnce sync.Once
	secret     []byte
)

// cacheSecret is the key that signs this user's cache entries, so that an
// entry brief did not write for this user (edited by hand, planted in a
// shared folder, restored from another machine's CI cache) is never trusted:
// its signature does not match and it is rendered again. The key is
// BRIEF_CACHE_KEY when set (for a CI that keeps its cache between runs), or
// 32 random bytes kept in the user's cache folder (~/.cache/brief/cache-key),
// made on first use. When neither can be had, the key lives only as long as
// the process, and the disk cache is never read back.
func cacheSecret() []byte {
	secretOnce.Do(func() {
		if k := os.Getenv("BRIEF_CACHE_KEY"); k != "" {
			sum := sha256.Sum256([]byte("brief-cache-key\n" + k))
			secret = sum[:]
			return
		}
		if k, err := userSecret(); err == nil {
			secret = k
			return
		}
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
	})
	return secret
}

// userSecret reads, or makes, the key file in the user's cache folder.
func userSecret() ([]byte, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return nil, err
	}
	p := filepath.Join(base, "brief", "cache-key")
	if k, err := os.ReadFile(p); err == nil && len(k) == 32 {
		return k, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Made by another build just now.
		if k, err := os.ReadFile(p); err == nil && len(k) == 32 {
			return k, nil
		}
		return nil, errors.New("unreadable cache key")
	}
	if err != nil {
		return nil, err
	}
	_, err = f.Write(k)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
		return nil, err
	}
	return k, nil
}

const (
	cacheTagName = "CACHEDIR.TAG"
	cacheTag     = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is brief's build cache; see https://bford.info/cachedir/\n"
)

// checkCacheDir refuses a cache folder that is not brief's: one that is not
// empty and has no CACHEDIR.TAG written by brief (so --cache content never
// turns content/ into a cache), and one that holds, or is inside, the
// output, or holds the project.
func checkCacheDir(dir, src, out string) error {
	real, err := publish.RealPath(dir)
	if err != nil {
		return err
	}
	realSrc, err := publish.RealPath(src)
	if err != nil {
		return err
	}
	sep := string(filepath.Separator)
	within := func(a, b string) bool { return a == b || strings.HasPrefix(a, b+sep) }
	switch {
	case within(realSrc, real):
		return fmt.Errorf("refusing to use %s as the build cache: it holds the project; choose another --cache", dir)
	case within(real, out) || within(out, real):
		return fmt.Errorf("refusing to use %s as the build cache: it overlaps the output folder; choose another --cache", dir)
	}
	st, err := os.Stat(real)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("refusing to use %s as the build cache: it is a file, not a folder", dir)
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if tag, err := os.ReadFile(filepath.Join(real, cacheTagName)); err != nil || string(tag) != cacheTag {
		return fmt.Errorf("refusing to use %s as the build cache: it is not empty and has no %s written by brief, so brief did not make it; choose a new or empty folder for --cache", dir, cacheTagName)
	}
	return nil
}

// mark makes the cache folder, tagged as brief's and ignored by git and by
// backup tools that honour CACHEDIR.TAG, once. checkCacheDir has made sure
// the folder is new, empty or already brief's.
func (d *diskCache) mark() {
	d.markOnce.Do(func() {
		if err := os.MkdirAll(d.dir, 0o755); err != nil {
			return
		}
		files := []struct{ name, text string }{
			{cacheTagName, cacheTag}, // first: it is what makes the folder brief's
			{".gitignore", "# brief's build cache: safe to delete, never commit.\n*\n"},
		}
		for _, f := range files {
			p := filepath.Join(d.dir, f.name)
			if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
				_ = os.WriteFile(p, []byte(f.text), 0o644)
			}
		}
	})
}

// Get returns the value of the record stored under k, if the pack holds
// one (project.Records), once: the value is handed over (a briefing's
// slices become the parsed briefing's), so a second Get of k in one build
// misses.
func (d *diskCache) Get(k key.Hash) (any, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.recs[k]
	if !ok || r.Value == nil {
		return nil, false
	}
	d.used[k] = true
	v := r.Value
	r.Value = nil
	return v, true
}

// Keep marks the record under k used, as Get does, leaving its value
// (project.Records).
func (d *diskCache) Keep(k key.Hash) (any, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.recs[k]
	if !ok || r.Value == nil {
		return nil, false
	}
	d.used[k] = true
	return r.Value, true
}

// Put keeps v under k (project.Records): see put.
func (d *diskCache) Put(k key.Hash, v any) { d.put(&record{Key: k, Value: v}) }

// put adds a record, encoded now (its values may change later in the
// build) and written to the pack when the build ends (flush).
func (d *diskCache) put(r *record) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.added.add(r); err == nil {
		d.used[r.Key] = true
	}
}

// fileMeta is what the cache records of one output file.
type fileMeta struct {
	Size  int64
	MTime int64  // nanoseconds
	Ino   uint64 // 0 where the system gives none
}

// fileKey names the record of an output's file: the output's key and path.
type fileKey struct {
	Key  key.Hash
	Path string
}

// fileEntry is an output's file as the pack recorded it, with the bytes
// its record takes there.
type fileEntry struct {
	meta fileMeta
	size int
	used bool
}

// getMeta returns the file recorded for an output with its key, if there
// is one.
func (d *diskCache) getMeta(o *render.Output) (fileMeta, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.files[fileKey{o.Key, o.Path}]
	if !ok {
		return fileMeta{}, false
	}
	e.used = true
	return e.meta, true
}

// putMeta records the file an output made.
func (d *diskCache) putMeta(o *render.Output, m fileMeta) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.addedFiles = appendFile(d.addedFiles, fileKey{o.Key, o.Path}, m)
	d.leave(o.Path, m)
}

// leave notes the file an output left in the folder being published, as
// it is (held by mu).
func (d *diskCache) leave(path string, m fileMeta) {
	if d.left == nil {
		d.left = make(map[string]fileMeta, len(d.files)) // about the site's files
	}
	d.left[path] = m
}

// reused notes the file an output took from the previous output.
func (d *diskCache) reused(o *render.Output, m fileMeta) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.leave(o.Path, m)
}

// leftFile is the file an output left at path, if this build knows it.
func (d *diskCache) leftFile(path string) (fileMeta, bool) {
	if d == nil {
		return fileMeta{}, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	m, ok := d.left[path]
	return m, ok
}
