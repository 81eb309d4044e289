package dataset

import (
	"context"
	"io/fs"
	"path"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/brief-desk/brief/internal/diag"
)

// LoadDir parses every data/*.toml file of the project fsys in parallel and
// returns the datasets sorted by id. The error, if any, is a *diag.List with
// the problems of every file.
func LoadDir(ctx context.Context, fsys fs.FS, dir string) ([]*Dataset, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if errorsIsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".toml") {
			files = append(files, path.Join(dir, e.Name()))
		}
	}
	sets := make([]*Dataset, len(files))
	errs := make([]error, len(files))
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(limit())
	for i, f := range files {
		g.Go(func() error {
			src, err := fs.ReadFile(fsys, f)
			if err != nil {
				errs[i] = diag.Errorf(diag.Pos{File: f}, "cannot read dataset: %w", err)
				return nil
			}
			sets[i], errs[i] = Parse(f, src)
			return nil
		})
	}
	_ = g.Wait()
	var list diag.List
	list.Add(errs...)
	if err := list.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(sets, func(a, b *Dataset) int { return strings.Compare(a.ID, b.ID) })
	return sets, nil
}
