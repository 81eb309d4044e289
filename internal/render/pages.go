package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"path"
	"slices"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/chart"
	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/view"
)

// briefingPage is briefing i's page. Its key covers the settings,
// templates and assets, the briefing and the rows it shows, its workbook
// (whose size it shows), and everything it can show of other briefings: its
// neighbours' and its tags' summaries (see summaries).
func (r *renderer) briefingPage(b *project.Briefing, i int, wb *Output, csvs []*Output) *Output {
	info := r.infos[i]
	// The slug names the output files: a renamed file with the same text is
	// another output.
	k := key.New().Str(info.Path).Sum(r.site).Sum(b.Key).Str(b.Slug).Sum(r.before.key(r.infos, i).Done())
	var sized []string // the page links its workbook and each block's CSV with their sizes
	if wb != nil {
		sized = append(sized, wb.Path)
	}
	for _, o := range csvs {
		sized = append(sized, o.Path)
	}
	pdf := r.pdfs[i]
	if pdf != nil {
		sized = append(sized, pdf.Path)
	}
	for _, l := range b.Links { // the first mention of each entity links its page
		k.Int(l.Start).Int(l.End).Str(l.Href).Str(l.Title)
	}
	return &Output{
		Path: info.Path, Stage: StagePages, Key: k.Done(), Sized: sized,
		Make: func(sizes Sizes) ([]byte, error) {
			view := r.before.page(r.infos, i)
			if wb != nil {
				view.Workbook = newDownload(wb.Path, sizes(wb.Path))
			}
			if pdf != nil {
				view.PDF = newDownload(pdf.Path, sizes(pdf.Path))
			}
			downloads := make([]*download, len(csvs))
			for j, o := range csvs {
				// Beside the page: linked by its file name.
				downloads[j] = newDownload(path.Base(o.Path), sizes(o.Path))
			}
			return r.briefingBytes(b, view, downloads, false)
		},
	}
}

// briefingBytes renders a briefing's page: its markdown with the blocks
// drawn as charts and tables, in the briefing layout; or, print, its print
// rendering (printBytes).
func (r *renderer) briefingBytes(b *project.Briefing, info *briefingInfo, csvs []*download, print bool) ([]byte, error) {
	if err := b.Bind(); err != nil {
		return nil, err
	}
	tmpl := r.theme.pages["briefing.html"]
	var body bytes.Buffer
	charts := false
	env := &block.Env{
		Output:   block.Page,
		Template: tmpl.ExecuteTemplate,
		View: func(out io.Writer, v *view.View) error {
			bd := newBlockData(v)
			bd.CSV = csvs[v.Index]
			if v.Chart != nil {
				c, err := chart.Build(v, bd.ID, r.palette())
				if err != nil {
					return err
				}
				bd.Chart, bd.Alt, bd.Height = template.JS(c.Payload), c.Alt, v.Chart.Height
				charts = true
			}
			return tmpl.ExecuteTemplate(out, "block", bd)
		},
		Figure: writeFigure,
		Charts: func() { charts = true },
	}
	err := b.Render(&body, content.Renderers{
		Links: b.Links,
		Block: func(out io.Writer, blk block.Block) error { return b.Bound[blk.Index()].Render(out, env) },
		Inline: func(out io.Writer, in *expr.Inline) error {
			f := b.Figures[in.Index]
			if err := writeFigure(out, f); err != nil {
				return err
			}
			return writeRevised(out, f, `<span class="revised">`, `</span>`)
		},
	})
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: b.File}, "rendering: %w", err)
	}
	info.Body = template.HTML(body.String()) // goldmark escapes text and drops raw HTML
	pg := &page{Site: r.p.Config, Canonical: info.URL, Description: b.Summary, Briefing: info, charts: charts}
	if print {
		pg.Print = true
		info.Body, pg.LinkNotes = linkNotes(body.String())
	}
	return r.pageBytes("briefing.html", info.Path, pg)
}

// lists are the pages that list briefings, the feed and the sitemap. They
// show briefings' summaries with their workbooks' sizes, and the home page
// the size of datasets.xlsx, so each one's key covers the summaries it
// shows and Sized names those workbooks: a rebuild after an edit to one
// briefing's text renders none of them, and an edit to its title only the
// archive page and topic pages that list it (and the home page, the topic
// index and the feed, which reach every topic's briefings or the latest).
func (r *renderer) lists(workbooks []*Output, allData *Output) []*Output {
	all := key.New().Sum(r.site)
	for i := range r.infos {
		all.Sum(r.before.hashes[i])
	}
	tags := key.New()
	for _, t := range r.tags {
		tags.Sum(r.before.tagHash[t])
	}
	tagsKey := tags.Done()
	allKey := all.Sum(tagsKey).Done()
	// .Tags lists every topic's briefings, with their workbooks' sizes.
	var tagSized []string
	for i, b := range r.infos {
		if workbooks[i] != nil && len(b.Tags) > 0 {
			tagSized = append(tagSized, workbooks[i].Path)
		}
		if r.pdfs[i] != nil && len(b.Tags) > 0 {
			tagSized = append(tagSized, r.pdfs[i].Path)
		}
	}
	list := func(rel string, k key.Hash, sized []string, make func() ([]byte, error)) *Output {
		return &Output{
			Path: rel, Stage: StageLists, Key: key.New().Str(rel).Sum(k).Done(), Sized: sized,
			Make: func(sizes Sizes) ([]byte, error) {
				r.listsOnce.Do(func() { r.withSizes(sizes, workbooks, allData) })
				return make()
			},
		}
	}
	tagViews := func() []*tagInfo {
		out := make([]*tagInfo, len(r.tags))
		for i, t := range r.tags {
			out[i] = r.after.tags[t]
		}
		return out
	}
	out := r.archive(list, workbooks, allData, tagsKey, tagSized, tagViews)
	out = append(out, list("tags/index.html", allKey, tagSized, func() ([]byte, error) {
		return r.pageBytes("tags.html", "tags/index.html", &page{Site: r.p.Config, Canonical: r.p.Config.BaseURL + "tags/", Tags: tagViews()})
	}))
	index := map[*briefingInfo]int{}
	for i, b := range r.infos {
		index[b] = i
	}
	for _, t := range r.tags {
		out = append(out, r.tagPages(list, t, workbooks, index)...)
	}
	out = append(out, list("feed.xml", allKey, nil, func() ([]byte, error) { return atomFeed(r.p.Config, r.infos) }))
	return append(out, r.sitemaps()...)
}

// listFunc makes a list page (see lists).
type listFunc func(rel string, k key.Hash, sized []string, make func() ([]byte, error)) *Output

// archive is the home page, which shows the latest briefing and lists the
// latest LatestCount, then links to every year's page, and the year pages
// (archive/<year>/), each listing its year's briefings. Each page's key
// covers the summaries it lists and where it stands (the years' counts on
// the home page; its own count and its neighbours on a year's page); the
// home page's also every topic (it gets .Tags, with the sizes of their
// briefings' workbooks) and datasets.xlsx. A new briefing makes again the
// home page and its year's page; an edited one the pages that list it.
func (r *renderer) archive(list listFunc, workbooks []*Output, allData *Output, tagsKey key.Hash, tagSized []string, tagViews func() []*tagInfo) []*Output {
	n := len(r.infos)
	latest := min(n, LatestCount)
	years := yearPages(r.infos, "index.html", "The archive by year", archiveYearPath)
	k := key.New().Sum(r.site)
	for _, y := range years {
		k.Int(y.Year).Int(y.Count).Str(y.Path)
	}
	sized := r.listed(k, span(0, latest), workbooks)
	sized = append(sized, tagSized...)
	slices.Sort(sized)
	sized = slices.Compact(sized) // the latest's workbooks are in both
	if allData != nil {
		sized = append(sized, allData.Path)
	}
	out := []*Output{list("index.html", k.Sum(tagsKey).Done(), sized, func() ([]byte, error) {
		home := &page{Site: r.p.Config, Canonical: r.p.Config.BaseURL, Description: r.p.Config.Description,
			Tags: tagViews(), AllData: r.allDataLink, Years: yearLinks(years)}
		if n > 0 {
			home.Latest = r.after.page(r.infos, 0)
			home.Archive = byYear(r.after.infos[:latest]) // the latest too, so the list is never empty
		}
		return r.pageBytes("index.html", "index.html", home)
	})}
	start := 0
	for _, y := range years {
		from, to := start, start+y.Count
		start = to
		k := key.New().Sum(r.site)
		y.key(k)
		sized := r.listed(k, span(from, to), workbooks)
		out = append(out, list(y.Path, k.Done(), sized, func() ([]byte, error) {
			pg := &page{Site: r.p.Config, Canonical: r.p.Config.BaseURL + path.Dir(y.Path) + "/",
				Archive: byYear(r.after.infos[from:to]), Year: y}
			return r.pageBytes("archive.html", y.Path, pg)
		}))
	}
	return out
}

// span is the indexes from up to to.
func span(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// listed adds to k the summaries of the briefings at idx (in r.infos) that
// a list page shows, and returns their workbooks and PDFs, whose sizes it
// shows.
func (r *renderer) listed(k *key.Builder, idx []int, workbooks []*Output) []string {
	var sized []string
	for _, i := range idx {
		k.Sum(r.before.hashes[i])
		if workbooks[i] != nil {
			sized = append(sized, workbooks[i].Path)
		}
		if r.pdfs[i] != nil {
			sized = append(sized, r.pdfs[i].Path)
		}
	}
	return sized
}

// tagPages are a topic's pages. A topic of up to TopicPageMax briefings
// has one, tags/<tag>/, listing them all; a larger one's lists the latest
// LatestCount and links to a page a year, tags/<tag>/<year>/, as the home
// page does the archive's. A page's .Tag lists only the briefings of that
// page; its key covers their summaries and where the page stands.
func (r *renderer) tagPages(list listFunc, t *tagInfo, workbooks []*Output, index map[*briefingInfo]int) []*Output {
	n := len(t.Briefings)
	idx := make([]int, n)
	for j, b := range t.Briefings {
		idx[j] = index[b]
	}
	topic := func(rel string, from, to int, k *key.Builder, years []*yearPage, year *yearPage) *Output {
		sized := r.listed(k, idx[from:to], workbooks)
		return list(rel, k.Done(), sized, func() ([]byte, error) {
			view := *r.after.tags[t]
			view.Briefings = view.Briefings[from:to]
			pg := &page{Site: r.p.Config, Canonical: r.p.Config.BaseURL + path.Dir(rel) + "/", Tag: &view, Years: years, Year: year}
			return r.pageBytes("tag.html", rel, pg)
		})
	}
	k := key.New().Sum(r.site).Str(t.Name).Str(t.Slug).Str(t.Path)
	if n <= TopicPageMax {
		return []*Output{topic(t.Path, 0, n, k, nil, nil)}
	}
	years := yearPages(t.Briefings, t.Path, t.Name+" by year", func(y int) string { return topicYearPath(t, y) })
	for _, y := range years {
		k.Int(y.Year).Int(y.Count).Str(y.Path)
	}
	out := []*Output{topic(t.Path, 0, LatestCount, k, yearLinks(years), nil)}
	start := 0
	for _, y := range years {
		from, to := start, start+y.Count
		start = to
		k := key.New().Sum(r.site).Str(t.Name).Str(t.Slug).Str(t.Path)
		y.key(k)
		out = append(out, topic(y.Path, from, to, k, nil, y))
	}
	return out
}

// withSizes gives every briefing its workbook's size and makes the
// summaries list pages show. It runs once, when the first list page is
// made, after every workbook.
func (r *renderer) withSizes(sizes Sizes, workbooks []*Output, allData *Output) {
	for i, wb := range workbooks {
		if wb != nil {
			r.infos[i].Workbook = newDownload(wb.Path, sizes(wb.Path))
		}
		if pdf := r.pdfs[i]; pdf != nil {
			r.infos[i].PDF = newDownload(pdf.Path, sizes(pdf.Path))
		}
	}
	if allData != nil {
		r.allDataLink = newDownload(allData.Path, sizes(allData.Path))
	}
	r.after = summarise(r.infos, r.tags, true) // the home page, whose key covers every tag
}

// writeFigure writes an inline value: the formatted figure, in an element
// that carries the raw value and names the dataset, its source and the
// row's date, linking to the sources section.
// writeRevised writes, after an inline value that was revised since the
// briefing's date, what it is now: " (revised on 9 January 2026: now
// $38.50)", between open and close (HTML, or nothing for text).
func writeRevised(w io.Writer, f *view.Figure, open, close string) error {
	r := f.Revision
	if r == nil {
		return nil
	}
	s := fmt.Sprintf(" (revised on %s: now %s)", r.On.Format("2 January 2006"), r.Current)
	if open != "" {
		s = template.HTMLEscapeString(s)
	}
	_, err := io.WriteString(w, open+s+close)
	return err
}

func writeFigure(w io.Writer, f *view.Figure) error {
	title := f.Data.Title + " (" + f.Data.Source + ")"
	if !f.Date.IsZero() {
		title += ", " + f.Date.Format("2 January 2006")
	}
	_, err := fmt.Fprintf(w, `<a class="figure" href="#sources-title" data-value="%s" title="%s">%s</a>`,
		template.HTMLEscapeString(f.Raw()), template.HTMLEscapeString(title), template.HTMLEscapeString(f.Text))
	return err
}
