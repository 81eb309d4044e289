package build_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/fixture"
	"github.com/brief-desk/brief/internal/publish"
	"github.com/brief-desk/brief/internal/sitetest"
)

// cacheProject and staleProject are the weekly and neighbours fixtures.
var (
	cacheProject = fixture.Archive("weekly")
	staleProject = fixture.Archive("neighbours")
)

// written returns the files a build wrote, rather than linked unchanged
// from the previous output, but for the search index's (internal/search's
// tests check which of them a build writes).
func written(res *build.Result) []string {
	var out []string
	for _, f := range res.Files {
		if !res.Same[f] && !strings.HasPrefix(f, "search/") {
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
	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	rebuild := func() *build.Result { t.Helper(); return mustBuild(t, opts) }
	edit := func(old, new string) {
		t.Helper()
		p := filepath.Join(dir, "data/prices.toml")
		b, _ := os.ReadFile(p)
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The home page shows the latest workbook's size in KB: an edit that
	// moves it across a kilobyte rewrites the page, as it must.
	home := func() string { return sitetest.Read(t, dir, "index.html") }
	before := ""
	check := func(step string, res *build.Result, want []string) {
		t.Helper()
		got := written(res)
		if now := home(); now != before && !slices.Contains(want, "index.html") {
			want = append(slices.Clone(want), "index.html")
			slices.Sort(want)
		}
		before = home()
		if !slices.Equal(got, want) {
			t.Errorf("%s: wrote %v, want %v", step, got, want)
		}
		if tree := sitetest.Tree(t, filepath.Join(dir, "public")); !equalTrees(tree, uncached(t, dir)) {
			t.Errorf("%s: the cached build differs from a build without cache", step)
		}
	}

	rebuild()
	before = home()
	check("no change", rebuild(), nil)

	// 2026-01-15 is after week one's date: only week three sees it.
	edit("close = 3.0", "close = 3.5")
	check("row outside week one's window", rebuild(), []string{
		"briefings/w2/index.html", "briefings/w2/w2-1.csv", "briefings/w2/w2.xlsx", "data/datasets.xlsx",
	})

	// 2026-01-01 is in both windows.
	edit("close = 1.0", "close = 1.5")
	check("row inside both windows", rebuild(), []string{
		"briefings/w1/index.html", "briefings/w1/w1-1.csv", "briefings/w1/w1.xlsx",
		"briefings/w2/index.html", "briefings/w2/w2-1.csv", "briefings/w2/w2.xlsx", "data/datasets.xlsx",
	})

	// A new briefing: its files, the pages that list it, the feed and sitemap.
	if err := os.WriteFile(filepath.Join(dir, "content/briefings/w3.md"), []byte("+++\ntitle = \"Week four\"\ndate = 2026-01-29\n+++\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("new briefing", rebuild(), []string{
		"archive/2026/index.html", // its year's page
		"briefings/w2/index.html", // its pager now links to a newer briefing
		"briefings/w3/index.html", "feed.xml", "index.html", "sitemap.xml",
	})

	// The same text under another name is another page, not the old one.
	if err := os.Rename(filepath.Join(dir, "content/briefings/w3.md"), filepath.Join(dir, "content/briefings/w4.md")); err != nil {
		t.Fatal(err)
	}
	old := sitetest.Tree(t, filepath.Join(dir, "public"))
	res := rebuild()
	check("briefing renamed", res, []string{
		"archive/2026/index.html", "briefings/w2/index.html", "briefings/w4/index.html", "feed.xml", "index.html", "sitemap.xml",
	})
	searchGone, now := 0, sitetest.Tree(t, filepath.Join(dir, "public")) // the search index's parts of the old briefing's year
	for f := range old {
		if _, ok := now[f]; !ok && strings.HasPrefix(f, "search/") {
			searchGone++
		}
	}
	if res.Removed-searchGone != 1 {
		t.Errorf("briefing renamed: %d removed besides the search index's, want 1 (the old page)", res.Removed-searchGone)
	}

	// Corrupt the pack in its first segment: nothing in it is trusted, and
	// every page is made again.
	pack := filepath.Join(opts.CacheDir, "v2", "pack")
	data, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	data[len("brief-pack-v1\n")+20] ^= 1
	if err := os.WriteFile(pack, data, 0o644); err != nil {
		t.Fatal(err)
	}
	edit("close = 4.0", "close = 4.5")
	res = rebuild()
	check("corrupt cache", res, []string{
		"briefings/w2/index.html", "briefings/w2/w2-1.csv", "briefings/w2/w2.xlsx", "data/datasets.xlsx",
	})
	for _, f := range res.Files {
		if strings.HasSuffix(f, "index.html") && !slices.Contains(res.Made, f) {
			t.Errorf("corrupt cache: %s was taken from it", f)
		}
	}
	if res := rebuild(); len(res.Made) != 0 {
		t.Errorf("after the corrupt cache was replaced, a build with no change made %v", res.Made)
	}

	// A page edited by hand in public/ is rendered again.
	page := filepath.Join(dir, "public/briefings/w1/index.html")
	if err := os.WriteFile(page, []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("output edited by hand", rebuild(), []string{"briefings/w1/index.html"})
}

// mustBuild builds with opts, failing the test on an error.
func mustBuild(t *testing.T, opts build.Options) *build.Result {
	t.Helper()
	res, err := build.Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// uncached returns the files of a build of the project in dir without a
// cache, into a new folder: what every cached build must equal.
func uncached(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, build.Options{Src: dir, Out: out})
	return sitetest.Tree(t, out)
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

// staleProject has templates that show every documented field of every
// briefing a page can reach: neighbours, tags' briefings, the latest.
// TestCacheCoversWhatTemplatesShow edits, one at a time, every field of a
// briefing that other pages can show through custom templates, and checks
// after each edit that the cached build (on disk and in the preview's
// memory) equals a build without cache.
func TestCacheCoversWhatTemplatesShow(t *testing.T) {
	dir := sitetest.Write(t, staleProject)
	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	engine := build.NewEngine(opts)
	edits := []struct {
		name, file, old, new string
	}{
		{"summary", "content/briefings/w1.md", "First summary.", "Second summary."},
		{"date", "content/briefings/w1.md", "2026-01-08", "2026-01-09"},
		{"title", "content/briefings/w1.md", "Week one", "Week 1"},
		{"tags", "content/briefings/w1.md", `tags = ["Miners"]`, `tags = ["Miners", "Power"]`},
		{"minutes", "content/briefings/w1.md", "Short.", strings.Repeat("word ", 450)},
		{"sources", "data/other.toml", "First notes.", "Second notes."},
		{"workbook size", "data/other.toml", "x = 1", "x = 1\ny = \"" + strings.Repeat("long text ", 400) + "\""},
		{"slug", "content/briefings/w1.md", "+++\ntitle", "+++\nslug = \"week-one\"\ntitle"},
		{"tag of a neighbour's neighbour", "content/briefings/w3.md", `tags = ["Markets"]`, `tags = ["Miners"]`},
	}
	mustBuild(t, opts)
	if _, err := engine.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		sitetest.Edit(t, dir, e.file, e.old, e.new)
		mustBuild(t, opts)
		want := uncached(t, dir)
		got := sitetest.Tree(t, filepath.Join(dir, "public"))
		for name := range want {
			if got[name] != want[name] {
				t.Errorf("%s edited: %s from the disk cache differs from a build without cache", e.name, name)
			}
		}
		snap, err := engine.Build(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range snap.Files {
			if sum := sha256.Sum256(data); want[name] != hex.EncodeToString(sum[:]) { // Tree holds sums
				t.Errorf("%s edited: %s in the preview differs from a build without cache", e.name, name)
			}
		}
	}
}

// segments returns the payloads of a pack's segments and where each
// segment's signature starts.
func segments(t *testing.T, pack []byte) (payloads [][]byte, sigs []int) {
	t.Helper()
	rest := pack[len("brief-pack-v1\n"):]
	off := len(pack) - len(rest)
	for len(rest) >= 8 {
		n := int(binary.LittleEndian.Uint64(rest))
		if len(rest) < 8+n+32 {
			t.Fatalf("a segment of %d bytes in %d", n, len(rest))
		}
		payloads = append(payloads, rest[8:8+n])
		sigs = append(sigs, off+8+n)
		rest = rest[8+n+32:]
		off += 8 + n + 32
	}
	if len(payloads) == 0 {
		t.Fatal("the pack has no segment")
	}
	return payloads, sigs
}

// TestCacheEntriesAreVerified: a pack edited with its checksum recomputed
// is not trusted; a pack cut short (a build that crashed while writing it)
// keeps what is sound before the cut and is mended by the next build.
func TestCacheEntriesAreVerified(t *testing.T) {
	dir := sitetest.Write(t, cacheProject)
	cache := filepath.Join(dir, ".brief-cache")
	pack := filepath.Join(cache, "v2", "pack")
	opts := build.Options{Src: dir, CacheDir: cache}
	rebuild := func(step string) *build.Result {
		t.Helper()
		res := mustBuild(t, opts)
		if !equalTrees(uncached(t, dir), sitetest.Tree(t, filepath.Join(dir, "public"))) {
			t.Errorf("%s: the cached build differs from a build without cache", step)
		}
		return res
	}
	rebuild("first")

	// Edit the dataset inside the pack, and put a SHA-256 checksum of the
	// edited segment where its signature was.
	data, _ := os.ReadFile(pack)
	payloads, sigs := segments(t, data)
	edited := 0
	for i, p := range payloads {
		if j := bytes.Index(p, []byte("Exchange")); j >= 0 {
			p[j+6] = 'x' // in place, in data
			sum := sha256.Sum256(p)
			copy(data[sigs[i]:], sum[:])
			edited++
		}
	}
	if edited == 0 {
		t.Fatal("no segment of the pack holds the dataset")
	}
	os.WriteFile(pack, data, 0o644)
	res := rebuild("dataset record edited")
	if strings.Contains(sitetest.Read(t, dir, "briefings/w1/index.html"), "Exchanxe") {
		t.Error("a value no TOML file holds was published")
	}
	if len(res.Made) == 0 {
		t.Error("nothing was made again after the pack was edited")
	}

	// A briefing edited: the build appends a segment. Cut the pack inside it.
	sitetest.Edit(t, dir, "content/briefings/w1.md", "```chart", "Prose.\n\n```chart")
	rebuild("briefing edited")
	data, _ = os.ReadFile(pack)
	payloads, sigs = segments(t, data)
	if len(payloads) < 2 {
		t.Fatalf("the pack has %d segments after an edit, want an appended one", len(payloads))
	}
	os.WriteFile(pack, data[:sigs[len(sigs)-1]-10], 0o644)
	res = rebuild("pack cut short")
	if len(res.Made) == 0 || slices.Contains(res.Made, "briefings/w2/index.html") {
		t.Errorf("after the cut, made %v: want what the lost segment held, and not week two's page", res.Made)
	}
	if res := rebuild("mended"); len(res.Made) != 0 {
		t.Errorf("the pack was not mended: a build with no change made %v", res.Made)
	}
}

// TestPackLinkNotFollowed: a pack that is a symbolic link is neither read
// nor written through: the file it points to stays as it was, and the build
// puts a pack of its own in the link's place.
func TestPackLinkNotFollowed(t *testing.T) {
	dir := sitetest.Write(t, cacheProject)
	cache := filepath.Join(dir, ".brief-cache")
	opts := build.Options{Src: dir, CacheDir: cache}
	if _, err := build.Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	pack := filepath.Join(cache, "v2", "pack")
	elsewhere := filepath.Join(t.TempDir(), "notes")
	data, _ := os.ReadFile(pack)
	if err := os.WriteFile(elsewhere, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(pack); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, pack); err != nil {
		t.Fatal(err)
	}
	sitetest.Edit(t, dir, "content/briefings/w1.md", "```chart", "Prose.\n\n```chart")
	res, err := build.Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Made, "briefings/w2/index.html") {
		t.Error("the pack was read through a link")
	}
	if after, _ := os.ReadFile(elsewhere); !bytes.Equal(after, data) {
		t.Error("the file the link points to was written")
	}
	if st, err := os.Lstat(pack); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the link was not replaced by a pack: %v", err)
	}
}

// TestFailedBuildKeepsCacheSound: a build that fails (a briefing broken)
// leaves a pack the builds after it can trust: once the briefing is mended
// the site is as a build without cache makes it, and a build after that
// makes nothing.
func TestFailedBuildKeepsCacheSound(t *testing.T) {
	dir := sitetest.Write(t, cacheProject)
	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	if _, err := build.Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	sitetest.Edit(t, dir, "data/prices.toml", "close = 4.0", "close = 4.5")
	sitetest.Edit(t, dir, "content/briefings/w1.md", "title = \"Week one\"", "title = ")
	if _, err := build.Build(context.Background(), opts); err == nil {
		t.Fatal("a broken briefing built")
	}
	sitetest.Edit(t, dir, "content/briefings/w1.md", "title = ", "title = \"Week one\"")
	mustBuild(t, opts)
	if !equalTrees(uncached(t, dir), sitetest.Tree(t, filepath.Join(dir, "public"))) {
		t.Error("after a failed build, the cached build differs from a build without cache")
	}
	if res, err := build.Build(context.Background(), opts); err != nil || len(res.Made) != 0 {
		t.Errorf("a build with no change made %v (%v)", res.Made, err)
	}
}

// TestPackStaysSmall: a dataset edited week after week leaves records that
// no build uses; the pack is rewritten before they outweigh those in use.
func TestPackStaysSmall(t *testing.T) {
	dir := sitetest.Write(t, cacheProject)
	cache := filepath.Join(dir, ".brief-cache")
	opts := build.Options{Src: dir, CacheDir: cache}
	if _, err := build.Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		st, err := os.Stat(filepath.Join(cache, "v2", "pack"))
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	first := size()
	largest := first
	for i := range 12 {
		sitetest.Edit(t, dir, "data/prices.toml", fmt.Sprintf("close = %d.0", 4+96*min(i, 1)+max(i-1, 0)), fmt.Sprintf("close = %d.0", 100+i))
		res, err := build.Build(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(res.Made, "data/datasets.xlsx") {
			t.Fatalf("edit %d: the datasets workbook was not made again", i)
		}
		largest = max(largest, size())
	}
	if largest > 3*first {
		t.Errorf("the pack grew from %d to %d bytes", first, largest)
	}
	if res, err := build.Build(context.Background(), opts); err != nil || len(res.Made) != 0 {
		t.Errorf("after the pack was rewritten, a build with no change made %v (%v)", res.Made, err)
	}
}

// TestConcurrentBuildsShareCache: builds of two outputs running at once
// with one cache folder both succeed, each as a build without cache, and
// leave a sound pack.
func TestConcurrentBuildsShareCache(t *testing.T) {
	dir := sitetest.Write(t, cacheProject)
	cache := filepath.Join(dir, ".brief-cache")
	outs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	for round := range 4 {
		sitetest.Edit(t, dir, "data/prices.toml", fmt.Sprintf("close = %d.0", 4+96*min(round, 1)+max(round-1, 0)), fmt.Sprintf("close = %d.0", 100+round))
		var g errgroup.Group
		for _, out := range outs {
			g.Go(func() error {
				_, err := build.Build(context.Background(), build.Options{Src: dir, Out: out, CacheDir: cache})
				return err
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		want := uncached(t, dir)
		for _, out := range outs {
			if !equalTrees(want, sitetest.Tree(t, out)) {
				t.Errorf("round %d: %s differs from a build without cache", round, out)
			}
		}
	}
	// The pack holds about one build's worth: what a build of the other
	// folder added may be gone, but once one build of a folder has run,
	// the next makes nothing.
	for i := range 2 {
		res, err := build.Build(context.Background(), build.Options{Src: dir, Out: outs[0], CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 && len(res.Made) != 0 {
			t.Errorf("a build with no change made %v", res.Made)
		}
	}
}

// TestNegativeZero: -0.0 in a dataset publishes the same bytes whether the
// dataset is parsed or comes from the cache.
func TestNegativeZero(t *testing.T) {
	dir := sitetest.Write(t, strings.Replace(cacheProject, "close = 1.0", "close = -0.0", 1))
	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	var trees []map[string]string
	for _, step := range []string{"cold", "from the cache"} {
		out := filepath.Join(t.TempDir(), "public")
		opts.Out = out
		if _, err := build.Build(context.Background(), opts); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		trees = append(trees, sitetest.Tree(t, out))
	}
	for name, sum := range trees[0] {
		if trees[1][name] != sum {
			t.Errorf("%s differs between a cold build and one from the cache", name)
		}
	}
}

// TestEntityPagesIncremental: adding a briefing that mentions only Hut 8
// rebuilds Hut 8's page (and its workbook, dated by its latest mention)
// and no other entity's page or the index; a deal naming Acme rebuilds
// Acme's outputs and the index, which counts deals.
func TestEntityPagesIncremental(t *testing.T) {
	dir := sitetest.Write(t, `
-- site.toml --
title = "Desk"
-- data/coverage.toml --
title = "Coverage"
source = "Desk"
kind = "entities"
[[rows]]
id = "hut8"
name = "Hut 8"
ticker = "HUT"
[[rows]]
id = "acme"
name = "Acme"
[[rows]]
id = "zeta"
name = "Zeta"
-- data/deals.toml --
title = "Deals"
source = "Desk"
kind = "deals"
[[rows]]
announced = 2026-01-03
company = "Hut 8"
counterparty = "Zeta"
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-06
+++
Hut 8, Acme and Zeta met.
`)
	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	if _, err := build.Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	entityPages := func(res *build.Result) []string {
		var out []string
		for _, f := range res.Made {
			if strings.HasPrefix(f, "entities/") {
				out = append(out, f)
			}
		}
		return out
	}
	if err := os.WriteFile(filepath.Join(dir, "content/briefings/w2.md"), []byte("+++\ntitle = \"Week two\"\ndate = 2026-01-13\n+++\nHut 8 again.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := build.Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	// Its workbook shows its moves and deals, not the briefings that
	// mention it: it stays as it was.
	if got, want := entityPages(res), []string{"entities/hut8/index.html"}; !slices.Equal(got, want) {
		t.Errorf("a briefing mentioning Hut 8 rebuilt %v, want %v", got, want)
	}
	if page := sitetest.Read(t, dir, "entities/hut8/index.html"); !strings.Contains(page, "Hut 8 again.") {
		t.Error("Hut 8's page does not list the new briefing")
	}
	deals, _ := os.ReadFile(filepath.Join(dir, "data/deals.toml"))
	deals = append(deals, "[[rows]]\nannounced = 2026-01-10\ncompany = \"Acme\"\ncounterparty = \"Someone\"\n"...)
	if err := os.WriteFile(filepath.Join(dir, "data/deals.toml"), deals, 0o644); err != nil {
		t.Fatal(err)
	}
	if res, err = build.Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got, want := entityPages(res), []string{"entities/acme/acme.xlsx", "entities/acme/index.html", "entities/index.html"}; !slices.Equal(got, want) {
		t.Errorf("a deal of Acme rebuilt %v, want %v", got, want)
	}
}

// TestSpareOutput: a build renders into the spare the previous build left
// (the output before it): the published site is exactly a fresh build's,
// unchanged files keep their inode and time, files that went away are gone,
// and a spare that holds a file brief did not list is never used, nor
// deleted.
func TestSpareOutput(t *testing.T) {
	dir := sitetest.Write(t, cacheProject)
	out := filepath.Join(t.TempDir(), "public")
	opts := build.Options{Src: dir, Out: out, CacheDir: filepath.Join(dir, ".brief-cache")}
	buildOnce := func() { t.Helper(); mustBuild(t, opts) }
	spare := filepath.Join(filepath.Dir(out), ".public.spare")
	buildOnce()
	buildOnce() // now there is a spare: the first build's output
	if _, err := os.Stat(filepath.Join(spare, "index.html")); err != nil {
		t.Fatalf("no spare after an exchange: %v", err)
	}
	before, _ := os.Stat(filepath.Join(out, "briefings/w1/w1-1.csv"))

	// A new briefing, and one that goes away: rendered into the spare.
	if err := os.WriteFile(filepath.Join(dir, "content/briefings/w9.md"), []byte("+++\ntitle = \"Week nine\"\ndate = 2026-02-26\n+++\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "content/briefings/w2.md")); err != nil {
		t.Fatal(err)
	}
	buildOnce()
	if got, want := sitetest.Tree(t, out), uncached(t, dir); !equalTrees(got, want) {
		t.Error("the output rendered into the spare differs from a fresh build")
	}
	after, _ := os.Stat(filepath.Join(out, "briefings/w1/w1-1.csv"))
	if !os.SameFile(before, after) || !before.ModTime().Equal(after.ModTime()) {
		t.Error("an unchanged file was rewritten: its inode or time changed")
	}
	if _, err := os.Stat(filepath.Join(out, "briefings/w2")); err == nil {
		t.Error("the folder of the removed briefing is still published")
	}

	// A file slipped into the spare: the spare is not used, so the file is
	// never published.
	if err := os.WriteFile(filepath.Join(spare, "intruder.html"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	buildOnce()
	if _, err := os.Stat(filepath.Join(out, "intruder.html")); err == nil {
		t.Error("a file brief did not write in the spare was published")
	}
	if _, err := os.Stat(filepath.Join(spare, "intruder.html")); err != nil {
		t.Errorf("the spare holding a file brief did not write was not left alone: %v", err)
	}
	if got, want := sitetest.Tree(t, out), uncached(t, dir); !equalTrees(got, want) {
		t.Error("after a spare was refused, the output differs from a fresh build")
	}
}

// TestListsKeyedBySizes: editing a briefing's prose makes its page and its
// workbook again, but not the home page, the topic pages, the feed or the
// sitemap, which show the workbook's size, not its key.
func TestListsKeyedBySizes(t *testing.T) {
	dir := sitetest.Write(t, cacheProject)
	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	if _, err := build.Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "content/briefings/w1.md")
	b, _ := os.ReadFile(file)
	if err := os.WriteFile(file, append(b, "\nOne more sentence.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := build.Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Made {
		if f == "index.html" || f == "feed.xml" || f == "sitemap.xml" || strings.HasPrefix(f, "tags/") {
			t.Errorf("editing prose made %s again", f)
		}
	}
	if !slices.Contains(res.Made, "briefings/w1/index.html") {
		t.Errorf("the edited briefing's page was not made again: %v", res.Made)
	}
}

// TestWorkbookKeyedByWhatItShows: a briefing's workbook and CSV files are
// keyed by what they show, not by the briefing's file: an edit of the prose
// makes neither again; an edit of anything they show makes them again, and
// after every edit the cached build equals a build without cache.
func TestWorkbookKeyedByWhatItShows(t *testing.T) {
	dir := sitetest.Write(t, `
-- site.toml --
title = "Desk"
-- data/prices.toml --
title = "Prices"
source = "Exchange"
kind = "series"
[[rows]]
date = 2026-01-01
close = 10.0
[[rows]]
date = 2026-01-05
close = 11.0
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-06
summary = "Sum."
+++
Prose. Close {{ prices.close }}.

`+"```chart\ndataset = \"prices\"\ntitle = \"Closes\"\nsubtitle = \"Daily\"\nmark_lines = [{ y = 10.5, label = \"Mid\" }]\n```\n\n```table\ndataset = \"prices\"\ncolumns = [\"date\", \"close\"]\n```\n")
	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	mustBuild(t, opts)
	const wb = "briefings/w1/w1.xlsx"
	tests := []struct {
		name, old, new string
		remade         bool
	}{
		{"prose", "Prose.", "Prose, edited.", false},
		{"chart title", `title = "Closes"`, `title = "Closing prices"`, true},
		{"subtitle", `subtitle = "Daily"`, `subtitle = "Each day"`, true},
		{"mark label", `label = "Mid"`, `label = "Middle"`, true},
		{"mark value", "y = 10.5", "y = 10.25", true},
		{"columns", `columns = ["date", "close"]`, `columns = ["close", "date"]`, true},
		{"chart type", `subtitle = "Each day"`, "subtitle = \"Each day\"\ntype = \"bar\"", true},
		{"inline value", "{{ prices.close }}", "{{ prices.close | max }}", true},
		{"summary", `summary = "Sum."`, `summary = "Summary."`, true},
	}
	for _, tt := range tests {
		sitetest.Edit(t, dir, "content/briefings/w1.md", tt.old, tt.new)
		res := mustBuild(t, opts)
		if got := slices.Contains(res.Made, wb); got != tt.remade {
			t.Errorf("%s: workbook made again = %v, want %v", tt.name, got, tt.remade)
		}
		if !tt.remade && slices.ContainsFunc(res.Made, func(f string) bool { return strings.HasSuffix(f, ".csv") }) {
			t.Errorf("%s: a CSV file was made again: %v", tt.name, res.Made)
		}
		if !equalTrees(sitetest.Tree(t, filepath.Join(dir, "public")), uncached(t, dir)) {
			t.Errorf("%s: the cached build differs from a build without cache", tt.name)
		}
	}
}

// TestPreviewSeesEveryDatasetShown: for every way a briefing can show a
// dataset (chart, table, changes block, card value, card change, inline
// value in the prose, a company named in the prose), a dataset shown only
// that way is edited, and the preview's engine, which keeps bindings in
// memory between builds, gives the pages of a build without cache. It once
// kept the old number of a dataset quoted only inline.
func TestPreviewSeesEveryDatasetShown(t *testing.T) {
	ways := []struct{ name, use string }{
		{"chart", "```chart\ndataset = \"chart\"\n```\n"},
		{"table", "```table\ndataset = \"table\"\n```\n"},
		{"changes", "```changes\ndataset = \"changes\"\n```\n"},
		{"card", "```numbers\n[[card]]\nlabel = \"Value\"\nvalue = \"card.close\"\nchange = \"cardchange.close | change 2026-01-01\"\n```\n"},
		{"cardchange", ""}, // shown by the card above
		{"inline", "The close is {{ inline.close }}.\n"},
	}
	files := "-- site.toml --\ntitle = \"Desk\"\nbase_url = \"https://example.org/\"\n" +
		"-- data/coverage.toml --\ntitle = \"Coverage\"\nsource = \"Desk\"\nkind = \"entities\"\n[[rows]]\nid = \"acme\"\nname = \"Acme\"\n" +
		"-- content/briefings/w1.md --\n+++\ntitle = \"Week\"\ndate = 2026-01-08\n+++\nZenith rose.\n\n"
	for _, w := range ways {
		files += w.use + "\n"
	}
	edits := []struct{ name, file, old, new string }{{"mention", "data/coverage.toml", `name = "Acme"`, `name = "Zenith"`}}
	for _, w := range ways {
		files += fmt.Sprintf("-- data/%s.toml --\ntitle = %q\nsource = \"Exchange\"\nkind = \"series\"\n"+
			"[[rows]]\ndate = 2026-01-01\nclose = 1.25\n[[rows]]\ndate = 2026-01-08\nclose = 2.25\n", w.name, "Data "+w.name)
		edits = append(edits, struct{ name, file, old, new string }{w.name, "data/" + w.name + ".toml", "close = 2.25", "close = 7.75"})
	}
	dir := sitetest.Write(t, files)
	engine := build.NewEngine(build.Options{Src: dir})
	if _, err := engine.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		sitetest.Edit(t, dir, e.file, e.old, e.new)
		snap, err := engine.Build(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := uncached(t, dir)
		for name, data := range snap.Files {
			if sum := sha256.Sum256(data); want[name] != hex.EncodeToString(sum[:]) {
				t.Errorf("%s edited: %s in the preview differs from a build without cache", e.name, name)
			}
		}
		delete(want, publish.ManifestName) // only a build on disk keeps one
		if len(snap.Files) != len(want) {
			t.Errorf("%s edited: the preview has %d files, a build without cache %d", e.name, len(snap.Files), len(want))
		}
	}
}
