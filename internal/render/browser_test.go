package render_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/render"
	"github.com/brief-desk/brief/internal/scaffold"
	"github.com/brief-desk/brief/internal/sitetest"
)

// A site as a reader's browser opens it: the repository's sample project
// and what brief init writes, each built, with the email of its latest
// briefing as a browser shows it alone (images inline).
type site struct {
	name  string
	out   string   // the built site
	pages []string // every page of it, as slash paths
	email string   // the email's HTML, a file
}

// cases is a project of what the sample does not show: cards that rose,
// fell and stayed flat, a table of eight columns with long text, empty
// cells and negative numbers, a narrow table, a markdown table in the
// prose.
const cases = `
-- site.toml --
title = "Cases"
-- data/price.toml --
title = "Price"
source = "Exchange"
kind = "series"
[[rows]]
date = 2026-01-01
close = 100.0
flat = 5.0
[[rows]]
date = 2026-02-02
close = 103.3
flat = 5.0
-- data/fall.toml --
title = "Fall"
source = "Exchange"
kind = "series"
[[rows]]
date = 2026-01-01
level = 50.0
[[rows]]
date = 2026-02-02
level = 46.0
-- data/book.toml --
title = "Order book"
source = "Desk"
[columns.value_usd]
format = "usd_compact"
[columns.change_pct]
label = "Change"
[[rows]]
name = "Northern Lights Data Campus"
region = "North America"
sponsor = "Consortium of regional utilities"
value_usd = 1_250_000_000
term_years = 12
change_pct = -4.2
status = "Signed"
detail = "A twelve-year lease of the first two halls, with an option on a third that the tenant may exercise within eighteen months of the start date."
[[rows]]
name = "Harbour"
region = "Europe"
value_usd = 80_000_000
change_pct = 3.1
status = "Talks"
detail = "Terms not disclosed."
[[rows]]
name = "Ridge"
region = "Asia"
sponsor = "Sovereign fund"
term_years = 5
status = "Signed"
detail = "Power purchase agreement for 200 MW over five years, indexed to the regional wholesale price."
-- content/briefings/2026-02-02-cases.md --
+++
title = "Cases"
date = 2026-02-02
summary = "Cards, a wide table, empty cells."
tags = ["cases"]
+++
Prose before the cards.

` + "```" + `numbers
[[card]]
label  = "Rose"
value  = "price.close"
change = "price.close | change 2026-01-01"
[[card]]
label  = "Fell"
value  = "fall.level"
change = "fall.level | change 2026-01-01"
[[card]]
label  = "Flat"
value  = "price.flat"
change = "price.flat | change 2026-01-01"
` + "```" + `

` + "```" + `table
dataset = "book"
title   = "The order book, every column"
` + "```" + `

` + "```" + `table
dataset = "fall"
` + "```" + `

| Site | Region | Value | Note |
| --- | --- | ---: | --- |
| Harbour | Europe | 80 | a markdown table in the prose |
`

// buildSites builds the sample project (the repository's root), the init
// project, the cases and an archive of two years (writeArchive).
func buildSites(t *testing.T) []site {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	starter := t.TempDir()
	if _, err := scaffold.Write(starter); err != nil {
		t.Fatal(err)
	}
	// The year pages of a larger archive, and a topic's (its briefings'
	// pages are like the sample's, and left out).
	archive, _ := writeArchive(t, archiveSize)
	var sites []site
	for _, s := range []struct{ name, src string }{{"sample", root}, {"init", starter}, {"cases", sitetest.Write(t, cases)}, {"archive", archive}} {
		out := filepath.Join(t.TempDir(), "public")
		res, err := build.Build(context.Background(), build.Options{Src: s.src, Out: out})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		st := site{name: s.name, out: out}
		for _, f := range res.Files {
			if strings.HasSuffix(f, ".html") && (s.name != "archive" || !strings.HasPrefix(f, "briefings/")) {
				st.pages = append(st.pages, f)
			}
		}
		p, err := project.Load(context.Background(), project.Options{Src: s.src}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e, err := render.NewEmail(p, p.Briefings[0], render.Options{}, render.Attach{Workbook: true})
		if err != nil {
			t.Fatal(err)
		}
		st.email = filepath.Join(t.TempDir(), s.name+"-email.html")
		if err := os.WriteFile(st.email, e.Inlined(), 0o644); err != nil {
			t.Fatal(err)
		}
		sites = append(sites, st)
	}
	return sites
}

func fileURL(p string) string { return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String() }

// screen is a browser window: its width in CSS pixels and its colour scheme.
type screen struct {
	width int
	dark  bool
}

func (s screen) String() string {
	if s.dark {
		return fmt.Sprintf("%d px, dark", s.width)
	}
	return fmt.Sprintf("%d px", s.width)
}

// show makes the tab a screen of that size and scheme, a phone's below 768
// px (headless Chromium keeps its window at least 500 px wide: the device
// metrics make the page as wide as a phone's), then opens url and waits
// for its charts.
func show(t *testing.T, p *sitetest.Page, s screen, url string) {
	t.Helper()
	if _, err := chromedp.Call(p.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: int64(s.width), Height: 900, DeviceScaleFactor: 1, Mobile: s.width < 768,
	}); err != nil {
		t.Fatal(err)
	}
	scheme := "light"
	if s.dark {
		scheme = "dark"
	}
	if _, err := chromedp.Call(p.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		t.Fatal(err)
	}
	p.Open(t, url)
	// Every chart live (or none on the page), then a frame for its layout.
	deadline := time.Now().Add(15 * time.Second)
	for !sitetest.Eval[bool](t, p, `Array.from(document.querySelectorAll('.chart[data-option]')).every(el => window.echarts && echarts.getInstanceByDom(el))`) {
		if time.Now().After(deadline) {
			t.Fatalf("%s at %s: the charts are not drawn", url, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
	evalAsync[bool](t, p, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
}

// evalAsync is sitetest.Eval of an expression that gives a promise.
func evalAsync[T any](t *testing.T, p *sitetest.Page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](expr, func(e *runtime.EvaluateParams) { yes := true; e.AwaitPromise = &yes }))
	if err != nil {
		t.Fatalf("evaluating %.80s: %v", expr, err)
	}
	return v
}

// screenshot saves the whole page as a PNG in $BRIEF_SCREENSHOTS, when it
// is set: a person looks at them before a change to the layout lands.
func screenshot(t *testing.T, p *sitetest.Page, name string) {
	t.Helper()
	dir := os.Getenv("BRIEF_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// overflow lists what is too wide on the page: the page itself when it
// scrolls sideways, and every table of up to 8 columns wider than its box
// (with the chart's data tables unfolded). An empty list when all fits.
const overflow = `(() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) out.push('the page scrolls sideways: ' + doc.scrollWidth + ' px wide in a window of ' + window.innerWidth);
  if (TABLES) document.querySelectorAll('table:not([role=presentation])').forEach((t, i) => {
    const cols = Math.max(0, ...Array.from(t.rows).map(r => r.cells.length));
    if (cols > 8) return;
    const box = t.parentElement;
    const w = t.getBoundingClientRect().width, room = box.clientWidth;
    const name = (t.closest('figure') || t.closest('[aria-label]') || box).id || t.closest('[aria-label]')?.getAttribute('aria-label') || 'table ' + (i + 1);
    if (w > room + 1) out.push(name + ': a table of ' + cols + ' columns is ' + Math.round(w) + ' px wide in a box of ' + room + ' px');
  });
  return out;
})()`

// axeScript is axe-core, pinned in package-lock.json; make test installs it.
const axeScript = "../../node_modules/axe-core/axe.min.js"

// axeRun runs every axe-core rule but the experimental ones over the page
// and gives one line for each element of each violation. RULES are the
// options of the run (preload off: from file: it cannot fetch the style
// sheets again, and needs not).
const axeRun = `axe.run(document, RULES).then(r => r.violations.flatMap(v => v.nodes.map(n =>
  v.id + ' (' + v.impact + '): ' + n.target.join(' ') + ': ' + (n.failureSummary || v.help).replace(/\s+/g, ' '))))`

// emailRules leave out, for the email, the two rules about a page's
// landmarks: a mail client shows the message inside its own page, whose
// main landmark and regions hold it.
const emailRules = `{preload: false, rules: {'landmark-one-main': {enabled: false}, region: {enabled: false}}}`

// kindOf names the kind of a page of the site by its path: "home",
// "briefing", "tag", "tag-year" (a topic's year), "topics", "companies",
// "company", "archive" (a year's), "404".
func kindOf(f string) string {
	switch {
	case regexp.MustCompile(`^tags/[^/]+/\d{4}/index\.html$`).MatchString(f):
		return "tag-year"
	case f == "index.html":
		return "home"
	case f == "404.html":
		return "404"
	case f == "tags/index.html":
		return "topics"
	case f == "entities/index.html":
		return "companies"
	case strings.HasPrefix(f, "briefings/"):
		return "briefing"
	case strings.HasPrefix(f, "tags/"):
		return "tag"
	case strings.HasPrefix(f, "entities/"):
		return "company"
	}
	return "archive"
}

// TestBrowserPages opens the pages of the sample site, of the init project
// and of the cases, and each one's email, at a phone's, a tablet's and a
// desktop's width, light and dark:
//
//   - no page scrolls sideways, at 360, 390, 768 and 1,366 px (every page
//     at 390 and 1,366, the largest of each kind at the others), nor the
//     email at 390 and 600;
//   - at 1,366 px no table of up to 8 columns is wider than its box (a
//     reader would have to find its last columns), nor in the email at 390
//     and 600 px;
//   - axe-core finds no violation on the largest page of each kind and on
//     the email, at 1,366 and 390 px, light and dark.
//
// With BRIEF_SCREENSHOTS set to a folder, it saves there a screenshot of
// each page it runs axe-core on.
func TestBrowserPages(t *testing.T) {
	sitetest.Chromium(t)
	// Without axe-core the widths are still checked; the test is skipped
	// at the end (failed under BRIEF_REQUIRE_TOOLS).
	axe, err := os.ReadFile(axeScript)
	if err != nil {
		defer sitetest.SkipWithout(t, "axe-core", "run npm ci in the repository")
	}
	for _, st := range buildSites(t) {
		// One page of each kind: the largest, which shows the most.
		largest := map[string]string{}
		size := func(f string) int64 {
			fi, err := os.Stat(filepath.Join(st.out, f))
			if err != nil {
				t.Fatal(err)
			}
			return fi.Size()
		}
		for _, f := range st.pages {
			if k := kindOf(f); largest[k] == "" || size(f) > size(largest[k]) {
				largest[k] = f
			}
		}
		var firsts []string
		for _, f := range st.pages {
			if largest[kindOf(f)] == f {
				firsts = append(firsts, f)
			}
		}
		for _, s := range []screen{{360, false}, {390, false}, {390, true}, {600, false}, {768, false}, {1366, false}, {1366, true}} {
			// A browser for each screen: each has a deadline.
			t.Run(st.name+"/"+s.String(), func(t *testing.T) {
				p := sitetest.BrowserSized(t, 1366, 900)
				pages := firsts
				switch {
				case s.width == 600: // the email's width
					pages = nil
				case (s.width == 390 || s.width == 1366) && !s.dark:
					pages = st.pages
				}
				axeOn := axe != nil && (s.width == 390 || s.width == 1366)
				for _, f := range append(pages[:len(pages):len(pages)], "email") {
					kind, file := kindOf(f), filepath.Join(st.out, f)
					if f == "email" {
						kind, file = "email", st.email
					}
					show(t, p, s, fileURL(file))
					if !s.dark {
						expr := strings.Replace(overflow, "TABLES", fmt.Sprint(s.width == 1366 || kind == "email"), 1)
						for _, problem := range sitetest.Eval[[]string](t, p, expr) {
							t.Errorf("%s: %s", f, problem)
						}
					}
					if !axeOn || f != "email" && !slices.Contains(firsts, f) {
						continue
					}
					scheme := "light"
					if s.dark {
						scheme = "dark"
					}
					screenshot(t, p, fmt.Sprintf("%s-%s-%d-%s", st.name, kind, s.width, scheme))
					if _, err := chromedp.Run(p.Ctx, chromedp.Evaluate[chromedp.Void](string(axe))); err != nil {
						t.Fatalf("loading axe-core: %v", err)
					}
					rules := "{preload: false}"
					if kind == "email" {
						rules = emailRules
					}
					for _, v := range evalAsync[[]string](t, p, strings.Replace(axeRun, "RULES", rules, 1)) {
						t.Errorf("%s: %s", f, v)
					}
				}
				if errs := p.Errors(); len(errs) > 0 {
					t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
				}
			})
		}
	}
}
