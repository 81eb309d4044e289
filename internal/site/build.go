// Package site turns a project into a static site: it loads site.toml, the
// datasets and the briefings, binds every block to its data, renders the pages
// in parallel, and swaps the result into the output folder only when every
// step succeeded, so a failed build leaves the previous site exactly as it was.
package site

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/view"
)

// Options says what to build and where.
type Options struct {
	Src     string // project folder
	Out     string // output folder; default Src/public
	Drafts  bool   // include briefings marked draft
	BaseURL string // overrides site.toml's base_url
	ECharts string // path of echarts.min.js; see resolveECharts for the other places looked at
	// Epoch, when not zero, is the time stamp written into workbooks
	// (SOURCE_DATE_EPOCH); otherwise they carry the briefing's date.
	Epoch time.Time
}

// Project is a loaded, validated project, ready to render.
type Project struct {
	Config    *Config
	Datasets  []*dataset.Dataset
	Briefings []*Briefing // published order: newest first
	Warnings  []*diag.Error
	theme     *theme
	echarts   echartsAsset
	epoch     time.Time
	byID      map[string]*dataset.Dataset
}

// Briefing is a parsed briefing with its blocks bound to data.
type Briefing struct {
	*content.Briefing
	Views []*view.View
}

// Load reads and checks everything a build needs, without writing. Every
// problem found is returned in one *diag.List.
func Load(ctx context.Context, opts Options) (*Project, error) {
	fsys := os.DirFS(opts.Src)
	if st, err := os.Stat(opts.Src); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("project folder %s: %w", opts.Src, cmp.Or(err, fs.ErrInvalid))
	}
	var errs diag.List
	p := &Project{byID: map[string]*dataset.Dataset{}, epoch: opts.Epoch}

	var err error
	if p.Config, err = LoadConfig(fsys); err != nil {
		errs.Add(err)
	} else if opts.BaseURL != "" {
		if err := p.Config.SetBaseURL(opts.BaseURL); err != nil {
			errs.Add(fmt.Errorf("--base-url: %w", err))
		}
	}
	if p.Config != nil && !p.Config.BaseURLSet() {
		p.Warnings = append(p.Warnings, diag.Errorf(diag.Pos{File: "site.toml"},
			"no base_url: the feed and sitemap use %s; set base_url in site.toml or pass --base-url", DefaultBaseURL))
	}
	p.theme, err = loadTheme(fsys)
	errs.Add(err)
	var failed map[string]bool
	p.Datasets, failed, err = dataset.LoadDir(ctx, fsys, "data")
	errs.Add(err)
	ids := make([]string, len(p.Datasets))
	for i, d := range p.Datasets {
		p.byID[d.ID] = d
		ids[i] = d.ID
	}
	for id := range failed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	all, err := loadBriefings(ctx, fsys)
	errs.Add(err)

	// Bind every briefing's blocks, drafts included, so that `check` and
	// `build` refuse the same things.
	seen := map[string]string{}
	for _, b := range all {
		if first, dup := seen[b.Slug]; dup {
			errs.Addf(diag.Pos{File: b.File, Line: 1, Col: 1}, "slug %q is already used by %s; rename one of the files or set slug = \"...\"", b.Slug, first)
			continue
		}
		seen[b.Slug] = b.File
		sb := &Briefing{Briefing: b}
		for _, blk := range b.Blocks {
			if failed[blk.Dataset] {
				continue // the dataset's own errors are reported
			}
			v, err := view.Bind(blk, func(id string) *dataset.Dataset { return p.byID[id] }, ids, b.Date)
			if err != nil {
				errs.Add(err)
				continue
			}
			if len(v.Rows) == 0 {
				p.Warnings = append(p.Warnings, diag.Errorf(blk.Pos, "%s block: no rows of %q match as of %s", blk.Kind, v.Data.ID, b.Date.Format(time.DateOnly)))
			}
			sb.Views = append(sb.Views, v)
		}
		if !b.Draft || opts.Drafts {
			p.Briefings = append(p.Briefings, sb)
		}
	}
	if errs.Len() == 0 {
		p.echarts, err = resolveECharts(fsys, opts, p.Config, firstChart(all))
		errs.Add(err)
	}
	if errs.Len() > 0 {
		return nil, &errs
	}
	slices.SortStableFunc(p.Briefings, func(a, b *Briefing) int {
		return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.Slug, b.Slug))
	})
	return p, nil
}

// loadBriefings parses content/briefings/*.md in parallel, in file name order.
func loadBriefings(ctx context.Context, fsys fs.FS) ([]*content.Briefing, error) {
	const dir = "content/briefings"
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") {
			files = append(files, path.Join(dir, e.Name()))
		}
	}
	out := make([]*content.Briefing, len(files))
	errs := make([]error, len(files))
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, f := range files {
		g.Go(func() error {
			src, err := fs.ReadFile(fsys, f)
			if err != nil {
				errs[i] = diag.Errorf(diag.Pos{File: f}, "cannot read briefing: %w", err)
				return nil
			}
			out[i], errs[i] = content.Parse(f, src)
			return nil
		})
	}
	_ = g.Wait()
	var list diag.List
	list.Add(errs...)
	if err := list.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Result describes a finished build.
type Result struct {
	Out      string
	Files    []string // written, slash paths relative to Out, sorted
	Warnings []*diag.Error
	Elapsed  time.Duration
}

// Build loads the project, renders it into a temporary folder beside the
// output and swaps it in. On any error the previous output is untouched.
func Build(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.Src, "public")
	}
	if err := checkOut(opts.Src, opts.Out); err != nil {
		return nil, err
	}
	p, err := Load(ctx, opts)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(opts.Out)), "."+filepath.Base(opts.Out)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("cannot make a temporary output folder: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once swapped in
	files, err := p.Render(ctx, tmp)
	if err != nil {
		return nil, err
	}
	if err := swap(tmp, opts.Out); err != nil {
		return nil, err
	}
	return &Result{Out: opts.Out, Files: files, Warnings: p.Warnings, Elapsed: time.Since(start)}, nil
}

// Check loads the project and renders it into a temporary folder that it then
// removes, so that template errors are found too; nothing in the project changes.
func Check(ctx context.Context, opts Options) (*Result, error) {
	p, err := Load(ctx, opts)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "brief-check-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	files, err := p.Render(ctx, tmp)
	if err != nil {
		return nil, err
	}
	return &Result{Files: files, Warnings: p.Warnings}, nil
}
