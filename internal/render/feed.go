package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
)

// feedEntries is how many of the latest briefings the Atom feed carries.
const feedEntries = 20

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	Link       atomLink       `xml:"link"`
	ID         string         `xml:"id"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Summary    string         `xml:"summary,omitempty"`
	Categories []atomCategory `xml:"category"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomFeedDoc struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Links    []atomLink  `xml:"link"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Author   *atomAuthor `xml:"author,omitempty"`
	Entries  []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// atomFeed writes the Atom feed. Its time stamps come from the briefings'
// dates, never the clock, so the same content gives the same feed.
func atomFeed(c *project.Config, infos []*briefingInfo) ([]byte, error) {
	doc := atomFeedDoc{
		Title:    c.Title,
		Subtitle: c.Description,
		Links: []atomLink{
			{Href: c.BaseURL, Rel: "alternate", Type: "text/html"},
			{Href: c.BaseURL + "feed.xml", Rel: "self", Type: "application/atom+xml"},
		},
		ID:      c.BaseURL,
		Updated: atomTime(time.Unix(0, 0)),
	}
	if c.Author != "" {
		doc.Author = &atomAuthor{Name: c.Author}
	} else {
		doc.Author = &atomAuthor{Name: c.Title}
	}
	if len(infos) > 0 {
		doc.Updated = atomTime(infos[0].Date)
	}
	for i, b := range infos {
		if i == feedEntries {
			break
		}
		e := atomEntry{
			Title: b.Title, Link: atomLink{Href: b.URL, Rel: "alternate", Type: "text/html"}, ID: b.URL,
			Published: atomTime(b.Date), Updated: atomTime(b.Date), Summary: b.Summary,
		}
		for _, t := range b.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: t.Name})
		}
		doc.Entries = append(doc.Entries, e)
	}
	return marshalXML(doc)
}

// The sitemap protocol's limits for one file: 50,000 URLs and 50 MiB
// (sitemaps.org/protocol.html). Variables so that a test can lower them.
var (
	sitemapMaxURLs  = 50_000
	sitemapMaxBytes = 50 << 20
)

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemapURLs lists the site's pages for the sitemap: every briefing,
// oldest first, then the home page, every topic and company page and their
// indexes. Not the archive's year pages: they only list briefings that are
// listed here. Oldest first, so that a site cut into several files (a
// sitemap index) adds a new briefing to its last file, and a weekly publish
// writes that file and the index, not every file shifted by one.
func sitemapURLs(c *project.Config, infos []*briefingInfo, tags []*tagInfo, entities []*project.Entity) []sitemapURL {
	urls := make([]sitemapURL, 0, 1+len(infos)+1+len(tags)+1+len(entities))
	for i := len(infos) - 1; i >= 0; i-- {
		b := infos[i]
		urls = append(urls, sitemapURL{Loc: b.URL, LastMod: b.Date.Format(time.DateOnly)})
	}
	home := sitemapURL{Loc: c.BaseURL}
	if len(infos) > 0 {
		home.LastMod = infos[0].Date.Format(time.DateOnly)
	}
	urls = append(urls, home)
	if len(tags) > 0 {
		urls = append(urls, sitemapURL{Loc: c.BaseURL + "tags/"})
	}
	for _, t := range tags {
		urls = append(urls, sitemapURL{Loc: c.BaseURL + "tags/" + t.Slug + "/", LastMod: t.Briefings[0].Date.Format(time.DateOnly)})
	}
	if len(entities) > 0 {
		urls = append(urls, sitemapURL{Loc: c.BaseURL + "entities/"})
	}
	for _, e := range entities {
		urls = append(urls, sitemapURL{Loc: c.BaseURL + "entities/" + e.ID + "/"})
	}
	return urls
}

// splitSitemap cuts the URLs into files that each keep within the
// protocol's limits.
func splitSitemap(urls []sitemapURL) [][]sitemapURL {
	// What marshalXML writes around the entries, and around each one.
	const fileBytes, urlBytes = 200, len("  <url>\n    <loc></loc>\n    <lastmod></lastmod>\n  </url>\n")
	var files [][]sitemapURL
	start, size := 0, fileBytes
	for i, u := range urls {
		n := urlBytes + escapedLen(u.Loc) + len(u.LastMod)
		if i > start && (i-start == sitemapMaxURLs || size+n > sitemapMaxBytes) {
			files = append(files, urls[start:i])
			start, size = i, fileBytes
		}
		size += n
	}
	return append(files, urls[start:])
}

// escapedLen is the length of s as encoding/xml writes it in an element.
func escapedLen(s string) int {
	var n counter
	_ = xml.EscapeText(&n, []byte(s))
	return int(n)
}

type counter int

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

// sitemaps are sitemap.xml and, for a site over the protocol's limits for
// one file, its parts. A site within them gets one sitemap.xml listing every
// page; a larger one gets sitemap-1.xml, sitemap-2.xml ... and a
// sitemap.xml that is their index, so that crawlers still find it at the
// usual place. Each file's key is what it lists.
func (r *renderer) sitemaps() []*Output {
	c := r.p.Config
	files := splitSitemap(sitemapURLs(c, r.infos, r.tags, r.p.Entities))
	keyOf := func(rel string, urls []sitemapURL) key.Hash {
		k := key.New().Str(rel).Sum(r.site).Bool(len(files) > 1)
		for _, u := range urls {
			k.Str(u.Loc).Str(u.LastMod)
		}
		return k.Done()
	}
	output := func(rel string, urls []sitemapURL, doc any) *Output {
		return &Output{Path: rel, Stage: StageLists, Key: keyOf(rel, urls),
			Make: func(Sizes) ([]byte, error) { return marshalXML(doc) }}
	}
	if len(files) == 1 {
		return []*Output{output("sitemap.xml", files[0], urlset{URLs: files[0]})}
	}
	var index sitemapIndex
	var out []*Output
	for i, urls := range files {
		rel := fmt.Sprintf("sitemap-%d.xml", i+1)
		entry := sitemapURL{Loc: c.BaseURL + rel}
		for _, u := range urls {
			entry.LastMod = max(entry.LastMod, u.LastMod) // ISO dates sort as text
		}
		index.Sitemaps = append(index.Sitemaps, entry)
		out = append(out, output(rel, urls, urlset{URLs: urls}))
	}
	return append(out, output("sitemap.xml", index.Sitemaps, index))
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
