package build

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"hash"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/publish"
)

// The disk cache keeps its records in one file, the pack (v2/pack in the
// cache folder), read whole when a build starts: a weekly publish looks up
// a record for every briefing, dataset and output of the site, and one read
// of a few megabytes costs far less than thousands of small files (on the
// disks measured, opening a file costs about as much as rendering a page).
//
// The pack is the header packMagic, then segments. A segment is the length
// of its payload (8 bytes, little endian), the payload, and an HMAC-SHA256
// of the payload under the user's cache key, salted with toolHash (the
// binary's identity; see sign), so that a segment brief did not write for
// this user, or one from another version of brief, is never read. A payload is one gob
// stream of records: the types are described once per segment, not once per
// record. Reading stops at the first segment that is short or does not
// verify (a build that crashed while appending); what follows is dropped.
//
// The pack is read as untrusted bytes (a cloned repository could commit
// one): a pack larger than maxPack is neither read nor kept (the build
// writes a new one), a segment is read only as far as the file holds it,
// and a segment larger than smallSeg is verified as it streams before it is
// held in memory, so a planted segment (a sparse file of gigabytes costs a
// few kilobytes of disk) costs no more memory than smallSeg.
//
// Each build appends the records it added, in segments of at most
// segRecords records (decoded in parallel), under a lock on the cache
// folder. When the records the build did not use take more
// room than those it did, a successful build writes a new pack with only
// the records it used (into a temporary file, renamed over the pack), so
// the pack holds about one build's worth.

const (
	packMagic = "brief-pack-v1\n"
	packDir   = "v2"
	packName  = "pack"
)

// maxPack and smallSeg: see above. A pack holds about one build's worth,
// 2.8 MB for 1,000 briefings, so maxPack leaves room for 300,000.
var (
	maxPack  int64 = 1 << 30
	smallSeg int64 = 16 << 20
)

// record is one entry of the pack: a value kept under Key through Put (by
// package project: a parsed briefing or dataset, of types it registers with
// encoding/gob, so that the segment's one gob stream describes each type
// once), or the table of files the outputs of a build into the folder Out
// made (appendFile: thousands of them, read without reflection).
type record struct {
	Key   key.Hash
	Value any
	Out   string
	Files []byte
}

// wireRecord is a record as a segment holds it: its key in one piece
// (key.Wire).
type wireRecord struct {
	Key   key.Wire
	Value any
	Out   string
	Files []byte
}

// appendFile adds an output's file to a table of files: the output's key,
// its path (length first), the file's size, modification time and inode.
func appendFile(b []byte, k fileKey, m fileMeta) []byte {
	b = append(b, k.Key[:]...)
	b = binary.AppendUvarint(b, uint64(len(k.Path)))
	b = append(b, k.Path...)
	b = binary.LittleEndian.AppendUint64(b, uint64(m.Size))
	b = binary.LittleEndian.AppendUint64(b, uint64(m.MTime))
	return binary.LittleEndian.AppendUint64(b, m.Ino)
}

// eachFile reads a table of files, with the bytes each took; it stops at
// the first that does not fit.
func eachFile(b []byte, fn func(k fileKey, m fileMeta, size int)) {
	for len(b) > 0 {
		start := len(b)
		if len(b) < len(key.Hash{}) {
			return
		}
		var k fileKey
		copy(k.Key[:], b)
		b = b[len(k.Key):]
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n+24 {
			return
		}
		k.Path = string(b[w : w+int(n)])
		b = b[w+int(n):]
		m := fileMeta{Size: int64(binary.LittleEndian.Uint64(b)), MTime: int64(binary.LittleEndian.Uint64(b[8:])), Ino: binary.LittleEndian.Uint64(b[16:])}
		b = b[24:]
		fn(k, m, start-len(b))
	}
}

// packPath is the pack's path in the cache folder dir.
func packPath(dir string) string { return filepath.Join(dir, packDir, packName) }

// segment frames a payload for the pack.
func (d *diskCache) segment(payload []byte) []byte {
	b := make([]byte, 0, 8+len(payload)+sha256.Size)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(payload)))
	b = append(b, payload...)
	return append(b, d.sign(payload)...)
}

// segments are payloads as segments, one after another.
func (d *diskCache) segments(payloads [][]byte) []byte {
	var b []byte
	for _, p := range payloads {
		b = append(b, d.segment(p)...)
	}
	return b
}

// sign is the signature of a segment's payload.
func (d *diskCache) sign(payload []byte) []byte {
	m := d.mac()
	m.Write(payload)
	return m.Sum(nil)
}

// mac is the keyed hash that signs a payload written into it.
func (d *diskCache) mac() hash.Hash {
	m := hmac.New(sha256.New, d.secret)
	m.Write(d.salt[:])
	return m
}

// payloads returns the payloads of the sound segments of a pack of size
// bytes read through r, and how many bytes the header and they take.
func (d *diskCache) payloads(r io.ReaderAt, size int64) (out [][]byte, good int64) {
	magic := make([]byte, len(packMagic))
	if size > maxPack || size < int64(len(magic)) {
		return nil, 0
	}
	if _, err := r.ReadAt(magic, 0); err != nil || string(magic) != packMagic {
		return nil, 0
	}
	good = int64(len(magic))
	var head [8]byte
	sig := make([]byte, sha256.Size)
	for {
		if _, err := r.ReadAt(head[:], good); err != nil {
			break
		}
		n := binary.LittleEndian.Uint64(head[:])
		if size-good < 8+sha256.Size || n > uint64(size-good-8-sha256.Size) {
			break
		}
		body := io.NewSectionReader(r, good+8, int64(n))
		if _, err := r.ReadAt(sig, good+8+int64(n)); err != nil {
			break
		}
		if int64(n) > smallSeg && !d.verifies(body, sig) {
			break
		}
		payload := make([]byte, n)
		if _, err := body.ReadAt(payload, 0); err != nil && !(err == io.EOF && n == 0) {
			break
		}
		if !hmac.Equal(d.sign(payload), sig) {
			break
		}
		out = append(out, payload)
		good += int64(8 + n + sha256.Size)
	}
	return out, good
}

// verifies tells whether the bytes r holds have the signature sig, reading
// them in small pieces.
func (d *diskCache) verifies(r io.Reader, sig []byte) bool {
	m := d.mac()
	if _, err := io.Copy(m, r); err != nil {
		return false
	}
	return hmac.Equal(m.Sum(nil), sig)
}

// readPack opens the pack at p, unless it is a link or not a regular file,
// and returns its sound segments (see payloads), the file's identity and
// its size.
func (d *diskCache) readPack(p string) (payloads [][]byte, good int64, st fs.FileInfo, ok bool) {
	lst, err := os.Lstat(p)
	if err != nil || !lst.Mode().IsRegular() {
		return nil, 0, nil, false // a link is not followed: flush replaces it
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, 0, nil, false
	}
	defer f.Close()
	st, err = f.Stat()
	if err != nil || !os.SameFile(st, lst) {
		return nil, 0, nil, false
	}
	payloads, good = d.payloads(f, st.Size())
	return payloads, good, st, true
}

// eachRecord decodes a payload's records, with the bytes each took. A
// payload that does not decode (signed, so written by this binary: it
// cannot happen short of a bug) ends early.
func eachRecord(payload []byte, fn func(r *record, size int)) {
	rd := bytes.NewReader(payload)
	dec := gob.NewDecoder(rd)
	for {
		before := rd.Len()
		var w wireRecord
		if err := dec.Decode(&w); err != nil {
			return
		}
		fn(&record{Key: key.Hash(w.Key), Value: w.Value, Out: w.Out, Files: w.Files}, before-rd.Len())
	}
}

// decoded are a payload's records, with the bytes each took.
type decoded struct {
	recs  []*record
	sizes []int
}

func (p decoded) each(fn func(r *record, size int)) {
	for i, r := range p.recs {
		fn(r, p.sizes[i])
	}
}

// decodeAll decodes payloads, a share of them a core (gob took most of a
// weekly publish's reading of the pack), each in the order of its records.
func decodeAll(payloads [][]byte) []decoded {
	out := make([]decoded, len(payloads))
	parallel(len(payloads), func(i int) bool {
		eachRecord(payloads[i], func(r *record, size int) {
			out[i].recs = append(out[i].recs, r)
			out[i].sizes = append(out[i].sizes, size)
		})
		return true
	})
	return out
}

// packState is what a build knows of the pack it read.
type packState struct {
	ident fs.FileInfo // the file read, to tell whether another build changed it since
	good  int64       // bytes of header and sound segments
	sizes map[key.Hash]int
	total int // bytes of all records read
}

// load reads the pack, if there is one: the records of parsed files, and
// the files of outputs in d.out (those of other folders are left to go).
func (d *diskCache) load() {
	payloads, good, st, ok := d.readPack(packPath(d.dir))
	if !ok {
		return
	}
	dd := decodeAll(payloads)
	recs := d.presize(dd)
	d.state = packState{ident: st, good: good, sizes: make(map[key.Hash]int, recs)}
	for _, p := range dd {
		p.each(func(r *record, size int) {
			d.state.total += size
			if r.Files == nil {
				d.recs[r.Key] = r
				d.state.sizes[r.Key] += size
				return
			}
			if r.Out == d.out {
				eachFile(r.Files, func(k fileKey, m fileMeta, size int) {
					d.files[k] = &fileEntry{meta: m, size: size}
				})
			}
		})
	}
}

// newRecords encodes the records a build adds, as they are added (the
// values may change later in the build), into segments' payloads of at
// most segRecords records each, which a build decodes in parallel.
type newRecords struct {
	done  [][]byte // full payloads
	buf   bytes.Buffer
	enc   *gob.Encoder
	n     int // records in buf
	bytes int // of every payload
}

// segRecords is how many records a segment holds at most: gob describes
// the types once a segment, and a segment decodes on one core, so a pack
// of 1,000 briefings' records decodes on every core in a few segments.
const segRecords = 256

func (n *newRecords) add(r *record) error {
	if n.enc == nil || n.n == segRecords {
		n.close()
		n.enc = gob.NewEncoder(&n.buf)
	}
	before := n.buf.Len()
	err := n.enc.Encode(&wireRecord{Key: key.Wire(r.Key), Value: r.Value, Out: r.Out, Files: r.Files})
	n.n++
	n.bytes += n.buf.Len() - before
	return err
}

// close ends the payload being written.
func (n *newRecords) close() {
	if n.buf.Len() > 0 {
		n.done = append(n.done, bytes.Clone(n.buf.Bytes()))
	}
	n.buf.Reset()
	n.enc, n.n = nil, 0
}

// payloads are the payloads written; nothing is added after.
func (n *newRecords) payloads() [][]byte {
	n.close()
	return n.done
}

// size is how many bytes the records take.
func (n *newRecords) size() int { return n.bytes }

// flush writes what this build added to the pack: a segment appended, or,
// when complete (the build succeeded, so every record it needs was used)
// and the records it did not use take more room than those it did, a new
// pack with only the records used. A failed build appends only what it
// parsed. A failure to write never fails a build:
// the records are simply missing next time.
func (d *diskCache) flush(complete bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	// The files of a failed build are not published, and go with it: only
	// what it parsed is kept.
	if complete && len(d.addedFiles) > 0 {
		_ = d.added.add(&record{Out: d.out, Files: d.addedFiles})
	}
	d.addedFiles = nil
	if d.added.size() == 0 && !complete {
		return
	}
	d.mark()
	dir := filepath.Join(d.dir, packDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	l, err := publish.Lock(d.dir, true)
	if err != nil {
		return
	}
	defer l.Close()
	if complete {
		d.removeOld()
	}
	p := packPath(d.dir)
	st, err := os.Lstat(p)
	same := err == nil && d.state.ident != nil && os.SameFile(st, d.state.ident) &&
		st.Size() == d.state.ident.Size() && st.ModTime().Equal(d.state.ident.ModTime())
	switch {
	case errors.Is(err, fs.ErrNotExist) || err == nil && !st.Mode().IsRegular():
		d.rewrite(p, nil)
	case err != nil:
	case !same:
		// Another build wrote it since this one read it: keep what it
		// holds, as far as it is sound, and add to it.
		_, good, st, ok := d.readPack(p)
		if !ok {
			return
		}
		d.appendTo(p, good, st.Size())
	case complete && d.state.total-d.usedBytes() > d.usedBytes()+d.added.size():
		d.rewrite(p, d.usedRecords())
	default:
		d.appendTo(p, d.state.good, st.Size())
	}
}

// usedBytes is how many bytes of the pack read hold records this build used.
func (d *diskCache) usedBytes() int {
	n := 0
	for k := range d.used {
		n += d.state.sizes[k]
	}
	for _, e := range d.files {
		if e.used {
			n += e.size
		}
	}
	return n
}

// usedRecords encodes the records read from the pack that this build used
// as segments' payloads: parsed files decoded again from the pack (the
// values this build decoded may have been changed since), and the files of
// outputs in one table.
func (d *diskCache) usedRecords() [][]byte {
	payloads, _, _, ok := d.readPack(packPath(d.dir))
	if !ok {
		return nil
	}
	var kept newRecords
	for _, p := range payloads {
		eachRecord(p, func(r *record, _ int) {
			if r.Files == nil && d.used[r.Key] {
				_ = kept.add(r)
				delete(d.used, r.Key) // once, even if written twice
			}
		})
	}
	var files []byte
	for _, k := range slices.SortedFunc(maps.Keys(d.files), func(a, b fileKey) int {
		return cmp.Or(bytes.Compare(a.Key[:], b.Key[:]), strings.Compare(a.Path, b.Path))
	}) {
		if e := d.files[k]; e.used {
			files = appendFile(files, k, e.meta)
		}
	}
	if len(files) > 0 {
		_ = kept.add(&record{Out: d.out, Files: files})
	}
	return kept.payloads()
}

// appendTo appends this build's segment to the pack at p, of size bytes,
// whose first good bytes are sound (what follows them is dropped first).
func (d *diskCache) appendTo(p string, good, size int64) {
	if good < int64(len(packMagic)) {
		d.rewrite(p, nil)
		return
	}
	added := d.segments(d.added.payloads())
	if len(added) == 0 && good == size {
		return
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if good < size {
		if err := f.Truncate(good); err != nil {
			return
		}
	}
	if len(added) > 0 {
		if _, err := f.WriteAt(added, good); err != nil {
			_ = f.Truncate(good) // a short segment would be dropped anyway
		}
	}
}

// rewrite replaces the pack at p with one holding kept (a payload, or nil)
// and this build's segment.
func (d *diskCache) rewrite(p string, kept [][]byte) {
	var b bytes.Buffer
	b.WriteString(packMagic)
	b.Write(d.segments(kept))
	b.Write(d.segments(d.added.payloads()))
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-pack-")
	if err != nil {
		return
	}
	_, err = tmp.Write(b.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
}

// removeOld removes what earlier versions and interrupted builds left in
// the cache folder: the entries of the first cache format (v1/xx/<64 hex
// digits>, one file each, and the folders they leave empty) and temporary
// packs older than an hour (a newer one may be another build's, being
// written). It removes nothing else: only files named as brief names them,
// in the folders it makes for them.
func (d *diskCache) removeOld() {
	old := filepath.Join(d.dir, "v1")
	if shards, err := os.ReadDir(old); err == nil {
		for _, shard := range shards {
			if !shard.IsDir() || !isHex(shard.Name(), 2) {
				continue
			}
			dir := filepath.Join(old, shard.Name())
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				name := e.Name()
				if e.Type().IsRegular() && (isHex(name, 64) && strings.HasPrefix(name, shard.Name()) || strings.HasPrefix(name, ".tmp-")) {
					_ = os.Remove(filepath.Join(dir, name))
				}
			}
			_ = os.Remove(dir) // only if empty
		}
		_ = os.Remove(old)
	}
	entries, _ := os.ReadDir(filepath.Join(d.dir, packDir))
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), ".tmp-pack-") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			_ = os.Remove(filepath.Join(d.dir, packDir, e.Name()))
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

// presize makes the cache's maps as large as the records decoded need
// (filled one entry at a time, the table of 8,000 files of a site of 1,000
// briefings grew and rehashed its map a dozen times in every build), and
// returns how many records of values there are.
func (d *diskCache) presize(dd []decoded) int {
	recs, fileBytes := 0, 0
	for _, p := range dd {
		for _, r := range p.recs {
			if r.Files == nil {
				recs++
			} else if r.Out == d.out {
				fileBytes += len(r.Files)
			}
		}
	}
	d.recs = make(map[key.Hash]*record, recs)
	d.used = make(map[key.Hash]bool, recs)
	// An entry is its key, its path and 24 bytes: 64 is about the
	// smallest, so this is an upper bound.
	d.files = make(map[fileKey]*fileEntry, fileBytes/64)
	return recs
}
