package check

import (
	"bytes"
	"io/fs"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// BrokenLink is a link of a built page that does not resolve.
type BrokenLink struct {
	Page    string // slash path of the page in the site
	Link    string // the href or src as written
	Problem string
}

func (b BrokenLink) String() string { return b.Page + ": " + b.Problem }

// CheckLinks reads every HTML page of a built site in dir and returns each
// relative link (href or src) that does not resolve to a file of the site.
// Links to other hosts are not followed; they are listed only when their
// scheme is neither http nor https nor mailto.
func CheckLinks(dir string) ([]BrokenLink, error) {
	files := map[string][]byte{}
	root := os.DirFS(dir)
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var data []byte
		if strings.HasSuffix(p, ".html") {
			data, err = fs.ReadFile(root, p)
		}
		files[p] = data
		return err
	})
	if err != nil {
		return nil, err
	}
	return brokenLinks(files), nil
}

// brokenLinks checks the links of a site in memory (slash path -> bytes).
func brokenLinks(files map[string][]byte) []BrokenLink {
	var broken []BrokenLink
	dirs := map[string]bool{".": true}
	for p := range files {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	exists := func(p string) bool { _, ok := files[p]; return ok || dirs[p] }
	for p, src := range files {
		if !strings.HasSuffix(p, ".html") || p == "404.html" {
			continue
		}
		for _, link := range pageLinks(src) {
			if problem := resolve(exists, p, link); problem != "" {
				broken = append(broken, BrokenLink{Page: p, Link: link, Problem: problem})
			}
		}
	}
	slices.SortFunc(broken, func(a, b BrokenLink) int { return strings.Compare(a.String(), b.String()) })
	return broken
}

func pageLinks(src []byte) []string {
	var links []string
	z := html.NewTokenizer(bytes.NewReader(src))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return links
		case html.StartTagToken, html.SelfClosingTagToken:
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" || string(k) == "src" {
					links = append(links, string(v))
				}
				if !more {
					break
				}
			}
		}
	}
}

func resolve(exists func(string) bool, page, link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link + " (not a URL)"
	}
	if u.Scheme != "" || u.Host != "" {
		switch u.Scheme {
		case "http", "https", "mailto":
			return ""
		}
		return link + " (scheme " + u.Scheme + " is not allowed)"
	}
	if u.Path == "" {
		return "" // a fragment on the same page
	}
	target := path.Join(path.Dir(page), u.Path)
	if strings.HasPrefix(target, "../") || target == ".." {
		return link + " (leaves the site)"
	}
	if strings.HasSuffix(u.Path, "/") {
		target = path.Join(target, "index.html")
	}
	if !exists(target) {
		return link + " (no such file)"
	}
	return ""
}
