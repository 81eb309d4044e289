// Package scaffold is `brief init`: the files of a new project (settings
// with every key explained, a small dataset of each kind, a first briefing
// that says how to write the next one, a .gitignore), embedded in the
// binary. It never overwrites a file, writes nothing through a symbolic
// link, and writes nothing at all unless it can write everything.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/brief-desk/brief/internal/diag"
)

//go:embed all:project
var files embed.FS

// Files lists the files a new project gets, as slash paths.
func Files() []string {
	var out []string
	_ = fs.WalkDir(files, "project", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, strings.TrimPrefix(p, "project/"))
		}
		return err
	})
	return out
}

// Write writes a new project into dir, making dir if needed, and returns the
// files it wrote. It first checks every file and every folder it would
// write: if one is there already, or is in the way (a file where a folder
// goes, a symbolic link, even one to a folder), it writes nothing and
// returns a *diag.List with one error for each, placed at its path. The
// folder dir itself may be a symbolic link, as a project folder may; nothing
// below it is followed, and nothing is written outside it.
func Write(dir string) ([]string, error) {
	names := Files()
	exists, err := checkDir(dir)
	if err != nil {
		return nil, err
	}
	if exists {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, err
		}
		err = check(root, dir, names)
		root.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	err = write(root, names)
	root.Close()
	if err != nil {
		if !exists {
			os.Remove(dir) // made above, and emptied again by write
		}
		return nil, err
	}
	return names, nil
}

// checkDir reports whether the project folder exists, or why it cannot be
// one.
func checkDir(dir string) (bool, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if lst, lerr := os.Lstat(dir); lerr == nil && lst.Mode()&fs.ModeSymlink != 0 {
			return false, fmt.Errorf("%s is a symbolic link to a folder that does not exist; make that folder, or give brief init another one", dir)
		}
		return false, nil
	case err != nil:
		return false, err
	case !st.IsDir():
		return false, fmt.Errorf("%s is a file, not a folder", dir)
	}
	return true, nil
}

// check looks at every file of names and every folder above it inside root,
// without following a link, and returns every problem found.
func check(root *os.Root, dir string, names []string) error {
	var errs diag.List
	seen := map[string]bool{} // path -> a folder to look inside
	at := func(rel string) diag.Pos {
		return diag.Pos{File: filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(rel)))}
	}
	for _, name := range names {
		parts := strings.Split(name, "/")
		for i := range parts {
			rel := path.Join(parts[:i+1]...)
			if inside, ok := seen[rel]; ok {
				if inside {
					continue
				}
				break // reported, or new: so is everything below it
			}
			seen[rel] = false
			st, err := root.Lstat(filepath.FromSlash(rel))
			if errors.Is(err, fs.ErrNotExist) {
				break // made new: nothing below it is there
			}
			if err != nil {
				errs.Add(diag.Errorf(at(rel), "%w", err))
				break
			}
			file := i == len(parts)-1
			switch {
			case st.Mode()&fs.ModeSymlink != 0:
				errs.Addf(at(rel), "is a symbolic link; brief init writes nothing through a link: remove it, or run brief init in an empty folder")
			case file:
				errs.Addf(at(rel), "already exists; brief init never overwrites a file: move it away, or run brief init in an empty folder")
			case !st.IsDir():
				errs.Addf(at(rel), "is a file where brief init makes a folder: move it away, or run brief init in an empty folder")
			default:
				seen[rel] = true // a folder: look inside it
				continue
			}
			break
		}
	}
	return errs.Err()
}

// write writes every file of names into root, making the folders above
// them. Any failure (a file made by someone else since the check, a full
// disk) removes what it wrote, so that a failed init leaves nothing.
func write(root *os.Root, names []string) (err error) {
	var made []string // files and new folders, in the order made
	defer func() {
		if err != nil {
			for _, rel := range slices.Backward(made) {
				root.Remove(rel)
			}
		}
	}()
	for _, name := range names {
		data, err := files.ReadFile(path.Join("project", name))
		if err != nil {
			return err
		}
		parts := strings.Split(name, "/")
		for i := range len(parts) - 1 {
			rel := filepath.Join(parts[:i+1]...)
			if err := root.Mkdir(rel, 0o755); err == nil {
				made = append(made, rel)
			} else if st, serr := root.Lstat(rel); serr != nil || !st.IsDir() {
				return err // a file or link put there since the check
			}
		}
		rel := filepath.FromSlash(name)
		f, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err // made by someone else since the check: still never overwritten
		}
		made = append(made, rel)
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
