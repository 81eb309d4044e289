package site

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/brief-desk/brief/internal/chart"
	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/view"
	"github.com/brief-desk/brief/internal/workbook"
)

// allDataPath is the workbook with every dataset.
const allDataPath = "data/datasets.xlsx"

// allDataWorkbook writes data/datasets.xlsx.
func (p *Project) allDataWorkbook() ([]byte, error) {
	return workbook.Bytes(func(out io.Writer) error {
		return workbook.Datasets(out, workbook.Info{
			SiteTitle: p.Config.Title, Author: p.Config.Author, Title: p.Config.Title + ": all data",
			Summary: "Every dataset in full, as of the build.", URL: p.Config.BaseURL,
			Date: p.dataEpoch(), Modified: p.epoch,
		}, p.Datasets)
	})
}

// dataEpoch is the date of the all-data workbook: the latest date in any
// dataset, or the Unix epoch; never the clock, and not the latest briefing,
// so that a new briefing does not rewrite the workbook of unchanged data.
func (p *Project) dataEpoch() time.Time {
	var latest time.Time
	for _, d := range p.Datasets {
		if t := d.LatestDate(time.Time{}); t.After(latest) {
			latest = t
		}
	}
	if latest.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return latest
}

// page is what every layout receives.
type page struct {
	Site        *Config
	Root        string // relative path from the page to the site root: "" or "../../"
	Canonical   string // absolute URL of the page
	Description string
	Assets      assetPaths
	Latest      *briefingInfo
	Archive     []yearGroup
	Briefing    *briefingInfo
	Tag         *tagInfo
	Tags        []*tagInfo
	AllData     *download // data/datasets.xlsx, when there are datasets
	charts      bool
}

// assetPaths are the hrefs of the assets, relative to the page (or absolute).
type assetPaths struct {
	CSS     string
	JS      string
	ECharts string // empty on pages without charts
}

type briefingInfo struct {
	Slug, Title, Summary string
	Date                 time.Time
	Draft                bool
	Path                 string // from the root: briefings/<slug>/index.html
	URL                  string // absolute, pretty: <base>briefings/<slug>/
	Tags                 []*tagInfo
	Body                 template.HTML
	Sources              []sourceInfo
	Minutes              int
	Newer, Older         *briefingInfo
	Workbook             *download // nil for a briefing without blocks
}

// download is a file offered for download, with its size for the link.
type download struct {
	Path string // from the site root
	Size string // "16 KB"
}

func newDownload(path string, n int) *download {
	size := fmt.Sprintf("%d KB", (n+1023)/1024)
	if n >= 1<<20 {
		size = fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return &download{Path: path, Size: size}
}

type sourceInfo struct {
	ID, Title, Source, URL, Description, Notes string
}

type tagInfo struct {
	Name      string
	Slug      string
	Path      string // tags/<slug>/index.html
	Briefings []*briefingInfo
}

type yearGroup struct {
	Year      int
	Briefings []*briefingInfo
}

// blockData is what the "block" template receives.
type blockData struct {
	ID, Kind, Title, Subtitle string
	Source, SourceURL, Notes  string
	Headers                   []header
	Rows                      [][]cellData
	AsOf                      time.Time
	Chart                     template.JS // the option payload: JSON with <, > and & escaped
	Alt                       string
	Height                    int
}

type header struct {
	Label   string
	Numeric bool
}

type cellData struct {
	Text    string
	Numeric bool
}

// Render writes the whole site into dir, which must exist, and returns the
// files written.
func (p *Project) Render(ctx context.Context, dir string) ([]string, error) {
	w := newWriter(dir)
	if err := p.render(ctx, w); err != nil {
		return nil, err
	}
	return w.list(), nil
}

// RenderMemory renders the whole site into memory: slash path to bytes.
func (p *Project) RenderMemory(ctx context.Context) (map[string][]byte, error) {
	w := newWriter("")
	if err := p.render(ctx, w); err != nil {
		return nil, err
	}
	return w.files, nil
}

func (p *Project) render(ctx context.Context, w *writer) error {
	infos, tags := p.index()
	// Briefing pages see the other briefings as they are before any is
	// rendered (without workbook sizes); list pages see them after.
	before := summarise(infos, tags)

	var errs diag.List
	perBriefing := make([]error, len(p.Briefings))
	var done atomic.Int64
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, b := range p.Briefings {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			perBriefing[i] = p.renderBriefing(w, b, infos[i], before.page(infos, i), before.key(infos, i).done())
			if p.progress != nil {
				p.progress(int(done.Add(1)), len(p.Briefings))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	errs.Add(perBriefing...)

	var allData *download
	if len(p.Datasets) > 0 {
		k := newHasher().sum(p.key).str(p.dataEpoch().String())
		for _, d := range p.Datasets {
			k.str(d.ID).sum(p.dataHash[d.ID])
		}
		size, err := p.cachedFile(w, allDataPath, k.done(), p.allDataWorkbook)
		if err != nil {
			errs.Add(fmt.Errorf("data/datasets.xlsx: %w", err))
		} else {
			allData = newDownload(allDataPath, size)
		}
	}
	after := summarise(infos, tags)
	tagViews := make([]*tagInfo, len(tags))
	for i, t := range tags {
		tagViews[i] = after.tags[t]
	}
	home := &page{Site: p.Config, Canonical: p.Config.BaseURL, Description: p.Config.Description, Tags: tagViews, AllData: allData}
	if len(infos) > 0 {
		home.Latest = after.page(infos, 0)
		home.Archive = byYear(after.infos) // every briefing, so the archive is never empty
	}
	// List pages, the feed and the sitemap are keyed by everything they can
	// show, so a rebuild after an edit to one briefing's text renders none
	// of them.
	all := newHasher().sum(p.key)
	for _, h := range after.hashes {
		all.sum(h)
	}
	for _, t := range tags {
		all.sum(after.tagHash[t])
	}
	if allData != nil {
		all.str(allData.Size)
	}
	allKey := all.done()
	errs.Add(p.listPage(w, "index.html", "index.html", allKey, home))
	errs.Add(p.listPage(w, "tags.html", "tags/index.html", allKey, &page{Site: p.Config, Canonical: p.Config.BaseURL + "tags/", Tags: tagViews}))
	for _, t := range tags {
		key := newHasher().sum(p.key).sum(after.tagHash[t]).done()
		errs.Add(p.listPage(w, "tag.html", t.Path, key, &page{Site: p.Config, Canonical: p.Config.BaseURL + "tags/" + t.Slug + "/", Tag: after.tags[t]}))
	}
	errs.Add(p.render404(w))
	if p.echarts.path != "" {
		errs.Add(w.write(p.echarts.path, p.echarts.data))
	}
	for name, data := range p.theme.assets {
		errs.Add(w.write(name, data))
	}
	errs.Add(p.cached(w, "feed.xml", allKey, func() ([]byte, error) { return atomFeed(p.Config, infos) }))
	errs.Add(p.cached(w, "sitemap.xml", allKey, func() ([]byte, error) { return sitemap(p.Config, infos, tags) }))
	return errs.Err()
}

// summaries are the briefings as a page sees the ones it does not show in
// full: every field but Body, Newer and Older, with tags that list no
// briefings. Cutting the links there bounds what a template can reach from a
// page, so that a page's key can cover all of it (a custom template may show
// any documented field of a neighbour or of a tag's briefings).
type summaries struct {
	infos   []*briefingInfo
	hashes  []hash                // of each summary: every field it has
	tags    map[*tagInfo]*tagInfo // a tag listing the summaries of its briefings
	tagHash map[*tagInfo]hash
}

func summarise(infos []*briefingInfo, tags []*tagInfo) *summaries {
	s := &summaries{infos: make([]*briefingInfo, len(infos)), hashes: make([]hash, len(infos)),
		tags: make(map[*tagInfo]*tagInfo, len(tags)), tagHash: make(map[*tagInfo]hash, len(tags))}
	index := make(map[*briefingInfo]int, len(infos))
	for i, b := range infos {
		c := *b
		c.Body, c.Newer, c.Older = "", nil, nil
		c.Tags = make([]*tagInfo, len(b.Tags))
		for j, t := range b.Tags {
			c.Tags[j] = &tagInfo{Name: t.Name, Slug: t.Slug, Path: t.Path}
		}
		s.infos[i], s.hashes[i] = &c, summaryHash(&c)
		index[b] = i
	}
	for _, t := range tags {
		v := &tagInfo{Name: t.Name, Slug: t.Slug, Path: t.Path, Briefings: make([]*briefingInfo, len(t.Briefings))}
		k := newHasher().str(t.Name).str(t.Slug).str(t.Path)
		for j, b := range t.Briefings {
			i := index[b]
			v.Briefings[j] = s.infos[i]
			k.sum(s.hashes[i])
		}
		s.tags[t], s.tagHash[t] = v, k.done()
	}
	return s
}

// page returns briefing i as its own page (or the home page's latest) sees
// it: in full, with its neighbours and its tags' briefings as summaries.
func (s *summaries) page(infos []*briefingInfo, i int) *briefingInfo {
	c := *infos[i]
	c.Newer, c.Older = nil, nil
	if i > 0 {
		c.Newer = s.infos[i-1]
	}
	if i+1 < len(infos) {
		c.Older = s.infos[i+1]
	}
	c.Tags = make([]*tagInfo, len(infos[i].Tags))
	for j, t := range infos[i].Tags {
		c.Tags[j] = s.tags[t]
	}
	return &c
}

// key hashes everything briefing i's page can show besides its own file and
// data: its summary, its neighbours' and its tags'.
func (s *summaries) key(infos []*briefingInfo, i int) *hasher {
	k := newHasher().sum(s.hashes[i])
	for _, j := range []int{i - 1, i + 1} {
		if j >= 0 && j < len(infos) {
			k.sum(s.hashes[j])
		}
		k.str("|")
	}
	for _, t := range infos[i].Tags {
		k.sum(s.tagHash[t])
	}
	return k
}

// summaryHash hashes every field of a summary. A field added to
// briefingInfo must be added here (TestSummaryHashCoversEveryField).
func summaryHash(b *briefingInfo) hash {
	k := newHasher().str(b.Slug).str(b.Title).str(b.Summary).str(b.Date.Format(time.RFC3339Nano)).bool(b.Draft).
		str(b.Path).str(b.URL).str(fmt.Sprint(b.Minutes))
	k.str(fmt.Sprint(len(b.Tags)))
	for _, t := range b.Tags {
		k.str(t.Name).str(t.Slug).str(t.Path)
	}
	k.str(fmt.Sprint(len(b.Sources)))
	for _, s := range b.Sources {
		k.str(s.ID).str(s.Title).str(s.Source).str(s.URL).str(s.Description).str(s.Notes)
	}
	if b.Workbook != nil {
		k.str(b.Workbook.Path).str(b.Workbook.Size)
	} else {
		k.str("-")
	}
	return k.done()
}

// cached writes the file made by fn, or the bytes it made last time under
// the same key.
func (p *Project) cached(w *writer, rel string, key hash, fn func() ([]byte, error)) error {
	_, err := p.cachedFile(w, rel, key, fn)
	return err
}

// cachedFile writes the file fn makes for rel, unless the memory cache holds
// its bytes or the disk cache shows the previous site's copy is still right,
// and returns its size.
func (p *Project) cachedFile(w *writer, rel string, key hash, fn func() ([]byte, error)) (int, error) {
	if data, ok := p.cache.lists.get(rel, key); ok {
		return len(data), w.write(rel, data)
	}
	key = newHasher().sum(key).str(rel).done()
	size := 0
	if p.reuseFiles(w, key, func(metas map[string]fileMeta) { size = int(metas[rel].Size) }) {
		return size, nil
	}
	data, err := fn()
	if err != nil {
		return 0, err
	}
	if p.cache.keepPages {
		p.cache.lists.put(rel, key, data)
	}
	if err := w.write(rel, data); err != nil {
		return 0, err
	}
	p.recordFiles(w, key, map[string][]byte{rel: data})
	return len(data), nil
}

// listPage renders a page that lists briefings, through the cache.
func (p *Project) listPage(w *writer, layout, rel string, key hash, pg *page) error {
	return p.cached(w, rel, key, func() ([]byte, error) { return p.pageBytes(layout, rel, pg) })
}

// index makes the template view of every briefing and tag.
func (p *Project) index() ([]*briefingInfo, []*tagInfo) {
	infos := make([]*briefingInfo, len(p.Briefings))
	tagBySlug := map[string]*tagInfo{}
	var tags []*tagInfo
	for i, b := range p.Briefings {
		info := &briefingInfo{
			Slug: b.Slug, Title: b.Title, Summary: b.Summary, Date: b.Date, Draft: b.Draft,
			Path:    "briefings/" + b.Slug + "/index.html",
			URL:     p.Config.BaseURL + "briefings/" + b.Slug + "/",
			Minutes: max(1, (b.Words+199)/200),
		}
		for _, name := range b.Tags {
			slug := content.TagSlug(name)
			t := tagBySlug[slug]
			if t == nil {
				t = &tagInfo{Name: name, Slug: slug, Path: "tags/" + slug + "/index.html"}
				tagBySlug[slug] = t
				tags = append(tags, t)
			}
			if !slices.Contains(info.Tags, t) {
				info.Tags = append(info.Tags, t)
				t.Briefings = append(t.Briefings, info)
			}
		}
		seen := map[string]bool{}
		for _, v := range b.Views {
			d := v.Data
			if !seen[d.ID] {
				seen[d.ID] = true
				info.Sources = append(info.Sources, sourceInfo{ID: d.ID, Title: d.Title, Source: d.Source, URL: d.SourceURL, Description: d.Description, Notes: d.Notes})
			}
		}
		infos[i] = info
	}
	for i, info := range infos {
		if i > 0 {
			info.Newer = infos[i-1]
		}
		if i+1 < len(infos) {
			info.Older = infos[i+1]
		}
	}
	slices.SortFunc(tags, func(a, b *tagInfo) int { return strings.Compare(a.Slug, b.Slug) })
	return infos, tags
}

func byYear(infos []*briefingInfo) []yearGroup {
	var groups []yearGroup
	for _, b := range infos {
		if len(groups) == 0 || groups[len(groups)-1].Year != b.Date.Year() {
			groups = append(groups, yearGroup{Year: b.Date.Year()})
		}
		g := &groups[len(groups)-1]
		g.Briefings = append(g.Briefings, b)
	}
	return groups
}

// rootOf is the relative path from a page at rel back to the site root.
func rootOf(rel string) string {
	return strings.Repeat("../", strings.Count(rel, "/"))
}

// assets computes the asset hrefs for a page whose root prefix is root.
func (p *Project) assets(root string, charts bool) assetPaths {
	a := assetPaths{CSS: root + p.theme.css}
	if charts {
		a.JS = root + p.theme.js
		a.ECharts = p.echarts.href
		if p.echarts.path != "" {
			a.ECharts = root + p.echarts.path
		}
	}
	return a
}

func (p *Project) renderPage(w *writer, layout, rel string, pg *page) error {
	data, err := p.pageBytes(layout, rel, pg)
	if err != nil {
		return err
	}
	return w.write(rel, data)
}

func (p *Project) pageBytes(layout, rel string, pg *page) ([]byte, error) {
	pg.Root = rootOf(rel)
	pg.Assets = p.assets(pg.Root, pg.charts)
	var buf bytes.Buffer
	if err := p.theme.pages[layout].ExecuteTemplate(&buf, "base", pg); err != nil {
		return nil, diag.Errorf(diag.Pos{File: "templates/" + layout}, "rendering %s: %w", rel, err)
	}
	return buf.Bytes(), nil
}

// render404 writes a page that hosts serve at any depth, so its links are
// absolute from base_url.
func (p *Project) render404(w *writer) error {
	pg := &page{Site: p.Config, Canonical: p.Config.BaseURL + "404.html"}
	pg.Root = p.Config.BaseURL
	pg.Assets = p.assets(pg.Root, false)
	var buf bytes.Buffer
	if err := p.theme.pages["404.html"].ExecuteTemplate(&buf, "base", pg); err != nil {
		return diag.Errorf(diag.Pos{File: "templates/404.html"}, "rendering 404.html: %w", err)
	}
	return w.write("404.html", buf.Bytes())
}

// renderBriefing writes a briefing's page and workbook, or copies them from
// the cache when nothing they depend on has changed: the settings, templates
// and assets (p.key), the briefing and its data (b.key), and everything the
// page can show of other briefings (linked: see summaries). view is info as
// the page's template sees it; info gets the workbook's size.
func (p *Project) renderBriefing(w *writer, b *Briefing, info, view *briefingInfo, linked hash) error {
	// The slug names the output files: a renamed file with the same text is
	// another output.
	key := newHasher().sum(p.key).sum(b.key).str(b.Slug).sum(linked).done()
	if p.reuseFiles(w, key, func(metas map[string]fileMeta) {
		if m, has := metas[workbookPath(b.Slug)]; has {
			info.Workbook = newDownload(workbookPath(b.Slug), int(m.Size))
		}
	}) {
		return nil
	}
	hit, ok := p.cache.pages.get(b.Slug, key)
	if ok {
		for name, data := range hit.files {
			if err := w.write(name, data); err != nil {
				return err
			}
		}
		info.Workbook = hit.workbook
		return nil
	}
	out := w
	if p.cache.keepPages || p.cache.disk != nil {
		out = newWriter("")
	}
	if err := p.renderBriefingFiles(out, b, view); err != nil {
		return err
	}
	info.Workbook = view.Workbook
	if out != w {
		for name, data := range out.files {
			if err := w.write(name, data); err != nil {
				return err
			}
		}
		if p.cache.keepPages {
			p.cache.pages.put(b.Slug, key, rendered{files: out.files, workbook: info.Workbook})
		}
		p.recordFiles(w, key, out.files)
	}
	return nil
}

// reuseFiles links an output's files from the previous site when the disk
// cache has an entry for key and every file is still as recorded; found is
// called with the entry. A partial reuse is undone.
func (p *Project) reuseFiles(w *writer, key hash, found func(map[string]fileMeta)) bool {
	if p.cache.disk == nil || w.prev == "" {
		return false
	}
	metas, ok := p.cache.disk.getMeta(key)
	if !ok {
		return false
	}
	var linked []string
	for rel, m := range metas {
		if !w.reuse(rel, m) {
			for _, l := range linked {
				w.unlink(l)
			}
			return false
		}
		linked = append(linked, rel)
	}
	found(metas)
	return true
}

// recordFiles records in the disk cache the files written for key.
func (p *Project) recordFiles(w *writer, key hash, files map[string][]byte) {
	if p.cache.disk == nil || w.dir == "" {
		return
	}
	metas := map[string]fileMeta{}
	for rel, data := range files {
		m, ok := w.meta(rel, data)
		if !ok {
			return
		}
		metas[rel] = m
	}
	p.cache.disk.putMeta(key, metas)
}

func workbookPath(slug string) string { return "briefings/" + slug + "/" + slug + ".xlsx" }

func (p *Project) renderBriefingFiles(w *writer, b *Briefing, info *briefingInfo) error {
	tmpl := p.theme.pages["briefing.html"]
	var body bytes.Buffer
	charts := false
	err := b.Render(&body, func(out io.Writer, blk *content.Block) error {
		v := b.Views[blk.Index]
		bd := newBlockData(v)
		if v.Kind == "chart" {
			c, err := chart.Build(v, bd.ID)
			if err != nil {
				return err
			}
			bd.Chart, bd.Alt, bd.Height = template.JS(c.Payload), c.Alt, v.Height
			charts = true
		}
		return tmpl.ExecuteTemplate(out, "block", bd)
	})
	if err != nil {
		return diag.Errorf(diag.Pos{File: b.File}, "rendering: %w", err)
	}
	info.Body = template.HTML(body.String()) // goldmark escapes text and drops raw HTML
	if len(b.Views) > 0 {
		rel := workbookPath(b.Slug)
		data, err := workbook.Bytes(func(out io.Writer) error {
			return workbook.Briefing(out, workbook.Info{
				SiteTitle: p.Config.Title, Author: p.Config.Author, Title: b.Title, Summary: b.Summary,
				URL: info.URL, Date: b.Date, Modified: p.epoch,
			}, b.Views)
		})
		if err != nil {
			return diag.Errorf(diag.Pos{File: b.File}, "writing the workbook: %w", err)
		}
		if err := w.write(rel, data); err != nil {
			return err
		}
		info.Workbook = newDownload(rel, len(data))
	}
	pg := &page{Site: p.Config, Canonical: info.URL, Description: b.Summary, Briefing: info, charts: charts}
	err = p.renderPage(w, "briefing.html", info.Path, pg)
	info.Body = "" // only this page shows it; the list pages keep the rest of info
	return err
}

func newBlockData(v *view.View) blockData {
	bd := blockData{
		ID: fmt.Sprintf("%s-%d", v.Kind, v.Index+1), Kind: v.Kind, Title: v.Title, Subtitle: v.Subtitle,
		Source: v.Data.Source, SourceURL: v.Data.SourceURL, Notes: v.Data.Notes, AsOf: v.AsOf,
	}
	for _, c := range v.Columns {
		bd.Headers = append(bd.Headers, header{Label: c.Header(), Numeric: c.Type == dataset.Number})
	}
	bd.Rows = make([][]cellData, len(v.Rows))
	for r := range v.Rows {
		row := make([]cellData, len(v.Columns))
		for i, c := range v.Columns {
			val := v.Value(r, c)
			row[i] = cellData{Text: c.FormatValue(val), Numeric: c.Type == dataset.Number}
		}
		bd.Rows[r] = row
	}
	return bd
}
