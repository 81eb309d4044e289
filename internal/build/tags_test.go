package build_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/check"
	"github.com/brief-desk/brief/internal/sitetest"
)

// TestTagsInAnyLanguage: a tag in any script has a page named by its
// transliteration ("Énergie" tags/energie/, "日本" tags/ri-ben/, which was
// refused), and where the page had another name before (ASCII letters
// only: "Énergie" was tags/nergie/), that name is a redirect to the new
// page, which `brief check` follows; a name that is another topic's page
// now ("Caf") stays that page.
func TestTagsInAnyLanguage(t *testing.T) {
	dir := sitetest.Write(t, `
-- site.toml --
title = "Desk"
base_url = "https://example.org/desk/"
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-08
tags = ["Énergie", "Café", "日本", "Markets"]
+++
Text.
-- content/briefings/w2.md --
+++
title = "Week two"
date = 2026-01-15
tags = ["Caf", "énergie"]
+++
Text.
`)
	if _, err := build.Build(context.Background(), build.Options{Src: dir}); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"tags/energie/index.html", "tags/cafe/index.html", "tags/caf/index.html", "tags/ri-ben/index.html", "tags/markets/index.html"} {
		if !strings.Contains(sitetest.Read(t, dir, page), "<main") {
			t.Errorf("%s is not a topic page", page)
		}
	}
	if !strings.Contains(sitetest.Read(t, dir, "tags/energie/index.html"), "Week two") {
		t.Error(`"énergie" and "Énergie" do not share a page`)
	}
	moved := sitetest.Read(t, dir, "tags/nergie/index.html")
	for _, want := range []string{
		`<meta http-equiv="refresh" content="0; url=../energie/index.html">`,
		`<a href="../energie/index.html">énergie</a>`, // the newest briefing's spelling names the topic
		`<link rel="canonical" href="https://example.org/desk/tags/energie/">`,
		`<meta name="robots" content="noindex">`,
	} {
		if !strings.Contains(moved, want) {
			t.Errorf("tags/nergie/index.html lacks %s:\n%s", want, moved)
		}
	}
	if strings.Contains(sitetest.Read(t, dir, "tags/caf/index.html"), "refresh") {
		t.Error("Café's old name, which is Caf's page now, was made a redirect")
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "tags", "index.html")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sitetest.Read(t, dir, "sitemap.xml"), "tags/nergie/") {
		t.Error("the sitemap lists a redirect")
	}
	if _, err := check.Check(context.Background(), check.Options{Options: build.Options{Src: dir}, Strict: true}); err != nil {
		t.Errorf("brief check: %v", err)
	}
}

// TestNestedMentions: names of entities that nest ("a", "a a", "a a a",
// "a a a a") mentioned by the longest build (the links once overlapped and
// the build panicked), with one link, to the longest, and every entity
// still finds its mention.
func TestNestedMentions(t *testing.T) {
	dir := sitetest.Write(t, `
-- site.toml --
title = "Desk"
base_url = "https://example.org/"
-- data/coverage.toml --
title = "Coverage"
source = "Desk"
kind = "entities"
[[rows]]
id = "e1"
name = "a"
[[rows]]
id = "e2"
name = "a a"
[[rows]]
id = "e3"
name = "a a a"
[[rows]]
id = "e4"
name = "a a a a"
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-08
+++
Then a a a a said so.
`)
	if _, err := build.Build(context.Background(), build.Options{Src: dir}); err != nil {
		t.Fatal(err)
	}
	page := sitetest.Read(t, dir, "briefings/w1/index.html")
	if got := strings.Count(page, `class="entity"`); got != 1 || !strings.Contains(page, `href="../../entities/e4/index.html" title="a a a a">a a a a</a>`) {
		t.Errorf("want one link, to e4, round the whole name; got %d links:\n%s", got, page)
	}
}

// TestNewBriefingLeavesTopicAlone: a new briefing on a topic makes again
// the pages of the briefings that share it only when the briefing page's
// templates show a topic's briefings; the built-in ones show its name and
// link, so a weekly publish makes its own page and its neighbour's, not
// every page of its topics. Either way the cached build equals one
// without cache.
func TestNewBriefingLeavesTopicAlone(t *testing.T) {
	const project = `
-- site.toml --
title = "Desk"
base_url = "https://example.org/"
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-08
tags = ["Miners"]
+++
Text.
-- content/briefings/w2.md --
+++
title = "Week two"
date = 2026-01-15
+++
Text.
-- content/briefings/w3.md --
+++
title = "Week three"
date = 2026-01-22
+++
Text.
`
	const listing = `
-- templates/briefing.html --
{{define "main"}}{{range .Briefing.Tags}}{{.Name}}: {{range .Briefings}}{{.Title}}; {{end}}{{end}}{{.Briefing.Body}}{{end}}
`
	for _, tc := range []struct {
		name, templates string
		remade          bool
	}{
		{"built-in templates", "", false},
		{"a template listing a topic's briefings", listing, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := sitetest.Write(t, project+tc.templates)
			opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
			mustBuild(t, opts)
			if err := os.WriteFile(filepath.Join(dir, "content/briefings/w4.md"),
				[]byte("+++\ntitle = \"Week four\"\ndate = 2026-01-29\ntags = [\"Miners\"]\n+++\nText.\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			res := mustBuild(t, opts)
			if got := slices.Contains(res.Made, "briefings/w1/index.html"); got != tc.remade {
				t.Errorf("week one's page made again: %v, want %v (made %v)", got, tc.remade, res.Made)
			}
			if !slices.Contains(res.Made, "briefings/w3/index.html") {
				t.Errorf("the new briefing's neighbour was not made again (made %v)", res.Made)
			}
			if tree := sitetest.Tree(t, filepath.Join(dir, "public")); !equalTrees(tree, uncached(t, dir)) {
				t.Error("the cached build differs from a build without cache")
			}
			if shows := strings.Contains(sitetest.Read(t, dir, "briefings/w1/index.html"), "Week four"); shows != tc.remade {
				t.Errorf("week one's page shows week four: %v, want %v", shows, tc.remade)
			}
		})
	}
}
