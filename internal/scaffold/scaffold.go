// Package scaffold is `brief init`: the files of a new project (settings
// with every key explained, a small dataset of each kind, a first briefing
// that says how to write the next one, a .gitignore), embedded in the
// binary. It never overwrites a file.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
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

// ExistsError names the files that are already there; nothing was written.
type ExistsError struct{ Files []string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists; brief init never overwrites a file: move it away, or run brief init in an empty folder", strings.Join(e.Files, ", "))
}

// Write writes a new project into dir, making dir if needed, and returns the
// files it wrote. If any of them exists already it writes nothing and
// returns an *ExistsError naming them.
func Write(dir string) ([]string, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("%s is a file, not a folder", dir)
	}
	names := Files()
	var exist []string
	for _, name := range names {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(name))); !errors.Is(err, fs.ErrNotExist) {
			exist = append(exist, filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(name))))
		}
	}
	if len(exist) > 0 {
		return nil, &ExistsError{Files: exist}
	}
	for _, name := range names {
		data, err := files.ReadFile(path.Join("project", name))
		if err != nil {
			return nil, err
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, err // made by someone else since the check: still never overwritten
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
	}
	return names, nil
}
