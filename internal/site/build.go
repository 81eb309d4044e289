// Package site turns a project into a static site: it loads site.toml, the
// datasets and the briefings, binds every block to its data, renders the pages
// in parallel, and swaps the result into the output folder only when every
// step succeeded, so a failed build leaves the previous site exactly as it was.
package site

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
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
	"github.com/brief-desk/brief/internal/projectfs"
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
	// CacheDir, when not empty, keeps rendered pages and workbooks between
	// builds (outside the output); see diskCache.
	CacheDir string
	// Progress, when not nil, is called as briefings are rendered.
	Progress func(done, total int)
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
	dataHash  map[string]hash // dataset id -> hash of its file
	cache     *Cache
	key       hash        // everything every page depends on: settings, templates, assets
	all       []*Briefing // every briefing, drafts included
	progress  func(done, total int)
}

// Briefing is a parsed briefing with its blocks bound to data.
type Briefing struct {
	*content.Briefing
	Views []*view.View
	key   hash // the briefing's file and the rows its blocks select
}

// Load reads and checks everything a build needs, without writing. Every
// problem found is returned in one *diag.List.
func Load(ctx context.Context, opts Options) (*Project, error) { return load(ctx, opts, nil) }

// load is Load with an optional cache of parsed files and bound blocks, kept
// between builds of one process (the preview server).
func load(ctx context.Context, opts Options, c *Cache) (*Project, error) {
	if st, err := os.Stat(opts.Src); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("project folder %s: %w", opts.Src, cmp.Or(err, fs.ErrInvalid))
	}
	// Every read goes through projectfs: nothing outside the project folder,
	// and nothing but regular files, is ever read or published.
	fsys, err := projectfs.Open(opts.Src)
	if err != nil {
		return nil, fmt.Errorf("project folder %s: %w", opts.Src, err)
	}
	defer fsys.Close()
	if c == nil {
		c = &Cache{} // one build: parse and bind, keep no pages
		if opts.CacheDir != "" {
			c.disk = openDiskCache(opts.CacheDir)
		}
	}
	var errs diag.List
	p := &Project{byID: map[string]*dataset.Dataset{}, epoch: opts.Epoch, cache: c, dataHash: map[string]hash{}, progress: opts.Progress}

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

	dataFiles, err := listFiles(fsys, "data", ".toml")
	errs.Add(err)
	sets, dataHashes, dataErrs := parseAll(ctx, fsys, dataFiles, &c.datasets, &c.stats, c.disk.parseDataset)
	failed := map[string]bool{}
	var ids []string
	for i, f := range dataFiles {
		id := strings.TrimSuffix(path.Base(f), ".toml")
		ids = append(ids, id)
		if dataErrs[i] != nil {
			errs.Add(dataErrs[i])
			failed[id] = true
			continue
		}
		p.Datasets = append(p.Datasets, sets[i])
		p.byID[id] = sets[i]
		p.dataHash[id] = dataHashes[i]
	}
	slices.Sort(ids)

	briefFiles, err := listFiles(fsys, "content/briefings", ".md")
	errs.Add(err)
	all, briefHashes, briefErrs := parseAll(ctx, fsys, briefFiles, &c.briefings, &c.stats, content.Parse)
	errs.Add(briefErrs...)

	// Bind every briefing's blocks, drafts included, so that `check` and
	// `build` refuse the same things.
	seen := map[string]string{}
	var parsedOK []*content.Briefing
	for i, b := range all {
		if b == nil {
			continue
		}
		parsedOK = append(parsedOK, b)
		if first, dup := seen[b.Slug]; dup {
			errs.Addf(diag.Pos{File: b.File, Line: 1, Col: 1}, "slug %q is already used by %s; rename one of the files or set slug = \"...\"", b.Slug, first)
			continue
		}
		seen[b.Slug] = b.File
		sb, warns, err := p.bind(b, briefHashes[i], ids, failed)
		errs.Add(err)
		p.Warnings = append(p.Warnings, warns...)
		if sb != nil {
			p.all = append(p.all, sb)
		}
		if sb != nil && (!b.Draft || opts.Drafts) {
			p.Briefings = append(p.Briefings, sb)
		}
	}
	if errs.Len() == 0 {
		p.echarts, err = resolveECharts(fsys, opts, p.Config, firstChart(parsedOK))
		errs.Add(err)
	}
	if errs.Len() > 0 {
		return nil, &errs
	}
	slices.SortStableFunc(p.Briefings, func(a, b *Briefing) int {
		return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.Slug, b.Slug))
	})
	p.key = newHasher().str(opts.BaseURL).bool(opts.Drafts).str(opts.Epoch.String()).
		sum(p.Config.hash).sum(p.theme.hash).str(p.echarts.path).str(p.echarts.href).done()
	return p, nil
}

// bind binds a briefing's blocks, or takes them from the cache when neither
// the briefing nor any dataset it names has changed.
func (p *Project) bind(b *content.Briefing, h hash, ids []string, failed map[string]bool) (*Briefing, []*diag.Error, error) {
	k := newHasher().sum(h).str(strings.Join(ids, ","))
	for _, blk := range b.Blocks {
		k.str(blk.Dataset).sum(p.dataHash[blk.Dataset]).bool(failed[blk.Dataset])
	}
	key := k.done()
	if hit, ok := p.cache.views.get(b.File, key); ok {
		return hit.briefing, hit.warnings, hit.err
	}
	var errs diag.List
	var warns []*diag.Error
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
			warns = append(warns, diag.Errorf(blk.Pos, "%s block: no rows of %q match as of %s", blk.Kind, v.Data.ID, b.Date.Format(time.DateOnly)))
		}
		sb.Views = append(sb.Views, v)
	}
	err := errs.Err()
	if err != nil {
		sb = nil
	} else {
		sb.key = renderKey(h, sb.Views)
	}
	p.cache.views.put(b.File, key, bound{briefing: sb, warnings: warns, err: err})
	return sb, warns, err
}

// renderKey is what a briefing's page and workbook depend on besides the
// site-wide settings: its file, and for each block the dataset's metadata and
// exactly the rows and columns the block selects as of the briefing's date.
// A dataset edit outside every block's window leaves the key alone.
func renderKey(file hash, views []*view.View) hash {
	k := newHasher().sum(file)
	for _, v := range views {
		d := v.Data
		k.str(d.ID).str(d.Title).str(d.Source).str(d.SourceURL).str(d.Description).str(d.Notes).str(string(d.Kind))
		for _, c := range v.Columns {
			k.str(c.Name).str(c.Label).str(c.Unit).str(string(c.Format)).str(c.Type.String()).bool(c.AllInt)
		}
		k.str(fmt.Sprint(len(v.Rows)))
		for r := range v.Rows {
			for _, c := range v.Columns {
				k.str(v.Value(r, c).Literal())
			}
		}
		k.str("|")
	}
	return k.done()
}

// listFiles lists the files of dir with the suffix, sorted; a missing folder
// has none.
func listFiles(fsys fs.FS, dir, suffix string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, diag.Errorf(diag.Pos{File: dir}, "cannot list: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), suffix) {
			files = append(files, path.Join(dir, e.Name()))
		}
	}
	return files, nil
}

// parseAll reads and parses files in parallel, reusing the cached result for
// a file whose bytes have not changed. A file whose size and modification
// time are those seen last time, and which was last modified more than a
// second ago, is not even read (the rule git uses against "racy" files:
// time stamps are coarse, so a recent file is always read).
func parseAll[T any](ctx context.Context, fsys fs.FS, files []string, c *keyed[parsed[T]], stats *keyed[hash], parse func(string, []byte) (T, error)) ([]T, []hash, []error) {
	now := time.Now()
	vals := make([]T, len(files))
	hashes := make([]hash, len(files))
	errs := make([]error, len(files))
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, f := range files {
		g.Go(func() error {
			var statKey hash
			if fi, err := fs.Stat(fsys, f); err == nil && now.Sub(fi.ModTime()) > time.Second {
				statKey = newHasher().str(fmt.Sprint(fi.Size(), fi.ModTime().UnixNano())).done()
				if h, ok := stats.get(f, statKey); ok {
					if hit, ok := c.get(f, h); ok {
						vals[i], hashes[i], errs[i] = hit.v, h, hit.err
						return nil
					}
				}
			}
			src, err := fs.ReadFile(fsys, f)
			if err != nil {
				errs[i] = diag.Errorf(diag.Pos{File: f}, "cannot read: %w", err)
				return nil
			}
			hashes[i] = sha256.Sum256(src)
			if statKey != (hash{}) {
				stats.put(f, statKey, hashes[i])
			}
			if hit, ok := c.get(f, hashes[i]); ok {
				vals[i], errs[i] = hit.v, hit.err
				return nil
			}
			vals[i], errs[i] = parse(f, src)
			c.put(f, hashes[i], parsed[T]{v: vals[i], err: errs[i]})
			return nil
		})
	}
	_ = g.Wait()
	return vals, hashes, errs
}

// Result describes a finished build.
type Result struct {
	Out       string
	Files     []string        // every file of the site, slash paths relative to Out, sorted
	Written   int             // files new or changed since the previous output
	Unchanged int             // files with the same bytes as before: hard links to the previous output, so they keep its modification time
	Removed   int             // files of the previous output that are gone
	Same      map[string]bool // the unchanged files
	Warnings  []*diag.Error
	Elapsed   time.Duration
}

// Build loads the project, renders it into a temporary folder beside the
// output and exchanges it with the output (see publish.go). On any error the
// previous output is untouched.
func Build(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
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
	if opts.CacheDir != "" {
		if err := checkCacheDir(opts.CacheDir, opts.Src, t.path); err != nil {
			return nil, err
		}
	}
	p, err := Load(ctx, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Out: opts.Out, Warnings: p.Warnings}
	tmp, hold, err := makeTemp(t.path)
	if err != nil {
		return nil, err
	}
	defer hold.Close()
	defer os.RemoveAll(tmp) // a no-op once swapped in
	w := newWriter(tmp)
	if t.exist {
		w.prev = t.path
	}
	if err := p.render(ctx, w); err != nil {
		return nil, err
	}
	res.Files = w.list()
	if _, err := w.put(ManifestName, manifestBytes(res.Files)); err != nil {
		return nil, err
	}
	res.Written, res.Unchanged = w.counts()
	res.Same = w.unchanged
	for f := range t.prev {
		if _, ok := w.files[f]; !ok {
			res.Removed++
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l, err := lock(filepath.Dir(t.path), true)
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s: %w", filepath.Dir(t.path), err)
	}
	warn, err := swap(tmp, t.path)
	l.Close()
	if err != nil {
		return nil, err
	}
	if warn != nil {
		res.Warnings = append(res.Warnings, diag.Errorf(diag.Pos{}, "%v", warn))
	}
	if p.cache.disk != nil {
		p.cache.disk.prune()
	}
	res.Elapsed = time.Since(start)
	return res, nil
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
	if err := p.checkLinks(opts.Src, tmp); err != nil {
		return nil, err
	}
	return &Result{Files: files, Warnings: append(p.Warnings, p.lint()...)}, nil
}

// checkLinks reports every link of the built site in dir that does not
// resolve, at the place in the briefing or template that wrote it.
func (p *Project) checkLinks(src, dir string) error {
	broken, err := CheckLinks(dir)
	if err != nil {
		return err
	}
	pages := map[string]*Briefing{}
	for _, b := range p.Briefings {
		pages["briefings/"+b.Slug+"/index.html"] = b
	}
	var errs diag.List
	for _, bl := range broken {
		page, link, _ := strings.Cut(bl.String(), ": ")
		b := pages[page]
		if b == nil {
			errs.Addf(diag.Pos{File: "templates", Line: 1, Col: 1}, "%s: link %s does not resolve in the built site", page, link)
			continue
		}
		pos := diag.Pos{File: b.File, Line: 1, Col: 1}
		if srcBytes, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(b.File))); err == nil {
			if i := bytes.Index(srcBytes, []byte(bl.Link)); i >= 0 {
				pos.Line, pos.Col = diag.LineCol(srcBytes, i)
			}
		}
		errs.Addf(pos, "link %s does not resolve in the built site (from %s); fix the link or remove it", link, page)
	}
	return errs.Err()
}

// lint finds what is legal but probably not meant: datasets that no
// briefing uses, and briefings without a single chart or table.
func (p *Project) lint() []*diag.Error {
	used := map[string]bool{}
	var warns []*diag.Error
	for _, b := range p.all {
		for _, v := range b.Views {
			used[v.Data.ID] = true
		}
		if len(b.Blocks) == 0 {
			warns = append(warns, diag.Errorf(diag.Pos{File: b.File, Line: 1, Col: 1}, "this briefing has no chart or table block: its numbers are not backed by data"))
		}
	}
	for _, d := range p.Datasets {
		if !used[d.ID] {
			warns = append(warns, diag.Errorf(diag.Pos{File: d.File, Line: 1, Col: 1}, "no briefing uses this dataset"))
		}
	}
	return warns
}
