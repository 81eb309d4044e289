package publish

import (
	"cmp"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// The spare tree. After a build's exchange, the previous output is not
// deleted: it is kept beside the output as .<name>.spare, and the next
// build renders into it instead of into a new, empty folder. Most of its
// files are hard links to the live output's (unchanged across builds), so
// the next build leaves them be, replaces the few that changed, removes
// those that went away, and exchanges it with the output as before. A
// weekly publish into an archive of a thousand briefings then makes a few
// folders and files, not a thousand folders and seven thousand links, and
// deletes no tree. Readers still only ever see a whole site: the spare is
// never the output until the exchange. A spare is used only when it is
// exactly what brief left (its manifest lists every file in it), and only
// while the output it was exchanged with exists; a spare holding anything
// else is left alone, unused.

func sparePath(out string) string {
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".spare")
}

// spareCheck is what checkSpare found of the spare: the files its
// manifest lists and whether it holds nothing else (fit), and what the
// spare folder and its manifest were, to tell whether it changed since.
type spareCheck struct {
	dir, manifest fs.FileInfo
	files         map[string]bool
	seen          walked // what the walk found in it
	fit           bool
}

// checkSpare checks the spare beside out, if there is one (a walk of it,
// or only of the files its manifest lists when vouched: Target.VouchSpare).
// Build runs it while the project loads; takeSpare trusts it only while the
// spare is still the folder that was checked.
func checkSpare(out string, vouched bool) spareCheck {
	spare := sparePath(out)
	var c spareCheck
	var err error
	if c.dir, err = os.Lstat(spare); err != nil {
		return spareCheck{}
	}
	if c.manifest, err = os.Lstat(filepath.Join(spare, ManifestName)); err != nil {
		return spareCheck{}
	}
	if vouched {
		c.files, c.seen, c.fit = listedFiles(spare)
	} else {
		c.files, c.seen, c.fit = spareFiles(spare)
	}
	return c
}

// current reports whether the spare is still what c checked: the same
// folder (another build takes a spare by renaming it, and leaves a new one
// the same way) with the same manifest.
func (c spareCheck) current(spare string) bool {
	if c.dir == nil {
		return false
	}
	dir, err := os.Lstat(spare)
	if err != nil || !os.SameFile(dir, c.dir) {
		return false
	}
	m, err := os.Lstat(filepath.Join(spare, ManifestName))
	return err == nil && os.SameFile(m, c.manifest) && m.Size() == c.manifest.Size() && m.ModTime().Equal(c.manifest.ModTime())
}

// takeSpare moves the spare into a new temporary folder of this build, under
// the lock of out's parent, and locks it; it returns the files its manifest
// lists and what a walk found in it (folders under tmp). checked is what
// checkSpare found earlier: when the spare is no longer that folder, it is
// checked again here. ok is false when there is no spare fit to reuse, and
// the build makes an empty temporary folder instead.
func takeSpare(out string, checked spareCheck) (tmp string, hold *os.File, files map[string]bool, seen walked, ok bool) {
	spare := sparePath(out)
	if _, err := os.Lstat(spare); err != nil {
		return "", nil, nil, walked{}, false
	}
	parent := filepath.Dir(out)
	l, err := Lock(parent, true)
	if err != nil {
		return "", nil, nil, walked{}, false
	}
	defer l.Close()
	files, seen, fit := checked.files, checked.seen, checked.fit
	if !checked.current(spare) {
		files, seen, fit = spareFiles(spare)
	}
	if !fit {
		// Not what brief left: never used, and never deleted (it may hold
		// someone's files). The build removes its previous output instead
		// of keeping it, as before spares.
		return "", nil, nil, walked{}, false
	}
	tmp = filepath.Join(parent, tmpPrefix(out)+"spare")
	if _, err := os.Lstat(tmp); err == nil {
		return "", nil, nil, walked{}, false // another build has one: make a new folder
	}
	if err := os.Rename(spare, tmp); err != nil {
		return "", nil, nil, walked{}, false
	}
	hold, err = Lock(tmp, true)
	if err != nil {
		_ = removeTree(tmp)
		return "", nil, nil, walked{}, false
	}
	for i, d := range seen.dirs { // the same folders, now under tmp
		seen.dirs[i] = tmp + strings.TrimPrefix(d, spare)
	}
	return tmp, hold, files, seen, true
}

// spareFiles reads a spare's manifest and checks that it lists every file
// in the spare, which must be a plain folder; it returns what it found.
func spareFiles(spare string) (map[string]bool, walked, bool) {
	files, ok := spareManifest(spare)
	if !ok {
		return nil, walked{}, false
	}
	seen := walked{files: make(map[string]fs.FileInfo, len(files))}
	foreign, err := unlisted(spare, files, 1, &seen)
	return files, seen, err == nil && len(foreign) == 0
}

// spareManifest is the files the manifest of a spare lists; false when
// the spare is not a plain folder or has no manifest.
func spareManifest(spare string) (map[string]bool, bool) {
	if st, err := os.Lstat(spare); err != nil || !st.IsDir() {
		return nil, false
	}
	files, ok, err := readManifest(spare)
	return files, err == nil && ok
}

// listedFiles is what spareFiles finds in a spare known to hold exactly
// the files its manifest lists: those files, each stated (on every core),
// and the folders they are in, without listing a folder. A listed file that
// is not a regular file (it cannot be, in a spare as brief left it) makes
// the spare unfit.
func listedFiles(spare string) (map[string]bool, walked, bool) {
	files, ok := spareManifest(spare)
	if !ok {
		return nil, walked{}, false
	}
	names := slices.Sorted(maps.Keys(files))
	infos := make([]fs.FileInfo, len(names))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(names); i += workers {
				infos[i], _ = os.Lstat(under(spare, names[i]))
			}
		})
	}
	wg.Wait()
	seen := walked{files: make(map[string]fs.FileInfo, len(names))}
	dirs := map[string]bool{spare: true}
	for i, name := range names {
		if infos[i] == nil {
			continue // listed but gone: as a walk, which would not find it
		}
		if !infos[i].Mode().IsRegular() {
			return nil, walked{}, false
		}
		seen.files[name] = infos[i]
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			dirs[under(spare, d)] = true
		}
	}
	seen.dirs = slices.Sorted(maps.Keys(dirs))
	return files, seen, true
}

// pruneSpare removes the files of a reused spare that this build did not
// make, and the folders they leave empty.
func (w *Writer) pruneSpare(old map[string]bool) error {
	var errs []error
	dirs := map[string]bool{}
	for rel := range old {
		if _, ok := w.files[rel]; ok {
			continue
		}
		full := filepath.Join(w.dir, filepath.FromSlash(rel))
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
		for d := filepath.Dir(rel); d != "." && d != "/"; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	// Deepest first: a folder empties once its subfolders are gone.
	order := slices.SortedFunc(maps.Keys(dirs), func(a, b string) int {
		return cmp.Or(strings.Count(b, "/")-strings.Count(a, "/"), strings.Compare(a, b))
	})
	for _, d := range order {
		_ = os.Remove(filepath.Join(w.dir, filepath.FromSlash(d))) // fails, as it should, unless empty
	}
	return errors.Join(errs...)
}

// keepSpare keeps the previous output, now at old, as the spare for the
// next build; it reports whether it did (else the caller removes it).
func keepSpare(old, out string) bool {
	if _, err := os.Lstat(sparePath(out)); err == nil {
		return false
	}
	return os.Rename(old, sparePath(out)) == nil
}
