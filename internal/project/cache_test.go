package project_test

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
)

// stream is Records as the build's pack keeps them: every value put is
// encoded at once into one gob stream, and read back by reopen.
type stream struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	enc  *gob.Encoder
	vals map[key.Hash]any
	hits int
	kept map[key.Hash]bool
}

type entry struct {
	Key   key.Hash
	Value any
}

func (s *stream) Get(k key.Hash) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vals[k]
	if ok {
		s.hits++
		delete(s.vals, k)
	}
	return v, ok
}

func (s *stream) Keep(k key.Hash) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vals[k]
	if ok {
		if s.kept == nil {
			s.kept = map[key.Hash]bool{}
		}
		s.kept[k] = true
	}
	return v, ok
}

func (s *stream) Put(k key.Hash, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.enc == nil {
		s.enc = gob.NewEncoder(&s.buf)
	}
	if err := s.enc.Encode(&entry{k, v}); err != nil {
		panic(err) // a type project did not register
	}
}

// reopen decodes what was put, as the next build reads the pack.
func (s *stream) reopen(t *testing.T) *stream {
	next := &stream{vals: map[key.Hash]any{}}
	dec := gob.NewDecoder(&s.buf)
	for s.buf.Len() > 0 {
		var e entry
		if err := dec.Decode(&e); err != nil {
			t.Fatal(err)
		}
		next.vals[e.Key] = e.Value
	}
	return next
}

// TestRecords: a load through Records keeps every dataset and briefing it
// parsed there, what binding each briefing gave and the companies each
// published one mentions, and the next load, through what one gob stream
// carried, takes every one of them and gives the same project: each
// briefing with the same keys, sources, figures, warnings and links to
// companies, bound (to the same rows) only when Bind is called.
func TestRecords(t *testing.T) {
	ctx := context.Background()
	first := &stream{}
	p1, err := project.Load(ctx, project.Options{Src: "../.."}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := project.Load(ctx, project.Options{Src: "../..", Records: first}, nil); err != nil {
		t.Fatal(err)
	}
	second := first.reopen(t)
	// The sample's derived dataset keeps its results too: now, and as of
	// its briefing's date (a revision of its source since makes them two).
	kinds := map[string]int{}
	for _, v := range second.vals {
		kinds[fmt.Sprintf("%T", v)]++
	}
	want := map[string]int{"project.storedDataset": len(p1.Datasets), "*content.Stored": len(p1.All),
		"*project.storedBinding": len(p1.All), "project.storedMentions": len(p1.Briefings), "derive.stored": 2}
	if len(p1.Entities) == 0 || !maps.Equal(kinds, want) {
		t.Fatalf("records kept: %v, want %v (the sample has %d companies)", kinds, want, len(p1.Entities))
	}
	p2, err := project.Load(ctx, project.Options{Src: "../..", Records: second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The derived dataset as of its briefing's date is read when that
	// briefing is bound, not before: a build binds only the briefings
	// whose files it makes.
	if second.hits != len(p1.Datasets)+2*len(p1.All)+len(p1.Briefings)+1 || len(second.vals) != 1 {
		t.Errorf("%d records taken, %d left; want all but the past derived result taken", second.hits, len(second.vals))
	}
	for k := range second.vals {
		if !second.kept[k] {
			t.Errorf("record %x neither taken nor kept: the next build would not have it", k[:4])
		}
	}
	if len(p2.All) != len(p1.All) || len(p2.Datasets) != len(p1.Datasets) {
		t.Fatalf("%d briefings and %d datasets from the records, want %d and %d", len(p2.All), len(p2.Datasets), len(p1.All), len(p1.Datasets))
	}
	for i, b := range p1.All {
		// The key covers the briefing's file and exactly the data its
		// blocks select.
		got := p2.All[i]
		if got.File != b.File || got.Key != b.Key || got.WorkbookKey != b.WorkbookKey || got.Title != b.Title ||
			!slices.Equal(got.ViewKeys, b.ViewKeys) || !slices.Equal(got.Sources, b.Sources) || !slices.Equal(got.Quoted, b.Quoted) {
			t.Errorf("%s from the records differs: key %x, want %x", b.File, got.Key[:4], b.Key[:4])
		}
		if got.Views != nil || got.Bound != nil || got.Figures != nil {
			t.Errorf("%s from the records is bound before Bind", b.File)
		}
		if err := got.Bind(); err != nil {
			t.Fatal(err)
		}
		if len(got.Views) != len(b.Views) || len(got.Figures) != len(b.Figures) || len(got.Bound) != len(b.Bound) {
			t.Errorf("%s bound from the records: %d views, %d figures, want %d and %d", b.File, len(got.Views), len(got.Figures), len(b.Views), len(b.Figures))
		}
		if !slices.Equal(got.Links, b.Links) {
			t.Errorf("%s from the records links %v, want %v", b.File, got.Links, b.Links)
		}
		for j, v := range got.Views {
			if len(v.Rows) != len(b.Views[j].Rows) || v.Title != b.Views[j].Title {
				t.Errorf("%s bound from the records: view %d differs", b.File, j)
			}
		}
	}
	if len(second.vals) != 0 {
		t.Errorf("%d records left after binding every briefing, want none", len(second.vals))
	}
	if !slices.ContainsFunc(p2.Briefings, func(b *project.Briefing) bool { return len(b.Links) > 0 }) {
		t.Error("no briefing of the sample links a company from the records")
	}
	if fmt.Sprint(p2.Warnings) != fmt.Sprint(p1.Warnings) {
		t.Errorf("warnings from the records:\n%v\nwant\n%v", p2.Warnings, p1.Warnings)
	}
	for i, d := range p1.Datasets {
		if got := p2.Datasets[i]; got.ID != d.ID || got.Len() != d.Len() {
			t.Errorf("dataset %s from the records differs", d.ID)
		}
	}
}

// TestKnownFilesNotRead: a load through Records that knows what a file
// holds (Options.Known: the build's record of the files it read) takes its
// parse from the records without reading it, and reads it only when the
// body is needed (Bind), refusing bytes that are not those it knew.
func TestKnownFilesNotRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("site.toml", "title = \"Desk\"\nbase_url = \"https://example.org/\"\n")
	write("data/prices.toml", "title = \"Prices\"\nsource = \"Exchange\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nclose = 1.5\n")
	for _, w := range []string{"one", "two"} {
		write("content/briefings/"+w+".md", "+++\ntitle = \"Week "+w+"\"\ndate = 2026-01-0"+map[string]string{"one": "2", "two": "9"}[w]+
			"\n+++\nText of "+w+".\n\n```table\ndataset = \"prices\"\n```\n")
	}
	ctx := context.Background()
	first := &stream{}
	p1, err := project.Load(ctx, project.Options{Src: dir, Records: first}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The file changes, but the load is told it holds what it held.
	write("content/briefings/two.md", "+++\ntitle = \"Changed\"\ndate = 2026-01-09\n+++\nOther text.\n")
	known := func(file string, _ fs.FileInfo) (key.Hash, bool) {
		h, ok := p1.Hashes[file]
		return h, ok
	}
	p2, err := project.Load(ctx, project.Options{Src: dir, Records: first.reopen(t), Known: known}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Hashes) != 3 || len(p2.Briefings) != 2 || p2.Briefings[0].Title != "Week two" {
		t.Fatalf("hashes of %d files; the load read the changed file: %s", len(p1.Hashes), p2.Briefings[0].Title)
	}
	if err := p2.Briefings[1].Bind(); err != nil {
		t.Errorf("binding the unchanged briefing: %v", err)
	}
	err = p2.Briefings[0].Bind()
	if want := "content/briefings/two.md: the file changed while brief was building; build again"; err == nil || err.Error() != want {
		t.Errorf("binding the changed briefing: %v, want %q", err, want)
	}
}
