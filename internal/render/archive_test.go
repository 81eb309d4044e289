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
// 2025 (so the archive spans two years), two in three tagged, every tenth
// with a table block and so a workbook. It returns the folder and the
// slugs, newest first.
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
	if i%3 != 1 {
		text += "tags = [\"Miners\"]\n"
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
)

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

// TestArchivePages builds a site of 2.1 pages of briefings and checks that
// the home page lists the latest ArchivePageSize, that every briefing is
// listed on exactly one page of the archive, newest first, and that every
// link of the archive's pages works from the folder (file://) and from a
// host that serves the site below a path.
func TestArchivePages(t *testing.T) {
	size := render.ArchivePageSize
	n := 2*size + 7
	dir, slugs := writeArchive(t, n)
	buildArchive(t, build.Options{Src: dir})

	pages := []string{"index.html", "archive/2/index.html", "archive/3/index.html"}
	if _, err := os.Stat(filepath.Join(dir, "public", "archive", "4")); err == nil {
		t.Error("archive/4/ was made for 3 pages")
	}
	var listed []string
	for i, rel := range pages {
		page := readPublic(t, dir, rel)
		got := archiveList(page)
		want := slugs[i*size : min(n, (i+1)*size)]
		if !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v", rel, got, want)
		}
		listed = append(listed, got...)
		if i > 0 {
			canonical := fmt.Sprintf(`<link rel="canonical" href="%sarchive/%d/">`, archiveBase, i+1)
			if !strings.Contains(page, canonical) {
				t.Errorf("%s: no %s", rel, canonical)
			}
			if want := fmt.Sprintf("Briefings %d to %d of %d", i*size+1, min(n, (i+1)*size), n); !strings.Contains(page, want) {
				t.Errorf("%s does not say %q", rel, want)
			}
		}
		if !strings.Contains(page, fmt.Sprintf("Page %d of 3", i+1)) {
			t.Errorf("%s does not say which page of 3 it is", rel)
		}
	}
	if slices.Sort(listed); !slices.Equal(listed, slices.Sorted(slices.Values(slugs))) {
		t.Errorf("the archive's pages list %d briefings, want each of %d once", len(listed), n)
	}

	// A topic's pages: the same, below its folder.
	topic := tagged(slugs)
	tagPages := []string{"tags/miners/index.html", "tags/miners/2/index.html"}
	if len(topic) <= size || len(topic) > 2*size {
		t.Fatalf("%d briefings on the topic, want two pages", len(topic))
	}
	listed = nil
	for i, rel := range tagPages {
		page := readPublic(t, dir, rel)
		got := archiveList(page)
		if want := topic[i*size : min(len(topic), (i+1)*size)]; !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v", rel, got, want)
		}
		listed = append(listed, got...)
		if !strings.Contains(page, fmt.Sprintf("page %d of 2", i+1)) {
			t.Errorf("%s does not say which page of 2 it is", rel)
		}
	}
	if slices.Sort(listed); !slices.Equal(listed, slices.Sorted(slices.Values(topic))) {
		t.Errorf("the topic's pages list %d briefings, want each of %d once", len(listed), len(topic))
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "tags", "miners", "3")); err == nil {
		t.Error("tags/miners/3/ was made for 2 pages")
	}
	pages = append(pages, tagPages...)

	// The pages link each other in order: newer is rel=prev, older rel=next.
	wantRel := map[string][]string{
		"index.html":               {"next archive/2/index.html"},
		"archive/2/index.html":     {"prev ../../index.html#archive", "next ../../archive/3/index.html"},
		"archive/3/index.html":     {"prev ../../archive/2/index.html"},
		"tags/miners/index.html":   {"next ../../tags/miners/2/index.html"},
		"tags/miners/2/index.html": {"prev ../../../tags/miners/index.html"},
	}
	for rel, want := range wantRel {
		var got []string
		for _, m := range relLink.FindAllStringSubmatch(readPublic(t, dir, rel), -1) {
			got = append(got, m[1]+" "+m[2])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: pager links %v, want %v", rel, got, want)
		}
	}

	// Every link works as files and below a host's path.
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

// TestArchivePagesIncremental checks that the cache follows the archive's
// pages: a new briefing shifts every page, an edited one changes only its
// own page, a removed one removes a page; each cached build equals one
// without cache.
func TestArchivePagesIncremental(t *testing.T) {
	size := render.ArchivePageSize
	n := 2*size + 2
	dir, _ := writeArchive(t, n)
	cached := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	buildArchive(t, cached)
	check := func(step string, made, notMade []string) {
		t.Helper()
		res := buildArchive(t, cached)
		for _, rel := range made {
			if !slices.Contains(res.Made, rel) {
				t.Errorf("%s: %s was not made again", step, rel)
			}
		}
		for _, rel := range notMade {
			if slices.Contains(res.Made, rel) {
				t.Errorf("%s: %s was made again, though nothing it shows changed", step, rel)
			}
		}
		out := filepath.Join(t.TempDir(), "public")
		buildArchive(t, build.Options{Src: dir, Out: out})
		if got, want := tree(t, filepath.Join(dir, "public")), tree(t, out); !maps(got, want) {
			t.Errorf("%s: the cached build differs from a build without cache", step)
		}
	}
	check("nothing changed", nil, []string{"index.html", "archive/2/index.html", "archive/3/index.html"})

	// A briefing on page 3, without tags (the home page shows every
	// topic's briefings): its title.
	sitetest.Edit(t, dir, "content/briefings/b001.md", "Briefing 1", "The second briefing")
	check("title on page 3", []string{"archive/3/index.html"},
		[]string{"index.html", "archive/2/index.html", "tags/miners/index.html", "tags/miners/2/index.html"})

	// The oldest, on the topic's second page too (and the home page shows
	// every topic's briefings).
	sitetest.Edit(t, dir, "content/briefings/b000.md", "Briefing 0", "The first briefing")
	check("title on page 3 and topic page 2", []string{"archive/3/index.html", "tags/miners/2/index.html", "index.html"},
		[]string{"archive/2/index.html", "tags/miners/index.html"})

	// A new briefing: every page lists another set.
	writeBriefing(t, dir, n)
	check("new briefing", []string{"index.html", "archive/2/index.html", "archive/3/index.html", "tags/miners/index.html", "tags/miners/2/index.html"}, nil)

	// Three fewer: page 3 is gone.
	for _, i := range []int{n, n - 1, n - 2} {
		if err := os.Remove(filepath.Join(dir, "content", "briefings", fmt.Sprintf("b%03d.md", i))); err != nil {
			t.Fatal(err)
		}
	}
	check("three removed", []string{"index.html", "archive/2/index.html"}, nil)
	if _, err := os.Stat(filepath.Join(dir, "public", "archive", "3")); err == nil {
		t.Error("archive/3/ is still there with two pages of briefings")
	}
}

// TestArchiveKeysCoverTopicsWorkbooks: the home page and the topic index
// get every topic with its briefings, and their workbooks' sizes; a custom
// template that shows them is made again when the workbook of a briefing
// far down the archive changes size.
func TestArchiveKeysCoverTopicsWorkbooks(t *testing.T) {
	dir, _ := writeArchive(t, 2*render.ArchivePageSize+2)
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
	want := []string{archiveBase, archiveBase + "tags/", archiveBase + "tags/miners/"}
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
