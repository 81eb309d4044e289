package project

import (
	"encoding/gob"
	"fmt"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/projectfs"
)

// Records keeps values between builds, each under a key that covers all of
// its inputs: the build's disk cache is one (package build keeps them in its
// pack without knowing what they are). Load keeps parsed datasets and
// briefings there, since parsing is the largest part of re-reading a
// project. A value is encoded with encoding/gob among others in one stream,
// so its type is described once per stream: the types put here are
// registered below. Safe for concurrent use.
type Records interface {
	// Get returns the value put under k by an earlier build, once: the
	// value is handed over, and a second Get of k in one build misses.
	Get(k key.Hash) (any, bool)
	// Put keeps v under k. v is encoded by the time Put returns, so it
	// may change afterwards.
	Put(k key.Hash, v any)
	// Keep keeps the value put under k by an earlier build for the next
	// one, as a Get does, without handing it over: it returns the value,
	// not to be changed, or false when there is none or a Get took it.
	Keep(k key.Hash) (any, bool)
}

// storedDataset is a parsed dataset as Records keep it: its own gob
// encoding (dataset.GobEncode), decoded only when the file it was parsed
// from is read again, since decoding rebuilds its index.
type storedDataset []byte

// The names are short: one is written with every record.
func init() {
	gob.RegisterName("dataset", storedDataset(nil))
	gob.RegisterName("briefing", &content.Stored{})
}

// cached parses datasets and briefings, or takes them from the records
// when a file with the same name and bytes was parsed before. Errors are
// not kept: they are reported again, and cheap.
type cached struct{ Records }

// parsedKey names the record of a file's parse; h is the hash of its
// bytes (parseAll's).
func parsedKey(what, file string, h key.Hash) key.Hash {
	return key.New().Str(what).Str(file).Sum(h).Done()
}

// dataset parses a dataset, or decodes it from the records: TOML parsing
// of years of rows is the largest part of re-reading a project.
func (c cached) dataset(file string, src []byte, h key.Hash) (*dataset.Dataset, error) {
	if ds, ok := c.storedDataset(file, h); ok {
		return ds, nil
	}
	ds, err := dataset.Parse(file, src)
	if err != nil {
		return nil, err
	}
	if data, err := ds.GobEncode(); err == nil {
		c.Put(parsedKey("dataset", file, h), storedDataset(data))
	}
	return ds, nil
}

// storedDataset takes a dataset of known bytes from the records.
func (c cached) storedDataset(file string, h key.Hash) (*dataset.Dataset, bool) {
	v, ok := c.Get(parsedKey("dataset", file, h))
	data, _ := v.(storedDataset)
	if !ok || data == nil {
		return nil, false
	}
	ds := new(dataset.Dataset)
	if err := ds.GobDecode(data); err != nil {
		return nil, false
	}
	return ds, true
}

// storedBriefing takes a briefing of known bytes from the records without
// reading its file: its body is read from the project folder src when
// first needed, and must then be the bytes it was parsed from.
func (c cached) storedBriefing(file string, h key.Hash, src string) (*content.Briefing, bool) {
	v, ok := c.Get(parsedKey("briefing", file, h))
	s, _ := v.(*content.Stored)
	if !ok || s == nil {
		return nil, false
	}
	b, err := s.Lazy(func() ([]byte, error) { return readKnown(src, file, h) })
	return b, err == nil
}

// readKnown reads a file of the project folder src that must hold the
// bytes of hash h: those it held when the build began.
func readKnown(src, file string, h key.Hash) ([]byte, error) {
	fsys, err := projectfs.Open(src)
	if err != nil {
		return nil, fmt.Errorf("project folder %s: %w", src, err)
	}
	defer fsys.Close()
	data, err := fsys.ReadFile(file)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: file}, "cannot read: %w", err)
	}
	if key.Of(data) != h {
		return nil, diag.Errorf(diag.Pos{File: file}, "the file changed while brief was building; build again")
	}
	return data, nil
}

// briefing parses a briefing, or takes it from the records (without its
// body, which is src): a weekly publish reads every briefing of the
// archive but renders two or three, and markdown parsing was the largest
// part of the rest. A briefing from the records parses its tree only if a
// page of it is made.
func (c cached) briefing(file string, src []byte, h key.Hash) (*content.Briefing, error) {
	k := parsedKey("briefing", file, h)
	if v, ok := c.Get(k); ok {
		if s, ok := v.(*content.Stored); ok {
			if b, err := s.Briefing(src); err == nil {
				return b, nil
			}
		}
	}
	b, err := content.Parse(file, src)
	if err != nil {
		return nil, err
	}
	c.Put(k, b.Store(src))
	return b, nil
}
