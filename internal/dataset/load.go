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
// the problems of every file; the datasets that did parse are still returned,
// and failed names the ids of those that did not, so that a caller can check
// the rest of a project without repeating one broken file's errors.
func LoadDir(ctx context.Context, fsys fs.FS, dir string) (sets []*Dataset, failed map[string]bool, err error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if errorsIsNotExist(err) {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".toml") {
			files = append(files, path.Join(dir, e.Name()))
		}
	}
	parsed := make([]*Dataset, len(files))
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
			parsed[i], errs[i] = Parse(f, src)
			return nil
		})
	}
	_ = g.Wait()
	var list diag.List
	failed = map[string]bool{}
	for i, d := range parsed {
		if d != nil {
			sets = append(sets, d)
		} else {
			failed[strings.TrimSuffix(path.Base(files[i]), ".toml")] = true
		}
		list.Add(errs[i])
	}
	slices.SortFunc(sets, func(a, b *Dataset) int { return strings.Compare(a.ID, b.ID) })
	return sets, failed, list.Err()
}
