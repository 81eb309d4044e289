package render

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/view"
)

// page is what every layout receives.
type page struct {
	Site        *project.Config
	Root        string // relative path from the page to the site root: "" or "../../"
	Canonical   string // absolute URL of the page
	Description string
	Assets      assetPaths
	Latest      *briefingInfo
	Archive     []yearGroup // the briefings the page lists, by year
	Years       []*yearPage // on the home page and a large topic's page: every year's page
	Year        *yearPage   // on a year's page: the year and its neighbours
	Briefing    *briefingInfo
	Tag         *tagInfo
	Tags        []*tagInfo
	AllData     *download // data/datasets.xlsx, when there are datasets
	Entity      *entityInfo
	Entities    []*entityInfo
	HasEntities bool     // the site has entity pages: the header links their index
	Print       bool     // the print rendering of a briefing, which its PDF prints
	LinkNotes   []string // in the print rendering, the URLs of the prose's web links, numbered from 1
	charts      bool
}

// assetPaths are the hrefs of the assets, relative to the page (or absolute).
type assetPaths struct {
	CSS     string
	JS      string
	ECharts string // empty on pages without charts
	Search  string // the search box's script
}

type briefingInfo struct {
	Slug, Title, Summary string
	Date                 time.Time
	Draft                bool
	Scheduled            bool   // dated after today: only the preview and --future show it
	Path                 string // from the root: briefings/<slug>/index.html
	URL                  string // absolute, pretty: <base>briefings/<slug>/
	Tags                 []*tagInfo
	Body                 template.HTML
	Sources              []sourceInfo
	Minutes              int
	Newer, Older         *briefingInfo
	Workbook             *download // nil for a briefing without blocks
	PDF                  *download // nil unless briefings are printed
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

type sourceInfo = project.Source

type tagInfo struct {
	Name      string
	Slug      string
	Path      string // tags/<slug>/index.html
	Briefings []*briefingInfo
}

// tagMove is the page name a topic had before tag names were transliterated
// (content.LegacyTagSlug), which redirects to its page now.
type tagMove struct {
	From string
	To   *tagInfo
}

// tagMoves lists the old page names of the topics whose name changed, each
// once (the first tag to have it wins), sorted; a name that is a topic's
// page now is left to that page.
func tagMoves(briefings []*project.Briefing, tags []*tagInfo) []tagMove {
	bySlug := make(map[string]*tagInfo, len(tags))
	for _, t := range tags {
		bySlug[t.Slug] = t
	}
	seen := map[string]bool{}
	var moves []tagMove
	for _, b := range briefings {
		for _, name := range b.Tags {
			old, now := content.LegacyTagSlug(name), content.TagSlug(name)
			if old == "" || old == now || bySlug[old] != nil || seen[old] {
				continue
			}
			seen[old] = true
			moves = append(moves, tagMove{From: old, To: bySlug[now]})
		}
	}
	slices.SortFunc(moves, func(a, b tagMove) int { return strings.Compare(a.From, b.From) })
	return moves
}

// LatestCount is how many briefings the home page lists, newest first,
// before its links to the archive's pages, one a year (archive/<year>/); a
// topic's page too when the topic has more than TopicPageMax. A site of
// 100,000 briefings made a home page of 33 MB when it listed every one.
const LatestCount = 20

// TopicPageMax is how many briefings a topic's page lists whole: a topic
// with more lists its latest LatestCount and links a page a year
// (tags/<tag>/<year>/).
const TopicPageMax = 100

// yearPage is a year's page of a list of briefings: the archive's
// (archive/<year>/) or a topic's (tags/<tag>/<year>/). The year's
// briefings are on it whole, so that a new briefing makes again only its
// own year's page, never the others'.
type yearPage struct {
	Year  int
	Count int    // the briefings of the year in the list
	Path  string // from the root
	// On the year's own page: the neighbouring years that have briefings
	// (Year and Path only, so that a page does not change with another
	// year's count), or nil at either end; the list's first page (the home
	// page or the topic's page), from the root; and a name for the
	// navigation's aria-label.
	Newer, Older *yearPage
	Up           string
	Label        string
}

// yearRuns cuts a list of briefings, newest first, into its years: the
// years, newest first, and where each starts in the list (a last element
// the list's length).
func yearRuns(infos []*briefingInfo) (years []int, starts []int) {
	for i, b := range infos {
		if y := b.Date.Year(); len(years) == 0 || years[len(years)-1] != y {
			years, starts = append(years, y), append(starts, i)
		}
	}
	return years, append(starts, len(infos))
}

// yearPages are the year pages of a list, newest first, each with its
// neighbours; pathOf gives a year's page from the root.
func yearPages(infos []*briefingInfo, up, label string, pathOf func(year int) string) []*yearPage {
	years, starts := yearRuns(infos)
	out := make([]*yearPage, len(years))
	for i, y := range years {
		out[i] = &yearPage{Year: y, Count: starts[i+1] - starts[i], Path: pathOf(y), Up: up, Label: label}
	}
	for i, p := range out {
		if i > 0 {
			p.Newer = &yearPage{Year: out[i-1].Year, Path: out[i-1].Path}
		}
		if i+1 < len(out) {
			p.Older = &yearPage{Year: out[i+1].Year, Path: out[i+1].Path}
		}
	}
	return out
}

// yearLinks are the links to a list's year pages, as its first page shows
// them: Year, Count and Path.
func yearLinks(pages []*yearPage) []*yearPage {
	out := make([]*yearPage, len(pages))
	for i, p := range pages {
		out[i] = &yearPage{Year: p.Year, Count: p.Count, Path: p.Path}
	}
	return out
}

// key adds what a year's page shows of its place to a key.
func (p *yearPage) key(k *key.Builder) {
	k.Int(p.Year).Int(p.Count).Str(p.Path).Str(p.Up).Str(p.Label)
	for _, n := range []*yearPage{p.Newer, p.Older} {
		if n != nil {
			k.Int(n.Year).Str(n.Path)
		}
		k.Str("|")
	}
}

// archiveYearPath is the archive's page of a year, from the root.
func archiveYearPath(year int) string { return fmt.Sprintf("archive/%04d/index.html", year) }

// topicYearPath is a topic's page of a year, from the root.
func topicYearPath(t *tagInfo, year int) string {
	return fmt.Sprintf("tags/%s/%04d/index.html", t.Slug, year)
}

type yearGroup struct {
	Year      int
	Briefings []*briefingInfo
}

// blockData is what the "block" template receives.
type blockData struct {
	ID, Title, Subtitle      string
	Kind                     string
	Source, SourceURL, Notes string
	Headers                  []header
	Rows                     [][]cellData
	AsOf                     time.Time
	BlockNotes               []string    // the view's notes, under the block
	Chart                    template.JS // the option payload: JSON with <, > and & escaped
	CSV                      *download   // the block's rows as CSV, beside the page
	Alt                      string
	Height                   int
}

type header struct {
	Label   string
	Numeric bool
	Class   string // "num" for a number column, or ""
}

type cellData struct {
	Text    string // "—" for an empty cell: the CSV file and the workbook leave it empty
	Numeric bool
	Class   string // "num" (a number), "long" (in a column of long text), "none" (empty), or ""
	Empty   bool   // the data has no value here
}

// longText is how many characters make a cell's text long: its column
// wraps in a readable width (CSS td.long) instead of being squeezed to a
// word a line beside columns of short values.
const longText = 30

// noValue stands in for an empty cell on the page and in the email.
const noValue = "—"

// summaries are the briefings as a page sees the ones it does not show in
// full: every field but Body, Newer and Older, with tags that list no
// briefings. Cutting the links there bounds what a template can reach from a
// page, so that a page's key can cover all of it (a custom template may show
// any documented field of a neighbour or of a tag's briefings).
type summaries struct {
	infos   []*briefingInfo
	hashes  []key.Hash            // of each summary: every field it has
	tags    map[*tagInfo]*tagInfo // a tag listing the summaries of its briefings
	tagHash map[*tagInfo]key.Hash
	// lists says whether a briefing's page is given its tags' lists of
	// briefings: only when its templates read a tag's Briefings (theme's
	// reads). Otherwise the page's tags list no briefings, and its key
	// leaves those lists out, so that a new briefing does not make again
	// every page that shares a topic with it.
	lists bool
}

func summarise(infos []*briefingInfo, tags []*tagInfo, lists bool) *summaries {
	s := &summaries{lists: lists, infos: make([]*briefingInfo, len(infos)), hashes: make([]key.Hash, len(infos)),
		tags: make(map[*tagInfo]*tagInfo, len(tags)), tagHash: make(map[*tagInfo]key.Hash, len(tags))}
	index := make(map[*briefingInfo]int, len(infos))
	sources := map[string]key.Hash{} // each dataset's description, hashed once
	for i, b := range infos {
		c := *b
		c.Body, c.Newer, c.Older = "", nil, nil
		c.Tags = make([]*tagInfo, len(b.Tags))
		for j, t := range b.Tags {
			c.Tags[j] = &tagInfo{Name: t.Name, Slug: t.Slug, Path: t.Path}
		}
		s.infos[i], s.hashes[i] = &c, summaryHash(&c, sources)
		index[b] = i
	}
	for _, t := range tags {
		v := &tagInfo{Name: t.Name, Slug: t.Slug, Path: t.Path, Briefings: make([]*briefingInfo, len(t.Briefings))}
		k := key.New().Str(t.Name).Str(t.Slug).Str(t.Path)
		for j, b := range t.Briefings {
			i := index[b]
			v.Briefings[j] = s.infos[i]
			k.Sum(s.hashes[i])
		}
		s.tags[t], s.tagHash[t] = v, k.Done()
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
		if s.lists {
			c.Tags[j] = s.tags[t]
		} else {
			c.Tags[j] = &tagInfo{Name: t.Name, Slug: t.Slug, Path: t.Path}
		}
	}
	return &c
}

// key hashes everything briefing i's page can show besides its own file and
// data: its summary, its neighbours' and its tags'.
func (s *summaries) key(infos []*briefingInfo, i int) *key.Builder {
	k := key.New().Sum(s.hashes[i])
	for _, j := range []int{i - 1, i + 1} {
		if j >= 0 && j < len(infos) {
			k.Sum(s.hashes[j])
		}
		k.Str("|")
	}
	for _, t := range infos[i].Tags {
		if s.lists {
			k.Sum(s.tagHash[t])
		} else {
			k.Str(t.Name).Str(t.Slug).Str(t.Path)
		}
	}
	return k
}

// summaryHash hashes every field of a summary. A field added to
// briefingInfo must be added here (TestSummaryHashCoversEveryField).
func summaryHash(b *briefingInfo, sources map[string]key.Hash) key.Hash {
	k := key.New().Str(b.Slug).Str(b.Title).Str(b.Summary).Str(b.Date.Format(time.RFC3339Nano)).Bool(b.Draft).Bool(b.Scheduled).
		Str(b.Path).Str(b.URL).Int(b.Minutes)
	k.Int(len(b.Tags))
	for _, t := range b.Tags {
		k.Str(t.Name).Str(t.Slug).Str(t.Path)
	}
	k.Int(len(b.Sources))
	for _, s := range b.Sources {
		h, ok := sources[s.ID]
		if !ok {
			h = key.New().Str(s.ID).Str(s.Title).Str(s.Source).Str(s.URL).Str(s.Description).Str(s.Notes).Done()
			if sources != nil {
				sources[s.ID] = h
			}
		}
		k.Sum(h)
	}
	if b.Workbook != nil {
		k.Str(b.Workbook.Path).Str(b.Workbook.Size)
	} else {
		k.Str("-")
	}
	if b.PDF != nil {
		k.Str(b.PDF.Path).Str(b.PDF.Size)
	}
	return k.Done()
}

// index makes the template view of every briefing and tag.
func (r *renderer) index() ([]*briefingInfo, []*tagInfo) {
	infos := make([]*briefingInfo, len(r.p.Briefings))
	tagBySlug := map[string]*tagInfo{}
	var tags []*tagInfo
	for i, b := range r.p.Briefings {
		info := &briefingInfo{
			Slug: b.Slug, Title: b.Title, Summary: b.Summary, Date: b.Date, Draft: b.Draft, Scheduled: b.Scheduled,
			Path:    "briefings/" + b.Slug + "/index.html",
			URL:     r.p.Config.BaseURL + "briefings/" + b.Slug + "/",
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
		for _, s := range b.Sources { // not Views: the briefing may be bound only when a page of it is made
			// A few sources a briefing: a look along them, not a map each.
			if !slices.ContainsFunc(info.Sources, func(have sourceInfo) bool { return have.ID == s.ID }) {
				info.Sources = append(info.Sources, s)
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

func newBlockData(v *view.View) blockData {
	bd := blockData{
		ID: fmt.Sprintf("%s-%d", v.Kind, v.Index+1), Kind: v.Kind, Title: v.Title, Subtitle: v.Subtitle,
		Source: v.Data.Source, SourceURL: v.Data.SourceURL, Notes: v.Data.Notes, AsOf: v.AsOf, BlockNotes: v.Notes,
	}
	long := make([]bool, len(v.Columns))
	bd.Rows = make([][]cellData, len(v.Rows))
	for r := range v.Rows {
		row := make([]cellData, len(v.Columns))
		for i, c := range v.Columns {
			val := v.Value(r, c)
			cell := cellData{Text: v.Text(r, i), Numeric: c.Type == dataset.Number}
			if val.Type == dataset.Empty {
				cell.Text, cell.Empty = noValue, true
			}
			long[i] = long[i] || !cell.Numeric && utf8.RuneCountInString(cell.Text) > longText
			row[i] = cell
		}
		bd.Rows[r] = row
	}
	for _, c := range v.Columns {
		h := header{Label: c.Header(), Numeric: c.Type == dataset.Number}
		if h.Numeric {
			h.Class = "num"
		}
		bd.Headers = append(bd.Headers, h)
	}
	for _, row := range bd.Rows {
		for i := range row {
			row[i].Class = cellClass(row[i].Numeric, long[i], row[i].Empty)
		}
	}
	return bd
}

// cellClass is a cell's class attribute: "num" for a number, "long" in a
// column of long text, and "none" for no value.
func cellClass(numeric, long, empty bool) string {
	switch {
	case numeric && empty:
		return "num none"
	case numeric:
		return "num"
	case long && empty:
		return "long none"
	case long:
		return "long"
	case empty:
		return "none"
	}
	return ""
}
