// Package build runs a site's plan (package render) into a folder that
// package publish then puts in place of the output, or into memory for the
// preview and `brief check`. It owns the one get-or-make path through the
// memory and disk caches, parallelism, progress and the collector's
// settings; what the files mean is render's, and what the parsed files are
// is project's (the disk cache keeps them as opaque records). A failed
// build leaves the previous output exactly as it was.
package build

import (
	"cmp"
	"context"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/publish"
	"github.com/brief-desk/brief/internal/render"
)

// Options say what to build and where.
type Options struct {
	Src    string // project folder
	Out    string // output folder; default Src/public
	Drafts bool   // include briefings marked draft
	Future bool   // include briefings dated after today (Epoch's day, or now)
	// MarkScheduled marks those briefings "scheduled" on their pages (the
	// preview).
	MarkScheduled bool
	BaseURL       string // overrides site.toml's base_url
	ECharts       string // path of echarts.min.js outside the project ($BRIEF_ECHARTS)
	// Epoch, when not zero, is the time stamp written into workbooks
	// (SOURCE_DATE_EPOCH); otherwise they carry the briefing's date.
	Epoch time.Time
	// CacheDir, when not empty, keeps what outputs were made between builds
	// (outside the output); see diskCache.
	CacheDir string
	// Progress, when not nil, is called as outputs are made.
	Progress func(done, total int)
	// PDF prints every briefing (--pdf) whatever site.toml says; NoPDF
	// none. Printer prints them (a *pdf.Browser); where no browser was
	// found, NoPrinter says why, and a build that wants PDFs fails before
	// it writes anything.
	PDF, NoPDF bool
	Printer    render.Printer
	NoPrinter  error
}

func (o Options) project(c *diskCache) project.Options {
	po := project.Options{Src: o.Src, Drafts: o.Drafts, Future: o.Future, MarkScheduled: o.MarkScheduled, Today: o.Epoch, BaseURL: o.BaseURL, ECharts: o.ECharts}
	if c != nil {
		po.Records = c // parsed datasets and briefings are kept in the pack
	}
	return po
}

func (o Options) render() render.Options {
	return render.Options{Epoch: o.Epoch, Drafts: o.Drafts, BaseURL: o.BaseURL,
		PDF: o.PDF, NoPDF: o.NoPDF, Printer: o.Printer, NoPrinter: o.NoPrinter}
}

// Result describes a finished build.
type Result struct {
	Out       string
	Files     []string        // every file of the site, slash paths relative to Out, sorted
	Written   int             // files new or changed since the previous output
	Unchanged int             // files with the same bytes as before: hard links to the previous output, so they keep its modification time
	Removed   int             // files of the previous output that are gone
	Same      map[string]bool // the unchanged files
	Made      []string        // the outputs rendered, not taken from a cache, sorted
	Warnings  []*diag.Error
	Elapsed   time.Duration
}

// caches are what a run may reuse: outputs made by earlier runs of this
// process (the preview), and the disk cache's record of the previous output.
type caches struct {
	mem  *memCache
	disk *diskCache
}

// Build loads the project, renders it into a folder beside the output and
// publishes it there (package publish). On any error the previous output is
// untouched.
func Build(ctx context.Context, opts Options) (_ *Result, err error) {
	start := time.Now()
	defer tuneGC()()
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.Src, "public")
	}
	if _, err := render.WantPDF(false, opts.render()); err != nil {
		return nil, err // --pdf without a browser: before anything is written
	}
	if err := publish.Recover(opts.Out); err != nil {
		return nil, err
	}
	t, err := publish.Resolve(opts.Src, opts.Out)
	if err != nil {
		return nil, err
	}
	// What the output and the spare hold is checked (a walk of each) while
	// the project loads; a refused output is reported before the project's
	// errors, as if checked first.
	var checks errgroup.Group
	checks.Go(t.Check)
	var c caches
	if opts.CacheDir != "" {
		if err := checkCacheDir(opts.CacheDir, opts.Src, t.Path()); err != nil {
			return nil, cmp.Or(checks.Wait(), err)
		}
		c.disk = openDiskCache(opts.CacheDir, t.Path())
		defer func() { c.disk.flush(err == nil) }() // complete only when the build succeeded
	}
	p, err := project.Load(ctx, opts.project(c.disk), nil)
	var pl *render.Plan
	if err == nil {
		fitMemLimit()
		pl, err = render.New(p, opts.render())
	}
	if cerr := checks.Wait(); cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, err
	}
	f, err := t.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	made, err := run(ctx, pl, f.Writer(), c, opts.Progress)
	if err != nil {
		return nil, err
	}
	pub, err := f.Publish(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{Out: opts.Out, Files: pub.Files, Written: pub.Written, Unchanged: pub.Unchanged,
		Removed: pub.Removed, Same: pub.Same, Made: made, Warnings: p.Warnings}
	if pub.Warning != nil {
		res.Warnings = append(res.Warnings, diag.Errorf(diag.Pos{}, "%v", pub.Warning))
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// InMemory loads the project and makes every file of its site in memory,
// with no cache and nothing written: what `brief check` checks.
func InMemory(ctx context.Context, opts Options) (*project.Project, *Snapshot, error) {
	start := time.Now()
	p, err := project.Load(ctx, opts.project(nil), nil)
	if err != nil {
		return nil, nil, err
	}
	pl, err := render.New(p, opts.render())
	if err != nil {
		return nil, nil, err
	}
	w := publish.NewMemoryWriter()
	if _, err := run(ctx, pl, w, caches{}, nil); err != nil {
		return nil, nil, err
	}
	return p, &Snapshot{Files: w.Files(), Warnings: p.Warnings, Elapsed: time.Since(start)}, nil
}

// run makes every output of a plan into w, stage by stage, in parallel
// within a stage. Every output is got or made in one place, getOrMake. All
// errors of all stages are returned together; ctx's error stops it.
func run(ctx context.Context, pl *render.Plan, w *publish.Writer, c caches, progress func(done, total int)) ([]string, error) {
	var mu sync.Mutex
	var made []string
	sizes := map[string]int{}
	sizeOf := func(path string) int {
		mu.Lock()
		defer mu.Unlock()
		return sizes[path]
	}
	var errs diag.List
	var done atomic.Int64
	for _, stage := range pl.Stages() {
		outErrs := make([]error, len(stage))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(runtime.GOMAXPROCS(0))
		record := func(i int, o *render.Output, n int, fresh bool, err error) {
			mu.Lock()
			sizes[o.Path] = n
			if fresh {
				made = append(made, o.Path)
			}
			mu.Unlock()
			outErrs[i] = err
			if progress != nil {
				progress(int(done.Add(1)), len(pl.Outputs))
			}
		}
		for i, o := range stage {
			o.Key = o.SizedKey(sizeOf) // the earlier stages are done
			// What the preview made last time is written here, not in a
			// goroutine each: almost every output, on every save.
			if data, ok := c.mem.get(o.Path, o.Key); ok {
				record(i, o, len(data), false, w.Write(o.Path, data))
				continue
			}
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				n, fresh, err := getOrMake(o, w, c, sizeOf)
				record(i, o, n, fresh, err)
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		errs.Add(outErrs...)
	}
	slices.Sort(made)
	return made, errs.Err()
}

// getOrMake writes an output that the memory cache does not hold (run
// looks there first) into w and returns its size: the previous output's
// file when the disk cache shows it is still what the key made, or the
// bytes made now, which are then recorded in both caches.
func getOrMake(o *render.Output, w *publish.Writer, c caches, sizes render.Sizes) (n int, made bool, err error) {
	if n, ok := c.reuse(w, o); ok {
		return n, false, nil
	}
	data, err := o.Make(sizes)
	if err != nil {
		return 0, true, err
	}
	c.mem.put(o.Path, o.Key, data)
	if err := w.Write(o.Path, data); err != nil {
		return 0, true, err
	}
	c.record(w, o, data)
	return len(data), true, nil
}

// reuse links an output's file from the previous output when the disk
// cache has an entry for its key and the file is still as recorded.
func (c caches) reuse(w *publish.Writer, o *render.Output) (int, bool) {
	if c.disk == nil || !w.HasPrevious() {
		return 0, false
	}
	m, ok := c.disk.getMeta(o)
	if !ok || !w.Reuse(o.Path, m.Size, m.MTime) {
		return 0, false
	}
	return int(m.Size), true
}

// record notes in the disk cache what the output made.
func (c caches) record(w *publish.Writer, o *render.Output, data []byte) {
	if c.disk == nil {
		return
	}
	if mtime, ok := w.ModTime(o.Path); ok {
		c.disk.putMeta(o, fileMeta{Size: int64(len(data)), MTime: mtime})
	}
}
