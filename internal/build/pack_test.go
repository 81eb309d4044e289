package build

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/brief-desk/brief/internal/key"
)

// FuzzPack: whatever bytes the pack file holds, reading it neither panics
// nor returns a segment that was not signed, and the sound part it reports
// is a prefix of the file. The table of files, read only from signed
// segments, does not panic on any bytes either.
func FuzzPack(f *testing.F) {
	d := &diskCache{secret: []byte("fuzz secret"), salt: key.Of([]byte("fuzz tool"))}
	var rec newRecords
	_ = rec.add(&record{Key: key.Of([]byte("k")), Value: []byte("data")})
	files := appendFile(nil, fileKey{key.Of([]byte("o")), "briefings/w1/index.html"}, fileMeta{Size: 10, MTime: 20})
	_ = rec.add(&record{Out: "/out", Files: files})
	good := append([]byte(packMagic), d.segment(rec.buf.Bytes())...)
	f.Add(good)
	f.Add(good[:len(good)-5])
	f.Add(append(append([]byte{}, good...), 0, 1, 2))
	f.Add(files)
	f.Add([]byte(packMagic + "\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		payloads, n := d.payloads(bytes.NewReader(data), int64(len(data)))
		if n > int64(len(data)) {
			t.Fatalf("sound part %d of %d bytes", n, len(data))
		}
		for _, p := range payloads {
			if !bytes.Equal(p, rec.buf.Bytes()) {
				t.Fatal("a segment that was not signed was read")
			}
		}
		eachFile(data, func(k fileKey, m fileMeta, size int) {
			if size <= 0 || size > len(data) {
				t.Fatalf("a file of %d bytes in %d", size, len(data))
			}
		})
	})
}

// TestPackSizeBounded: a pack is untrusted bytes, and a sparse file of
// gigabytes costs a cloned repository a few kilobytes. A pack over maxPack
// is not read (and is replaced by the next build), and a large segment
// that does not verify is not held in memory: reading either allocates
// little. Before the limits, the 3 GB pack took 6.9 GB.
func TestPackSizeBounded(t *testing.T) {
	defer func(p, s int64) { maxPack, smallSeg = p, s }(maxPack, smallSeg)
	maxPack, smallSeg = 256<<20, 1<<20

	// A signed pack with one segment larger than smallSeg reads back.
	dir := t.TempDir()
	d := openDiskCache(dir, "/out")
	big := bytes.Repeat([]byte("x"), int(smallSeg)+10)
	_ = d.added.add(&record{Key: key.Of([]byte("big")), Value: big})
	d.flush(true)
	if back := openDiskCache(dir, "/out"); back.recs[key.Of([]byte("big"))] == nil {
		t.Fatal("a signed segment larger than smallSeg was not read back")
	}

	for _, tc := range []struct {
		name  string
		size  int64 // of the sparse file
		claim int64 // the first segment's length
	}{
		{"over the limit", 3 << 30, 3<<30 - 100},
		{"a planted segment under the limit", maxPack - 1, maxPack - 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := packPath(dir)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			head := binary.LittleEndian.AppendUint64([]byte(packMagic), uint64(tc.claim))
			if err := os.WriteFile(p, head, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, tc.size); err != nil {
				t.Skipf("no sparse file here: %v", err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			d := openDiskCache(dir, "/out")
			runtime.ReadMemStats(&after)
			if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
				t.Errorf("reading a %d-byte pack allocated %d bytes", tc.size, got)
			}
			if len(d.recs) != 0 || d.state.good > int64(len(packMagic)) {
				t.Errorf("a pack brief did not sign gave %d records", len(d.recs))
			}
			_ = d.added.add(&record{Key: key.Of([]byte("k")), Value: []byte("data")})
			d.flush(true)
			st, err := os.Lstat(p)
			if err != nil || st.Size() > 4096 {
				t.Fatalf("the planted pack was not replaced: %v, %v", st.Size(), err)
			}
			if back := openDiskCache(dir, "/out"); back.recs[key.Of([]byte("k"))] == nil {
				t.Error("the new pack does not hold this build's record")
			}
		})
	}
}
