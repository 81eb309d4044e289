package build

import (
	"bytes"
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
	_ = rec.add(&record{Key: key.Of([]byte("k")), Dataset: []byte("data")})
	files := appendFile(nil, fileKey{key.Of([]byte("o")), "briefings/w1/index.html"}, fileMeta{Size: 10, MTime: 20})
	_ = rec.add(&record{Out: "/out", Files: files})
	good := append([]byte(packMagic), d.segment(rec.buf.Bytes())...)
	f.Add(good)
	f.Add(good[:len(good)-5])
	f.Add(append(append([]byte{}, good...), 0, 1, 2))
	f.Add(files)
	f.Add([]byte(packMagic + "\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		payloads, n := d.payloads(data)
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
