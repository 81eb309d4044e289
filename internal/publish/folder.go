package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Recover repairs what interrupted builds left beside the output out.
// A build calls it first, before Resolve.
func Recover(out string) error {
	real, err := RealPath(out)
	if err != nil {
		return err
	}
	parent := filepath.Dir(real)
	if _, err := os.Stat(parent); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	l, err := Lock(parent, true)
	if err != nil {
		return fmt.Errorf("cannot lock %s: %w", parent, err)
	}
	defer l.Close()
	if err := recoverOut(real); err != nil {
		return fmt.Errorf("cannot clean up after an interrupted build: %w", err)
	}
	return nil
}

// Path is the folder that is replaced: the output with symbolic links
// resolved.
func (t *Target) Path() string { return t.path }

// Check walks what the output and the spare beside it hold, the two at
// once: it refuses an output brief did not write (checkContents), and
// notes whether the spare is fit to reuse. A build runs it while the
// project loads, and calls Open once it returned nil.
func (t *Target) Check() error {
	spare := make(chan spareCheck, 1)
	go func() { spare <- checkSpare(t.path, t.spareVouched) }()
	err := t.checkContents()
	t.spare = <-spare
	return err
}

// Folder is the folder a build writes into, beside the output, locked
// until Close so that no other build removes it.
type Folder struct {
	t      *Target
	dir    string
	hold   *os.File
	spare  map[string]bool // the files a reused spare holds
	reused bool
	done   bool // put in place by Publish
	w      *Writer
}

// Open makes the folder a build writes into: the spare when there is one
// fit to reuse (what Check found of it), else a new temporary folder. Its
// writer links files unchanged since the previous output from it.
func (t *Target) Open() (*Folder, error) {
	f := &Folder{t: t}
	var seen walked
	if t.exist && len(t.prev) > 0 {
		f.dir, f.hold, f.spare, seen, f.reused = takeSpare(t.path, t.spare)
	}
	if !f.reused {
		var err error
		if f.dir, f.hold, err = makeTemp(t.path); err != nil {
			return nil, err
		}
	}
	f.w = newWriter(f.dir, len(t.prev))
	f.w.spare = seen.files // nil unless a spare was reused
	for _, d := range seen.dirs {
		f.w.dirs.Store(d, true)
	}
	if t.exist {
		f.w.prev = t.path
	}
	return f, nil
}

// Writer writes the files of the build into the folder.
func (f *Folder) Writer() *Writer { return f.w }

// Close releases the folder's lock. A folder that Publish did not put in
// place is removed, except a reused spare, which becomes the spare again
// (restoreSpare): removing it would cost a failed or interrupted build the
// time to delete a tree as large as the site (36 s for the 800,000 files of
// 100,000 briefings), and the next build the time to link it again.
func (f *Folder) Close() {
	defer f.hold.Close()
	if f.done || f.reused && f.restoreSpare() {
		return
	}
	removeTree(f.dir)
}

// restoreSpare puts the folder of a build that reused the spare and did not
// publish back as the spare, under the lock of the output's parent, unless
// another build left a spare there since. Its manifest then lists what the
// spare held and every file this build wrote into it, so that the spare
// holds nothing it does not list (spareFiles). Nothing else in it is
// trusted: the next build keeps a file of the spare only when it is the
// very file (inode, size and time) of the output's that its cache recorded
// (Writer.keeps, linkPrev), which a file this build wrote is not.
func (f *Folder) restoreSpare() bool {
	w := f.w
	w.mu.Lock()
	files := make([]string, 0, len(f.spare)+len(w.files))
	for rel := range f.spare {
		files = append(files, rel)
	}
	for rel := range w.files {
		if !f.spare[rel] && rel != ManifestName {
			files = append(files, rel)
		}
	}
	w.mu.Unlock()
	slices.Sort(files)
	m := under(f.dir, ManifestName)
	_ = os.Remove(m) // never written through a link into the output
	if os.WriteFile(m, manifestBytes(files), 0o644) != nil {
		return false
	}
	l, err := Lock(filepath.Dir(f.t.path), true)
	if err != nil {
		return false
	}
	defer l.Close()
	spare := sparePath(f.t.path)
	if _, err := os.Lstat(spare); err == nil {
		return false
	}
	return os.Rename(f.dir, spare) == nil
}

// makeTemp makes the folder this build renders into, beside out, locked
// until the build ends so that no other build removes it.
func makeTemp(out string) (string, *os.File, error) {
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", nil, fmt.Errorf("cannot make the output's folder: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, tmpPrefix(out))
	if err != nil {
		return "", nil, fmt.Errorf("cannot make a temporary output folder: %w", err)
	}
	hold, err := Lock(tmp, true)
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("cannot lock %s: %w", tmp, err)
	}
	return tmp, hold, nil
}

// Result is what publishing a folder did.
type Result struct {
	Files     []string        // every file of the site, slash paths relative to the output, sorted
	Written   int             // files new or changed since the previous output
	Unchanged int             // files with the same bytes as before: hard links to the previous output, so they keep its modification time
	Removed   int             // files of the previous output that are gone
	Same      map[string]bool // the unchanged files
	// Warning, when not nil, says what went wrong once the site was in
	// place (the previous output could not be removed).
	Warning error
}

// Publish finishes the folder once every file is written: it removes what
// a reused spare holds that this build did not write, writes the manifest,
// counts what changed, and exchanges the folder with the output. ctx's
// error stops it before the exchange.
func (f *Folder) Publish(ctx context.Context) (*Result, error) {
	w, t := f.w, f.t
	if f.reused {
		if err := w.pruneSpare(f.spare); err != nil {
			return nil, fmt.Errorf("cannot remove an old file from the spare output: %w", err)
		}
	}
	res := &Result{Files: w.List()}
	if _, err := w.put(ManifestName, manifestBytes(res.Files)); err != nil {
		return nil, err
	}
	res.Written, res.Unchanged = w.counts()
	res.Same = w.unchanged
	for name := range t.prev {
		if _, ok := w.files[name]; !ok {
			res.Removed++
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l, err := Lock(filepath.Dir(t.path), true)
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s: %w", filepath.Dir(t.path), err)
	}
	warn, err := swap(f.dir, t.path)
	l.Close()
	if err != nil {
		return nil, err
	}
	f.done = true
	res.Warning = warn
	return res, nil
}
