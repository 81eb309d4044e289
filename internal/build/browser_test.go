package build_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/scaffold"
	"github.com/brief-desk/brief/internal/sitetest"
)

// chartState reports, for every chart element, whether ECharts drew it and
// how many canvas pixels are painted.
const chartState = `(() => Array.from(document.querySelectorAll('.chart[data-option]')).map(el => {
  const canvas = el.querySelector('canvas');
  let painted = 0;
  if (canvas && canvas.width > 0 && canvas.height > 0) {
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) painted++; }
  }
  return {
    id: el.id,
    live: !!(window.echarts && echarts.getInstanceByDom(el)),
    painted: painted,
    figureLive: el.closest('figure').classList.contains('is-live'),
    tableFolded: !el.closest('figure').querySelector('details.chart-data').open,
  };
}))()`

type chartInfo struct {
	ID          string `json:"id"`
	Live        bool   `json:"live"`
	Painted     int    `json:"painted"`
	FigureLive  bool   `json:"figureLive"`
	TableFolded bool   `json:"tableFolded"`
}

func fileURL(p string) string { return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String() }

// waitCharts polls until every chart is live and painted, and returns their state.
func waitCharts(t *testing.T, p *sitetest.Page) []chartInfo {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var charts []chartInfo
		raw := sitetest.Eval[json.RawMessage](t, p, "JSON.stringify("+chartState+")")
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(s), &charts); err != nil {
			t.Fatal(err)
		}
		done := true
		for _, c := range charts {
			done = done && c.Live && c.Painted > 0
		}
		if done || time.Now().After(deadline) {
			return charts
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestBrowserSampleSite opens every page of the sample site from disk in
// headless Chromium: every chart block becomes a live, painted ECharts
// instance, and no page logs an error or asks another host for anything.
func TestBrowserSampleSite(t *testing.T) {
	p := sitetest.Browser(t)
	root, _ := filepath.Abs("../..")
	out := filepath.Join(t.TempDir(), "public")
	res, err := build.Build(context.Background(), build.Options{Src: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, f := range res.Files {
		if !strings.HasSuffix(f, ".html") || f == "404.html" {
			continue
		}
		pages++
		p.Open(t, fileURL(filepath.Join(out, f)))
		charts := waitCharts(t, p)
		blocks := strings.Count(readFile(t, filepath.Join(out, f)), `class="chart"`)
		if len(charts) != blocks {
			t.Errorf("%s: %d chart elements, want %d", f, len(charts), blocks)
		}
		for _, c := range charts {
			if !c.Live || c.Painted == 0 || !c.FigureLive || !c.TableFolded {
				t.Errorf("%s: chart %s not drawn: %+v", f, c.ID, c)
			}
		}
		if strings.HasPrefix(f, "briefings/") && len(charts) < 4 {
			t.Errorf("%s: only %d charts", f, len(charts))
		}
		// Every live chart has its "Save as PNG" button, and the image it
		// saves is a PNG of the chart.
		if n := sitetest.Eval[int](t, p, `document.querySelectorAll('.chart + .chart-save').length`); n != len(charts) {
			t.Errorf("%s: %d save buttons for %d charts", f, n, len(charts))
		}
		if len(charts) > 0 {
			png := sitetest.Eval[string](t, p, `echarts.getInstanceByDom(document.querySelector('.chart')).getDataURL({type: 'png'}).slice(0, 22)`)
			if png != "data:image/png;base64," {
				t.Errorf("%s: saved image starts %q", f, png)
			}
		}
	}
	if pages < 3 {
		t.Errorf("opened only %d pages", pages)
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	if foreign := p.Foreign(); len(foreign) > 0 {
		t.Errorf("requests to other hosts: %v", foreign)
	}
}

// TestBrowserInitProject builds what brief init writes, with no node_modules
// and no BRIEF_ECHARTS (the ECharts inside brief), and finds every chart live
// from file://.
func TestBrowserInitProject(t *testing.T) {
	p := sitetest.Browser(t)
	t.Setenv("BRIEF_ECHARTS", "")
	dir := t.TempDir()
	if _, err := scaffold.Write(dir); err != nil {
		t.Fatal(err)
	}
	res, err := build.Build(context.Background(), build.Options{Src: dir})
	if err != nil {
		t.Fatal(err)
	}
	page := ""
	for _, f := range res.Files {
		if strings.HasPrefix(f, "briefings/") && strings.HasSuffix(f, "/index.html") {
			page = f
		}
	}
	p.Open(t, fileURL(filepath.Join(res.Out, page)))
	charts := waitCharts(t, p)
	if len(charts) != 2 {
		t.Errorf("%d charts, want 2", len(charts))
	}
	for _, c := range charts {
		if !c.Live || c.Painted == 0 {
			t.Errorf("chart %s not drawn: %+v", c.ID, c)
		}
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	if foreign := p.Foreign(); len(foreign) > 0 {
		t.Errorf("requests to other hosts: %v", foreign)
	}
}

// TestBrowserDarkMode draws the sample charts with the dark theme.
func TestBrowserDarkMode(t *testing.T) {
	p := sitetest.Browser(t)
	root, _ := filepath.Abs("../..")
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(p.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	}); err != nil {
		t.Skipf("this Chromium cannot emulate dark mode: %v", err)
	}
	p.Open(t, fileURL(filepath.Join(out, "briefings/2026-01-02-miners-turn-ai-landlords/index.html")))
	for _, c := range waitCharts(t, p) {
		if !c.Live || c.Painted == 0 {
			t.Errorf("dark mode: chart %s not drawn", c.ID)
		}
	}
	bg := sitetest.Eval[string](t, p, `getComputedStyle(document.body).backgroundColor`)
	if bg != "rgb(21, 23, 26)" {
		t.Errorf("dark background = %s", bg)
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

const hostile = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">__f__function(){window.__pwned=3}__f__`

// TestBrowserHostileStrings puts script breakouts, HTML and go-echarts
// function markers into every text a user writes, opens the page, shows every
// tooltip, and checks that nothing ran and no element was injected.
func TestBrowserHostileStrings(t *testing.T) {
	p := sitetest.Browser(t)
	q := func(s string) string { return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) }
	h := q(hostile)
	dir := sitetest.MustBuild(t, fmt.Sprintf(`
-- site.toml --
title = "%[1]s"
description = "%[1]s"
author = "%[1]s"
base_url = "https://example.org/"
-- data/evil.toml --
title = "%[1]s"
source = "%[1]s"
source_url = "https://example.org/?q=%%22%%3E%%3Cscript%%3E"
description = "%[1]s"
notes = "%[1]s"
kind = "deals"
[columns.value_usd]
label = "%[1]s"
unit = "%[1]s"
[[rows]]
announced = 2026-01-01
company = "%[1]s"
counterparty = "%[1]s"
value_usd = 5
[[rows]]
announced = 2026-01-02
company = "Plain"
counterparty = "=HYPERLINK(\"http://x\")"
value_usd = -3
-- content/briefings/evil.md --
+++
title = "%[1]s"
summary = "%[1]s"
tags = ["<script>window.__pwned=6</script>", "../../%%2e%%2e/x"]
date = 2026-01-05
+++
Body %[2]s and a [link](javascript:window.__pwned=4) <script>window.__pwned=5</script>

`+"```chart"+`
dataset = "evil"
title = "%[1]s"
subtitle = "%[1]s"
mark_lines = [{ y = 1.0, label = "%[1]s" }]
`+"```"+`

`+"```chart"+`
dataset = "evil"
type = "line"
x = "announced"
`+"```"+`

`+"```table"+`
dataset = "evil"
title = "%[1]s"
`+"```"+`
`, h, hostile))
	page := filepath.Join(dir, "public/briefings/evil/index.html")
	p.Open(t, fileURL(page))
	charts := waitCharts(t, p)
	if len(charts) != 2 {
		t.Fatalf("charts = %+v", charts)
	}
	for _, c := range charts {
		if !c.Live || c.Painted == 0 {
			t.Errorf("chart %s not drawn: %+v", c.ID, c)
		}
	}
	// Show every tooltip so that the formatters run on hostile names.
	shown := sitetest.Eval[int](t, p, `(() => {
	  let n = 0;
	  document.querySelectorAll('.chart[data-option]').forEach(el => {
	    const c = echarts.getInstanceByDom(el);
	    for (let i = 0; i < 2; i++) { c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i}); n++; }
	  });
	  return n;
	})()`)
	if shown != 4 {
		t.Errorf("showed %d tooltips", shown)
	}
	time.Sleep(300 * time.Millisecond)
	tooltip := sitetest.Eval[string](t, p, `Array.from(document.querySelectorAll('.chart div')).map(d => d.innerText).join('\n')`)
	if !strings.Contains(tooltip, "__f__function(){window.__pwned=3}__f__") {
		t.Errorf("tooltip does not show the hostile name as text:\n%s", tooltip)
	}
	checks := map[string]string{
		`typeof window.__pwned`:                                                                               "undefined",
		`String(document.querySelectorAll('img').length)`:                                                     "0",
		`String(document.querySelectorAll('[onerror]').length)`:                                               "0",
		`String(document.querySelectorAll('script[src]').length)`:                                             "3",
		`Array.from(document.querySelectorAll('script:not([src])')).map(s => s.type).join(',')`:               "application/json,application/json",
		`String(Array.from(document.querySelectorAll('a')).filter(a => a.protocol === 'javascript:').length)`: "0",
		`String(document.title.includes('</script>'))`:                                                        "true",
	}
	for expr, want := range checks {
		if got := sitetest.Eval[string](t, p, expr); got != want {
			t.Errorf("%s = %q, want %q", expr, got, want)
		}
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBrowserNarrowScreen draws the sample charts on a phone-sized screen:
// the canvas drops its title and the wrapped page caption shows instead.
func TestBrowserNarrowScreen(t *testing.T) {
	sitetest.Chromium(t)
	root, _ := filepath.Abs("../..")
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{360, 390} {
		p := sitetest.BrowserSized(t, width, 844)
		// Headless Chromium keeps its window at least 500 pixels wide: the
		// device metrics make the page as wide as a phone's.
		if _, err := chromedp.Call(p.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: int64(width), Height: 844, DeviceScaleFactor: 3, Mobile: true}); err != nil {
			t.Fatal(err)
		}
		p.Open(t, fileURL(filepath.Join(out, "briefings/2026-01-02-miners-turn-ai-landlords/index.html")))
		for _, c := range waitCharts(t, p) {
			if !c.Live || c.Painted == 0 {
				t.Errorf("%d px: chart %s not drawn", width, c.ID)
			}
		}
		visible := sitetest.Eval[int](t, p, `Array.from(document.querySelectorAll('figure.is-live.narrow figcaption')).filter(f => f.getBoundingClientRect().width > 100).length`)
		if visible < 4 {
			t.Errorf("%d px: %d visible chart captions, want every chart's", width, visible)
		}
		// No chart is cut off: every canvas fits inside its figure.
		wide := sitetest.Eval[[]string](t, p, `Array.from(document.querySelectorAll('figure.is-live')).flatMap(f => {
			const fw = f.getBoundingClientRect().width;
			return Array.from(f.querySelectorAll('canvas')).filter(c => c.getBoundingClientRect().width > fw + 0.5).map(c => f.id + ': canvas ' + c.getBoundingClientRect().width + ' px in a figure of ' + fw + ' px');
		})`)
		for _, w := range wide {
			t.Errorf("%d px: %s", width, w)
		}
		if overflow := sitetest.Eval[bool](t, p, `document.documentElement.scrollWidth > window.innerWidth + 1`); overflow {
			t.Errorf("%d px: the page scrolls sideways", width)
		}
		// The figures narrow without a window resize (as when a scroll bar
		// appears): the charts follow.
		sitetest.Eval[bool](t, p, `(document.querySelector('main') || document.body).style.maxWidth = '300px', true`)
		// The charts follow on the next frames; a busy machine (the whole
		// suite in parallel) may take a while.
		tooWide := func() int {
			return sitetest.Eval[int](t, p, `Array.from(document.querySelectorAll('figure.is-live')).filter(f => Array.from(f.querySelectorAll('canvas')).some(c => c.getBoundingClientRect().width > f.getBoundingClientRect().width + 0.5)).length`)
		}
		n := tooWide()
		for deadline := time.Now().Add(10 * time.Second); n > 0 && time.Now().Before(deadline); n = tooWide() {
			time.Sleep(50 * time.Millisecond)
		}
		if n > 0 {
			t.Errorf("%d px: %d charts did not follow their figure when it narrowed", width, n)
		}
		if errs := p.Errors(); len(errs) > 0 {
			t.Errorf("%d px: console errors:\n%s", width, strings.Join(errs, "\n"))
		}
	}
}

// TestBrowserCards: the sample briefing's key-number cards show their
// figures, the sparkline is drawn, and the cards sit in a row on a desktop
// and in one column on a phone.
func TestBrowserCards(t *testing.T) {
	sitetest.Chromium(t)
	root, _ := filepath.Abs("../..")
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	page := fileURL(filepath.Join(out, "briefings/2026-01-02-miners-turn-ai-landlords/index.html"))
	for _, width := range []int{1200, 390} {
		p := sitetest.BrowserSized(t, max(width, 500), 900)
		if _, err := chromedp.Call(p.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: int64(width), Height: 900, DeviceScaleFactor: 1, Mobile: width < 500}); err != nil {
			t.Fatal(err)
		}
		p.Open(t, page)
		waitCharts(t, p)
		values := sitetest.Eval[[]string](t, p, `Array.from(document.querySelectorAll('.card-value')).map(e => e.textContent.trim())`)
		if fmt.Sprint(values) != "[+10.8% $35.00 $7.0B]" {
			t.Errorf("%d px: card values %v", width, values)
		}
		painted := sitetest.Eval[bool](t, p, `(() => { const c = document.querySelector('.spark canvas'); if (!c) return false;
			const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; })()`)
		if !painted {
			t.Errorf("%d px: the sparkline is not drawn", width)
		}
		tops := sitetest.Eval[[]float64](t, p, `Array.from(document.querySelectorAll('.card')).map(c => Math.round(c.getBoundingClientRect().top))`)
		sameRow := len(tops) == 3 && tops[0] == tops[1] && tops[1] == tops[2]
		if width >= 1000 && !sameRow || width < 500 && (len(tops) != 3 || tops[0] == tops[1]) {
			t.Errorf("%d px: cards at %v", width, tops)
		}
		if errs := p.Errors(); len(errs) > 0 {
			t.Errorf("%d px: console errors:\n%s", width, strings.Join(errs, "\n"))
		}
	}
}

// TestBrowserCSVDownloads clicks every "CSV" link of the sample briefing in
// Chromium, served over HTTP as a static host serves it: each downloads the
// published file, which encoding/csv reads back to the rows of the block's
// table on the page.
func TestBrowserCSVDownloads(t *testing.T) {
	sitetest.Chromium(t)
	out := buildSample(t)
	p := sitetest.Browser(t)
	dir := t.TempDir()
	done := make(chan string, 16)
	chromedp.Listen(p.Ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			done <- e.GUID
		}
	})
	srv := httptest.NewServer(http.FileServer(http.Dir(out))) // as a static host serves it
	t.Cleanup(srv.Close)
	p.Open(t, srv.URL+"/briefings/2026-01-02-miners-turn-ai-landlords/index.html")
	events := true
	if _, err := chromedp.Call(p.Ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events}); err != nil {
		t.Fatal(err)
	}
	// Each block's table as the page shows it: header then rows, raw values
	// where a cell carries one.
	links := sitetest.Eval[int](t, p, `document.querySelectorAll('.block-download a[href$=".csv"]').length`)
	if links != 7 {
		t.Fatalf("%d CSV links, want one per chart, table and changes block (7)", links)
	}
	for i := range links {
		sitetest.Eval[bool](t, p, fmt.Sprintf(`(document.querySelectorAll('.block-download a[href$=".csv"]')[%d].click(), true)`, i))
		var guid string
		select {
		case guid = <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("link %d: no download", i+1)
		}
		got, err := os.ReadFile(filepath.Join(dir, guid))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(got, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatalf("link %d: %v", i+1, err)
		}
		want := sitetest.Eval[[][]string](t, p, fmt.Sprintf(`(() => {
			const fig = document.querySelectorAll('.block-download a[href$=".csv"]')[%d].closest('figure');
			return Array.from(fig.querySelectorAll('table tr')).map(tr => Array.from(tr.children).map(c => c.dataset.value ?? c.textContent.trim()));
		})()`, i))
		if len(recs) != len(want) {
			t.Fatalf("link %d: the CSV has %d rows; the page's table %d", i+1, len(recs), len(want))
		}
		// The header is the columns' labels (the page adds units); text and
		// dates are as shown; a number is raw where the page formats it.
		for r := range want {
			for c := range want[r] {
				got, shown := recs[r][c], want[r][c]
				_, isNum := strconv.ParseFloat(got, 64)
				ok := got == shown || r == 0 && strings.HasPrefix(shown, got+" (") || r > 0 && isNum == nil && shown != ""
				if !ok || len(recs[r]) != len(want[r]) {
					t.Errorf("link %d, row %d: the CSV has %q; the page shows %q", i+1, r+1, recs[r], want[r])
					break
				}
			}
		}
		published, _ := os.ReadFile(filepath.Join(out, "briefings/2026-01-02-miners-turn-ai-landlords", fmt.Sprintf("2026-01-02-miners-turn-ai-landlords-%d.csv", i+1)))
		if !bytes.Equal(got, published) {
			t.Errorf("link %d: the download differs from the published file", i+1)
		}
	}
}

// TestBrowserEntities: a company page's chart is live, and the link of a
// briefing's first mention lands on the company's page, from disk and from
// a sub-path of a host.
func TestBrowserEntities(t *testing.T) {
	sitetest.Chromium(t)
	out := buildSample(t)
	p := sitetest.Browser(t)
	p.Open(t, fileURL(filepath.Join(out, "entities/hut8/index.html")))
	charts := waitCharts(t, p)
	if len(charts) != 1 || !charts[0].Live || charts[0].Painted == 0 {
		t.Errorf("Hut 8's moves chart: %+v", charts)
	}
	srv := httptest.NewServer(http.StripPrefix("/desk", http.FileServer(http.Dir(out))))
	t.Cleanup(srv.Close)
	for _, start := range []string{
		fileURL(filepath.Join(out, "briefings/2026-01-02-miners-turn-ai-landlords/index.html")),
		srv.URL + "/desk/briefings/2026-01-02-miners-turn-ai-landlords/index.html",
	} {
		p.Open(t, start)
		sitetest.Eval[bool](t, p, `(document.querySelector('a.entity[href*="terawulf"]').click(), true)`)
		deadline := time.Now().Add(10 * time.Second)
		// http.FileServer answers .../index.html with a redirect to .../
		// While the page is navigating, evaluating fails: keep polling.
		var href string
		landed := func() bool {
			var err error
			href, err = chromedp.Run(p.Ctx, chromedp.Evaluate[string]("location.href"))
			return err == nil && strings.Contains(href, "entities/terawulf/")
		}
		for !landed() && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		p.Open(t, href) // wait for it to load
		if h1 := sitetest.Eval[string](t, p, `document.querySelector('h1').textContent.trim()`); h1 != "TeraWulf WULF" {
			t.Errorf("from %s the link lands on %q (%s)", start, h1, sitetest.Eval[string](t, p, "location.href"))
		}
		if strings.HasPrefix(start, srv.URL) && !strings.HasPrefix(sitetest.Eval[string](t, p, "location.href"), srv.URL+"/desk/entities/") {
			t.Errorf("from the sub-path the link leaves it: %s", sitetest.Eval[string](t, p, "location.href"))
		}
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
