package render

import (
	"bytes"
	"encoding/xml"
	"time"

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

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func sitemap(c *project.Config, infos []*briefingInfo, tags []*tagInfo, entities []*project.Entity) ([]byte, error) {
	var s urlset
	home := sitemapURL{Loc: c.BaseURL}
	if len(infos) > 0 {
		home.LastMod = infos[0].Date.Format(time.DateOnly)
	}
	s.URLs = append(s.URLs, home)
	for _, b := range infos {
		s.URLs = append(s.URLs, sitemapURL{Loc: b.URL, LastMod: b.Date.Format(time.DateOnly)})
	}
	if len(tags) > 0 {
		s.URLs = append(s.URLs, sitemapURL{Loc: c.BaseURL + "tags/"})
	}
	for _, t := range tags {
		s.URLs = append(s.URLs, sitemapURL{Loc: c.BaseURL + "tags/" + t.Slug + "/", LastMod: t.Briefings[0].Date.Format(time.DateOnly)})
	}
	if len(entities) > 0 {
		s.URLs = append(s.URLs, sitemapURL{Loc: c.BaseURL + "entities/"})
	}
	for _, e := range entities {
		s.URLs = append(s.URLs, sitemapURL{Loc: c.BaseURL + "entities/" + e.ID + "/"})
	}
	return marshalXML(s)
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
