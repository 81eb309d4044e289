// Package project loads a project folder into a validated model: the
// settings, the datasets, the briefings with every block bound to its data,
// the template files and the ECharts script. It only reads (through
// projectfs, so nothing outside the folder) and checks; it knows nothing of
// pages, caches, clocks or progress. Every problem found is returned at once,
// as a *diag.List.
package project

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"runtime"
	"runtime/trace"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/derive"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/projectfs"
	"github.com/brief-desk/brief/internal/view"
)

// Options say which project to load and how.
type Options struct {
	Src    string // project folder
	Drafts bool   // publish briefings marked draft
	// Future publishes briefings dated after Today (the civil day of
	// Today, UTC; the zero time is now), which are otherwise scheduled:
	// left out, as Hugo leaves out future content.
	Future bool
	Today  time.Time
	// MarkScheduled marks briefings dated after Today as Scheduled (the
	// preview shows them with a banner); a --future build publishes them
	// as they are.
	MarkScheduled bool
	BaseURL       string // overrides site.toml's base_url
	ECharts       string // path of echarts.min.js outside the project ($BRIEF_ECHARTS)
	// Records, when not nil, keeps parsed datasets and briefings between
	// loads: the build passes its disk cache (cache.go).
	Records Records
	// Known, with Records, says what a file holds without reading it:
	// the hash of its bytes, when fi shows it is the very file an earlier
	// build read (the build's record of what it read). Its value is then
	// taken from Records, and a briefing's file is read only when its body
	// is needed (content.Briefing.Load).
	Known func(file string, fi fs.FileInfo) (key.Hash, bool)
	// Templates, when not nil, is given the project's templates as soon
	// as they are read, before the data: the build parses its theme
	// meanwhile (render.PrepareTheme).
	Templates func(overrides map[string][]byte)
	// Changes, with a memo (Load), are what changed in the project since
	// the last load with that memo, as its watcher saw it (the preview):
	// a listed file they do not name keeps what the last listing said of
	// its size and time, unstated, and with them its parse. nil: anything
	// may have changed, and every file is stated.
	Changes *projectfs.Changes
}

// Project is a loaded, validated project.
type Project struct {
	Config    *Config
	Datasets  []*dataset.Dataset
	Briefings []*Briefing // published, newest first
	All       []*Briefing // every briefing that bound, drafts included, in file order
	Warnings  []*diag.Error
	// Templates are the files under templates/ that layouts and assets come
	// from (slash paths below templates/), read through projectfs.
	Templates map[string][]byte
	ECharts   ECharts
	DataHash  map[string]key.Hash // dataset id -> hash of its file
	// Reads are, for each derived dataset, the datasets its query reads.
	Reads map[string][]string
	// Entities are the rows of the entities dataset, if there is one,
	// with their moves, deals and mentions.
	Entities []*Entity
	// Inputs are the project's paths the load read, listed or found
	// missing, as they were then (what package build keeps to tell the
	// next build that nothing changed), and Hashes the hash of the bytes
	// of each dataset and briefing file among them.
	Inputs []projectfs.Read
	Hashes map[string]key.Hash
}

// Briefing is a parsed briefing with its blocks bound to data. A briefing
// whose binding a build took from its records is bound when a file of it
// is made (Bind, binding.go): until then Bound, Views and Figures are nil,
// and what the plan needs of them is in Sources and Quotes.
type Briefing struct {
	*content.Briefing
	// Bound are the blocks bound to their data, by the block's Index.
	Bound []block.Bound
	// Views are the bound blocks' tables, in order, each numbered by its
	// place (View.Index): a sheet of the workbook and a CSV file each.
	Views   []*view.View
	Figures []*view.Figure // the inline values, in order
	// Sources are the datasets of the views, one per view, and Quoted
	// the text of each figure: what the plan and the mentions read
	// before the briefing is bound.
	Sources []Source
	Quoted  []string
	// Links are the first mentions of entities in the prose, as links to
	// their pages, sorted by position.
	Links []content.Link
	// WorkbookKey covers what the workbook shows, and not the prose: an
	// edit of the text alone does not make the workbook again. ViewKeys
	// cover each view's columns and rows (its CSV file).
	WorkbookKey key.Hash
	ViewKeys    []key.Hash
	// Scheduled is a briefing dated after today, in a project loaded with
	// MarkScheduled (the preview, which shows it with a banner).
	Scheduled bool
	// Key covers the briefing's file and, for each block, the dataset's
	// metadata and exactly the rows and columns it selects as of the
	// briefing's date: a dataset edit outside every block's window leaves
	// it alone.
	Key key.Hash

	lazy *lazyBinding // nil once bound
}

// Load reads and checks the project in opts.Src. memo, when not nil, keeps
// parsed files and bound briefings between loads (the preview).
func Load(ctx context.Context, opts Options, memo *Memo) (*Project, error) {
	if st, err := os.Stat(opts.Src); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("project folder %s: %w", opts.Src, cmp.Or(err, fs.ErrInvalid))
	}
	fsys, err := projectfs.Open(opts.Src)
	if err != nil {
		return nil, fmt.Errorf("project folder %s: %w", opts.Src, err)
	}
	defer fsys.Close()
	if memo == nil {
		memo = &Memo{}
	} else {
		fsys.Reuse(&memo.listings, opts.Changes)
	}
	l := &loader{opts: opts, fsys: fsys, memo: memo, p: &Project{DataHash: map[string]key.Hash{}, Hashes: map[string]key.Hash{}}, byID: map[string]*dataset.Dataset{}}
	r := trace.StartRegion(ctx, "datasets")
	l.config()
	l.p.Templates = l.templates()
	if opts.Templates != nil {
		opts.Templates(l.p.Templates)
	}
	err = l.datasets(ctx)
	r.End()
	if err != nil {
		return nil, err
	}
	// The derived datasets' queries run while the briefings are read;
	// binding waits for them.
	derived := make(chan error, 1)
	go func() { derived <- l.derived(ctx) }()
	var derr error
	waited := false
	wait := func() error {
		if !waited {
			derr, waited = <-derived, true
		}
		return derr
	}
	r = trace.StartRegion(ctx, "briefings")
	parsed, err := l.briefings(ctx, wait)
	r.End()
	if werr := wait(); werr != nil {
		return nil, werr
	}
	defer l.derive.Release()
	if err != nil {
		return nil, err
	}
	if l.derive != nil {
		l.errs.Add(l.derive.Err())
	}
	trace.WithRegion(ctx, "entities", l.entities)
	if l.errs.Len() == 0 {
		chart := firstChart(parsed)
		for _, e := range l.p.Entities {
			if chart == nil && len(e.Moves) > 0 { // entity pages chart their moves
				chart = &diag.Pos{File: e.Data.File, Line: 1, Col: 1}
			}
		}
		l.p.ECharts, err = resolveECharts(fsys, opts, l.p.Config, chart)
		l.errs.Add(err)
	}
	if l.errs.Len() > 0 {
		return nil, &l.errs
	}
	slices.SortStableFunc(l.p.Briefings, func(a, b *Briefing) int {
		return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.Slug, b.Slug))
	})
	l.p.Inputs = fsys.Reads()
	return l.p, nil
}

// loader is one Load's state.
type loader struct {
	opts   Options
	fsys   *projectfs.FS
	memo   *Memo
	p      *Project
	errs   diag.List
	byID   map[string]*dataset.Dataset
	ids    []string        // every dataset file's id, sorted
	failed map[string]bool // datasets with errors: their blocks are not bound
	derive *derive.Engine  // derived datasets' queries; nil without any
}

func (l *loader) config() {
	var err error
	if l.p.Config, err = LoadConfig(l.fsys); err != nil {
		l.errs.Add(err)
		return
	}
	if l.opts.BaseURL != "" {
		if err := l.p.Config.SetBaseURL(l.opts.BaseURL); err != nil {
			l.errs.Add(fmt.Errorf("--base-url: %w", err))
		}
	}
	if !l.p.Config.BaseURLSet() {
		l.p.Warnings = append(l.p.Warnings, diag.Errorf(diag.Pos{File: "site.toml"},
			"no base_url: the feed and sitemap use %s; set base_url in site.toml or pass --base-url", DefaultBaseURL))
	}
}

// templates reads templates/: layouts (*.html at the top) and assets/.
func (l *loader) templates() map[string][]byte {
	files := map[string][]byte{}
	_ = fs.WalkDir(l.fsys, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				l.errs.Addf(diag.Pos{File: p}, "cannot read templates: %v", err)
			}
			return nil
		}
		rel := strings.TrimPrefix(p, "templates/")
		if d.IsDir() || (!strings.HasSuffix(rel, ".html") && !strings.HasPrefix(rel, "assets/")) {
			return nil
		}
		src, err := l.fsys.ReadFile(p)
		if err != nil {
			l.errs.Addf(diag.Pos{File: p}, "cannot read template: %v", err)
			return nil
		}
		files[rel] = src
		return nil
	})
	return files
}

func (l *loader) datasets(ctx context.Context) error {
	files, err := listFiles(l.fsys, "data", ".toml")
	l.errs.Add(err)
	p := plain(dataset.Parse)
	if l.opts.Records != nil {
		c := cached{l.opts.Records}
		p = parser[*dataset.Dataset]{parse: c.dataset, known: l.opts.Known, stored: c.storedDataset}
	}
	sets, hashes, errs, err := parseAll(ctx, l.fsys, files, &l.memo.datasets, &l.memo.stats, p)
	if err != nil {
		return err
	}
	l.failed = map[string]bool{}
	for i, f := range files {
		id := strings.TrimSuffix(path.Base(f), ".toml")
		l.ids = append(l.ids, id)
		if errs[i] != nil {
			l.errs.Add(errs[i])
			l.failed[id] = true
			continue
		}
		l.p.Datasets = append(l.p.Datasets, sets[i])
		l.byID[id] = sets[i]
		l.p.DataHash[id] = hashes[i]
		l.p.Hashes[f] = hashes[i]
	}
	slices.Sort(l.ids)
	return nil
}

// derived runs the queries of derived datasets over the others (package
// derive) and puts each one's current result in its place.
func (l *loader) derived(ctx context.Context) error {
	if !slices.ContainsFunc(l.p.Datasets, func(d *dataset.Dataset) bool { return d.Derivation() != nil }) {
		return nil
	}
	var recs derive.Records
	if l.opts.Records != nil {
		recs = l.opts.Records
	}
	eng, sets, failed, err := derive.New(ctx, l.p.Datasets, l.failed, recs, &l.memo.derived)
	if err != nil {
		return err
	}
	l.derive, l.p.Datasets = eng, sets
	for id := range failed {
		l.failed[id] = true
		delete(l.byID, id)
	}
	for _, d := range sets {
		l.byID[d.ID] = d
	}
	// A derived dataset's bindings hold while neither its file nor any
	// table it reads has changed.
	l.p.Reads = map[string][]string{}
	for _, id := range eng.Order() {
		l.p.Reads[id] = eng.Reads(id)
		k := key.New().Sum(l.p.DataHash[id])
		for _, s := range eng.Reads(id) {
			k.Str(s).Sum(l.p.DataHash[s])
		}
		l.p.DataHash[id] = k.Done()
	}
	return nil
}

// needDerived computes, in parallel, the derived datasets the briefings
// show as of their dates (and their previous briefings', for changes
// blocks), before the briefings are bound: those of the briefings left to
// bind, or of all.
func (l *loader) needDerived(ctx context.Context, bindings []binding, all bool) error {
	if l.derive == nil {
		return nil
	}
	need := map[string][]time.Time{}
	var kept []derive.Known
	for _, b := range bindings {
		if b.kept && !all {
			kept = append(kept, b.derived...)
			continue
		}
		for _, id := range b.b.Named() {
			if d := l.byID[id]; d != nil && d.Derivation() != nil {
				need[id] = append(need[id], b.b.Date)
				if !b.prev.IsZero() {
					need[id] = append(need[id], b.prev)
				}
			}
		}
	}
	l.derive.Keep(kept)
	failed, err := l.derive.Need(ctx, need)
	if err != nil {
		return err
	}
	for id := range failed {
		l.failed[id] = true
	}
	return nil
}

// briefings parses every briefing and binds its blocks, drafts included, so
// that `check` and `build` refuse the same things. It returns the briefings
// that parsed. derived waits for the derived datasets, which are made
// while the briefings are read, before the first binding.
func (l *loader) briefings(ctx context.Context, derived func() error) ([]*content.Briefing, error) {
	all, hashes, err := l.parseBriefings(ctx)
	if err != nil {
		return nil, err
	}
	// The dates of published briefings, for "since the previous briefing".
	var published []time.Time
	for _, b := range all {
		if b != nil && !b.Draft {
			published = append(published, b.Date)
		}
	}
	slices.SortFunc(published, time.Time.Compare)
	seen := map[string]string{}
	var parsed []*content.Briefing
	var bindings []binding
	for i, b := range all {
		if b == nil {
			continue
		}
		l.p.Hashes[b.File] = hashes[i]
		parsed = append(parsed, b)
		if first, dup := seen[b.Slug]; dup {
			l.errs.Addf(diag.Pos{File: b.File, Line: 1, Col: 1}, "slug %q is already used by %s; rename one of the files or set slug = \"...\"", b.Slug, first)
			continue
		}
		seen[b.Slug] = b.File
		bindings = append(bindings, binding{b: b, hash: hashes[i], prev: previous(published, b.Date)})
	}
	if err := derived(); err != nil {
		return nil, err
	}
	defer trace.StartRegion(ctx, "bind").End()
	ids := strings.Join(l.ids, ",")
	l.takeKept(bindings, ids)
	failed := len(l.failed)
	if err := l.needDerived(ctx, bindings, false); err != nil {
		return nil, err
	}
	if len(l.failed) > failed {
		// A derived dataset failed as of a date: the keys of the bindings
		// taken did not know it, so they are taken again, and every
		// briefing's dates are computed, so that each problem is found as
		// without a memo or records.
		for i := range bindings {
			bindings[i] = binding{b: bindings[i].b, hash: bindings[i].hash, prev: bindings[i].prev}
		}
		l.takeKept(bindings, ids)
		if err := l.needDerived(ctx, bindings, true); err != nil {
			return nil, err
		}
	}
	if err := l.bindAll(ctx, bindings); err != nil {
		return nil, err
	}
	today := Today(l.opts.Today)
	for _, bd := range bindings {
		l.errs.Add(bd.err)
		l.p.Warnings = append(l.p.Warnings, bd.warns...)
		if bd.sb == nil {
			continue
		}
		future := bd.b.Date.After(today)
		bd.sb.Scheduled = future && l.opts.MarkScheduled
		l.p.All = append(l.p.All, bd.sb)
		if (!bd.b.Draft || l.opts.Drafts) && (!future || l.opts.Future) {
			l.p.Briefings = append(l.p.Briefings, bd.sb)
		}
	}
	return parsed, nil
}

// parseBriefings parses every briefing file, or takes it from the memo or
// the records, with each file's hash.
func (l *loader) parseBriefings(ctx context.Context) ([]*content.Briefing, []key.Hash, error) {
	defer trace.StartRegion(ctx, "parse").End()
	files, err := listFiles(l.fsys, "content/briefings", ".md")
	l.errs.Add(err)
	p := plain(content.Parse)
	if l.opts.Records != nil {
		c := cached{l.opts.Records}
		p = parser[*content.Briefing]{parse: c.briefing, known: l.opts.Known, stored: func(file string, h key.Hash) (*content.Briefing, bool) {
			return c.storedBriefing(file, h, l.opts.Src)
		}}
	}
	all, hashes, errs, err := parseAll(ctx, l.fsys, files, &l.memo.briefings, &l.memo.stats, p)
	l.errs.Add(errs...)
	return all, hashes, err
}

// binding is a briefing to bind (with its file's hash and the date of the
// published briefing before it), the key of its binding, and what binding
// it gave; kept says that came from the memo or the records.
type binding struct {
	b       *content.Briefing
	hash    key.Hash
	prev    time.Time
	memoKey key.Hash
	kept    bool
	derived []derive.Known // of a binding from the records: storedBinding.Derived
	sb      *Briefing
	warns   []*diag.Error
	err     error
}

// takeKept takes the bindings the memo (the preview's) or the records (a
// build's) hold under their keys, before the derived datasets are
// computed as of the briefings' dates: only the dates of those left to
// bind are (ids: the project's dataset ids, joined).
func (l *loader) takeKept(bindings []binding, ids string) {
	idsKey := key.New().Str(ids).Done() // hashed once, not once a briefing
	for i := range bindings {
		bd := &bindings[i]
		bd.memoKey = l.bindKey(bd.b, bd.hash, bd.prev, idsKey)
		if hit, ok := l.memo.views.get(bd.b.File, bd.memoKey); ok {
			bd.sb, bd.warns, bd.err, bd.kept = hit.briefing, hit.warnings, hit.err, true
			continue
		}
		bd.kept = l.opts.Records != nil && l.recordedBinding(bd, bd.memoKey)
	}
}

// bindAll binds the briefings takeKept left, selecting and hashing the
// rows of every block, in parallel.
func (l *loader) bindAll(ctx context.Context, bindings []binding) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range bindings {
		bd := &bindings[i]
		if bd.kept {
			continue
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			bd.sb, bd.warns, bd.err = l.bind(bd.b, bd.hash, bd.prev, bd.memoKey)
			if bd.err == nil && l.opts.Records != nil {
				l.keepBinding(bd.sb, bd.prev, bd.warns, bd.memoKey)
			}
			return nil
		})
	}
	return g.Wait()
}

// bindKey is the memo's key of a briefing's binding: it holds while
// neither the briefing nor any dataset it names, in a block or in an inline
// value (of the prose or a card), has changed (ids: the hash of the
// project's dataset ids, joined).
func (l *loader) bindKey(b *content.Briefing, h key.Hash, prev time.Time, ids key.Hash) key.Hash {
	k := key.New().Sum(h).Sum(ids).U64(uint64(prev.Unix())) // a civil date, at midnight UTC
	for _, id := range b.Named() {
		k.Str(id).Sum(l.p.DataHash[id]).Bool(l.failed[id])
	}
	return k.Done()
}

// bind binds a briefing's blocks and keeps the result in the memo under
// memoKey (bindKey).
func (l *loader) bind(b *content.Briefing, h key.Hash, prev time.Time, memoKey key.Hash) (*Briefing, []*diag.Error, error) {
	if err := b.Load(); err != nil { // its blocks are parsed from the file
		return nil, nil, err
	}
	var errs diag.List
	var warns []*diag.Error
	blocks, inlines := b.Blocks(), b.Inlines()
	sb := &Briefing{Briefing: b, Bound: make([]block.Bound, len(blocks))}
	find := func(id string) *dataset.Dataset { return l.byID[id] }
	figures := make([]*view.Figure, len(inlines))
	for i, in := range inlines {
		if l.failed[in.Dataset] {
			continue // the dataset's own errors are reported
		}
		f, err := view.BindFigure(in, find, l.ids, b.Date)
		if err != nil {
			errs.Add(err)
			continue
		}
		figures[i] = f
		sb.Figures = append(sb.Figures, f)
	}
	c := &block.Context{Date: b.Date, Previous: prev, IDs: l.ids, Find: find, Figures: figures}
	for i, blk := range blocks {
		if slices.ContainsFunc(blk.Datasets(), func(id string) bool { return l.failed[id] }) {
			continue
		}
		bd, err := blk.Bind(c)
		if err != nil {
			errs.Add(err)
			continue
		}
		sb.Bound[i] = bd
		for _, v := range bd.Tables() {
			if len(v.Rows) == 0 {
				warns = append(warns, diag.Errorf(blk.Pos(), "%s block: no rows of %q match as of %s", blk.Kind(), v.Data.ID, b.Date.Format(time.DateOnly)))
			}
			v.Index = len(sb.Views)
			sb.Views = append(sb.Views, v)
		}
	}
	err := errs.Err()
	if err != nil {
		sb = nil
	} else {
		sb.ViewKeys = viewKeys(sb.Views) // the rows are hashed once, here
		sb.Key = keyOfViews(h, sb.ViewKeys, sb.Figures)
		sb.WorkbookKey = workbookKey(b, sb.Views, sb.ViewKeys, sb.Figures)
		sb.Sources, sb.Quoted = sourcesOf(sb.Views), quotedOf(sb.Figures)
	}
	l.memo.views.put(b.File, memoKey, bound{briefing: sb, warnings: warns, err: err})
	return sb, warns, err
}

// Today is the civil day (UTC) of t, or of now for the zero time: a
// briefing dated after it is scheduled.
func Today(t time.Time) time.Time {
	t = cmp.Or(t, time.Now()).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// previous is the date of the published briefing before date: the latest
// earlier date among published (sorted), or zero. A draft never counts,
// whether or not drafts are built.
func previous(published []time.Time, date time.Time) time.Time {
	i, _ := slices.BinarySearchFunc(published, date, time.Time.Compare)
	if i == 0 {
		return time.Time{}
	}
	return published[i-1]
}

// workbookKey covers everything a briefing's workbook shows: its title,
// summary and date (the cover), each block's view (kind, titles, date,
// chart, then the rows through keyOfViews) and each quoted figure's
// expression and dataset.
func workbookKey(b *content.Briefing, views []*view.View, viewKeys []key.Hash, figures []*view.Figure) key.Hash {
	k := key.New().Str("workbook").Str(b.Title).Str(b.Summary).Str(b.Date.String()).Str(b.Slug)
	for _, v := range views {
		k.Str(string(v.Kind)).Int(v.Index).Str(v.Title).Str(v.Subtitle).Str(v.AsOf.String())
		if c := v.Chart; c != nil {
			k.Str(string(c.Type)).Int(c.Height).Str(c.X.Name)
			for _, y := range c.Y {
				k.Str(y.Name)
			}
			for _, m := range c.Marks {
				k.Str(m.Label).Bool(m.Y != nil)
				if m.Y != nil {
					k.U64(math.Float64bits(*m.Y))
				}
				if m.X != nil {
					k.Str(m.X.Literal())
				}
			}
		}
	}
	for _, f := range figures {
		k.Str(f.Inline.Expr).Str(f.Data.ID)
	}
	return keyOfViews(k.Done(), viewKeys, figures)
}

// keyOfViews is Briefing.Key (and the end of the other keys): what a key
// starts from (the briefing's file), what each inline value found, and each
// view's key (viewKeys: its dataset's description, columns and rows), so
// that a briefing's rows are hashed once for all its keys.
func keyOfViews(file key.Hash, views []key.Hash, figures []*view.Figure) key.Hash {
	k := key.New().Sum(file)
	for _, f := range figures {
		k.Str(f.Text).Str(f.Raw()).Str(f.Date.String()).Str(f.Data.Title).Str(f.Data.Source).Str(f.Revised)
		if f.Spark != nil {
			k.Str(f.Spark.Alt).Str(fmt.Sprint(f.Spark.Values))
		}
	}
	for _, h := range views {
		k.Sum(h)
	}
	return k.Done()
}

// viewKeys covers each view's dataset description, columns and rows: what
// its CSV file holds, and its part of every other key; and the formats of
// cells shown in one other than their column's.
func viewKeys(views []*view.View) []key.Hash {
	out := make([]key.Hash, len(views))
	for i, v := range views {
		d := v.Data
		k := key.New().Str(d.ID).Str(d.Title).Str(d.Source).Str(d.SourceURL).Str(d.Description).Str(d.Notes).Str(string(d.Kind()))
		for _, c := range v.Columns {
			k.Str(c.Name).Str(c.Label).Str(c.Unit).Str(string(c.Format)).Str(c.Type.String()).Bool(c.AllInt)
		}
		k.Int(len(v.Notes))
		for _, n := range v.Notes {
			k.Str(n)
		}
		k.Int(len(v.Rows))
		for r := range v.Rows {
			for _, c := range v.Columns {
				// Every field of the value, without formatting it.
				x := v.Value(r, c)
				k.U64(uint64(x.Type)).Str(x.Str).U64(math.Float64bits(x.Num)).Bool(x.Int).Bool(x.Bool)
			}
		}
		if v.Cells != nil {
			k.Str("cells")
			for r := range v.Rows {
				for i := range v.Columns {
					f, signed := v.Format(r, i)
					k.Str(string(f)).Bool(signed)
				}
			}
		}
		out[i] = k.Done()
	}
	return out
}

// listFiles lists the files of dir with the suffix, sorted; a missing folder
// has none.
func listFiles(fsys *projectfs.FS, dir, suffix string) ([]string, error) {
	entries, err := fsys.ReadDir(dir)
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
			if e.Type().IsRegular() {
				// One fstatat on the open folder: the preview stats every
				// file on every save. Links are stated through fsys.
				if fi, err := e.Info(); err == nil {
					fsys.Remember(path.Join(dir, e.Name()), fi)
				}
			}
		}
	}
	return files, nil
}

// firstChart is the place of the first block that may draw with ECharts
// (a chart, or a numbers block's sparklines), or nil: a project without
// one needs no ECharts.
func firstChart(all []*content.Briefing) *diag.Pos {
	for _, b := range all {
		if pos := b.Chart(); pos != nil {
			return pos
		}
	}
	return nil
}
