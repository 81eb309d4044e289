// Package build runs a site's plan (package render) into a target: a new
// output folder that reuses the previous one, or memory for the preview and
// `brief check`. It owns everything that is not the site itself: the one
// get-or-make path through the memory and disk caches, parallelism,
// progress, the manifest, the atomic exchange with the previous output and
// pruning. A failed build leaves the previous output exactly as it was.
package build

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/render"
)

// Options say what to build and where.
type Options struct {
	Src     string // project folder
	Out     string // output folder; default Src/public
	Drafts  bool   // include briefings marked draft
	BaseURL string // overrides site.toml's base_url
	ECharts string // path of echarts.min.js outside the project ($BRIEF_ECHARTS)
	// Epoch, when not zero, is the time stamp written into workbooks
	// (SOURCE_DATE_EPOCH); otherwise they carry the briefing's date.
	Epoch time.Time
	// CacheDir, when not empty, keeps what outputs were made between builds
	// (outside the output); see diskCache.
	CacheDir string
	// Progress, when not nil, is called as outputs are made.
	Progress func(done, total int)
	// Strict makes Check's warnings about figures typed in the prose that
	// match no value of the data errors.
	Strict bool
}

func (o Options) project(c *diskCache) project.Options {
	po := project.Options{Src: o.Src, Drafts: o.Drafts, BaseURL: o.BaseURL, ECharts: o.ECharts}
	if c != nil {
		po.ParseDataset, po.ParseBriefing = c.parseDataset, c.parseBriefing
	}
	return po
}

func (o Options) render() render.Options {
	return render.Options{Epoch: o.Epoch, Drafts: o.Drafts, BaseURL: o.BaseURL}
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

// Build loads the project, renders it into a temporary folder beside the
// output and exchanges it with the output (publish.go). On any error the
// previous output is untouched.
func Build(ctx context.Context, opts Options) (_ *Result, err error) {
	start := time.Now()
	defer tuneGC()()
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.Src, "public")
	}
	if err := recoverBeside(opts.Out); err != nil {
		return nil, err
	}
	t, err := resolveOut(opts.Src, opts.Out)
	if err != nil {
		return nil, err
	}
	// What the output and the spare hold is checked (a walk of each) while
	// the project loads; a refused output is reported before the project's
	// errors, as if checked first.
	var checks errgroup.Group
	var spareChecked spareCheck
	checks.Go(t.checkContents)
	checks.Go(func() error { spareChecked = checkSpare(t.path); return nil })
	var c caches
	if opts.CacheDir != "" {
		if err := checkCacheDir(opts.CacheDir, opts.Src, t.path); err != nil {
			return nil, cmp.Or(checks.Wait(), err)
		}
		c.disk = openDiskCache(opts.CacheDir, t.path)
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
	res := &Result{Out: opts.Out, Warnings: p.Warnings}
	tmp, hold, spare, reused, err := renderFolder(t, spareChecked)
	if err != nil {
		return nil, err
	}
	defer hold.Close()
	defer removeTree(tmp) // a no-op once swapped in
	w := newWriter(tmp)
	w.spare = reused
	if t.exist {
		w.prev = t.path
	}
	made, err := run(ctx, pl, w, c, opts.Progress)
	if err != nil {
		return nil, err
	}
	if reused {
		if err := w.pruneSpare(spare); err != nil {
			return nil, fmt.Errorf("cannot remove an old file from the spare output: %w", err)
		}
	}
	res.Made = made
	if err := res.publish(ctx, t, tmp, w); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// publish writes the manifest into the finished tree at tmp, counts what
// changed, and exchanges the tree with the output.
func (res *Result) publish(ctx context.Context, t *target, tmp string, w *writer) error {
	res.Files = w.list()
	if _, err := w.put(ManifestName, manifestBytes(res.Files)); err != nil {
		return err
	}
	res.Written, res.Unchanged = w.counts()
	res.Same = w.unchanged
	for f := range t.prev {
		if _, ok := w.files[f]; !ok {
			res.Removed++
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	l, err := lock(filepath.Dir(t.path), true)
	if err != nil {
		return fmt.Errorf("cannot lock %s: %w", filepath.Dir(t.path), err)
	}
	warn, err := swap(tmp, t.path)
	l.Close()
	if err != nil {
		return err
	}
	if warn != nil {
		res.Warnings = append(res.Warnings, diag.Errorf(diag.Pos{}, "%v", warn))
	}
	return nil
}

// run makes every output of a plan into w, stage by stage, in parallel
// within a stage. Every output is got or made in one place, getOrMake. All
// errors of all stages are returned together; ctx's error stops it.
func run(ctx context.Context, pl *render.Plan, w *writer, c caches, progress func(done, total int)) ([]string, error) {
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
				record(i, o, len(data), false, w.write(o.Path, data))
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
func getOrMake(o *render.Output, w *writer, c caches, sizes render.Sizes) (n int, made bool, err error) {
	if n, ok := c.reuse(w, o); ok {
		return n, false, nil
	}
	data, err := o.Make(sizes)
	if err != nil {
		return 0, true, err
	}
	c.mem.put(o.Path, o.Key, data)
	if err := w.write(o.Path, data); err != nil {
		return 0, true, err
	}
	c.record(w, o, data)
	return len(data), true, nil
}

// reuse links an output's file from the previous output when the disk
// cache has an entry for its key and the file is still as recorded.
func (c caches) reuse(w *writer, o *render.Output) (int, bool) {
	if c.disk == nil || w.prev == "" {
		return 0, false
	}
	m, ok := c.disk.getMeta(o)
	if !ok || !w.reuse(o.Path, m) {
		return 0, false
	}
	return int(m.Size), true
}

// record notes in the disk cache what the output made.
func (c caches) record(w *writer, o *render.Output, data []byte) {
	if c.disk == nil || w.dir == "" {
		return
	}
	if m, ok := w.meta(o.Path, data); ok {
		c.disk.putMeta(o, m)
	}
}

// Check loads the project and renders it into memory, so that template
// errors are found too, then checks every link; nothing in the project
// changes.
func Check(ctx context.Context, opts Options) (*Result, error) {
	p, err := project.Load(ctx, opts.project(nil), nil)
	if err != nil {
		return nil, err
	}
	pl, err := render.New(p, opts.render())
	if err != nil {
		return nil, err
	}
	w := newWriter("")
	if _, err := run(ctx, pl, w, caches{}, nil); err != nil {
		return nil, err
	}
	if err := checkLinks(p, opts.Src, w.files); err != nil {
		return nil, err
	}
	typed := checkTyped(p)
	if opts.Strict && len(typed) > 0 {
		var errs diag.List
		for _, e := range typed {
			errs.Add(e)
		}
		return nil, &errs
	}
	return &Result{Files: w.list(), Warnings: append(append(p.Warnings, lint(p)...), typed...)}, nil
}

// checkLinks reports every link of the built site that does not resolve, at
// the place in the briefing or template that wrote it.
func checkLinks(p *project.Project, src string, files map[string][]byte) error {
	pages := map[string]*project.Briefing{}
	for _, b := range p.Briefings {
		pages["briefings/"+b.Slug+"/index.html"] = b
	}
	var errs diag.List
	type source struct {
		text  []byte
		lines *diag.Lines
	}
	sources := map[string]source{} // each briefing read and its lines indexed once
	for _, bl := range brokenLinks(files) {
		b := pages[bl.Page]
		if b == nil {
			errs.Addf(diag.Pos{File: "templates", Line: 1, Col: 1}, "%s: link %s does not resolve in the built site", bl.Page, bl.Problem)
			continue
		}
		pos := diag.Pos{File: b.File, Line: 1, Col: 1}
		s, ok := sources[b.File]
		if !ok {
			if text, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(b.File))); err == nil {
				s = source{text, diag.NewLines(text)}
			}
			sources[b.File] = s
		}
		if i := bytes.Index(s.text, []byte(bl.Link)); i >= 0 {
			pos.Line, pos.Col = s.lines.LineCol(i)
		}
		errs.Addf(pos, "link %s does not resolve in the built site (from %s); fix the link or remove it", bl.Problem, bl.Page)
	}
	return errs.Err()
}

// lint finds what is legal but probably not meant: datasets that no
// briefing uses, and briefings without a single chart or table.
func lint(p *project.Project) []*diag.Error {
	used := map[string]bool{}
	var warns []*diag.Error
	for _, b := range p.All {
		for _, v := range b.Views {
			used[v.Data.ID] = true
		}
		if len(b.Views) == 0 { // numbers blocks alone show no rows
			warns = append(warns, diag.Errorf(diag.Pos{File: b.File, Line: 1, Col: 1}, "this briefing has no chart or table block: its numbers are not backed by data"))
		}
	}
	for _, b := range p.All {
		for _, f := range b.Figures {
			used[f.Data.ID] = true // an inline value uses its dataset too
		}
	}
	for _, e := range p.Entities {
		used[e.Data.ID] = true // the company pages use it
	}
	for _, d := range p.Datasets {
		if !used[d.ID] {
			warns = append(warns, diag.Errorf(diag.Pos{File: d.File, Line: 1, Col: 1}, "no briefing uses this dataset"))
		}
	}
	return warns
}

// recoverBeside repairs what interrupted builds left beside the output.
func recoverBeside(out string) error {
	real, err := realPath(out)
	if err != nil {
		return err
	}
	parent := filepath.Dir(real)
	if _, err := os.Stat(parent); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	l, err := lock(parent, true)
	if err != nil {
		return fmt.Errorf("cannot lock %s: %w", parent, err)
	}
	defer l.Close()
	if err := recoverOut(real); err != nil {
		return fmt.Errorf("cannot clean up after an interrupted build: %w", err)
	}
	return nil
}

// renderFolder is the folder a build renders into, locked: the spare when
// there is one fit to reuse (reused, with the files it holds; checked is
// what checkSpare found of it), else a new temporary folder.
func renderFolder(t *target, checked spareCheck) (tmp string, hold *os.File, spare map[string]bool, reused bool, err error) {
	if t.exist && len(t.prev) > 0 {
		if tmp, hold, spare, reused = takeSpare(t.path, checked); reused {
			return tmp, hold, spare, true, nil
		}
	}
	tmp, hold, err = makeTemp(t.path)
	return tmp, hold, nil, false, err
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
	hold, err := lock(tmp, true)
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("cannot lock %s: %w", tmp, err)
	}
	return tmp, hold, nil
}
