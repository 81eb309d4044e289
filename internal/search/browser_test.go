package search_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/sitetest"
)

// tinySite builds testdata/tiny.txtar and returns its public folder.
func tinySite(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("testdata/tiny.txtar")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(sitetest.MustBuild(t, string(src)), "public")
}

// evalAsync is sitetest.Eval of an expression that gives a promise.
func evalAsync[T any](t testing.TB, p *sitetest.Page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](expr, func(e *runtime.EvaluateParams) { yes := true; e.AwaitPromise = &yes }))
	if err != nil {
		t.Fatalf("evaluating %.80s: %v", expr, err)
	}
	return v
}

// result is a result as the reader sees it.
type result struct {
	Title, Meta, Snippet, Href string
	Marks                      []string
}

// results reads the listbox once the status has announced a count.
const results = `new Promise((resolve, reject) => {
  const deadline = Date.now() + 5000;
  (function poll() {
    const status = document.querySelector('.search [role=status]').textContent;
    const list = document.querySelector('#search-results');
    if (status && !list.hidden && list.getAttribute('data-query') === document.querySelector('#search-input').value) {
      resolve(Array.from(list.querySelectorAll('[role=option]')).map(o => ({
        Title: o.querySelector('.search-title').textContent,
        Meta: o.querySelector('.search-meta').textContent,
        Snippet: (o.querySelector('.search-snippet') || {}).textContent || '',
        Href: o.querySelector('a').getAttribute('href'),
        Marks: Array.from(o.querySelectorAll('mark')).map(m => m.textContent),
      })));
    } else if (Date.now() > deadline) {
      reject(new Error('no results announced: status ' + JSON.stringify(status) + ' for ' + JSON.stringify(list.getAttribute('data-query')) + ', typed ' + JSON.stringify(document.querySelector('#search-input').value)));
    } else {
      setTimeout(poll, 10);
    }
  })();
})`

// typeQuery clears the box and types q key by key, as a reader does.
func typeQuery(t *testing.T, p *sitetest.Page, q string) []result {
	t.Helper()
	sitetest.Eval[bool](t, p, `(() => { const i = document.querySelector('#search-input'); i.value = ''; i.dispatchEvent(new Event('input'));
	  document.querySelector('.search [role=status]').textContent = ''; i.focus(); return true })()`)
	if _, err := chromedp.Run(p.Ctx, chromedp.KeyEvent(q)); err != nil {
		t.Fatal(err)
	}
	return evalAsync[[]result](t, p, results)
}

// checkQueries types the queries every reader's first questions are made
// of and checks the first results, from a page below the root.
func checkQueries(t *testing.T, p *sitetest.Page, base string) {
	t.Helper()
	for _, c := range []struct {
		q, title, meta, href string
		marks                []string
	}{
		// A company's page first, then the briefing titled with it.
		{"oklo", "Oklo", "Company", "../../entities/oklo/index.html", nil},
		// A row of a table links to its block.
		{"G42", "G42", "Company", "../../entities/g42/index.html", nil},
		// Diacritics folded, in a heading: the link goes to it (goldmark's
		// id drops the letters outside ASCII).
		{"energie", "Power deals of the week", "5 January 2026 · Énergie nucléaire", "../../briefings/2026-01-05-power-deals/index.html#nergie-nuclaire", []string{"Énergie"}},
		// A number as a word, a possessive: the company, by its name.
		{"hut 8", "Hut 8", "Company", "../../entities/hut8/index.html", nil},
		// The client folds, splits and stems as the index does.
		{"ÉNERGIE", "Power deals of the week", "5 January 2026 · Énergie nucléaire", "../../briefings/2026-01-05-power-deals/index.html#nergie-nuclaire", []string{"Énergie"}},
		{"Hut 8’s", "Hut 8", "Company", "../../entities/hut8/index.html", nil},
		{"miners'", "miners", "Topic", "../../tags/miners/index.html", nil},
		{"electricite", "Électricité de France", "Company", "../../entities/edf/index.html", nil},
	} {
		got := typeQuery(t, p, c.q)
		if len(got) == 0 {
			t.Errorf("%s: %q found nothing", base, c.q)
			continue
		}
		first := got[0]
		if first.Title != c.title || first.Meta != c.meta || first.Href != c.href {
			t.Errorf("%s: %q: first result %q (%q) at %s, want %q (%q) at %s", base, c.q, first.Title, first.Meta, first.Href, c.title, c.meta, c.href)
		}
		if c.marks != nil && strings.Join(first.Marks, "|") != strings.Join(c.marks, "|") {
			t.Errorf("%s: %q: marked %q in %q, want %q", base, c.q, first.Marks, first.Snippet, c.marks)
		}
	}
	// The second results: a briefing's table row, and its prose.
	got := typeQuery(t, p, "G42")
	if len(got) < 2 || got[1].Href != "../../briefings/2026-01-05-power-deals/index.html#table-1" || !strings.Contains(got[1].Meta, "Leases signed by miners") {
		t.Errorf("%s: G42's second result is not the table's row: %+v", base, got)
	}
	got = typeQuery(t, p, "oklo")
	if len(got) != 3 || got[1].Title != "Oklo and the small-reactor bet" || got[2].Title != "Power deals of the week" {
		t.Errorf("%s: oklo: want the company, the title, then the mention: %+v", base, got)
	}
	got = typeQuery(t, p, "hut 8")
	if len(got) < 2 || got[1].Href != "../../briefings/2026-01-05-power-deals/index.html#hut-8s-campus" {
		t.Errorf("%s: hut 8: want the heading \"Hut 8's campus\" second: %+v", base, got)
	}
	// The draft is not in the index of a build without --drafts.
	if got := typeQuery(t, p, "zanzibarian"); len(got) != 0 {
		t.Errorf("%s: a draft's word was found: %+v", base, got)
	}
	if status := sitetest.Eval[string](t, p, `document.querySelector('.search [role=status]').textContent`); status != "No results" {
		t.Errorf("%s: status %q, want \"No results\"", base, status)
	}
}

func TestSearchInBrowser(t *testing.T) {
	sitetest.Chromium(t)
	public := tinySite(t)
	page := "briefings/2026-01-05-power-deals/index.html"
	srv := httptest.NewServer(http.StripPrefix("/desk", http.FileServer(http.Dir(public))))
	defer srv.Close()
	for _, base := range []string{"file://" + public + "/", srv.URL + "/desk/"} {
		p := sitetest.Browser(t)
		p.Open(t, base+page)
		checkQueries(t, p, base)
		if errs := p.Errors(); len(errs) > 0 {
			t.Errorf("%s: console errors: %q", base, errs)
		}
		if f := p.Foreign(); strings.HasPrefix(base, "file:") && len(f) > 0 {
			t.Errorf("%s: requests off the disk: %q", base, f)
		}
	}
}

// TestSearchSplitYear: in a year large enough to split, whose briefings'
// texts are in fragments of four, every briefing's word finds that
// briefing, with its own title and snippet: the client takes the right
// fragment and the right place in it.
func TestSearchSplitYear(t *testing.T) {
	sitetest.Chromium(t)
	dir := sitetest.Write(t, tinyArchive(t))
	const weeks = 14
	for w := range weeks {
		text := fmt.Sprintf("+++\ntitle = \"Week %d\"\ndate = 2026-02-%02d\n+++\n\nThe word of the week is kwd%02d.\n", w, 2+w, w)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("content/briefings/w%02d.md", w)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sitetest.Build(t, dir, build.Options{}); err != nil {
		t.Fatal(err)
	}
	public := filepath.Join(dir, "public")
	split := false
	for _, g := range entryOf(t, public) {
		split = split || g.Name == "2026" && g.Split && g.PerFragment > 1 && len(g.Fragments) > 1
	}
	if !split {
		t.Fatal("2026 is not split into fragments of several briefings")
	}
	p := sitetest.Browser(t)
	p.Open(t, "file://"+public+"/index.html")
	for w := range weeks {
		got := typeQuery(t, p, fmt.Sprintf("kwd%02d", w))
		if want := fmt.Sprintf("Week %d", w); len(got) != 1 || got[0].Title != want || !strings.Contains(got[0].Snippet, fmt.Sprintf("kwd%02d", w)) {
			t.Errorf("kwd%02d: %+v, want one result, %q", w, got, want)
		}
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// TestSearchKeyboard: "/" focuses the box, the arrows move through the
// results (aria-activedescendant), Enter opens the chosen one, and the
// count is in a live region.
func TestSearchKeyboard(t *testing.T) {
	sitetest.Chromium(t)
	public := tinySite(t)
	p := sitetest.Browser(t)
	p.Open(t, "file://"+public+"/index.html")
	if got := sitetest.Eval[bool](t, p, `document.querySelector('.search-link').hidden && !document.querySelector('.search-box').hidden`); !got {
		t.Fatal("the box did not replace the archive link")
	}
	// A key down with its text, as a keyboard sends it (chromedp's KeyEvent
	// sends the character as an event of its own, which a page cannot
	// cancel).
	for _, ev := range []input.DispatchKeyEventParams{
		{Type: input.DispatchKeyEventTypeKeyDown, Key: "/", Code: "Slash", Text: "/", UnmodifiedText: "/", WindowsVirtualKeyCode: 191},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: "/", Code: "Slash", WindowsVirtualKeyCode: 191},
	} {
		if _, err := chromedp.Call(p.Ctx, input.DispatchKeyEvent, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got := sitetest.Eval[string](t, p, `document.activeElement.id`); got != "search-input" {
		t.Fatalf("/ focused %q, want the search box", got)
	}
	if _, err := chromedp.Run(p.Ctx, chromedp.KeyEvent("oklo")); err != nil {
		t.Fatal(err)
	}
	res := evalAsync[[]result](t, p, results)
	if len(res) != 3 {
		t.Fatalf("oklo: %d results, want 3: %+v", len(res), res)
	}
	a11y := sitetest.Eval[map[string]string](t, p, `(() => { const i = document.activeElement, s = document.querySelector('.search [role=status]');
	  return {role: i.getAttribute('role'), label: i.labels[0].textContent, expanded: i.getAttribute('aria-expanded'), controls: i.getAttribute('aria-controls'),
	    live: s.getAttribute('aria-live'), status: s.textContent, value: i.value} })()`)
	want := map[string]string{"role": "combobox", "label": "Search briefings, companies and tables", "expanded": "true", "controls": "search-results", "live": "polite", "status": "3 results", "value": "oklo"}
	if fmt.Sprint(a11y) != fmt.Sprint(want) {
		t.Errorf("the box: %v, want %v", a11y, want)
	}
	for _, key := range []string{kb.ArrowDown, kb.ArrowDown} {
		if _, err := chromedp.Run(p.Ctx, chromedp.KeyEvent(key)); err != nil {
			t.Fatal(err)
		}
	}
	active := sitetest.Eval[string](t, p, `(() => { const id = document.activeElement.getAttribute('aria-activedescendant'); const o = document.getElementById(id); return o.getAttribute('aria-selected') + ' ' + o.querySelector('.search-title').textContent })()`)
	if active != "true Oklo and the small-reactor bet" {
		t.Errorf("two arrows down chose %q, want the second result", active)
	}
	if _, err := chromedp.Run(p.Ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.HasSuffix(sitetest.Eval[string](t, p, `location.href`), "/briefings/2025-06-02-reactors/index.html") {
		if time.Now().After(deadline) {
			t.Fatalf("Enter went to %s", sitetest.Eval[string](t, p, `location.href`))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// TestSearchLooks saves screenshots of the box and its results at a
// desktop's and a phone's width, light and dark, in $BRIEF_SCREENSHOTS: on
// the tiny project's briefing and on the repository's sample site's home
// page (whose header has a description too).
func TestSearchLooks(t *testing.T) {
	dir := os.Getenv("BRIEF_SCREENSHOTS")
	if dir == "" {
		t.Skip("set BRIEF_SCREENSHOTS to a folder to look at the search box")
	}
	sitetest.Chromium(t)
	sample := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: "../..", Out: sample}); err != nil {
		t.Fatal(err)
	}
	sites := []struct{ name, page, query string }{
		{"tiny", "file://" + tinySite(t) + "/briefings/2026-01-05-power-deals/index.html", "hut"},
		{"sample", "file://" + sample + "/index.html", "fluidstack lea"},
	}
	for _, width := range []int{1366, 390} { // without JavaScript: the link
		p := sitetest.Browser(t)
		if _, err := chromedp.Call(p.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(width), Height: 400, DeviceScaleFactor: 1, Mobile: width < 768,
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(p.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		p.Open(t, sites[1].page)
		shot(t, p, filepath.Join(dir, fmt.Sprintf("search-sample-%d-nojs.png", width)))
	}
	for _, site := range sites {
		for _, width := range []int{1366, 390} {
			for _, scheme := range []string{"light", "dark"} {
				p := sitetest.Browser(t)
				if _, err := chromedp.Call(p.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
					Width: int64(width), Height: 800, DeviceScaleFactor: 1, Mobile: width < 768,
				}); err != nil {
					t.Fatal(err)
				}
				if _, err := chromedp.Call(p.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
				}); err != nil {
					t.Fatal(err)
				}
				p.Open(t, site.page)
				shot(t, p, filepath.Join(dir, fmt.Sprintf("search-%s-%d-%s-closed.png", site.name, width, scheme)))
				typeQuery(t, p, site.query)
				if _, err := chromedp.Run(p.Ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
					t.Fatal(err)
				}
				shot(t, p, filepath.Join(dir, fmt.Sprintf("search-%s-%d-%s-open.png", site.name, width, scheme)))
			}
		}
	}
}

func shot(t *testing.T, p *sitetest.Page, file string) {
	t.Helper()
	png, err := chromedp.Run(p.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostile is a project whose title, prose and table hold markup.
const hostile = `
-- site.toml --
title = "Hostile"
-- data/t.toml --
title = "T"
source = "S"
[[rows]]
name = "<img src=x onerror=window.__pwned=1> pwned"
-- content/briefings/x.md --
+++
title = "</script><img src=x onerror=window.__pwned=2> pwned"
date = 2026-01-05
+++

Text <b>pwned</b> here.

` + "```table\ndataset = \"t\"\n```\n"

// TestSearchShowsMarkupAsText: titles, snippets and table cells holding
// markup are shown as text, never run.
func TestSearchShowsMarkupAsText(t *testing.T) {
	sitetest.Chromium(t)
	public := filepath.Join(sitetest.MustBuild(t, hostile), "public")
	p := sitetest.Browser(t)
	p.Open(t, "file://"+public+"/index.html")
	got := typeQuery(t, p, "pwned")
	if len(got) != 1 || got[0].Title != "</script><img src=x onerror=window.__pwned=2> pwned" {
		t.Errorf("results: %+v", got)
	}
	for _, q := range []string{"img src", "onerror"} {
		typeQuery(t, p, q)
	}
	if n := sitetest.Eval[int](t, p, `document.querySelectorAll('#search-results img, #search-results b').length`); n != 0 {
		t.Errorf("%d elements made from the index's text", n)
	}
	if v := sitetest.Eval[string](t, p, `typeof window.__pwned`); v != "undefined" {
		t.Errorf("window.__pwned is %s", v)
	}
}

// TestSearchClick: a click on a result opens it (here a heading of the page
// itself) and closes the list.
func TestSearchClick(t *testing.T) {
	sitetest.Chromium(t)
	public := tinySite(t)
	p := sitetest.Browser(t)
	p.Open(t, "file://"+public+"/briefings/2026-01-05-power-deals/index.html")
	typeQuery(t, p, "energie")
	xy := sitetest.Eval[[]float64](t, p, `(() => { const r = document.querySelector('#search-results a').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] })()`)
	if _, err := chromedp.Run(p.Ctx, chromedp.MouseClickXY(xy[0], xy[1])); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for sitetest.Eval[string](t, p, `location.hash`) != "#nergie-nuclaire" {
		if time.Now().After(deadline) {
			t.Fatalf("the click went to %s", sitetest.Eval[string](t, p, `location.href`))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if open := sitetest.Eval[string](t, p, `document.querySelector('#search-input').getAttribute('aria-expanded')`); open != "false" {
		t.Errorf("after the click the list is open (aria-expanded %s)", open)
	}
}
