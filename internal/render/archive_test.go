package render_test

import (
	"context"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/render"
	"github.com/brief-desk/brief/internal/sitetest"
)

const archiveBase = "https://example.org/desk/" // a host sub-path

// writeArchive writes a project of n briefings, one a day from 1 October
// 2025 (so the archive spans two years past 92), two in three on the topic
// Miners, every seventh on Power, every tenth with a table block and so a
// workbook. It returns the folder and the slugs, newest first.
func writeArchive(t *testing.T, n int) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("site.toml", "title = \"Desk\"\nbase_url = \""+archiveBase+"\"\n")
	write("data/prices.toml", "title = \"Prices\"\nsource = \"Exchange\"\n[[rows]]\nname = \"a\"\nclose = 1.0\n")
	write("data/old.toml", "title = \"Old\"\nsource = \"Exchange\"\n[[rows]]\nname = \"a\"\nclose = 1.0\n")
	if err := os.MkdirAll(filepath.Join(dir, "content", "briefings"), 0o755); err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for i := range n {
		slug := fmt.Sprintf("b%03d", i)
		slugs = append(slugs, slug)
		writeBriefing(t, dir, i)
	}
	slices.Reverse(slugs)
	return dir, slugs
}

// tagged are the slugs of writeArchive's briefings with a topic, newest
// first.
func tagged(slugs []string) []string {
	var out []string
	for _, s := range slugs {
		var i int
		fmt.Sscanf(s, "b%d", &i)
		if i%3 != 1 {
			out = append(out, s)
		}
	}
	return out
}

// writeBriefing writes briefing i of writeArchive's project.
func writeBriefing(t *testing.T, dir string, i int) {
	t.Helper()
	date := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(time.DateOnly)
	text := fmt.Sprintf("+++\ntitle = \"Briefing %d\"\ndate = %s\nsummary = \"Summary %d.\"\n", i, date, i)
	switch {
	case i%3 != 1 && i%7 == 0:
		text += "tags = [\"Miners\", \"Power\"]\n"
	case i%3 != 1:
		text += "tags = [\"Miners\"]\n"
	case i%7 == 0:
		text += "tags = [\"Power\"]\n"
	}
	text += "+++\nText.\n"
	switch {
	case i == 0: // the oldest has a dataset of its own
		text += "\n```table\ndataset = \"old\"\n```\n"
	case i%10 == 0:
		text += "\n```table\ndataset = \"prices\"\n```\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "content", "briefings", fmt.Sprintf("b%03d.md", i)), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func buildArchive(t *testing.T, opts build.Options) *build.Result {
	t.Helper()
	res, err := build.Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func readPublic(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	listedBriefing = regexp.MustCompile(`<li>\s*<time[^>]*>[^<]*</time>\s*<a href="(?:\.\./)*briefings/([^/"]+)/index\.html">`)
	anyLink        = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	relLink        = regexp.MustCompile(`<a rel="(prev|next)" href="([^"]*)"`)
	yearLink       = regexp.MustCompile(`<li><a href="(?:\.\./)*([^"]*)">(\d{4})</a> <span class="count">(\d+) briefings?</span></li>`)
)

// archiveSize is the archive most tests build: 92 briefings in 2025 and 68
// in 2026, 107 of them on Miners (more than render.TopicPageMax) and 23 on
// Power.
const archiveSize = 160

// yearOf is the year of writeArchive's briefing slug.
func yearOf(slug string) int {
	var i int
	fmt.Sscanf(slug, "b%d", &i)
	return time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Year()
}

// inYear returns the slugs of a year, in their order.
func inYear(slugs []string, year int) []string {
	var out []string
	for _, s := range slugs {
		if yearOf(s) == year {
			out = append(out, s)
		}
	}
	return out
}

// archiveList returns the slugs a page's archive (or a topic page) lists,
// in order.
func archiveList(page string) []string {
	_, list, ok := strings.Cut(page, `class="archive"`)
	if !ok {
		return nil
	}
	var out []string
	for _, m := range listedBriefing.FindAllStringSubmatch(list, -1) {
		out = append(out, m[1])
	}
	return out
}

// yearLinks returns a page's links to year pages, each "path year count"
// (the path from the root).
func yearLinks(page string) []string {
	var out []string
	for _, m := range yearLink.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1]+" "+m[2]+" "+m[3])
	}
	return out
}

// listing is the folder's entries under public/.
func listing(t *testing.T, dir, rel string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "public", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestArchivePages builds an archive across two years, with a topic over
// render.TopicPageMax briefings and one under it, and checks that the home
// page lists the latest render.LatestCount and links each year's page
// with its count, newest first; that each year's page lists exactly its
// year's briefings, newest first, and links the neighbouring years and
// back; that topics do the same over TopicPageMax and keep one page under
// it; and that every link of these pages works from the folder (file://)
// and from a host that serves the site below a path.
func TestArchivePages(t *testing.T) {
	dir, slugs := writeArchive(t, archiveSize)
	buildArchive(t, build.Options{Src: dir})
	n25, n26 := len(inYear(slugs, 2025)), len(inYear(slugs, 2026))
	if n25 != 92 || n26 != 68 {
		t.Fatalf("%d briefings in 2025, %d in 2026", n25, n26)
	}

	home := readPublic(t, dir, "index.html")
	if got, want := archiveList(home), slugs[:render.LatestCount]; !slices.Equal(got, want) {
		t.Errorf("the home page lists %v, want %v", got, want)
	}
	want := []string{"archive/2026/index.html 2026 68", "archive/2025/index.html 2025 92"}
	if got := yearLinks(home); !slices.Equal(got, want) {
		t.Errorf("the home page links the years %v, want %v", got, want)
	}
	if got := listing(t, dir, "archive"); !slices.Equal(got, []string{"2025", "2026"}) {
		t.Errorf("archive/ holds %v, want a folder a year", got)
	}
	pages := []string{"index.html"}
	for _, year := range []int{2025, 2026} {
		rel := fmt.Sprintf("archive/%d/index.html", year)
		pages = append(pages, rel)
		page := readPublic(t, dir, rel)
		if got, want := archiveList(page), inYear(slugs, year); !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v", rel, got, want)
		}
		for _, want := range []string{
			fmt.Sprintf(`<link rel="canonical" href="%sarchive/%d/">`, archiveBase, year),
			fmt.Sprintf(`<h1 id="archive-title">%d</h1>`, year),
			`<a class="page-number" href="../../index.html#years">All years</a>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: no %s", rel, want)
			}
		}
	}

	// Miners: over TopicPageMax, so its latest and a page a year.
	topic := tagged(slugs)
	if len(topic) <= render.TopicPageMax {
		t.Fatalf("%d briefings on the topic, want more than %d", len(topic), render.TopicPageMax)
	}
	page := readPublic(t, dir, "tags/miners/index.html")
	if got, want := archiveList(page), topic[:render.LatestCount]; !slices.Equal(got, want) {
		t.Errorf("the topic's page lists %v, want %v", got, want)
	}
	want = []string{
		fmt.Sprintf("tags/miners/2026/index.html 2026 %d", len(inYear(topic, 2026))),
		fmt.Sprintf("tags/miners/2025/index.html 2025 %d", len(inYear(topic, 2025))),
	}
	if got := yearLinks(page); !slices.Equal(got, want) {
		t.Errorf("the topic's page links the years %v, want %v", got, want)
	}
	if got := listing(t, dir, "tags/miners"); !slices.Equal(got, []string{"2025", "2026", "index.html"}) {
		t.Errorf("tags/miners/ holds %v", got)
	}
	pages = append(pages, "tags/miners/index.html")
	for _, year := range []int{2025, 2026} {
		rel := fmt.Sprintf("tags/miners/%d/index.html", year)
		pages = append(pages, rel)
		page := readPublic(t, dir, rel)
		if got, want := archiveList(page), inYear(topic, year); !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v", rel, got, want)
		}
		if want := `<a class="page-number" href="../../../tags/miners/index.html#years">All years</a>`; !strings.Contains(page, want) {
			t.Errorf("%s: no %s", rel, want)
		}
	}
	for _, rel := range []string{"index.html", "tags/miners/index.html"} {
		if !strings.Contains(readPublic(t, dir, rel), `id="years"`) {
			t.Errorf("%s: no element with the id its year pages link to", rel)
		}
	}

	// Power: within TopicPageMax, one page of all its briefings.
	var power []string
	for _, s := range slugs {
		var i int
		fmt.Sscanf(s, "b%d", &i)
		if i%7 == 0 {
			power = append(power, s)
		}
	}
	page = readPublic(t, dir, "tags/power/index.html")
	if got := archiveList(page); !slices.Equal(got, power) {
		t.Errorf("tags/power/ lists %v, want %v", got, power)
	}
	if got := yearLinks(page); got != nil {
		t.Errorf("tags/power/ links year pages %v", got)
	}
	if got := listing(t, dir, "tags/power"); !slices.Equal(got, []string{"index.html"}) {
		t.Errorf("tags/power/ holds %v", got)
	}
	pages = append(pages, "tags/power/index.html")

	// The year pages link each other in order: newer is rel=prev, older rel=next.
	wantRel := map[string][]string{
		"index.html":                  nil,
		"archive/2026/index.html":     {"next ../../archive/2025/index.html"},
		"archive/2025/index.html":     {"prev ../../archive/2026/index.html"},
		"tags/miners/index.html":      nil,
		"tags/miners/2026/index.html": {"next ../../../tags/miners/2025/index.html"},
		"tags/miners/2025/index.html": {"prev ../../../tags/miners/2026/index.html"},
	}
	for rel, want := range wantRel {
		var got []string
		for _, m := range relLink.FindAllStringSubmatch(readPublic(t, dir, rel), -1) {
			got = append(got, m[1]+" "+m[2])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: year links %v, want %v", rel, got, want)
		}
	}
	checkLinks(t, dir, pages)
}

// checkLinks checks that every link of the pages works as files and below
// a host's path.
func checkLinks(t *testing.T, dir string, pages []string) {
	t.Helper()
	public := filepath.Join(dir, "public")
	srv := httptest.NewServer(http.StripPrefix("/desk", http.FileServer(http.Dir(public))))
	defer srv.Close()
	for _, rel := range pages {
		fileBase, _ := url.Parse("file://" + filepath.ToSlash(filepath.Join(public, rel)))
		hostBase, _ := url.Parse(srv.URL + "/desk/" + rel)
		for _, m := range anyLink.FindAllStringSubmatch(readPublic(t, dir, rel), -1) {
			href := m[1]
			if strings.HasPrefix(href, "https://") || strings.HasPrefix(href, "#") {
				continue // the canonical link
			}
			if strings.HasPrefix(href, "/") {
				t.Errorf("%s: %s is absolute from the host, and breaks below a path", rel, href)
				continue
			}
			ref, err := url.Parse(href)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(fileBase.ResolveReference(ref).Path); err != nil {
				t.Errorf("%s: %s does not work from file://: %v", rel, href, err)
			}
			resp, err := http.Get(hostBase.ResolveReference(ref).String())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %s below a host's path: status %d", rel, href, resp.StatusCode)
			}
		}
	}
}

// TestYearPagesMarkDraftsAndScheduled: a year's page marks a draft (built
// with drafts) and a scheduled briefing (the preview's marks) as the home
// page does.
func TestYearPagesMarkDraftsAndScheduled(t *testing.T) {
	dir, _ := writeArchive(t, 3)
	write := func(name, front string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "content", "briefings", name), []byte("+++\n"+front+"+++\nText.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("draft.md", "title = \"A draft\"\ndate = 2025-10-05\ndraft = true\n")
	write("later.md", "title = \"Later\"\ndate = 2025-12-01\n")
	buildArchive(t, build.Options{Src: dir, Drafts: true, Future: true, MarkScheduled: true, Epoch: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)})
	page := readPublic(t, dir, "archive/2025/index.html")
	for _, want := range []string{`>A draft</a> <span class="draft">draft</span>`, `>Later</a> <span class="draft">scheduled</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("archive/2025/ lacks %s", want)
		}
	}
}

// TestArchivePagesIncremental checks that the cache follows the year pages:
// an edited briefing makes again only the pages that list it; a weekly
// publish writes the home page and the new briefings' year's pages, never
// another year's; a year emptied of briefings loses its pages; each
// cached build equals one without cache.
func TestArchivePagesIncremental(t *testing.T) {
	n := archiveSize
	dir, _ := writeArchive(t, n)
	cached := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	buildArchive(t, cached)
	lists := []string{"index.html", "archive/2025/index.html", "archive/2026/index.html", "tags/miners/index.html",
		"tags/miners/2025/index.html", "tags/miners/2026/index.html", "tags/power/index.html"}
	check := func(step string, made []string) *build.Result {
		t.Helper()
		res := buildArchive(t, cached)
		for _, rel := range lists {
			if got, want := slices.Contains(res.Made, rel), slices.Contains(made, rel); got != want {
				t.Errorf("%s: %s made %v, want %v", step, rel, got, want)
			}
		}
		out := filepath.Join(t.TempDir(), "public")
		buildArchive(t, build.Options{Src: dir, Out: out})
		if got, want := tree(t, filepath.Join(dir, "public")), tree(t, out); !maps(got, want) {
			t.Errorf("%s: the cached build differs from a build without cache", step)
		}
		return res
	}
	check("nothing changed", nil)

	// A briefing of 2025 without a topic (the home page shows every
	// topic's briefings): its title.
	sitetest.Edit(t, dir, "content/briefings/b001.md", "Briefing 1", "The second briefing")
	check("title in 2025", []string{"archive/2025/index.html"})

	// The oldest, on both topics.
	sitetest.Edit(t, dir, "content/briefings/b000.md", "Briefing 0", "The first briefing")
	check("title in 2025 on both topics", []string{"archive/2025/index.html", "tags/miners/2025/index.html", "tags/power/index.html", "index.html"})

	// The weekly publish: a briefing with a workbook, and one on both
	// topics (the older of the two links a newer briefing).
	writeBriefing(t, dir, n)
	writeBriefing(t, dir, n+1)
	res := check("two new briefings", []string{"index.html", "archive/2026/index.html", "tags/miners/index.html", "tags/miners/2026/index.html", "tags/power/index.html"})
	var written []string
	for _, f := range res.Files {
		if !res.Same[f] && !strings.HasPrefix(f, "search/") {
			written = append(written, f)
		}
	}
	want := []string{
		"archive/2026/index.html", "briefings/b159/index.html", "briefings/b160/b160-1.csv", "briefings/b160/b160.xlsx",
		"briefings/b160/index.html", "briefings/b161/index.html", "feed.xml", "index.html", "sitemap.xml",
		"tags/index.html", "tags/miners/2026/index.html", "tags/miners/index.html", "tags/power/index.html",
	}
	if !slices.Equal(written, want) {
		t.Errorf("the weekly publish wrote %v, want %v", written, want)
	}

	// Every briefing of 2026 removed: its pages go, and Miners is back to
	// one page.
	for i := 92; i < n+2; i++ {
		if err := os.Remove(filepath.Join(dir, "content", "briefings", fmt.Sprintf("b%03d.md", i))); err != nil {
			t.Fatal(err)
		}
	}
	check("2026 removed", []string{"index.html", "archive/2025/index.html", "tags/miners/index.html", "tags/power/index.html"})
	if got := listing(t, dir, "archive"); !slices.Equal(got, []string{"2025"}) {
		t.Errorf("archive/ holds %v after 2026 went", got)
	}
	if got := listing(t, dir, "tags/miners"); !slices.Equal(got, []string{"index.html"}) {
		t.Errorf("tags/miners/ holds %v, want its one page", got)
	}
}

// TestArchiveKeysCoverTopicsWorkbooks: the home page and the topic index
// get every topic with its briefings, and their workbooks' sizes; a custom
// template that shows them is made again when the workbook of a briefing
// far down the archive changes size.
func TestArchiveKeysCoverTopicsWorkbooks(t *testing.T) {
	dir, _ := writeArchive(t, archiveSize)
	show := `{{define "main"}}{{range .Tags}}{{range .Briefings}}{{with .Workbook}}{{.Path}} {{.Size}};{{end}}{{end}}{{end}}{{end}}`
	for _, name := range []string{"index.html", "tags.html"} {
		if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "templates", name), []byte(show), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cached := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	buildArchive(t, cached)
	// Only b000's workbook grows, by kilobytes (of text that does not
	// compress away).
	var note strings.Builder
	for i := range 100 {
		fmt.Fprintf(&note, "%x", sha256.Sum256([]byte{byte(i)}))
	}
	sitetest.Edit(t, dir, "data/old.toml", "close = 1.0", "close = 1.0\nnote = \""+note.String()+"\"")
	buildArchive(t, cached)
	out := filepath.Join(t.TempDir(), "public")
	buildArchive(t, build.Options{Src: dir, Out: out})
	for _, rel := range []string{"index.html", "tags/index.html"} {
		if got, want := readPublic(t, dir, rel), sitetestRead(t, out, rel); got != want {
			t.Errorf("%s from the cache differs from a build without cache:\n%s\nwant\n%s", rel, got, want)
		}
	}
}

func sitetestRead(t *testing.T, out, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tree maps every file under root to its bytes.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

type sitemapDoc struct {
	XMLName  xml.Name
	URLs     []sitemapEntry `xml:"url"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

func readSitemap(t *testing.T, dir, rel string) (sitemapDoc, int) {
	t.Helper()
	data := readPublic(t, dir, rel)
	var doc sitemapDoc
	if err := xml.Unmarshal([]byte(data), &doc); err != nil {
		t.Fatalf("%s is not valid XML: %v", rel, err)
	}
	if doc.XMLName.Space != sitemapNS {
		t.Errorf("%s: namespace %q, want %q", rel, doc.XMLName.Space, sitemapNS)
	}
	return doc, len(data)
}

// TestSitemapIndex lowers the sitemap's limits for one file (50,000 URLs,
// 50 MiB) and checks that a site over them gets sitemap.xml as an index of
// sitemap-1.xml, sitemap-2.xml ..., each valid, within the limits, and
// together listing every page exactly once; a site within them gets one
// sitemap.xml listing every page (the golden sample site).
func TestSitemapIndex(t *testing.T) {
	n := 107
	dir, slugs := writeArchive(t, n)
	want := []string{archiveBase, archiveBase + "tags/", archiveBase + "tags/miners/", archiveBase + "tags/power/"}
	for _, s := range slugs {
		want = append(want, archiveBase+"briefings/"+s+"/")
	}
	slices.Sort(want)
	for _, lim := range []struct {
		name        string
		urls, bytes int
		files       int
	}{
		{"within the limits", 50_000, 50 << 20, 1},
		{"by count", 25, 50 << 20, 5},
		{"by size", 50_000, 2_000, 0}, // as many as it takes
	} {
		t.Run(lim.name, func(t *testing.T) {
			render.SetSitemapLimits(t, lim.urls, lim.bytes)
			buildArchive(t, build.Options{Src: dir})
			index, _ := readSitemap(t, dir, "sitemap.xml")
			var got []string
			if lim.files == 1 {
				if index.XMLName.Local != "urlset" || len(index.Sitemaps) > 0 {
					t.Fatalf("sitemap.xml is a %s, want the urlset", index.XMLName.Local)
				}
				for _, u := range index.URLs {
					got = append(got, u.Loc)
				}
			} else {
				if index.XMLName.Local != "sitemapindex" || len(index.URLs) > 0 {
					t.Fatalf("sitemap.xml is a %s, want a sitemapindex", index.XMLName.Local)
				}
				if lim.files > 0 && len(index.Sitemaps) != lim.files {
					t.Errorf("%d sitemaps, want %d", len(index.Sitemaps), lim.files)
				}
				for i, s := range index.Sitemaps {
					rel := fmt.Sprintf("sitemap-%d.xml", i+1)
					if s.Loc != archiveBase+rel {
						t.Errorf("index entry %d: %s, want %s", i, s.Loc, archiveBase+rel)
					}
					part, size := readSitemap(t, dir, rel)
					if part.XMLName.Local != "urlset" {
						t.Errorf("%s is a %s, want a urlset", rel, part.XMLName.Local)
					}
					if len(part.URLs) > lim.urls || size > lim.bytes || len(part.URLs) == 0 {
						t.Errorf("%s: %d URLs in %d bytes; the limits are %d URLs, %d bytes", rel, len(part.URLs), size, lim.urls, lim.bytes)
					}
					latest := ""
					for _, u := range part.URLs {
						got = append(got, u.Loc)
						latest = max(latest, u.LastMod)
					}
					if s.LastMod != latest {
						t.Errorf("%s: lastmod %s in the index, want its latest, %s", rel, s.LastMod, latest)
					}
				}
				if _, err := os.Stat(filepath.Join(dir, "public", fmt.Sprintf("sitemap-%d.xml", len(index.Sitemaps)+1))); err == nil {
					t.Error("a sitemap file that the index does not list")
				}
			}
			if slices.Sort(got); !slices.Equal(got, want) {
				t.Errorf("the sitemaps list %d URLs, want each of %d once", len(got), len(want))
			}
		})
	}
}

// TestSitemapPartsStayPut: in a sitemap cut into several files, a new
// briefing changes the last file and the index, not every file shifted by
// one; the cached build equals one without cache.
func TestSitemapPartsStayPut(t *testing.T) {
	render.SetSitemapLimits(t, 25, 50<<20)
	dir, _ := writeArchive(t, 107)
	cached := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	buildArchive(t, cached)
	writeBriefing(t, dir, 107)
	res := buildArchive(t, cached)
	var written []string
	for _, f := range res.Files {
		if strings.HasPrefix(f, "sitemap") && !res.Same[f] {
			written = append(written, f)
		}
	}
	// 108 briefings, the home page, the topic index and two topics: 112
	// URLs, the last 12 in sitemap-5.xml.
	if want := []string{"sitemap-5.xml", "sitemap.xml"}; !slices.Equal(written, want) {
		t.Errorf("a new briefing wrote %v, want %v", written, want)
	}
	out := filepath.Join(t.TempDir(), "public")
	buildArchive(t, build.Options{Src: dir, Out: out})
	if got, want := tree(t, filepath.Join(dir, "public")), tree(t, out); !maps(got, want) {
		t.Error("the cached build differs from a build without cache")
	}
}
