// Package publish puts a finished build in place of the output folder:
// it resolves and checks the output (--out), makes the folder a build
// writes into beside it (a new one, or the spare kept by the last build),
// writes files there (linking unchanged ones from the previous output),
// lists them in the manifest, and exchanges the folder with the output in
// one step under a lock; it repairs what interrupted builds left. It knows
// nothing of what the files are: package build runs the site's plan into a
// Writer.
package publish

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// How brief publishes a build, and what it refuses (docs/hardening.md):
//
//   - The output folder is recognised as brief's by its manifest, a file
//     named .brief-manifest that lists every file brief wrote there. A folder
//     that is not empty and has no manifest, or holds files the manifest does
//     not list, is refused: replacing it would delete files brief did not
//     write. Inside the project, only public/ may be the output.
//   - An output that is a symbolic link is followed: the folder it points to
//     is replaced, in that folder's parent, and the link stays.
//   - The new tree is built beside the output (.<name>.tmp-*) and exchanged
//     with it in one atomic step (renameat2 RENAME_EXCHANGE on Linux), so the
//     output path always names a complete site. Elsewhere two renames are
//     used, and an interrupted build is repaired by the next one.
//   - Every build first removes what interrupted builds left beside the
//     output, but never a temporary folder that a running build holds locked.

// errNoExchange says the system cannot exchange two folders atomically.
var errNoExchange = errors.New("atomic exchange not supported")

// ManifestName is the marker brief writes into every output folder on disk;
// the preview, which writes no folder, has none.
const ManifestName = ".brief-manifest"

const manifestHeader = "# brief output: brief wrote every file listed below, and replaces this folder\n# only while this file is here. Do not edit; it is rewritten by every build.\n"

// manifestBytes lists the files of a build, sorted, one slash path a line.
func manifestBytes(files []string) []byte {
	var b bytes.Buffer
	b.WriteString(manifestHeader)
	for _, f := range files {
		b.WriteString(f)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// readManifest returns the files a manifest lists, or ok false when dir has
// no manifest of brief's.
func readManifest(dir string) (files map[string]bool, ok bool, err error) {
	f, err := os.Open(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, false, err
	}
	// A line is a path of about 40 bytes: the map is made about as large
	// as the list (a manifest of 1,000 briefings lists 8,000 files), and the
	// file is read 64 KB at a time.
	files = make(map[string]bool, min(st.Size()/40, 1<<20))
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first && !strings.HasPrefix(line, "# brief output") {
			return nil, false, nil
		}
		first = false
		if line != "" && !strings.HasPrefix(line, "#") {
			files[line] = true
		}
	}
	if first {
		return nil, false, sc.Err()
	}
	return files, true, sc.Err()
}

// Target is a resolved output folder.
type Target struct {
	given string // --out as given, for messages
	path  string // the folder that is replaced: out with symbolic links resolved
	exist bool
	prev  map[string]bool // the files of the previous output (its manifest)
	spare spareCheck      // what Check found of the spare beside it
	// vouched: the output is known to hold exactly what its manifest
	// lists (Vouch); spareVouched: the spare (VouchSpare).
	vouched, spareVouched bool
}

// VouchSpare tells Check that the spare beside the output holds exactly
// the files its manifest lists, as Vouch does of the output: Check states
// the files the manifest lists instead of walking the spare.
func (t *Target) VouchSpare() { t.spareVouched = true }

// SparePath is where the spare of the output is kept.
func (t *Target) SparePath() string { return sparePath(t.path) }

// Vouch tells Check that the output holds exactly the files its manifest
// lists, which the caller knows (the build's record shows each of its
// folders as brief left it): Check reads the manifest but does not walk
// the output for files brief did not write, a tenth of a weekly publish's
// system calls.
func (t *Target) Vouch() { t.vouched = true }

// Resolve resolves out and checks its place: it refuses the project
// itself or a folder holding it, a folder inside the project other than
// public/, and something that is not a folder. What the folder holds is
// checked by checkContents, which walks it (Build runs it while the project
// loads).
func Resolve(src, out string) (*Target, error) {
	realSrc, err := RealPath(src)
	if err != nil {
		return nil, err
	}
	real, err := RealPath(out)
	if err != nil {
		return nil, err
	}
	t := &Target{given: out, path: real}
	sep := string(filepath.Separator)
	if real == realSrc || strings.HasPrefix(realSrc+sep, real+sep) {
		return nil, fmt.Errorf("refusing to build into %s: it holds the project; choose another --out", out)
	}
	if strings.HasPrefix(real, realSrc+sep) && real != filepath.Join(realSrc, "public") {
		return nil, fmt.Errorf("refusing to build into %s: it is inside the project, where brief writes only public/; use the default (public/) or a folder outside the project", out)
	}
	st, err := os.Stat(real)
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("refusing to build into %s: it is a file, not a folder", out)
	}
	t.exist = true
	return t, nil
}

// checkContents refuses an existing output that is not empty and that
// brief did not write: one without a manifest, or with files its manifest
// does not list. It records the files the manifest lists.
func (t *Target) checkContents() error {
	if !t.exist {
		return nil
	}
	out, real := t.given, t.path
	entries, err := os.ReadDir(real)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	listed, ok, err := readManifest(real)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", filepath.Join(out, ManifestName), err)
	}
	if !ok {
		return fmt.Errorf("refusing to replace %s: it is not empty and has no %s, so brief did not write it and replacing it would delete its files; remove it or choose another --out (outputs of brief versions before the manifest have none either: delete such a folder once)", out, ManifestName)
	}
	if t.vouched {
		t.prev = listed
		return nil
	}
	foreign, err := unlisted(real, listed, -1, nil)
	if err != nil {
		return fmt.Errorf("cannot read the previous output: %w", err)
	}
	if len(foreign) > 0 {
		slices.Sort(foreign)
		more := ""
		if len(foreign) > 3 {
			more = fmt.Sprintf(" and %d more", len(foreign)-3)
			foreign = foreign[:3]
		}
		return fmt.Errorf("refusing to replace %s: %s%s were not written by brief (they are not in its %s) and would be deleted; move them into templates/assets/ to publish them with the site, or delete them",
			out, strings.Join(foreign, ", "), more, ManifestName)
	}
	t.prev = listed
	return nil
}

// unlisted returns the files under dir that its manifest, listed, does not
// name (the manifest itself aside), at most max of them (-1: all): what
// brief did not write there. When seen is not nil, it gets what the walk
// found.
func unlisted(dir string, listed map[string]bool, max int, seen *walked) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if seen != nil {
				seen.dirs = append(seen.dirs, p)
			}
			return nil
		}
		if rel != ManifestName && !listed[rel] {
			out = append(out, rel)
			if len(out) == max {
				return filepath.SkipAll
			}
		}
		if seen != nil && d.Type().IsRegular() {
			// Where the system gives no entry types (some file systems),
			// the listing stated the entry already; elsewhere, this is
			// the one lstat a reused file costs (see Writer.keeps).
			if st, err := d.Info(); err == nil {
				seen.files[rel] = st
			}
		}
		return nil
	})
	return out, err
}

// walked is what a walk of a folder found: its regular files (slash paths
// under it) with what lstat said of each, and its folders (full paths, the
// folder itself included).
type walked struct {
	files map[string]fs.FileInfo
	dirs  []string
}

// RealPath makes p absolute with every symbolic link resolved; a path that
// does not exist yet is resolved as far as it exists.
func RealPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for {
		real, err := filepath.EvalSymlinks(abs)
		if err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if st, lerr := os.Lstat(abs); lerr == nil && st.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("%s is a symbolic link to a folder that does not exist; create the folder or remove the link", p)
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", err
		}
		rest = append([]string{filepath.Base(abs)}, rest...)
		abs = parent
	}
}

// tmpPrefix and oldPrefix name what a build keeps beside the output.
func tmpPrefix(out string) string { return "." + filepath.Base(out) + ".tmp-" }
func oldPrefix(out string) string { return "." + filepath.Base(out) + ".old-" }

// recoverOut repairs and cleans what interrupted builds left beside out: a
// previous output moved aside but never replaced is put back; other
// leftovers are removed, except temporary folders a running build holds.
// The caller holds the lock on out's parent.
func recoverOut(out string) error {
	parent := filepath.Dir(out)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	_, statErr := os.Lstat(out)
	missing := errors.Is(statErr, fs.ErrNotExist)
	var errs []error
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(parent, name)
		switch {
		case strings.HasPrefix(name, oldPrefix(out)) && e.IsDir():
			if missing {
				// The fallback swap stopped between its two renames: the
				// previous site goes back into place.
				if err := os.Rename(full, out); err == nil {
					missing = false
					continue
				}
			}
			errs = append(errs, removeTree(full))
		case strings.HasPrefix(name, tmpPrefix(out)) && e.IsDir():
			if busy(full) {
				continue // a build running now
			}
			errs = append(errs, removeTree(full))
		}
	}
	return errors.Join(errs...)
}

// removeAll and exchange are os.RemoveAll and renameExchange; tests
// replace them to make removal fail and to take the fallback path.
var (
	removeAll = os.RemoveAll
	exchange  = renameExchange
)

// removeTree removes a tree that brief made. A folder made read-only is
// made writable first, as `go clean -modcache` does.
func removeTree(dir string) error {
	if err := removeAll(dir); err == nil {
		return nil
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	return removeAll(dir)
}

// swap puts the finished build at tmp in place of out, and removes the
// previous output. A previous output that cannot be removed is not an
// error: the new site is in place; the returned warning says so.
func swap(tmp, out string) (warning error, err error) {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, out); err != nil {
			return nil, fmt.Errorf("cannot move the new output into place: %w", err)
		}
		return nil, nil
	}
	old := tmp
	if err := exchange(tmp, out); err != nil {
		if !errors.Is(err, errNoExchange) {
			return nil, fmt.Errorf("cannot exchange the new output with the previous one: %w", err)
		}
		// No atomic exchange on this system or file system: two renames.
		// A crash between them leaves no output for a moment; the next
		// build puts the previous one back (recoverOut).
		old = filepath.Join(filepath.Dir(out), oldPrefix(out)+strings.TrimPrefix(filepath.Base(tmp), tmpPrefix(out)))
		if err := os.Rename(out, old); err != nil {
			return nil, fmt.Errorf("cannot move the previous output aside: %w", err)
		}
		if err := os.Rename(tmp, out); err != nil {
			if rerr := os.Rename(old, out); rerr != nil {
				err = errors.Join(err, fmt.Errorf("and cannot put the previous output back from %s: %w", old, rerr))
			}
			return nil, fmt.Errorf("cannot move the new output into place: %w", err)
		}
	}
	if old == tmp && keepSpare(old, out) {
		return nil, nil // the next build renders into it (spare.go)
	}
	if err := removeTree(old); err != nil {
		return fmt.Errorf("the site is published, but the previous output, now at %s, could not be removed (%v); the next build tries again, or remove it by hand", old, err), nil
	}
	return nil, nil
}

// Files returns the files the manifest of the output folder dir lists,
// sorted, or ok false when dir holds no build of brief's: what brief deploy
// uploads.
func Files(dir string) (files []string, ok bool, err error) {
	listed, ok, err := readManifest(dir)
	if !ok || err != nil {
		return nil, ok, err
	}
	return slices.Sorted(maps.Keys(listed)), true, nil
}
