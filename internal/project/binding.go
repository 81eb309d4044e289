package project

import (
	"cmp"
	"encoding/gob"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/derive"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/view"
)

// A weekly publish changes one or two briefings of an archive of
// hundreds, and binding every other one again (selecting and hashing the
// rows of each block) was a tenth of it. So a load with Records keeps what
// binding a briefing gave there, under the same key as the memo's binding
// (bindKey: the briefing's file, the datasets it names, the previous
// briefing's date), and takes it back in the next build: the keys of the
// briefing's files and what the plan reads of its views (Sources). Its
// rows are not kept (selecting them again costs less than decoding them):
// Bind binds it when the build makes one of its files.

// Source is the dataset a view shows, as a briefing's page credits it.
type Source struct {
	ID, Title, Source, URL, Description, Notes string
}

// sourceOf is a dataset as a page credits it.
func sourceOf(d *dataset.Dataset) Source {
	return Source{ID: d.ID, Title: d.Title, Source: d.Source, URL: d.SourceURL, Description: d.Description, Notes: d.Notes}
}

// sourcesOf are the datasets of views, one per view.
func sourcesOf(views []*view.View) []Source {
	out := make([]Source, len(views))
	for i, v := range views {
		out[i] = sourceOf(v.Data)
	}
	return out
}

// quotedOf are the texts of figures.
func quotedOf(figures []*view.Figure) []string {
	out := make([]string, len(figures))
	for i, f := range figures {
		out[i] = f.Text
	}
	return out
}

// storedBinding is what binding a briefing gave, as the records keep it:
// everything but the bound blocks, views and figures. Each view's source
// is kept by its dataset's id (Shown): the key covers the dataset's file,
// and with it what the page credits (a thousand briefings' copies of a
// few datasets' descriptions were a third of the records).
type storedBinding struct {
	Key, WorkbookKey key.Wire // in one piece (key.Wire)
	ViewKeys         []key.Wire
	Shown            []string
	Quoted           []string
	Warnings         []storedWarning
	// Derived are the keys of the derived datasets' results the binding
	// showed (derive.Engine.KeyAt), which a build that takes the binding
	// keeps in the records for when the briefing is bound.
	Derived []derive.Known
}

// storedWarning is a warning of binding (a block that selects no rows).
type storedWarning struct {
	Pos diag.Pos
	Msg string
}

func init() { gob.RegisterName("binding", &storedBinding{}) }

// bindingKey names the record of a briefing's binding; memoKey is its
// bindKey, which does not name the file.
func bindingKey(file string, memoKey key.Hash) key.Hash {
	return key.New().Str("binding").Str(file).Sum(memoKey).Done()
}

// keepBinding puts what binding a briefing gave into the records.
func (l *loader) keepBinding(sb *Briefing, prev time.Time, warns []*diag.Error, memoKey key.Hash) {
	s := &storedBinding{Key: sb.Key, WorkbookKey: sb.WorkbookKey, ViewKeys: key.Wires(sb.ViewKeys), Quoted: sb.Quoted, Derived: l.derivedKeys(sb.Briefing, prev)}
	for _, src := range sb.Sources {
		s.Shown = append(s.Shown, src.ID)
	}
	for _, w := range warns {
		s.Warnings = append(s.Warnings, storedWarning{Pos: w.Pos, Msg: w.Msg})
	}
	l.opts.Records.Put(bindingKey(sb.File, memoKey), s)
}

// derivedKeys are the keys of the derived datasets' results a briefing
// shows, as of its date and the previous briefing's.
func (l *loader) derivedKeys(b *content.Briefing, prev time.Time) []derive.Known {
	if l.derive == nil {
		return nil
	}
	var keys []derive.Known
	for _, id := range b.Named() {
		if d := l.byID[id]; d != nil && d.Derivation() != nil && !l.failed[id] {
			keys = append(keys, l.derive.KeyAt(id, b.Date))
			if !prev.IsZero() {
				keys = append(keys, l.derive.KeyAt(id, prev))
			}
		}
	}
	slices.SortFunc(keys, func(a, b derive.Known) int {
		return cmp.Or(strings.Compare(a.ID, b.ID), a.Day.Compare(b.Day))
	})
	return slices.Compact(keys)
}

// recordedBinding takes a briefing's binding from the records: the
// briefing it gives is bound when Bind is called. It reports false when
// the records hold none.
func (l *loader) recordedBinding(bd *binding, memoKey key.Hash) bool {
	v, ok := l.opts.Records.Get(bindingKey(bd.b.File, memoKey))
	s, _ := v.(*storedBinding)
	if !ok || s == nil || len(s.ViewKeys) != len(s.Shown) {
		return false
	}
	sources := make([]Source, len(s.Shown))
	for i, id := range s.Shown {
		d := l.byID[id]
		if d == nil {
			return false
		}
		sources[i] = sourceOf(d)
	}
	sb := &Briefing{Briefing: bd.b, Key: s.Key, WorkbookKey: s.WorkbookKey, ViewKeys: key.Hashes(s.ViewKeys), Sources: sources, Quoted: s.Quoted}
	b, h, prev := bd.b, bd.hash, bd.prev
	sb.lazy = &lazyBinding{bind: func() (*Briefing, error) {
		again, _, err := l.bind(b, h, prev, memoKey)
		return again, err
	}}
	bd.sb, bd.warns, bd.derived = sb, nil, s.Derived
	for _, w := range s.Warnings {
		bd.warns = append(bd.warns, &diag.Error{Pos: w.Pos, Msg: w.Msg})
	}
	return true
}

// lazyBinding binds a briefing whose binding came from the records, once.
type lazyBinding struct {
	once sync.Once
	bind func() (*Briefing, error)
	err  error
}

// Bind binds the briefing's blocks to the data, when the load took what
// binding gives from the records: until then its Bound, Views and Figures
// are nil (the plan and the mentions read Sources and Quoted). A build calls it before it
// makes a file that shows the briefing's blocks, figures or text; for a
// briefing bound as it loaded, it reads its body if the load did not
// (content.Briefing.Load). Safe for concurrent use.
func (b *Briefing) Bind() error {
	if err := b.Briefing.Load(); err != nil { // its body, if the load did not read its file
		return err
	}
	lz := b.lazy
	if lz == nil {
		return nil
	}
	lz.once.Do(func() {
		again, err := lz.bind()
		switch {
		case err != nil:
			lz.err = err
		case again.Key != b.Key || again.WorkbookKey != b.WorkbookKey:
			// The record's key covers every input of binding, so this is
			// a bug, not a user's error: refuse to publish rather than
			// show rows other than the keys say.
			lz.err = diag.Errorf(diag.Pos{File: b.File}, "binding the blocks again gave other rows than the build cache recorded; build with --no-cache, and report this")
		default:
			b.Bound, b.Views, b.Figures = again.Bound, again.Views, again.Figures
		}
	})
	return lz.err
}
