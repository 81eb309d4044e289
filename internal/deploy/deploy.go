// Package deploy uploads a built site to object storage (S3 and
// S3-compatible servers, Google Cloud Storage, Azure Blob Storage, or a
// folder through file://) with gocloud.dev's blob: only the files that
// differ, in an order that never lets a page go up before a new file it
// links to, then deletes what the site no longer has. It keeps a manifest
// object under the bucket's prefix and deletes or overwrites only objects
// that manifest lists. It knows nothing of briefings: it reads the output
// folder that brief build wrote.
package deploy

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"gocloud.dev/blob"
	"golang.org/x/sync/errgroup"

	"github.com/brief-desk/brief/internal/deployspec"
	"github.com/brief-desk/brief/internal/publish"
)

// Options say what to deploy where, Result what a deploy did (or, with
// DryRun, would do), Interrupted how it stopped short. They are package
// deployspec's, so that the command line can speak of a deploy without
// linking this package.
type (
	Options     = deployspec.Options
	Result      = deployspec.Result
	Interrupted = deployspec.Interrupted
)

// Deploy uploads the site in opts.Dir to the bucket opts.URL.
func Deploy(ctx context.Context, opts Options) (*Result, error) {
	res, err := deploy(ctx, opts)
	if s := httpStatus(err); s == 401 || s == 403 {
		var hint string
		if u, perr := url.Parse(opts.URL); perr == nil {
			hint = ", " + schemes[u.Scheme]
		}
		err = fmt.Errorf("%w (the storage refused the credentials, or they may not do this: check the service's environment variables%s)", err, hint)
	}
	return res, redact(err)
}

func deploy(ctx context.Context, opts Options) (*Result, error) {
	if err := CheckURL(opts.URL); err != nil {
		return nil, err
	}
	keys, err := siteFiles(opts.Dir)
	if err != nil {
		return nil, err
	}
	b, err := buckets.OpenBucket(ctx, opts.URL)
	if err != nil {
		return nil, fmt.Errorf("opening the bucket %s: %w", describeURL(opts.URL), err)
	}
	defer b.Close()
	s := &store{b: b, retry: opts.Retry}
	// The site's MD5s, the manifest and the listing, at once: on a large
	// site each takes a good part of a second.
	var site map[string]file
	var old *manifest
	var remote map[string][]byte
	var g errgroup.Group
	g.Go(func() (err error) { site, err = hashSite(opts.Dir, keys); return err })
	g.Go(func() (err error) { old, err = s.readManifest(ctx); return err })
	g.Go(func() (err error) {
		if remote, err = s.list(ctx); err != nil {
			err = fmt.Errorf("listing the bucket %s: %w", describeURL(opts.URL), err)
		}
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	delete(remote, ManifestKey)
	if old == nil && len(remote) > 0 && !opts.Adopt {
		return nil, fmt.Errorf("the bucket %s holds %d objects but no manifest of brief's (%s): brief deploy never overwrites or deletes objects it did not put there. Deploy into an empty prefix (prefix= in the URL), or pass --adopt to take over the objects the site has files for (the others are left alone)",
			describeURL(opts.URL), len(remote), ManifestKey)
	}
	if old == nil {
		old = &manifest{Brief: 1, Files: map[string]entry{}}
	}
	if opts.Adopt {
		if err := adopt(ctx, s, site, old.Files, remote); err != nil {
			return nil, err
		}
	}
	p, err := plan(site, old.Files, remote, opts)
	if err != nil {
		return nil, err
	}
	if opts.DryRun {
		p.print(opts.Log)
		return p.result(), nil
	}
	return p.run(ctx, s, old.Files, opts)
}

// adopt records in the manifest old the objects brief did not put there
// that are already what the site would upload: the same MD5 in the listing
// and, read from the object, the same Content-Type and Cache-Control. The
// others the site has files for are uploaded.
func adopt(ctx context.Context, s *store, site map[string]file, old map[string]entry, remote map[string][]byte) error {
	var same []file
	for _, k := range sortedKeys(site) {
		f := site[k]
		if _, ours := old[k]; !ours && remote[k] != nil && hex.EncodeToString(remote[k]) == f.MD5 {
			same = append(same, f)
		}
	}
	var mu sync.Mutex
	return parallel(ctx, 8, same, func(ctx context.Context, f file) error {
		var a *blob.Attributes
		err := s.do(ctx, func() (err error) { a, err = s.b.Attributes(ctx, f.Key); return err })
		if err != nil {
			return fmt.Errorf("reading %s's headers: %w", f.Key, err)
		}
		if a.ContentType == f.Type && a.CacheControl == f.Cache {
			mu.Lock()
			old[f.Key] = entry{MD5: f.MD5, Type: f.Type, Cache: f.Cache}
			mu.Unlock()
		}
		return nil
	})
}

// siteFiles lists the files of the build in dir (those its manifest lists).
func siteFiles(dir string) ([]string, error) {
	keys, ok, err := publish.Files(dir)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s holds no site built by brief (no %s): run brief build first, or give --out", dir, publish.ManifestName)
	}
	if slices.Contains(keys, ManifestKey) {
		return nil, fmt.Errorf("%s: the site has a file named as brief deploy's manifest", filepath.Join(dir, ManifestKey))
	}
	return keys, nil
}

// hashSite reads the files keys of the site in dir, and their MD5s.
func hashSite(dir string, keys []string) (map[string]file, error) {
	site := make(map[string]file, len(keys))
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(8)
	for _, k := range keys {
		g.Go(func() error {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(k)))
			if err != nil {
				return err
			}
			f := newFile(k, b)
			mu.Lock()
			site[k] = f
			mu.Unlock()
			return nil
		})
	}
	return site, g.Wait()
}

// thePlan is what a deploy will do.
type thePlan struct {
	dir     string
	waves   [][]file
	isNew   map[string]bool
	deletes []string
	same    int
	site    map[string]file
}

// plan compares the site with the manifest (old) and the objects under the
// prefix (remote, each key's MD5 or nil).
func plan(site map[string]file, old map[string]entry, remote map[string][]byte, opts Options) (*thePlan, error) {
	p := &thePlan{dir: opts.Dir, isNew: map[string]bool{}, site: site}
	var up []file
	var foreign []string
	for _, k := range sortedKeys(site) {
		f := site[k]
		sum, exists := remote[k]
		e, ours := old[k]
		switch {
		case !exists:
			p.isNew[k] = true
			up = append(up, f)
		case !ours && !opts.Adopt:
			foreign = append(foreign, k)
		case !ours:
			up = append(up, f) // adopted: its headers are brief's from now on
		case (sum != nil && hex.EncodeToString(sum) == f.MD5 || sum == nil && e.MD5 == f.MD5) && e.Type == f.Type && e.Cache == f.Cache:
			p.same++
		default:
			up = append(up, f)
		}
	}
	if len(foreign) > 0 {
		more := ""
		if len(foreign) > 5 {
			more = fmt.Sprintf(" and %d more", len(foreign)-5)
			foreign = foreign[:5]
		}
		return nil, fmt.Errorf("the bucket holds objects brief did not put there where the site has files (%s%s): brief deploy never overwrites them; move them, or pass --adopt to take them over",
			strings.Join(foreign, ", "), more)
	}
	for _, k := range sortedKeys(old) {
		if _, inSite := site[k]; !inSite {
			if _, exists := remote[k]; exists {
				p.deletes = append(p.deletes, k)
			}
		}
	}
	if len(p.deletes) > opts.MaxDeletes && !opts.Force {
		return nil, fmt.Errorf("the deploy would delete %d objects, more than max_deletes = %d (site.toml's [deploy]); check --out is the site you mean (brief deploy --dry-run lists them), then pass --force to delete them",
			len(p.deletes), opts.MaxDeletes)
	}
	var linkErr error
	p.waves = waves(up, func(k string) bool { return p.isNew[k] }, func(k string) []string {
		b, err := os.ReadFile(filepath.Join(opts.Dir, filepath.FromSlash(k)))
		if err != nil {
			linkErr = err
			return nil
		}
		return links(k, b)
	})
	return p, linkErr
}

func (p *thePlan) uploads() int {
	n := 0
	for _, w := range p.waves {
		n += len(w)
	}
	return n
}

func (p *thePlan) result() *Result {
	r := &Result{Unchanged: p.same, Deleted: p.deletes}
	for _, w := range p.waves {
		var keys []string
		for _, f := range w {
			keys = append(keys, f.Key)
			r.Uploaded = append(r.Uploaded, f.Key)
		}
		r.Waves = append(r.Waves, keys)
	}
	return r
}

// print writes the plan, a line a change, for --dry-run.
func (p *thePlan) print(w io.Writer) {
	if w == nil {
		return
	}
	for _, wave := range p.waves {
		for _, f := range wave {
			why := "changed"
			if p.isNew[f.Key] {
				why = "new"
			}
			fmt.Fprintf(w, "would upload %s (%s, %s)\n", f.Key, why, f.Type)
		}
	}
	for _, k := range p.deletes {
		fmt.Fprintf(w, "would delete %s\n", k)
	}
}

// run carries the plan out: the pending manifest, the waves of uploads,
// the manifest, the deletions, the manifest again.
func (p *thePlan) run(ctx context.Context, s *store, old map[string]entry, opts Options) (*Result, error) {
	res := &Result{Unchanged: p.same, Waves: p.result().Waves}
	total := p.uploads() + len(p.deletes)
	var mu sync.Mutex
	done := 0
	step := func(key string, list *[]string) {
		mu.Lock()
		defer mu.Unlock()
		*list = append(*list, key)
		done++
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	stopped := func(err error) error {
		if ctx.Err() != nil || errors.Is(err, context.Canceled) {
			return &Interrupted{Done: done, Total: total, Err: context.Cause(ctx)}
		}
		return err
	}
	cur := old
	write := func(next map[string]entry) error {
		if maps.Equal(cur, next) {
			return nil
		}
		if err := s.writeManifest(ctx, next); err != nil {
			return err
		}
		cur = next
		return nil
	}
	// Objects about to go up are recorded first, as pending, so that a
	// deploy stopped midway leaves no object the next one would not know.
	if err := write(p.pending(old)); err != nil {
		return res, stopped(err)
	}
	workers := cmp.Or(max(opts.Workers, 0), 8)
	for _, wave := range p.waves {
		err := parallel(ctx, workers, wave, func(ctx context.Context, f file) error {
			if err := p.upload(ctx, s, f); err != nil {
				return err
			}
			step(f.Key, &res.Uploaded)
			return nil
		})
		if err != nil {
			return res, stopped(err)
		}
	}
	uploaded := map[string]entry{}
	for k, f := range p.site {
		uploaded[k] = entry{MD5: f.MD5, Type: f.Type, Cache: f.Cache}
	}
	final := maps.Clone(uploaded)
	for _, k := range p.deletes {
		uploaded[k] = old[k] // still there, still brief's
	}
	if err := write(uploaded); err != nil {
		return res, stopped(err)
	}
	err := parallel(ctx, workers, p.deletes, func(ctx context.Context, k string) error {
		if err := s.del(ctx, k); err != nil {
			return fmt.Errorf("deleting %s: %w", k, err)
		}
		step(k, &res.Deleted)
		return nil
	})
	if err != nil {
		return res, stopped(err)
	}
	if err := write(final); err != nil {
		return res, stopped(err)
	}
	return res, nil
}

// pending is the manifest old with the new files recorded as pending.
func (p *thePlan) pending(old map[string]entry) map[string]entry {
	m := maps.Clone(old)
	for k := range p.isNew {
		f := p.site[k]
		m[k] = entry{Type: f.Type, Cache: f.Cache}
	}
	return m
}

// upload sends one file, refusing one that changed since it was planned
// (a build replaced the folder meanwhile).
func (p *thePlan) upload(ctx context.Context, s *store, f file) error {
	b, err := os.ReadFile(filepath.Join(p.dir, filepath.FromSlash(f.Key)))
	if err != nil {
		return err
	}
	if newFile(f.Key, b).MD5 != f.MD5 {
		return fmt.Errorf("%s changed during the deploy (did a build run?): run brief deploy again", filepath.Join(p.dir, filepath.FromSlash(f.Key)))
	}
	if err := s.put(ctx, f, b); err != nil {
		return fmt.Errorf("uploading %s: %w", f.Key, err)
	}
	return nil
}

// parallel calls fn for each item, workers at once, and stops at the first
// error.
func parallel[T any](ctx context.Context, workers int, items []T, fn func(context.Context, T) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, it := range items {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return fn(gctx, it) })
	}
	return g.Wait()
}
