package build_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/check"
	"github.com/brief-desk/brief/internal/fixture"
	"github.com/brief-desk/brief/internal/golden"
	"github.com/brief-desk/brief/internal/sitetest"
)

// project is a small site with two briefings, a draft, and data dated after
// the older briefing.
// project is the desk fixture: two datasets, two briefings and a draft.
var project = fixture.Archive("desk")

func TestBuildSite(t *testing.T) {
	dir := sitetest.MustBuild(t, project)
	index := sitetest.Read(t, dir, "index.html")
	if i, j := strings.Index(index, "Week two"), strings.Index(index, "Week one"); i < 0 || j < 0 || i > j {
		t.Errorf("index does not list the latest briefing first:\n%s", index)
	}
	if strings.Contains(index, "Week three") {
		t.Error("a draft is listed without --drafts")
	}
	if !strings.Contains(index, "Desk &lt;Notes&gt;") {
		t.Error("site title is not escaped")
	}

	one := sitetest.Read(t, dir, "briefings/week-1/index.html")
	// As of 2026-01-08: the 2026-01-15 price is not visible.
	for _, want := range []string{"10.5", "11.25", `href="../../index.html"`, `<a href="https://example.org/prices">Exchange</a>`} {
		if !strings.Contains(one, want) {
			t.Errorf("week-1 page lacks %q", want)
		}
	}
	if strings.Contains(one, "<td class=\"num\">12</td>") {
		t.Error("week-1 shows a row dated after the briefing")
	}
	if strings.Contains(one, "<b>raw html</b>") {
		t.Error("raw HTML from markdown reached the page")
	}
	// Moves default: the latest day on or before the briefing, sorted by change, descending.
	if i, j := strings.Index(one, "BBB"), strings.Index(one, "AAA"); i < 0 || j < 0 || i > j {
		t.Error("moves chart is not sorted by change descending")
	}
	if strings.Contains(one, "2026-01-09") {
		t.Error("moves chart shows a day after the briefing")
	}

	two := sitetest.Read(t, dir, "briefings/week-2/index.html")
	if !regexp.MustCompile(`(?s)<td class="num">12</td>.*<td class="num">11.25</td>`).MatchString(two) || strings.Contains(two, ">10.5<") {
		t.Errorf("table block sort/limit wrong:\n%s", two)
	}

	tag := sitetest.Read(t, dir, "tags/markets/index.html")
	if !strings.Contains(tag, "Week one") || !strings.Contains(tag, "Week two") {
		t.Error("tag page lacks its briefings")
	}
	sitetest.Read(t, dir, "tags/ai-hosting/index.html")

	var feed struct {
		Entries []struct {
			Title string `xml:"title"`
			ID    string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(sitetest.Read(t, dir, "feed.xml")), &feed); err != nil {
		t.Fatal(err)
	}
	if len(feed.Entries) != 2 || feed.Entries[0].ID != "https://example.org/sub/briefings/week-2/" {
		t.Errorf("feed entries = %+v", feed.Entries)
	}
	if sm := sitetest.Read(t, dir, "sitemap.xml"); !strings.Contains(sm, "<loc>https://example.org/sub/briefings/week-1/</loc>") {
		t.Errorf("sitemap:\n%s", sm)
	}
	if nf := sitetest.Read(t, dir, "404.html"); !strings.Contains(nf, `href="https://example.org/sub/index.html"`) {
		t.Errorf("404 page links are not absolute:\n%s", nf)
	}
	broken, err := check.CheckLinks(filepath.Join(dir, "public"))
	if err != nil || len(broken) > 0 {
		t.Errorf("broken links: %v %v", broken, err)
	}
}

func TestDrafts(t *testing.T) {
	dir := sitetest.Write(t, project)
	if _, err := sitetest.Build(t, dir, build.Options{Drafts: true}); err != nil {
		t.Fatal(err)
	}
	if index := sitetest.Read(t, dir, "index.html"); !strings.Contains(index, "Week three") {
		t.Error("--drafts does not include the draft")
	}
}

func TestFailedBuildKeepsOutput(t *testing.T) {
	dir := sitetest.MustBuild(t, project)
	before := sitetest.Tree(t, filepath.Join(dir, "public"))
	sitetest.Edit(t, dir, "data/prices.toml", "close = 11.25", `close = "n/a"`)
	sitetest.Edit(t, dir, "content/briefings/week-2.md", `dataset = "prices"`, `dataset = "prics"`)
	_, err := sitetest.Build(t, dir, build.Options{})
	want := []string{
		`content/briefings/week-2.md:7:11: table block: unknown dataset "prics" (did you mean "prices"?); datasets are moves, prices`,
		`data/prices.toml:10:9: rows[1].close: want a number, got string "n/a" (the rest of the column holds numbers)`,
	}
	if got := sitetest.Lines(err); !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if after := sitetest.Tree(t, filepath.Join(dir, "public")); !maps.Equal(before, after) {
		t.Error("a failed build changed the previous output")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public") {
			t.Errorf("temporary folder %s left behind", e.Name())
		}
	}
}

func TestBindErrors(t *testing.T) {
	dir := sitetest.Write(t, project+`
-- content/briefings/bad.md --
+++
title = "Bad"
date = 2026-01-15
+++
`+"```chart"+`
dataset = "prices"
x = "dat"
y = ["close", "volume"]
where = { close = "high" }
sort = "-clsoe"
mark_lines = [{ x = "2026" }]
`+"```"+`

`+"```table"+`
dataset = "moves"
from = 2026-01-01
columns = ["ticker", "name"]
`+"```"+`
-- data/notes.toml --
title = "Notes"
source = "Desk"
[[rows]]
label = "a"
value = 1
-- content/briefings/bad2.md --
+++
title = "Bad 2"
date = 2026-01-15
+++
`+"```chart"+`
dataset = "notes"
x = "label"
from = 2026-01-01
`+"```"+`
`)
	_, err := sitetest.Build(t, dir, build.Options{})
	want := []string{
		`content/briefings/bad.md:7:5: chart block: x: dataset "prices" has no column "dat" (did you mean "date"?); its columns are date, close`,
		`content/briefings/bad.md:8:5: chart block: y: dataset "prices" has no column "volume"; its columns are date, close`,
		`content/briefings/bad.md:9:19: chart block: where.close: column "close" holds numbers, got string "high"`,
		`content/briefings/bad.md:10:8: chart block: sort: dataset "prices" has no column "clsoe" (did you mean "close"?); its columns are date, close`,
		`content/briefings/bad.md:17:11: table block: columns: dataset "moves" has no column "name"; its columns are date, ticker, change_pct`,
		`content/briefings/bad2.md:6:11: chart block: a chart of the table "notes" needs both x and y: name the category column with x = "..." and the number columns with y = [...] (with neither, the block shows a table)`,
		`content/briefings/bad2.md:8:8: chart block: from: dataset "notes" has no date column to window on`,
	}
	if got := sitetest.Lines(err); !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, statErr := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(statErr) {
		t.Error("a failed first build created public/")
	}
}

// TestChartOfTableDefaultsToTable: the contract's default chart of a table
// dataset, and of deals without value_usd, is a table.
func TestChartOfTableDefaultsToTable(t *testing.T) {
	dir := sitetest.MustBuild(t, project+`
-- data/levels.toml --
title = "Levels"
source = "Desk"
[[rows]]
level = "High"
usd = 126210
-- data/leases.toml --
title = "Leases"
source = "Desk"
kind = "deals"
[[rows]]
announced = 2026-01-01
company = "TeraWulf"
counterparty = "G42"
capacity_mw = 70
-- content/briefings/levels.md --
+++
title = "Levels"
date = 2026-01-20
+++
`+"```chart"+`
dataset = "levels"
`+"```"+`

`+"```chart"+`
dataset = "leases"
`+"```"+`
`)
	page := sitetest.Read(t, dir, "briefings/levels/index.html")
	if strings.Contains(page, `class="chart"`) || strings.Count(page, `class="block block-table"`) != 2 || !strings.Contains(page, "126,210") || !strings.Contains(page, "G42") {
		t.Errorf("chart blocks without x and y on a table and on deals without value_usd should render as tables:\n%s", page)
	}
}

func TestDuplicateSlug(t *testing.T) {
	dir := sitetest.Write(t, project+`
-- content/briefings/zz.md --
+++
title = "Again"
date = 2026-01-01
slug = "week-1"
+++
`)
	_, err := sitetest.Build(t, dir, build.Options{})
	if got := sitetest.Lines(err); len(got) != 1 || got[0] != `content/briefings/zz.md:1:1: slug "week-1" is already used by content/briefings/week-1.md; rename one of the files or set slug = "..."` {
		t.Errorf("got %v", got)
	}
}

func TestTemplateOverride(t *testing.T) {
	dir := sitetest.MustBuild(t, project+`
-- templates/tag.html --
{{define "main"}}<p class="custom">Custom topic page for {{.Tag.Name}}</p>{{end}}
-- templates/assets/brief.css --
body { color: red; }
`)
	if tag := sitetest.Read(t, dir, "tags/markets/index.html"); !strings.Contains(tag, `<p class="custom">Custom topic page for markets</p>`) {
		t.Errorf("override not used:\n%s", tag)
	}
	index := sitetest.Read(t, dir, "index.html")
	css := regexp.MustCompile(`assets/brief\.[0-9a-f]{8}\.css`).FindString(index)
	if css == "" || sitetest.Read(t, dir, css) != "body { color: red; }\n" {
		t.Errorf("stylesheet override not used (%q)", css)
	}
}

func TestTemplateError(t *testing.T) {
	dir := sitetest.Write(t, project+`
-- templates/tag.html --
{{define "main"}}{{.Nope}{{end}}
`)
	_, err := sitetest.Build(t, dir, build.Options{})
	if got := sitetest.Lines(err); len(got) != 1 || got[0] != `templates/tag.html:1:1: template: bad character U+007D '}'` {
		t.Errorf("got %v", got)
	}
}

// TestOutputSafety: brief replaces only a folder it wrote, never one inside
// the project but public/, and never deletes a file it did not write.
func TestOutputSafety(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) (out string) // returns --out
		want  string                                      // in the error; "" for success
	}{
		{"project itself", func(t *testing.T, dir string) string { return dir }, "it holds the project"},
		{"parent of project", func(t *testing.T, dir string) string { return filepath.Dir(dir) }, "it holds the project"},
		{"templates with an index.html", func(t *testing.T, dir string) string {
			writeFiles(t, dir, map[string]string{"templates/index.html": "{{define \"main\"}}mine{{end}}"})
			return filepath.Join(dir, "templates")
		}, "it is inside the project, where brief writes only public/"},
		{"an empty folder inside the project", func(t *testing.T, dir string) string {
			return filepath.Join(dir, "site")
		}, "it is inside the project"},
		{"hand-made web root", func(t *testing.T, dir string) string {
			root := t.TempDir()
			writeFiles(t, root, map[string]string{"index.html": "home", "contact.html": "call", "photos/a.jpg": "jpg"})
			return root
		}, "it is not empty and has no .brief-manifest"},
		{"hand-made web root, and a broken briefing: the output is refused first", func(t *testing.T, dir string) string {
			writeFiles(t, dir, map[string]string{"content/briefings/broken.md": "+++\ntitle = \n+++\n"})
			root := t.TempDir()
			writeFiles(t, root, map[string]string{"index.html": "home"})
			return root
		}, "it is not empty and has no .brief-manifest"},
		{"brief's output with a file added by hand", func(t *testing.T, dir string) string {
			if _, err := sitetest.Build(t, dir, build.Options{}); err != nil {
				t.Fatal(err)
			}
			writeFiles(t, dir, map[string]string{"public/contact.html": "call", "public/photos/a.jpg": "jpg"})
			return filepath.Join(dir, "public")
		}, "contact.html, photos/a.jpg were not written by brief"},
		{"brief's output", func(t *testing.T, dir string) string {
			if _, err := sitetest.Build(t, dir, build.Options{}); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(dir, "public")
		}, ""},
		{"an empty folder outside", func(t *testing.T, dir string) string { return t.TempDir() }, ""},
		{"a new folder outside", func(t *testing.T, dir string) string { return filepath.Join(t.TempDir(), "a", "b") }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := sitetest.Write(t, project)
			out := tt.setup(t, dir)
			before := map[string]string{}
			if _, err := os.Stat(out); err == nil {
				before = sitetest.Tree(t, out)
			}
			_, err := sitetest.Build(t, dir, build.Options{Out: out})
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(sitetest.ReadFile(t, filepath.Join(out, ".brief-manifest")), "\nindex.html\n") {
					t.Error("the manifest does not list index.html")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if len(before) > 0 && !equalTrees(before, sitetest.Tree(t, out)) {
				t.Error("a refused build changed the folder")
			}
		})
	}
}

// TestOutputSymlink: an output that is a symbolic link is followed: the
// folder it points to gets the new site and the link stays.
func TestOutputSymlink(t *testing.T) {
	dir := sitetest.Write(t, project)
	www := filepath.Join(t.TempDir(), "site")
	if err := os.Symlink(www, filepath.Join(dir, "public")); err != nil {
		t.Fatal(err)
	}
	if _, err := sitetest.Build(t, dir, build.Options{}); err == nil || !strings.Contains(err.Error(), "symbolic link to a folder that does not exist") {
		t.Fatalf("a dangling link: err = %v", err)
	}
	if err := os.Mkdir(www, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if i == 1 {
			sitetest.Edit(t, dir, "content/briefings/week-1.md", "Prose with", "Changed prose with")
		}
		if _, err := sitetest.Build(t, dir, build.Options{}); err != nil {
			t.Fatal(err)
		}
		st, err := os.Lstat(filepath.Join(dir, "public"))
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("public is no longer a link: %v %v", st, err)
		}
		page := sitetest.ReadFile(t, filepath.Join(www, "briefings/week-1/index.html"))
		if i == 1 && !strings.Contains(page, "Changed prose") {
			t.Error("the linked folder was not updated")
		}
	}
}

// TestCacheDirSafety: a folder that is not brief's is never used as the
// cache, and pruning deletes only brief's own entries.
func TestCacheDirSafety(t *testing.T) {
	dir := sitetest.Write(t, project)
	_, err := sitetest.Build(t, dir, build.Options{CacheDir: filepath.Join(dir, "content")})
	if err == nil || !strings.Contains(err.Error(), "refusing to use") || !strings.Contains(err.Error(), "has no CACHEDIR.TAG written by brief") {
		t.Fatalf("--cache content: err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "content", ".gitignore")); err == nil {
		t.Error("content/.gitignore was written")
	}
	for _, c := range []string{dir, filepath.Join(dir, "public"), filepath.Join(dir, "public", "cache")} {
		if _, err := sitetest.Build(t, dir, build.Options{CacheDir: c}); err == nil {
			t.Errorf("--cache %s was accepted", c)
		}
	}
	cache := filepath.Join(dir, ".brief-cache")
	if _, err := sitetest.Build(t, dir, build.Options{CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	mine := map[string]string{"v1/notes.txt": "mine", "v1/ab/notes.txt": "mine", "v1/ab/" + strings.Repeat("0", 64): "not named for its shard",
		"v2/notes.txt": "mine", "v2/.tmp-notes": "mine"}
	writeFiles(t, cache, mine)
	// An entry of the first cache format, which brief wrote: removed.
	oldEntry := "v1/ab/ab" + strings.Repeat("0", 62)
	writeFiles(t, cache, map[string]string{oldEntry: "brief-cache-v2\n"})
	sitetest.Edit(t, dir, "content/briefings/week-1.md", "Prose with", "Changed prose with")
	if _, err := sitetest.Build(t, dir, build.Options{CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	for rel := range mine {
		if _, err := os.Stat(filepath.Join(cache, filepath.FromSlash(rel))); err != nil {
			t.Errorf("pruning removed %s, which brief did not write", rel)
		}
	}
	if _, err := os.Stat(filepath.Join(cache, filepath.FromSlash(oldEntry))); err == nil {
		t.Errorf("the old cache entry %s was kept", oldEntry)
	}
}

// TestSampleGolden builds the repository's own sample site and compares the
// briefing page, the lists (home, year, topic) and the company pages (one with moves and deals,
// one with deals only, one only mentioned) with the golden files. Run with
// -update to accept a change.
func TestSampleGolden(t *testing.T) {
	root, _ := filepath.Abs("../..")
	out := t.TempDir()
	res, err := build.Build(context.Background(), build.Options{Src: root, Out: filepath.Join(out, "public")})
	if err != nil {
		t.Fatal(err)
	}
	broken, err := check.CheckLinks(res.Out)
	if err != nil || len(broken) > 0 {
		t.Errorf("broken links in the sample site: %v %v", broken, err)
	}
	pages := []string{"briefings/2026-01-02-miners-turn-ai-landlords/index.html", "index.html", "archive/2026/index.html",
		"tags/miners/index.html", "feed.xml", "sitemap.xml", "entities/index.html", "entities/hut8/index.html", "entities/fluidstack/index.html", "entities/nvidia/index.html"}
	for _, page := range pages {
		got, err := os.ReadFile(filepath.Join(res.Out, page))
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "golden", strings.ReplaceAll(page, "/", "_")), got)
	}
}

// writeFiles writes files (slash paths) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBlockCSV: each block's CSV holds exactly the rows and columns the
// block shows as of the briefing's date, readable by encoding/csv, and the
// page links it with its size.
func TestBlockCSV(t *testing.T) {
	dir := sitetest.MustBuild(t, project)
	read := func(rel string) [][]string {
		t.Helper()
		b := []byte(sitetest.Read(t, dir, rel))
		if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
			t.Errorf("%s has no byte-order mark", rel)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	tests := []struct {
		rel  string
		want [][]string
	}{
		// As of 2026-01-08: the 2026-01-15 price is not there.
		{"briefings/week-1/week-1-1.csv", [][]string{{"Date", "Close"}, {"2026-01-01", "10.5"}, {"2026-01-08", "11.25"}}},
		// The latest day's moves, largest first.
		{"briefings/week-1/week-1-2.csv", [][]string{{"Ticker", "Change pct", "Date"}, {"BBB", "10.8", "2026-01-02"}, {"AAA", "-4.5", "2026-01-02"}}},
		// sort = "-close", limit = 2.
		{"briefings/week-2/week-2-1.csv", [][]string{{"Date", "Close"}, {"2026-01-15", "12"}, {"2026-01-08", "11.25"}}},
	}
	for _, tt := range tests {
		if got := read(tt.rel); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.rel, got, tt.want)
		}
	}
	if page := sitetest.Read(t, dir, "briefings/week-1/index.html"); !strings.Contains(page, `<a href="week-1-2.csv" download>CSV</a> <span class="size">(1 KB)</span>`) {
		t.Error("the page does not link the block's CSV with its size")
	}
}

// TestQuotedFiguresSheet: the workbook lists every inline value with its
// raw value (only a number is a value: text that reads as one is not),
// what the text shows, the dataset, its source and the row's date.
func TestQuotedFiguresSheet(t *testing.T) {
	dir := sitetest.MustBuild(t, project+`
-- data/codes.toml --
title = "Codes"
source = "Registry"
[[rows]]
code = "8"
label = "NaN"
-- content/briefings/week-4.md --
+++
title = "Week four"
date = 2026-01-16
+++
Close {{ prices.close }}, {{ prices.close | change 2026-01-01 }} since the first; {{ moves | count }} moves.
Codes {{ codes.code }} and {{ codes.label }}.
`)
	f, err := excelize.OpenFile(filepath.Join(dir, "public/briefings/week-4/week-4.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Quoted figures")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Expression", "Value", "Shown as", "Dataset", "Source", "Row date"},
		{"{{ prices.close }}", "12", "12", "prices", "Exchange", "2026-01-15"},
		{"{{ prices.close | change 2026-01-01 }}", "14.2857142857142", "+14.3%", "prices", "Exchange", "2026-01-15"},
		{"{{ moves | count }}", "3", "3", "moves", "Exchange"},
		{"{{ codes.code }}", "", "8", "codes", "Registry"},
		{"{{ codes.label }}", "", "NaN", "codes", "Registry"},
	}
	raw, err := f.GetRows("Quoted figures", excelize.Options{RawCellValue: true})
	if err != nil || len(raw) != len(rows) {
		t.Fatal(err)
	}
	for i := 1; i < len(rows); i++ {
		rows[i][1] = raw[i][1] // the value as stored, not as the number format shows it
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("Quoted figures:\n got %q\nwant %q", rows, want)
	}
}

// TestEChartsSources: pages load the ECharts built into brief, unless the
// project overrides it, BRIEF_ECHARTS names another copy, or echarts_url a
// CDN; only brief's own bundle is published with its licenses.
func TestEChartsSources(t *testing.T) {
	const chartProject = `
-- site.toml --
title = "Desk"
base_url = "https://example.org/"
-- data/prices.toml --
title = "Prices"
source = "Exchange"
kind = "series"
[[rows]]
date = 2026-01-01
close = 1
-- content/briefings/w.md --
+++
title = "W"
date = 2026-01-02
+++
` + "```chart\ndataset = \"prices\"\n```\n"
	own := filepath.Join(t.TempDir(), "echarts.min.js")
	if err := os.WriteFile(own, []byte("/* echarts from BRIEF_ECHARTS */"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, extra, env string
		src              *regexp.Regexp // the script the page loads
		license          bool
	}{
		{"built in", "", "", regexp.MustCompile(`src="\.\./\.\./assets/echarts\.min\.[0-9a-f]{8}\.js"`), true},
		{"project override", "-- templates/assets/echarts.min.js --\n/* echarts of the project */\n", "", regexp.MustCompile(`src="\.\./\.\./assets/echarts\.min\.[0-9a-f]{8}\.js"`), false},
		{"BRIEF_ECHARTS", "", own, regexp.MustCompile(`src="\.\./\.\./assets/echarts\.min\.[0-9a-f]{8}\.js"`), false},
		{"echarts_url", "-- site.toml --\ntitle = \"Desk\"\necharts_url = \"https://cdn.example.net/echarts.min.js\"\n", "", regexp.MustCompile(`src="https://cdn\.example\.net/echarts\.min\.js"`), false},
	}
	want := map[string]string{"project override": "/* echarts of the project */\n", "BRIEF_ECHARTS": "/* echarts from BRIEF_ECHARTS */"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := sitetest.Write(t, chartProject+tt.extra)
			if _, err := sitetest.Build(t, dir, build.Options{ECharts: tt.env}); err != nil {
				t.Fatal(err)
			}
			page := sitetest.Read(t, dir, "briefings/w/index.html")
			m := tt.src.FindString(page)
			if m == "" {
				t.Fatalf("the page does not load %s", tt.src)
			}
			if w, ok := want[tt.name]; ok {
				got := sitetest.Read(t, dir, strings.TrimSuffix(strings.TrimPrefix(m, `src="../../`), `"`))
				if got != w {
					t.Errorf("published %q, want %q", got, w)
				}
			}
			_, err := os.Stat(filepath.Join(dir, "public/assets/echarts.LICENSE.txt"))
			if (err == nil) != tt.license {
				t.Errorf("licenses published: %v, want %v", err == nil, tt.license)
			}
		})
	}
}
