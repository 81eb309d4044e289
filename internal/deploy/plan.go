package deploy

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"path"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// A file of the built site, as deploy sees it.
type file struct {
	Key   string // slash path under the site, and under the prefix
	MD5   string // hex
	Type  string // Content-Type
	Cache string // Cache-Control
	Size  int64
}

// entry is what the remote manifest records of an object brief put there.
// MD5 is empty while an upload is pending (written before the uploads, so
// that an interrupted deploy's objects are known to be brief's).
type entry struct {
	MD5   string `json:"md5"`
	Type  string `json:"type"`
	Cache string `json:"cache"`
}

// Cache-Control values.
const (
	// CacheShort is for what a new build rewrites under the same name:
	// pages, feeds, sitemaps, the search entry, workbooks.
	CacheShort = "public, max-age=300"
	// CacheLong is for files whose names change with their content.
	CacheLong = "public, max-age=31536000, immutable"
)

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".xml":  "application/xml; charset=utf-8",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".csv":  "text/csv; charset=utf-8",
	".pdf":  "application/pdf",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".txt":  "text/plain; charset=utf-8",
	".ico":  "image/x-icon",
}

// ContentType is the Content-Type brief sets on a file of the site: from
// a table of its own, not the system's, so that every machine sets the same.
func ContentType(key string) string {
	if key == "feed.xml" {
		return "application/atom+xml; charset=utf-8"
	}
	if t, ok := contentTypes[strings.ToLower(path.Ext(key))]; ok {
		return t
	}
	return "application/octet-stream"
}

// hashed matches a name that changes with its content: brief.cd5fb7cf.css,
// search/part.0123abcd.js.
var hashed = regexp.MustCompile(`\.[0-9a-f]{8,64}\.[a-z0-9]+$`)

// CacheControl is the Cache-Control brief sets on a file of the site.
func CacheControl(key string) string {
	if hashed.MatchString(path.Base(key)) {
		return CacheLong
	}
	return CacheShort
}

// newFile describes the file key whose bytes are b.
func newFile(key string, b []byte) file {
	sum := md5.Sum(b)
	return file{Key: key, MD5: hex.EncodeToString(sum[:]), Type: ContentType(key), Cache: CacheControl(key), Size: int64(len(b))}
}

// Stages of a deploy, in the order they go up.
const (
	stageFiles   = iota // assets, workbooks, CSV, PDFs, search parts: what pages link to
	stagePages          // pages, each after the new pages it links to
	stageEntries        // the home page, feed, sitemaps and the search entry
)

// stage is the stage a file goes up in.
func stage(key string) int {
	switch {
	case key == "index.html", key == "feed.xml", key == "search/index.js",
		strings.HasPrefix(key, "sitemap") && strings.HasSuffix(key, ".xml"):
		return stageEntries
	case strings.HasSuffix(key, ".html"):
		return stagePages
	}
	return stageFiles
}

// links returns the files of the site that the page key links to (href
// and src that are relative paths), as keys.
func links(key string, page []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		for {
			name, val, more := z.TagAttr()
			if n := string(name); n == "href" || n == "src" {
				if k, ok := resolve(key, string(val)); ok {
					out = append(out, k)
				}
			}
			if !more {
				break
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// resolve turns a link in the page key into the key it names, when it is
// a relative path into the site.
func resolve(key, ref string) (string, bool) {
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		ref = ref[:i]
	}
	if ref == "" || strings.HasPrefix(ref, "/") || strings.Contains(ref, ":") {
		return "", false
	}
	dir := strings.HasSuffix(ref, "/")
	k := path.Join(path.Dir(key), ref)
	if k == "." || dir {
		k = strings.TrimPrefix(k+"/index.html", "./")
	}
	if strings.HasPrefix(k, "../") || k == ".." {
		return "", false
	}
	return k, true
}

// waves orders the uploads: the stages in turn, and within the pages, a
// page after the new pages it links to (a new briefing before the older
// one whose "next" link now names it), so that no page a reader can reach
// goes up linking to a file that is not there yet. New pages that link to
// each other go up together: none can be reached until a page that goes up
// after them links to it. Each wave's files may go up at once.
func waves(up []file, isNew func(string) bool, linksOf func(string) []string) [][]file {
	var out [][]file
	byStage := [3][]file{}
	for _, f := range up {
		byStage[stage(f.Key)] = append(byStage[stage(f.Key)], f)
	}
	if len(byStage[stageFiles]) > 0 {
		out = append(out, byStage[stageFiles])
	}
	pages := byStage[stagePages]
	// waitsFor[k]: the new pages, also going up, that page k links to.
	going := map[string]bool{}
	for _, f := range pages {
		going[f.Key] = true
	}
	waitsFor := map[string][]string{}
	for _, f := range pages {
		for _, l := range linksOf(f.Key) {
			if l != f.Key && going[l] && isNew(l) {
				waitsFor[f.Key] = append(waitsFor[f.Key], l)
			}
		}
	}
	done := map[string]bool{}
	for len(pages) > 0 {
		var ready, rest []file
		for _, f := range pages {
			if !slices.ContainsFunc(waitsFor[f.Key], func(l string) bool { return !done[l] }) {
				ready = append(ready, f)
			} else {
				rest = append(rest, f)
			}
		}
		if len(ready) == 0 {
			// New pages that link to each other: they go up together, none
			// reachable yet, since only pages that go up after them (a
			// changed page, the home page, the feed) link into them.
			ready, rest = nil, nil
			for _, f := range pages {
				if isNew(f.Key) {
					ready = append(ready, f)
				} else {
					rest = append(rest, f)
				}
			}
			if len(ready) == 0 { // cannot happen: only new pages are waited for
				ready, rest = rest, nil
			}
		}
		for _, f := range ready {
			done[f.Key] = true
		}
		out = append(out, ready)
		pages = rest
	}
	// The home page last: it is where readers come in, and it links to the
	// feed.
	var entries, home []file
	for _, f := range byStage[stageEntries] {
		if f.Key == "index.html" {
			home = append(home, f)
		} else {
			entries = append(entries, f)
		}
	}
	for _, w := range [][]file{entries, home} {
		if len(w) > 0 {
			out = append(out, w)
		}
	}
	return out
}
