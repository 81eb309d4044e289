package workbook

import (
	"archive/zip"
	"bytes"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/xuri/excelize/v2"
)

// flatePool reuses compressors across entries and workbooks: making a new
// flate.Writer per entry costs more than the compression of a small entry.
var flatePool = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
	return w
}}

type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flatePool.Put(p.Writer)
	return err
}

func compressor(w io.Writer) (io.WriteCloser, error) {
	fw := flatePool.Get().(*flate.Writer)
	fw.Reset(w)
	return pooledFlate{fw}, nil
}

// sortedZip makes excelize's output byte-reproducible. excelize writes some
// entries in map order, and lists content types in map order when a workbook
// has charts; sortedZip writes the entries sorted by name, with the elements of
// [Content_Types].xml sorted, and a fixed time stamp. Entries are compressed
// as they arrive and kept compressed until Close, so a large sheet costs its
// compressed size in memory, not its XML.
type sortedZip struct {
	out     io.Writer
	mod     time.Time
	entries map[string]*entry
	open    *entry
}

type entry struct {
	name string
	raw  *bytes.Buffer // [Content_Types].xml only: kept plain, sorted at Close
	comp bytes.Buffer
	fw   io.WriteCloser
	crc  hash.Hash32
	size uint64
}

func (e *entry) Write(p []byte) (int, error) {
	if e.raw != nil {
		return e.raw.Write(p)
	}
	e.crc.Write(p)
	e.size += uint64(len(p))
	return e.fw.Write(p)
}

func newSortedZip(mod time.Time) func(io.Writer) excelize.ZipWriter {
	return func(w io.Writer) excelize.ZipWriter {
		return &sortedZip{out: w, mod: mod, entries: map[string]*entry{}}
	}
}

// finish completes the entry being written, if any.
func (z *sortedZip) finish() error {
	if z.open == nil || z.open.fw == nil {
		z.open = nil
		return nil
	}
	err := z.open.fw.Close()
	z.open.fw = nil
	z.open = nil
	return err
}

func (z *sortedZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	e := &entry{name: name}
	if name == contentTypes {
		e.raw = &bytes.Buffer{}
	} else {
		e.crc = crc32.NewIEEE()
		e.fw, _ = compressor(&e.comp)
	}
	z.entries[name] = e
	z.open = e
	return e, nil
}

func (z *sortedZip) AddFS(fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		w, err := z.Create(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
}

const contentTypes = "[Content_Types].xml"

// sortContentTypes sorts the Default and Override elements of
// [Content_Types].xml, keeping everything around them. (A scan, not a
// regular expression: this runs for every workbook of a build.)
func sortContentTypes(b []byte) []byte {
	var locs [][2]int
	for i := 0; i < len(b); {
		k := bytes.IndexByte(b[i:], '<')
		if k < 0 {
			break
		}
		k += i
		if end := contentTypeEnd(b[k:]); end > 0 {
			locs = append(locs, [2]int{k, k + end})
			i = k + end
		} else {
			i = k + 1
		}
	}
	if len(locs) < 2 {
		return b
	}
	elems := make([][]byte, len(locs))
	for i, l := range locs {
		elems[i] = b[l[0]:l[1]]
	}
	slices.SortStableFunc(elems, bytes.Compare)
	out := make([]byte, 0, len(b))
	out = append(out, b[:locs[0][0]]...)
	for _, e := range elems {
		out = append(out, e...)
	}
	return append(out, b[locs[len(locs)-1][1]:]...)
}

// contentTypeEnd returns the length of the Default or Override element
// that b starts with (empty: self-closed, or closed after nothing but
// spaces), or 0 when b does not start with one.
func contentTypeEnd(b []byte) int {
	var name string
	switch {
	case bytes.HasPrefix(b, []byte("<Default ")):
		name = "Default"
	case bytes.HasPrefix(b, []byte("<Override ")):
		name = "Override"
	default:
		return 0
	}
	gt := bytes.IndexByte(b, '>')
	if gt < 0 {
		return 0
	}
	if b[gt-1] == '/' {
		return gt + 1
	}
	rest := b[gt+1:]
	end := "</" + name + ">"
	space := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n"))
	if !bytes.HasPrefix(rest[space:], []byte(end)) {
		return 0
	}
	return gt + 1 + space + len(end)
}

func (z *sortedZip) Close() error {
	if err := z.finish(); err != nil {
		return err
	}
	zw := zip.NewWriter(z.out)
	zw.RegisterCompressor(zip.Deflate, compressor)
	names := make([]string, 0, len(z.entries))
	for name := range z.entries {
		names = append(names, name)
	}
	// [Content_Types].xml first, as Office writes it; then by name.
	slices.SortFunc(names, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == contentTypes:
			return -1
		case b == contentTypes:
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		e := z.entries[name]
		if e.raw != nil {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.mod})
			if err != nil {
				return err
			}
			if _, err := w.Write(sortContentTypes(e.raw.Bytes())); err != nil {
				return err
			}
			continue
		}
		fh := &zip.FileHeader{
			Name: name, Method: zip.Deflate,
			CRC32: e.crc.Sum32(), CompressedSize64: uint64(e.comp.Len()), UncompressedSize64: e.size,
		}
		//lint:ignore SA1019 CreateRaw takes the MS-DOS fields as they are
		fh.SetModTime(z.mod)
		w, err := zw.CreateRaw(fh)
		if err != nil {
			return err
		}
		if _, err := w.Write(e.comp.Bytes()); err != nil {
			return err
		}
		e.comp = bytes.Buffer{}
	}
	return zw.Close()
}
