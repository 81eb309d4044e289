// Package render turns a loaded project into a plan: the list of the site's
// files, each an Output with its path, a key computed where its inputs are
// gathered, and a function that makes its bytes. It writes nothing and
// caches nothing: package build runs a plan, reusing what the keys say has
// not changed. Adding a kind of page means adding one output here.
package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/brief-desk/brief/internal/csvout"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/workbook"
)

// Options are what the site depends on besides the project.
type Options struct {
	// Epoch, when not zero, is the time stamp written into workbooks
	// (SOURCE_DATE_EPOCH); otherwise they carry the briefing's date.
	Epoch   time.Time
	Drafts  bool   // drafts are published
	BaseURL string // the --base-url override, already applied to the project
	// PDF prints every briefing whatever site.toml's [pdf] says (--pdf);
	// NoPDF prints none (the preview).
	PDF, NoPDF bool
	// Printer prints PDFs; where none was found, NoPrinter says why, and a
	// plan that wants PDFs fails.
	Printer   Printer
	NoPrinter error
	// Memo, when not nil, keeps what plans of one process share (the
	// preview's).
	Memo *Memo
}

// Stage orders a plan: an output may read the sizes of files made in an
// earlier stage, and outputs of one stage may be made in parallel.
type Stage int

const (
	// StageFiles: workbooks, assets and the 404 page.
	StageFiles Stage = iota
	// StagePages: briefing pages, which link their workbook with its size.
	StagePages
	// StageLists: the home page, tag pages, feed and sitemap, which show
	// every workbook's size.
	StageLists
	// StageApart: outputs that read no sizes and take long, the PDFs
	// (printed by a browser): made beside the other stages from the start
	// of the build, so that the browser starts at once; an output that
	// shows the size of one waits for it alone.
	StageApart
	stages
)

// Output is one file of the site.
type Output struct {
	Path  string   // slash path under the site root
	Key   key.Hash // covers everything the bytes depend on
	Stage Stage
	// Make makes the bytes; sizes gives the size of any file of an earlier
	// stage. Errors are located (*diag.Error or *diag.List).
	Make func(sizes Sizes) ([]byte, error)
	// Sized lists the files of earlier stages whose sizes the output shows
	// (a page's "xlsx, 38 KB"). Key leaves them out; the build folds their
	// sizes in (SizedKey) once they are made, so that a workbook made
	// again at the same size does not make every list page again.
	Sized []string
}

// SizedKey is the output's key with the sizes of its Sized files.
func (o *Output) SizedKey(sizes Sizes) key.Hash {
	if len(o.Sized) == 0 {
		return o.Key
	}
	// The paths are fixed by what the key already covers: only the sizes.
	k := key.New().Sum(o.Key)
	for _, p := range o.Sized {
		k.Int(sizes(p))
	}
	return k.Done()
}

// Sizes reports the size in bytes of a file made in an earlier stage.
type Sizes func(path string) int

// Plan is every output of a site, in stage order.
type Plan struct {
	Outputs []*Output
}

// Stages returns the outputs of each stage.
func (pl *Plan) Stages() [][]*Output {
	out := make([][]*Output, stages)
	for _, o := range pl.Outputs {
		out[o.Stage] = append(out[o.Stage], o)
	}
	return out
}

// renderer holds what every output of one plan shares.
type renderer struct {
	p       *project.Project
	theme   *theme
	opts    Options
	site    key.Hash // the settings, options, templates, assets and ECharts
	echarts string   // output path of the self-hosted ECharts, or ""
	eSum    key.Hash // its bytes' hash
	infos   []*briefingInfo
	tags    []*tagInfo
	before  *summaries // as briefing pages see the others
	pdf     bool       // each briefing is printed
	pdfs    []*Output  // each briefing's PDF, or nils

	listsOnce   sync.Once
	after       *summaries // as list pages see them, with workbook sizes
	allDataLink *download
}

// New plans the site of a project. Only template errors can stop it.
func New(p *project.Project, opts Options) (*Plan, error) {
	th, err := loadTheme(p.Templates)
	if err != nil {
		return nil, err
	}
	th = th.withStyle(p.Config.Style)
	r := &renderer{p: p, theme: th, opts: opts}
	if r.pdf, err = WantPDF(p.Config.PDF.Enabled, opts); err != nil {
		return nil, err
	}
	if len(p.ECharts.Data) > 0 {
		r.eSum = opts.Memo.sum(p.ECharts.Data)
		r.echarts = hashedName("assets/echarts.min.js", r.eSum)
	}
	site := key.New().Str(opts.BaseURL).Bool(opts.Drafts).Str(opts.Epoch.String()).Bool(len(p.Entities) > 0).
		Sum(p.Config.Hash()).Sum(th.hash).Str(r.echarts).Str(p.ECharts.Href)
	if r.pdf { // pages link their PDFs
		site.Str("pdf")
	}
	r.site = site.Done()
	r.infos, r.tags = r.index()
	r.before = summarise(r.infos, r.tags, th.reads["briefing.html"]["Briefings"])

	return r.plan(), nil
}

// plan lists the site's outputs, in the same order every time, the
// sections that do not depend on one another planned on both cores (a
// weekly publish plans 8,000 outputs, keys included, and the preview does
// on every save): the briefings' files and then their pages; the
// downloads, assets, search index and redirects and then the company
// pages; then the lists, which need the workbooks and the whole download.
func (r *renderer) plan() *Plan {
	p := r.p
	workbooks := make([]*Output, len(r.infos))
	csvs := make([][]*Output, len(r.infos))
	r.pdfs = make([]*Output, len(r.infos))
	var files, pages, site, entities []*Output
	var allData *Output
	var wg sync.WaitGroup
	wg.Go(func() {
		for i, b := range p.Briefings {
			// Sources and Quoted, not Views and Figures: a briefing whose
			// binding came from the build's records is bound only when a
			// file of it is made (project.Briefing.Bind).
			if len(b.Sources) > 0 || len(b.Quoted) > 0 { // a workbook holds the blocks and the quoted figures
				workbooks[i] = r.workbook(b, r.infos[i])
				files = append(files, workbooks[i])
			}
			for v := range b.Sources {
				o := r.csv(b, v)
				csvs[i] = append(csvs[i], o)
				files = append(files, o)
			}
			if r.pdf {
				r.pdfs[i] = r.briefingPDF(b, i)
				files = append(files, r.pdfs[i])
			}
		}
		for i, b := range p.Briefings {
			pages = append(pages, r.briefingPage(b, i, workbooks[i], csvs[i]))
		}
	})
	wg.Go(func() {
		if allData = r.allData(); allData != nil {
			site = append(site, allData)
		}
		site = append(site, r.assets()...)
		site = append(site, r.search()...)
		site = append(site, r.notFound())
		for _, m := range tagMoves(p.Briefings, r.tags) {
			site = append(site, r.tagRedirect(m))
		}
		entities = r.entities()
	})
	wg.Wait()
	pl := &Plan{Outputs: slices.Concat(files, site, pages, entities)}
	pl.Outputs = append(pl.Outputs, r.lists(workbooks, allData)...)
	return pl
}

func workbookPath(slug string) string { return "briefings/" + slug + "/" + slug + ".xlsx" }

// workbook is a briefing's workbook: a sheet per block.
func (r *renderer) workbook(b *project.Briefing, info *briefingInfo) *Output {
	rel := workbookPath(b.Slug)
	return &Output{
		Path: rel, Stage: StageFiles,
		Key: key.New().Str(rel).Sum(r.site).Sum(b.WorkbookKey).Done(), // not the prose
		Make: func(Sizes) ([]byte, error) {
			if err := b.Bind(); err != nil {
				return nil, err
			}
			data, err := workbook.Bytes(func(out io.Writer) error {
				return workbook.Briefing(out, workbook.Info{
					SiteTitle: r.p.Config.Title, Author: r.p.Config.Author, Title: b.Title, Summary: b.Summary,
					URL: info.URL, Date: b.Date, Modified: r.opts.Epoch,
					Palette: r.palette(), Logo: r.logo(),
				}, b.Views, b.Figures)
			})
			if err != nil {
				return nil, diag.Errorf(diag.Pos{File: b.File}, "writing the workbook: %w", err)
			}
			return data, nil
		},
	}
}

// csvPath is block n's CSV download (n counts from 1).
func csvPath(slug string, n int) string { return fmt.Sprintf("briefings/%s/%s-%d.csv", slug, slug, n) }

// csv is the download of a briefing's view i: exactly the rows and
// columns it shows.
func (r *renderer) csv(b *project.Briefing, i int) *Output {
	rel := csvPath(b.Slug, i+1)
	return &Output{
		Path: rel, Stage: StageFiles,
		// Exactly its view's rows and columns: not the prose, not the other
		// blocks, not the site's settings. The caches add the path.
		Key: b.ViewKeys[i],
		Make: func(Sizes) ([]byte, error) {
			if err := b.Bind(); err != nil {
				return nil, err
			}
			data, err := csvout.Bytes(b.Views[i])
			if err != nil {
				return nil, diag.Errorf(diag.Pos{File: b.File}, "writing %s: %w", rel, err)
			}
			return data, nil
		},
	}
}

// allDataPath is the workbook with every dataset.
const allDataPath = "data/datasets.xlsx"

// allData is data/datasets.xlsx, or nil for a project without datasets.
func (r *renderer) allData() *Output {
	if len(r.p.Datasets) == 0 {
		return nil
	}
	epoch := r.dataEpoch()
	k := key.New().Str(allDataPath).Sum(r.site).Str(epoch.String())
	for _, d := range r.p.Datasets {
		k.Str(d.ID).Sum(r.p.DataHash[d.ID])
	}
	return &Output{
		Path: allDataPath, Stage: StageFiles, Key: k.Done(),
		Make: func(Sizes) ([]byte, error) {
			data, err := workbook.Bytes(func(out io.Writer) error {
				return workbook.Datasets(out, workbook.Info{
					SiteTitle: r.p.Config.Title, Author: r.p.Config.Author, Title: r.p.Config.Title + ": all data",
					Summary: "Every dataset in full, as of the build.", URL: r.p.Config.BaseURL,
					Date: epoch, Modified: r.opts.Epoch,
					Palette: r.palette(), Logo: r.logo(),
				}, r.p.Datasets)
			})
			if err != nil {
				return nil, fmt.Errorf("data/datasets.xlsx: %w", err)
			}
			return data, nil
		},
	}
}

// dataEpoch is the date of the all-data workbook: the latest date in any
// dataset, or the Unix epoch; never the clock, and not the latest briefing,
// so that a new briefing does not rewrite the workbook of unchanged data.
func (r *renderer) dataEpoch() time.Time {
	var latest time.Time
	for _, d := range r.p.Datasets {
		if t := d.LatestDate(time.Time{}); t.After(latest) {
			latest = t
		}
	}
	if latest.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return latest
}

// assets are the stylesheet, the chart script, the other files of
// templates/assets/ and the self-hosted ECharts.
func (r *renderer) assets() []*Output {
	files := map[string][]byte{}
	for name, data := range r.theme.assets {
		files[name] = data
	}
	if r.echarts != "" {
		files[r.echarts] = r.p.ECharts.Data
		if len(r.p.ECharts.License) > 0 {
			files[project.EChartsLicense] = r.p.ECharts.License
		}
	}
	var out []*Output
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name]
		sum := r.eSum // hashed once, in New
		if name != r.echarts {
			sum = key.Of(data)
		}
		out = append(out, &Output{
			Path: name, Stage: StageFiles, Key: key.New().Str(name).Sum(sum).Done(),
			Make: func(Sizes) ([]byte, error) { return data, nil },
		})
	}
	return out
}

// notFound is a page that hosts serve at any depth, so its links are
// absolute from base_url.
// redirectPage is the page left at a topic's old address: a refresh to
// the new one, with a link for a reader whose browser does not follow it,
// and kept out of search indexes.
var redirectPage = template.Must(template.New("redirect").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{.Name}}</title>
<meta name="robots" content="noindex">
{{with .Canonical}}<link rel="canonical" href="{{.}}">
{{end}}<meta http-equiv="refresh" content="0; url={{.Href}}">
</head>
<body>
<p>This topic is now at <a href="{{.Href}}">{{.Name}}</a>.</p>
</body>
</html>
`))

// tagRedirect is the redirect from a topic's old page name to its page.
func (r *renderer) tagRedirect(m tagMove) *Output {
	rel := "tags/" + m.From + "/index.html"
	return &Output{
		Path: rel, Stage: StagePages, Key: key.New().Str(rel).Sum(r.site).Str(m.To.Slug).Str(m.To.Name).Done(),
		Make: func(Sizes) ([]byte, error) {
			var buf bytes.Buffer
			err := redirectPage.Execute(&buf, map[string]string{
				"Lang": r.p.Config.Language, "Name": m.To.Name, "Href": "../" + m.To.Slug + "/index.html",
				"Canonical": r.p.Config.BaseURL + "tags/" + m.To.Slug + "/",
			})
			return buf.Bytes(), err
		},
	}
}

func (r *renderer) notFound() *Output {
	return &Output{
		Path: "404.html", Stage: StageFiles, Key: key.New().Str("404.html").Sum(r.site).Done(),
		Make: func(Sizes) ([]byte, error) {
			pg := &page{Site: r.p.Config, Canonical: r.p.Config.BaseURL + "404.html"}
			pg.Root = r.p.Config.BaseURL
			pg.Assets = r.assetPaths(pg.Root, false)
			var buf bytes.Buffer
			if err := r.theme.pages["404.html"].ExecuteTemplate(&buf, "base", pg); err != nil {
				return nil, diag.Errorf(diag.Pos{File: "templates/404.html"}, "rendering 404.html: %w", err)
			}
			return buf.Bytes(), nil
		},
	}
}

// assetPaths computes the asset hrefs for a page whose root prefix is root.
func (r *renderer) assetPaths(root string, charts bool) assetPaths {
	a := assetPaths{CSS: root + r.theme.css, Search: root + r.theme.search}
	if charts {
		a.JS = root + r.theme.js
		a.ECharts = r.p.ECharts.Href
		if r.echarts != "" {
			a.ECharts = root + r.echarts
		}
	}
	return a
}

// pageBytes executes a layout for the page at rel.
func (r *renderer) pageBytes(layout, rel string, pg *page) ([]byte, error) {
	pg.Root = rootOf(rel)
	pg.HasEntities = len(r.p.Entities) > 0
	pg.Assets = r.assetPaths(pg.Root, pg.charts)
	var buf bytes.Buffer
	if err := r.theme.pages[layout].ExecuteTemplate(&buf, "base", pg); err != nil {
		return nil, diag.Errorf(diag.Pos{File: "templates/" + layout}, "rendering %s: %w", rel, err)
	}
	return buf.Bytes(), nil
}
