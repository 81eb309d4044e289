package site_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/site"
	"github.com/brief-desk/brief/internal/sitetest"
)

const cacheProject = `
-- site.toml --
title = "Desk"
base_url = "https://example.org/"
-- data/prices.toml --
title = "Prices"
source = "Exchange"
kind = "series"
[[rows]]
date = 2026-01-01
close = 1.0
[[rows]]
date = 2026-01-08
close = 2.0
[[rows]]
date = 2026-01-15
close = 3.0
[[rows]]
date = 2026-01-22
close = 4.0
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-08
+++
` + "```chart" + `
dataset = "prices"
` + "```" + `
-- content/briefings/w2.md --
+++
title = "Week three"
date = 2026-01-22
+++
` + "```chart" + `
dataset = "prices"
` + "```" + `
`

// written returns the files a build wrote, rather than linked unchanged
// from the previous output.
func written(res *site.Result) []string {
	var out []string
	for _, f := range res.Files {
		if !res.Same[f] {
			out = append(out, f)
		}
	}
	return out
}

// TestCacheNeverStale edits dataset rows inside and outside an old
// briefing's as-of window and checks exactly which outputs change; then
// corrupts the cache and edits the published site by hand, and checks that
// neither is trusted.
func TestCacheNeverStale(t *testing.T) {
	dir := sitetest.Write(t, cacheProject)
	opts := site.Options{Src: dir, ECharts: sitetest.ECharts(t), CacheDir: filepath.Join(dir, ".brief-cache")}
	build := func() *site.Result {
		t.Helper()
		res, err := site.Build(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	fresh := func() map[string]string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "public")
		o := opts
		o.CacheDir, o.Out = "", out
		if _, err := site.Build(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		return sitetest.Tree(t, out)
	}
	edit := func(old, new string) {
		t.Helper()
		p := filepath.Join(dir, "data/prices.toml")
		b, _ := os.ReadFile(p)
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string, res *site.Result, want []string) {
		t.Helper()
		got := written(res)
		if !slices.Equal(got, want) {
			t.Errorf("%s: wrote %v, want %v", step, got, want)
		}
		if tree := sitetest.Tree(t, filepath.Join(dir, "public")); !equalTrees(tree, fresh()) {
			t.Errorf("%s: the cached build differs from a build without cache", step)
		}
	}

	build()
	check("no change", build(), nil)

	// 2026-01-15 is after week one's date: only week three sees it.
	edit("close = 3.0", "close = 3.5")
	check("row outside week one's window", build(), []string{
		"briefings/w2/index.html", "briefings/w2/w2.xlsx", "data/datasets.xlsx",
	})

	// 2026-01-01 is in both windows.
	edit("close = 1.0", "close = 1.5")
	check("row inside both windows", build(), []string{
		"briefings/w1/index.html", "briefings/w1/w1.xlsx",
		"briefings/w2/index.html", "briefings/w2/w2.xlsx", "data/datasets.xlsx",
	})

	// A new briefing: its files, the pages that list it, the feed and sitemap.
	if err := os.WriteFile(filepath.Join(dir, "content/briefings/w3.md"), []byte("+++\ntitle = \"Week four\"\ndate = 2026-01-29\n+++\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("new briefing", build(), []string{
		"briefings/w2/index.html", // its pager now links to a newer briefing
		"briefings/w3/index.html", "feed.xml", "index.html", "sitemap.xml",
	})

	// The same text under another name is another page, not the old one.
	if err := os.Rename(filepath.Join(dir, "content/briefings/w3.md"), filepath.Join(dir, "content/briefings/w4.md")); err != nil {
		t.Fatal(err)
	}
	res := build()
	check("briefing renamed", res, []string{
		"briefings/w2/index.html", "briefings/w4/index.html", "feed.xml", "index.html", "sitemap.xml",
	})
	if res.Removed != 1 {
		t.Errorf("briefing renamed: %d removed, want 1 (the old page)", res.Removed)
	}

	// Corrupt every cache entry: each is rebuilt, never trusted.
	filepath.WalkDir(filepath.Join(opts.CacheDir, "v1"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			os.WriteFile(p, []byte("brief-cache-v1\ngarbage that fails the checksum................................"), 0o644)
		}
		return nil
	})
	edit("close = 4.0", "close = 4.5")
	check("corrupt cache", build(), []string{
		"briefings/w2/index.html", "briefings/w2/w2.xlsx", "data/datasets.xlsx",
	})

	// A page edited by hand in public/ is rendered again.
	page := filepath.Join(dir, "public/briefings/w1/index.html")
	if err := os.WriteFile(page, []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("output edited by hand", build(), []string{"briefings/w1/index.html"})
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
