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
	"runtime/trace"
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

// project is the options of loading the project, with the disk cache c
// and the last build's record lb when there are.
func (o Options) project(c *diskCache, lb *lastBuild) project.Options {
	po := project.Options{Src: o.Src, Drafts: o.Drafts, Future: o.Future, MarkScheduled: o.MarkScheduled, Today: o.Epoch, BaseURL: o.BaseURL, ECharts: o.ECharts,
		Templates: func(t map[string][]byte) { go render.PrepareTheme(t) }}
	if c != nil {
		po.Records = c            // parsed datasets and briefings are kept in the pack
		po.Known = knownFiles(lb) // the files the last build read, unchanged since, are not read
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
func Build(ctx context.Context, opts Options) (res *Result, err error) {
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
	// A cache's record of the last build may show that nothing changed
	// since (unchanged.go); a record is only ever written into a cache
	// folder that checkCacheDir accepted.
	var lb *lastBuild
	if opts.CacheDir != "" {
		var same *Result
		if lb, same = lastRecord(ctx, opts, start); same != nil {
			return same, nil
		}
		warmFor(lb)
	}
	// What the output and the spare hold is checked (a walk of each) while
	// the project loads; a refused output is reported before the project's
	// errors, as if checked first.
	checks := startChecks(t, lb)
	var c caches
	var p *project.Project
	if opts.CacheDir != "" {
		if err := checkCacheDir(opts.CacheDir, opts.Src, t.Path()); err != nil {
			return nil, cmp.Or(checks.Wait(), err)
		}
		trace.WithRegion(ctx, "pack", func() { c.disk = openDiskCache(opts.CacheDir, t.Path()) })
		defer func() {
			defer trace.StartRegion(ctx, "flush").End()
			c.disk.flush(err == nil) // complete only when the build succeeded
			if err == nil {
				recordLastBuild(opts, p, res, start, c.disk, checks.asRecorded) // into the folder flush made
			}
		}()
	}
	p, err = project.Load(ctx, opts.project(c.disk, lb), nil)
	var pl *render.Plan
	if err == nil {
		pl, err = plan(ctx, p, opts, c.disk)
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
	r := trace.StartRegion(ctx, "publish")
	pub, err := f.Publish(ctx)
	r.End()
	if err != nil {
		return nil, err
	}
	res = &Result{Out: opts.Out, Files: pub.Files, Written: pub.Written, Unchanged: pub.Unchanged,
		Removed: pub.Removed, Same: pub.Same, Made: made, Warnings: p.Warnings}
	if pub.Warning != nil {
		res.Warnings = append(res.Warnings, diag.Errorf(diag.Pos{}, "%v", pub.Warning))
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// checks are the walks of the output and the spare, running; asRecorded,
// read once they are waited for, is the last build's record when it showed
// the output as that build left it.
type checks struct {
	errgroup.Group
	asRecorded *lastBuild
}

// startChecks walks what the output and the spare hold (publish.Target.Check),
// in the background: neither, when the last build's record lb shows it as
// that build left it.
func startChecks(t *publish.Target, lb *lastBuild) *checks {
	c := &checks{}
	c.Go(func() error {
		if lb != nil && outputAsRecorded(lb, t.Path()) {
			t.Vouch()
			c.asRecorded = lb
		}
		if lb != nil && spareAsRecorded(lb, t.SparePath()) {
			t.VouchSpare()
		}
		return t.Check()
	})
	return c
}

// plan plans the site of the loaded project p, and starts the printer
// when the plan has a PDF the disk cache d does not hold.
func plan(ctx context.Context, p *project.Project, opts Options, d *diskCache) (*render.Plan, error) {
	loaded()
	defer trace.StartRegion(ctx, "plan").End()
	pl, err := render.New(p, opts.render())
	if err == nil {
		prestart(pl, d, opts.Printer)
	}
	return pl, err
}

// lastRecord reads the cache's record of the last build and, when it
// shows that nothing changed since, the result of this build.
func lastRecord(ctx context.Context, opts Options, start time.Time) (*lastBuild, *Result) {
	defer trace.StartRegion(ctx, "record").End()
	var lb *lastBuild
	trace.WithRegion(ctx, "read", func() { lb = readLastBuild(opts.CacheDir) })
	defer trace.StartRegion(ctx, "compare").End()
	return lb, unchanged(opts, lb, start)
}

// prestart starts the printer's browser now, while the output is checked
// and opened, when it can (a *pdf.Browser) and the plan has a PDF that the
// disk cache does not hold, which will be printed: never when every PDF
// is the previous output's.
func prestart(pl *render.Plan, d *diskCache, p render.Printer) {
	s, ok := p.(interface{ Start() })
	if !ok {
		return
	}
	for _, o := range pl.Outputs {
		if o.Stage != render.StageApart {
			continue
		}
		if d == nil {
			s.Start()
			return
		}
		if _, ok := d.getMeta(o); !ok {
			s.Start()
			return
		}
	}
}

// InMemory loads the project and makes every file of its site in memory,
// with no cache and nothing written: what `brief check` checks.
func InMemory(ctx context.Context, opts Options) (*project.Project, *Snapshot, error) {
	start := time.Now()
	p, err := project.Load(ctx, opts.project(nil, nil), nil)
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
// within a stage; the outputs of render.StageApart (the PDFs) from the
// start, beside the stages, each output that shows the size of one waiting
// for that one alone. Every output is got or made in one place, getOrMake.
// All errors of all stages are returned together; ctx's error stops it.
func run(ctx context.Context, pl *render.Plan, w *publish.Writer, c caches, progress func(done, total int)) ([]string, error) {
	defer trace.StartRegion(ctx, "make").End()
	stages := pl.Stages()
	r := &runner{w: w, c: c, progress: progress, total: len(pl.Outputs), sizes: make(map[string]int, len(pl.Outputs))}
	apart := stages[render.StageApart]
	r.apart = make(map[string]chan struct{}, len(apart))
	for _, o := range apart {
		r.apart[o.Path] = make(chan struct{})
	}
	var wg sync.WaitGroup
	apartErrs := r.startApart(ctx, apart, &wg)
	var errs diag.List
	for _, stage := range stages[:render.StageApart] {
		outErrs, err := r.stage(ctx, stage)
		if err != nil {
			wg.Wait()
			return nil, err
		}
		errs.Add(outErrs...)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	errs.Add(apartErrs...)
	slices.Sort(r.made)
	return r.made, errs.Err()
}

// runner is what run's goroutines share.
type runner struct {
	w        *publish.Writer
	c        caches
	progress func(done, total int)
	total    int
	done     atomic.Int64
	// apart has a channel for each output of render.StageApart, closed
	// once it is made (or failed): sizeOf waits for it.
	apart map[string]chan struct{}

	mu    sync.Mutex
	made  []string
	sizes map[string]int
}

// sizeOf is the size of an output made (render.Sizes); of an output of
// render.StageApart, once it is made.
func (r *runner) sizeOf(path string) int {
	if ch, ok := r.apart[path]; ok {
		<-ch
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sizes[path]
}

// waits says whether an output shows the size of an output of
// render.StageApart, and so may wait for it.
func (r *runner) waits(o *render.Output) bool {
	for _, p := range o.Sized {
		if _, ok := r.apart[p]; ok {
			return true
		}
	}
	return false
}

func (r *runner) record(o *render.Output, n int, fresh bool) {
	r.mu.Lock()
	r.sizes[o.Path] = n
	if fresh {
		r.made = append(r.made, o.Path)
	}
	r.mu.Unlock()
	if r.progress != nil {
		r.progress(int(r.done.Add(1)), r.total)
	}
}

// one gets or makes an output whose earlier stages are done: first from
// the memory cache, unless memo says it was looked for there (with its
// sized key).
func (r *runner) one(o *render.Output, memo bool) error {
	if !memo {
		o.Key = o.SizedKey(r.sizeOf)
		if data, ok := r.c.mem.get(o.Path, o.Key); ok {
			r.record(o, len(data), false)
			return r.w.Write(o.Path, data)
		}
	}
	n, fresh, err := getOrMake(o, r.w, r.c, r.sizeOf)
	r.record(o, n, fresh)
	return err
}

// stage makes the outputs of one stage, GOMAXPROCS at a time, and returns
// each one's error, or ctx's.
func (r *runner) stage(ctx context.Context, stage []*render.Output) ([]error, error) {
	outErrs := make([]error, len(stage))
	type pending struct {
		i    int
		memo bool // looked for in the memory cache already
	}
	var rest []pending
	for i, o := range stage {
		// What the preview made last time is written here, not by a
		// worker: almost every output, on every save. An output that
		// shows a PDF's size waits for it on a worker.
		memo := !r.waits(o)
		if memo {
			o.Key = o.SizedKey(r.sizeOf)
			if data, ok := r.c.mem.get(o.Path, o.Key); ok {
				r.record(o, len(data), false)
				outErrs[i] = r.w.Write(o.Path, data)
				continue
			}
		}
		rest = append(rest, pending{i, memo})
	}
	// A worker a core takes the rest in order. A goroutine each (8,000 in
	// a weekly publish of 1,000 briefings, nearly all of them a file
	// linked from the previous output in microseconds) cost the scheduler
	// about as much as the outputs.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(rest)) {
		wg.Go(func() {
			for j := int(next.Add(1) - 1); j < len(rest) && ctx.Err() == nil; j = int(next.Add(1) - 1) {
				p := rest[j]
				outErrs[p.i] = r.one(stage[p.i], p.memo)
			}
		})
	}
	wg.Wait()
	return outErrs, ctx.Err()
}

// apartLimit is how many outputs of render.StageApart are made at once:
// as many as the browser has tabs, and the next pages ready.
const apartLimit = 4

// startApart starts making the outputs of render.StageApart, apartLimit
// at a time, beside the stages; wg is done when all are. It returns their
// errors, to be read once wg is done.
func (r *runner) startApart(ctx context.Context, apart []*render.Output, wg *sync.WaitGroup) []error {
	errs := make([]error, len(apart))
	sem := make(chan struct{}, apartLimit)
	for i, o := range apart {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(r.apart[o.Path])
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if ctx.Err() == nil {
				errs[i] = r.one(o, false)
			}
		}()
	}
	return errs
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
	if !ok || !w.Reuse(o.Path, publish.FileID(m)) {
		return 0, false
	}
	c.disk.reused(o, m)
	return int(m.Size), true
}

// record notes in the disk cache what the output made.
func (c caches) record(w *publish.Writer, o *render.Output, data []byte) {
	if c.disk == nil {
		return
	}
	if id, ok := w.FileID(o.Path); ok && id.Size == int64(len(data)) {
		c.disk.putMeta(o, fileMeta(id))
	}
}
