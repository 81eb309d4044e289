package pdf_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/pdf"
)

// phases gathers the durations the trace hook reports, by phase.
type phases struct {
	mu    sync.Mutex
	order []string
	d     map[string][]time.Duration
}

func (p *phases) add(phase string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.d == nil {
		p.d = map[string][]time.Duration{}
	}
	if _, ok := p.d[phase]; !ok {
		p.order = append(p.order, phase)
	}
	p.d[phase] = append(p.d[phase], d)
}

func (p *phases) table() string {
	var b strings.Builder
	for _, k := range p.order {
		ds := slices.Clone(p.d[k])
		slices.Sort(ds)
		fmt.Fprintf(&b, "%-34s n=%-3d median %7.1f ms  min %7.1f  max %7.1f\n", k, len(ds),
			ms(ds[len(ds)/2]), ms(ds[0]), ms(ds[len(ds)-1]))
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// probe is put into the print rendering by the profile: performance marks
// around the chart library and brief.js, and, once the charts are drawn,
// the page's own timings written into the page, so the PDF's text carries
// them (the print waits on window.briefDrawn, which this replaces).
const probe = `<script>
window.briefDrawn = (window.briefDrawn || Promise.resolve()).then(function () {
  performance.mark('drawn');
  return document.fonts.ready;
}).then(function () {
  performance.mark('fonts');
  var out = [], nav = performance.getEntriesByType('navigation')[0];
  ['responseEnd', 'domInteractive', 'domContentLoadedEventEnd', 'loadEventEnd'].forEach(function (k) { out.push('nav.' + k + '=' + nav[k].toFixed(1)); });
  performance.getEntriesByType('resource').forEach(function (r) { out.push('res.' + r.name.replace(/.*\//, '').replace(/\.[0-9a-f]{8,}/, '') + '=' + r.startTime.toFixed(1) + '..' + r.responseEnd.toFixed(1)); });
  out.push('sum.init=' + window.__chartTimes.init.toFixed(1), 'sum.setOption=' + window.__chartTimes.set.toFixed(1));
  performance.getEntriesByType('mark').forEach(function (m) { out.push('mark.' + m.name + '=' + m.startTime.toFixed(1)); });
  var pre = document.createElement('pre');
  pre.style.cssText = 'font-size: 7pt; white-space: pre';
  pre.textContent = 'PROFILE\n' + out.join('\n') + '\nEND';
  document.body.appendChild(pre);
});
</script>`

// wrapInit times ECharts' init and setOption calls (marks init.N and set.N
// at their ends, from the first call's start).
const wrapInit = `<script>(function () {
  var init = echarts.init, n = 0, sum = { init: 0, set: 0 };
  window.echarts = Object.create(echarts, { init: { value: function () {
    var s = performance.now(), c = init.apply(this, arguments), i = ++n;
    sum.init += performance.now() - s;
    var so = c.setOption;
    c.setOption = function () { var s = performance.now(), r = so.apply(this, arguments); sum.set += performance.now() - s; performance.mark('setOption' + i + '.end'); return r; };
    return c;
  } } });
  window.__chartTimes = sum;
})();</script>`

var (
	echartsTag = regexp.MustCompile(`<script src="[^"]*echarts[^"]*"></script>`)
	briefTag   = regexp.MustCompile(`<script src="[^"]*brief[^"]*\.js"></script>`)
)

// TestProfilePrint times each phase of printing the sample briefing: the
// browser's start, the tab's opening, the load, each request answered from
// memory, the chart library's and brief.js's parse and run, the charts'
// drawing, the print, the Info dictionary. Run with BRIEF_PDF_PROFILE=1
// (and -v); BRIEF_PDF_PROFILE_N prints that many times (default 6).
func TestProfilePrint(t *testing.T) {
	if os.Getenv("BRIEF_PDF_PROFILE") == "" {
		t.Skip("a profile, not a test: set BRIEF_PDF_PROFILE=1")
	}
	exe := printer(t)
	if e := os.Getenv(pdf.EnvChrome); e != "" {
		exe = e
	}
	var ph phases
	pdf.SetTrace(ph.add)
	defer pdf.SetTrace(nil)
	rec := &recorder{}
	if _, err := build.Build(context.Background(), build.Options{Src: "../..", Out: filepath.Join(t.TempDir(), "public"), PDF: true, Printer: rec}); err != nil {
		t.Fatal(err)
	}
	doc := *rec.docs[0]
	html := string(doc.HTML)
	html = echartsTag.ReplaceAllStringFunc(html, func(s string) string {
		return `<script>performance.mark('echarts-start')</script>` + s + `<script>performance.mark('echarts-end')</script>` + wrapInit
	})
	html = briefTag.ReplaceAllStringFunc(html, func(s string) string {
		return s + `<script>performance.mark('brief-end')</script>` + probe
	})
	doc.HTML = []byte(html)
	ph = phases{}
	start := time.Now()
	b := pdf.New(context.Background(), exe)
	n := 6
	fmt.Sscan(os.Getenv("BRIEF_PDF_PROFILE_N"), &n)
	marks := map[string][]float64{}
	for i := range n {
		s := time.Now()
		data, err := b.Print(&doc)
		if err != nil {
			t.Fatal(err)
		}
		ph.add("Print call (incl. start on the 1st)", time.Since(s))
		if i == 0 {
			ph.add("first print, from New", time.Since(start))
		}
		w := time.Now()
		if err := os.WriteFile(filepath.Join(t.TempDir(), "x.pdf"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		ph.add("write file", time.Since(w))
		text := strings.Join(strings.Fields(pdfText(t, data)), " ")
		m := regexp.MustCompile(`PROFILE (.*?) END`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no profile in the PDF")
		}
		t.Logf("page timings, print %d: %s", i+1, m[1])
		for _, kv := range strings.Fields(m[1]) {
			k, v, _ := strings.Cut(kv, "=")
			from, to, ok := strings.Cut(v, "..")
			var a, z float64
			fmt.Sscan(from, &a)
			if ok {
				fmt.Sscan(to, &z)
				marks[k+" (end)"] = append(marks[k+" (end)"], z)
			}
			marks[k] = append(marks[k], a)
		}
	}
	c := time.Now()
	b.Close()
	ph.add("browser close", time.Since(c))
	t.Logf("phases (%s):\n%s", exe, ph.table())
	keys := make([]string, 0, len(marks))
	for k := range marks {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return median(marks[keys[i]]) < median(marks[keys[j]]) })
	var tb strings.Builder
	for _, k := range keys {
		v := marks[k]
		fmt.Fprintf(&tb, "%-40s first %7.1f ms, median of the rest %7.1f ms\n", k, v[0], median(v[1:]))
	}
	t.Logf("in the page, from the navigation's start:\n%s", tb.String())
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}

// TestProfileStart times a browser's start (to its first tab), a second
// tab, a blank page's print and the browser's exit, for each variant below
// (the browsers in BRIEF_PDF_PROFILE_EXES, colon-separated, default
// chromium; a graceful close or a kill), alternated, with the CPU time of
// the browser's processes before its exit (from /proc).
func TestProfileStart(t *testing.T) {
	if os.Getenv("BRIEF_PDF_PROFILE") == "" {
		t.Skip("a profile, not a test: set BRIEF_PDF_PROFILE=1")
	}
	exes := strings.Split(os.Getenv("BRIEF_PDF_PROFILE_EXES"), ":")
	if exes[0] == "" {
		exes = []string{printer(t)}
	}
	n := 5
	fmt.Sscan(os.Getenv("BRIEF_PDF_PROFILE_N"), &n)
	var ph phases
	for range n {
		for _, exe := range exes {
			for _, kill := range []bool{false, true} {
				name := fmt.Sprintf("%s kill=%v", filepath.Base(exe), kill)
				opts := append(chromedp.DefaultExecAllocatorOptions[:],
					chromedp.ExecPath(exe),
					chromedp.Flag("disable-gpu", true),
					chromedp.Flag("disable-quic", true),
					chromedp.Flag("disable-component-update", true),
					chromedp.Flag("hide-scrollbars", true),
					chromedp.Flag("font-render-hinting", "none"),
					chromedp.NoSandbox,
				)
				s := time.Now()
				alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
				ctx, cancel := chromedp.NewContext(alloc)
				if _, err := chromedp.Run(ctx, chromedp.Func(func(context.Context, *chromedp.Target) error { return nil })); err != nil {
					t.Fatal(err)
				}
				ph.add(name+": start", time.Since(s))
				s = time.Now()
				tctx, tcancel := chromedp.NewContext(ctx)
				if _, err := chromedp.Run(tctx, chromedp.Func(func(context.Context, *chromedp.Target) error { return nil })); err != nil {
					t.Fatal(err)
				}
				ph.add(name+": new tab", time.Since(s))
				s = time.Now()
				if _, err := chromedp.Run(ctx, chromedp.PrintToPDF()); err != nil {
					t.Fatal(err)
				}
				ph.add(name+": print blank (first tab)", time.Since(s))
				ph.add(name+": browser CPU before close", descendantsCPU())
				s = time.Now()
				if kill {
					cancelAlloc()
					cancel()
				} else {
					tcancel()
					cancel()
					cancelAlloc()
				}
				ph.add(name+": close", time.Since(s))
			}
		}
	}
	t.Logf("\n%s", ph.table())
}

// TestProfileWeekly is the weekly publish of BenchmarkWeeklyPublishPDF
// (1,000 generated briefings, one new, cache warm) as a timeline: when
// each phase of the print began and how long it took, from the build's
// start, beside the build's time without PDFs. BRIEF_PDF_PROFILE_N builds
// of each (default 5), alternated.
func TestProfileWeekly(t *testing.T) {
	if os.Getenv("BRIEF_PDF_PROFILE") == "" {
		t.Skip("a profile, not a test: set BRIEF_PDF_PROFILE=1")
	}
	exe := printer(t)
	const n = 1000
	runs := 5
	fmt.Sscan(os.Getenv("BRIEF_PDF_PROFILE_N"), &runs)
	type site struct {
		src  string
		opts build.Options
	}
	var sites [2]site
	for i, withPDF := range []bool{false, true} {
		src := t.TempDir()
		if err := gen.Write(src, n); err != nil {
			t.Fatal(err)
		}
		opts := build.Options{Future: true, Src: src, Out: filepath.Join(t.TempDir(), "public"), CacheDir: filepath.Join(t.TempDir(), "cache"), PDF: withPDF}
		if withPDF {
			opts.Printer = &recorder{}
		}
		if _, err := build.Build(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		sites[i] = site{src, opts}
	}
	var ph phases
	var mu sync.Mutex
	var start time.Time
	pdf.SetTrace(func(phase string, d time.Duration) {
		mu.Lock()
		at := time.Since(start) - d
		mu.Unlock()
		ph.add(phase+" (began at)", at)
		ph.add(phase, d)
	})
	defer pdf.SetTrace(nil)
	for i := range runs {
		for j, s := range sites {
			name := filepath.Join(s.src, "content/briefings", fmt.Sprintf("zz-new-%d.md", i))
			text := fmt.Sprintf("+++\ntitle = \"New %d\"\ndate = %s\n+++\nNew.\n\n```chart\ndataset = \"moves\"\n```\n", i, gen.Start.AddDate(0, 0, 7*n+i).Format("2006-01-02"))
			if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			opts := s.opts
			var b *pdf.Browser
			if j == 1 {
				b = pdf.New(context.Background(), exe)
				opts.Printer = b
			}
			mu.Lock()
			start = time.Now()
			mu.Unlock()
			if _, err := build.Build(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			built := time.Since(start)
			if b != nil {
				b.Close()
				ph.add("build with PDFs (Build returns)", built)
				ph.add("build with PDFs and the browser closed", time.Since(start))
			} else {
				ph.add("build without PDFs", built)
			}
		}
	}
	t.Logf("%s\n%s", exe, ph.table())
}
