package build

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/key"
)

// diskCache lets `brief build` skip rendering what has not changed since
// the last build. It lives in a folder outside the site (by default
// .brief-cache in the project). An entry, named by the key of an output's
// inputs salted with a key.Hash of the brief binary itself (so a new version of
// the tool never reads an old entry), records the files that output made:
// their names, sizes, SHA-256 sums and the modification times they have in
// the published site. On a hit, the previous site's files are hard-linked
// into the new one, but only when each still has the recorded size and time;
// anything else (a file edited or removed by hand, a corrupt or unreadable
// entry, which carries its own checksum) is a miss and is rendered again.
// After a successful build, entries that build did not use are removed, so
// the folder holds one build's worth. Deleting the folder is always safe.
type diskCache struct {
	dir    string
	salt   key.Hash
	secret []byte // signs entries: see cacheSecret
	mu     sync.Mutex
	used   map[string]bool

	markOnce sync.Once
}

const cacheMagic = "brief-cache-v2\n"

var (
	toolOnce sync.Once
	toolSum  key.Hash
)

// toolHash identifies the running binary: its bytes, or, when they cannot be
// read, nothing that could match a real binary's entries.
func toolHash() key.Hash {
	toolOnce.Do(func() {
		exe, err := os.Executable()
		if err == nil {
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

func openDiskCache(dir string) *diskCache {
	return &diskCache{dir: dir, salt: toolHash(), secret: cacheSecret(), used: map[string]bool{}}
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

// sign is the signature of an entry's content for key.
func (d *diskCache) sign(k key.Hash, content []byte) []byte {
	m := hmac.New(sha256.New, d.secret)
	m.Write(d.salt[:])
	m.Write(k[:])
	m.Write(content)
	return m.Sum(nil)
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
	real, err := realPath(dir)
	if err != nil {
		return err
	}
	realSrc, err := realPath(src)
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

func (d *diskCache) path(k0 key.Hash) string {
	k := key.New().Sum(d.salt).Sum(k0).Done()
	name := hex.EncodeToString(k[:])
	return filepath.Join(d.dir, "v1", name[:2], name)
}

// parseDataset parses a dataset, or decodes it from the cache when a file
// with the same bytes was parsed before (TOML parsing of years of rows is the
// largest part of re-reading a project). A nil cache just parses.
func (d *diskCache) parseDataset(file string, src []byte) (*dataset.Dataset, error) {
	return cachedParse(d, "dataset", file, src, dataset.Parse, func() *dataset.Dataset { return new(dataset.Dataset) })
}

// parseBriefing parses a briefing, or decodes it from the cache when a file
// with the same bytes was parsed before: a weekly publish reads every
// briefing of the archive but renders two or three, and markdown parsing
// was the largest part of the rest. The decoded briefing parses its tree
// only if a page of it is made. A nil cache just parses.
func (d *diskCache) parseBriefing(file string, src []byte) (*content.Briefing, error) {
	return cachedParse(d, "briefing", file, src, content.Parse, func() *content.Briefing { return new(content.Briefing) })
}

// gobValue is a parsed file that the cache can keep.
type gobValue interface {
	GobEncode() ([]byte, error)
	GobDecode([]byte) error
}

// cachedParse parses a file, or decodes what parsing the same bytes gave
// before. Errors are not cached: they are reported again, and cheap.
func cachedParse[T gobValue](d *diskCache, what, file string, src []byte, parse func(string, []byte) (T, error), empty func() T) (T, error) {
	if d == nil {
		return parse(file, src)
	}
	k := key.New().Str(what).Str(file).Sum(key.Of(src)).Done()
	if raw, ok := d.get(k); ok {
		v := empty()
		if err := v.GobDecode(raw["gob"]); err == nil {
			return v, nil
		}
		_ = os.Remove(d.path(k))
	}
	v, err := parse(file, src)
	if err != nil {
		return v, err
	}
	if data, err := v.GobEncode(); err == nil {
		d.put(k, map[string][]byte{"gob": data})
	}
	return v, nil
}

// fileMeta is what the cache records of one output file.
type fileMeta struct {
	Size  int64
	Sum   key.Hash
	MTime int64 // nanoseconds
}

func (m fileMeta) encode() []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(m.Size))
	b = append(b, m.Sum[:]...)
	return binary.LittleEndian.AppendUint64(b, uint64(m.MTime))
}

func decodeMeta(b []byte) (fileMeta, error) {
	if len(b) != 8+32+8 {
		return fileMeta{}, errCorrupt
	}
	var m fileMeta
	m.Size = int64(binary.LittleEndian.Uint64(b))
	copy(m.Sum[:], b[8:40])
	m.MTime = int64(binary.LittleEndian.Uint64(b[40:]))
	return m, nil
}

// getMeta returns the files recorded under key, if a sound entry exists.
func (d *diskCache) getMeta(k key.Hash) (map[string]fileMeta, bool) {
	raw, ok := d.get(k)
	if !ok {
		return nil, false
	}
	out := make(map[string]fileMeta, len(raw))
	for name, b := range raw {
		m, err := decodeMeta(b)
		if err != nil {
			_ = os.Remove(d.path(k))
			return nil, false
		}
		out[name] = m
	}
	return out, true
}

// putMeta records the files an output made.
func (d *diskCache) putMeta(k key.Hash, files map[string]fileMeta) {
	raw := make(map[string][]byte, len(files))
	for name, m := range files {
		raw[name] = m.encode()
	}
	d.put(k, raw)
}

// get returns the raw entry stored under key, if a sound one exists.
func (d *diskCache) get(k key.Hash) (map[string][]byte, bool) {
	p := d.path(k)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	files, err := d.decodeEntry(k, data)
	if err != nil {
		_ = os.Remove(p) // corrupt: rebuild it
		return nil, false
	}
	d.mu.Lock()
	d.used[p] = true
	d.mu.Unlock()
	return files, true
}

// put stores files under key. A failure to write the cache never fails a
// build: the entry is simply missing next time.
func (d *diskCache) put(k key.Hash, files map[string][]byte) {
	d.mark()
	p := d.path(k)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-")
	if err != nil {
		return
	}
	_, err = tmp.Write(d.encodeEntry(k, files))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return
	}
	d.mu.Lock()
	d.used[p] = true
	d.mu.Unlock()
}

// prune removes every entry the last build did not use, and temporary
// files that interrupted builds left. It removes nothing else: only files
// named as brief names its entries, in the folders it makes for them.
func (d *diskCache) prune() {
	root := filepath.Join(d.dir, "v1")
	shards, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, shard := range shards {
		if !shard.IsDir() || !isHex(shard.Name(), 2) {
			continue
		}
		dir := filepath.Join(root, shard.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			switch {
			case !e.Type().IsRegular():
			case isHex(e.Name(), 64) && strings.HasPrefix(e.Name(), shard.Name()):
				d.mu.Lock()
				keep := d.used[p]
				d.mu.Unlock()
				if !keep {
					_ = os.Remove(p)
				}
			case strings.HasPrefix(e.Name(), ".tmp-"):
				// Another build may be writing it right now: only old ones.
				if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
					_ = os.Remove(p)
				}
			}
		}
	}
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// encodeEntry lays out files as: magic, a count, then name and data for each
// (each length-prefixed), then a signature of all of it for key (see sign),
// so that an entry is valid only under the key it was written for.
func (d *diskCache) encodeEntry(k key.Hash, files map[string][]byte) []byte {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	var b bytes.Buffer
	b.WriteString(cacheMagic)
	b.Write(binary.AppendUvarint(nil, uint64(len(names))))
	for _, name := range names {
		b.Write(binary.AppendUvarint(nil, uint64(len(name))))
		b.WriteString(name)
		b.Write(binary.AppendUvarint(nil, uint64(len(files[name]))))
		b.Write(files[name])
	}
	b.Write(d.sign(k, b.Bytes()))
	return b.Bytes()
}

var errCorrupt = errors.New("corrupt cache entry")

func (d *diskCache) decodeEntry(k key.Hash, data []byte) (map[string][]byte, error) {
	if len(data) < len(cacheMagic)+sha256.Size || string(data[:len(cacheMagic)]) != cacheMagic {
		return nil, errCorrupt
	}
	body, sig := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if !hmac.Equal(d.sign(k, body), sig) {
		return nil, errCorrupt
	}
	rest := body[len(cacheMagic):]
	next := func() ([]byte, error) {
		n, w := binary.Uvarint(rest)
		if w <= 0 || uint64(len(rest)-w) < n {
			return nil, errCorrupt
		}
		out := rest[w : w+int(n)]
		rest = rest[w+int(n):]
		return out, nil
	}
	count, w := binary.Uvarint(rest)
	if w <= 0 || count > 1<<16 {
		return nil, errCorrupt
	}
	rest = rest[w:]
	files := make(map[string][]byte, count)
	for range count {
		name, err := next()
		if err != nil {
			return nil, err
		}
		data, err := next()
		if err != nil {
			return nil, err
		}
		files[string(name)] = data
	}
	if len(rest) != 0 {
		return nil, errCorrupt
	}
	return files, nil
}
