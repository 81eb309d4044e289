package search_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/render"
	"github.com/brief-desk/brief/internal/search"
	"github.com/brief-desk/brief/internal/sitetest"
)

func gzipSize(tb testing.TB, path string) int {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return buf.Len()
}

// generated writes and builds (with a cache) a project of n generated
// briefings, as cmd/briefgen writes it.
func generated(b *testing.B, n int) (src string, opts build.Options) {
	b.Helper()
	src = b.TempDir()
	if err := gen.Write(src, n); err != nil {
		b.Fatal(err)
	}
	opts = build.Options{Future: true, Src: src, Out: filepath.Join(b.TempDir(), "public"), CacheDir: filepath.Join(b.TempDir(), "cache")}
	if _, err := build.Build(context.Background(), opts); err != nil {
		b.Fatal(err)
	}
	return src, opts
}

// BenchmarkSearchBudgets measures the budgets on 1,000 generated
// briefings and reports them as metrics:
//   - first-query-gzip-B: the most a first query loads (gzip -9): the entry,
//     the largest bucket's part of every group, and the ten largest
//     fragments;
//   - weekly-gzip-B: what a build after one new briefing writes under
//     search/ (gzip);
//   - index-cpu-%: the search outputs' share of making every output one by
//     one (after the pages, whose markdown trees they reuse), and
//     index-cpu-first-%: the same, made first (parsing the trees).
func BenchmarkSearchBudgets(b *testing.B) {
	src, opts := generated(b, 1000)
	public := opts.Out
	groups := entryOf(b, public)
	first := gzipSize(b, filepath.Join(public, "search/index.js"))
	worst := 0
	for _, bucket := range search.Buckets {
		n := 0
		for _, g := range groups {
			n += gzipSize(b, filepath.Join(public, "search", g.PartName(bucket)+".js"))
		}
		worst = max(worst, n)
	}
	var frags []int
	for _, g := range groups {
		for _, f := range g.Fragments {
			frags = append(frags, gzipSize(b, filepath.Join(public, "search", f+".js")))
		}
	}
	slices.Sort(frags)
	slices.Reverse(frags)
	for _, n := range frags[:min(10, len(frags))] {
		first += n
	}
	first += worst

	// A weekly publish: a briefing a week after the latest.
	latest, err := os.ReadFile(filepath.Join(src, "content/briefings/week-01000.md"))
	if err != nil {
		b.Fatal(err)
	}
	date := gen.Start.AddDate(0, 0, 1000*7).Format(time.DateOnly)
	week := strings.Replace(strings.Replace(string(latest), "Week 1000:", "Week 1001:", 1), gen.Start.AddDate(0, 0, 999*7).Format(time.DateOnly), date, 1)
	if err := os.WriteFile(filepath.Join(src, "content/briefings/week-01001.md"), []byte(week), 0o644); err != nil {
		b.Fatal(err)
	}
	res, err := build.Build(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	weekly, weeklyFiles := 0, 0
	for _, f := range res.Files {
		if strings.HasPrefix(f, "search/") && !res.Same[f] {
			weekly += gzipSize(b, filepath.Join(public, f))
			weeklyFiles++
		}
	}

	var after, before float64
	for range b.N {
		after = share(b, src, false)
		before = share(b, src, true)
	}
	b.ReportMetric(float64(first), "first-query-gzip-B")
	b.ReportMetric(float64(weekly), "weekly-gzip-B")
	b.ReportMetric(float64(weeklyFiles), "weekly-files")
	b.ReportMetric(after, "index-cpu-%")
	b.ReportMetric(before, "index-cpu-first-%")
}

// share makes every output of the project's plan one at a time and
// returns the search outputs' share of the time, in percent; searchFirst
// makes them before the others.
func share(b *testing.B, src string, searchFirst bool) float64 {
	p, err := project.Load(context.Background(), project.Options{Src: src}, nil)
	if err != nil {
		b.Fatal(err)
	}
	pl, err := render.New(p, render.Options{})
	if err != nil {
		b.Fatal(err)
	}
	sizes := map[string]int{}
	var index, all time.Duration
	run := func(o *render.Output) {
		t0 := time.Now()
		data, err := o.Make(func(path string) int { return sizes[path] })
		d := time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		sizes[o.Path] = len(data)
		all += d
		if strings.HasPrefix(o.Path, "search/") {
			index += d
		}
	}
	if searchFirst {
		for _, o := range pl.Outputs {
			if strings.HasPrefix(o.Path, "search/") {
				run(o)
			}
		}
	}
	for _, o := range pl.Outputs {
		if !strings.HasPrefix(o.Path, "search/") {
			run(o)
		}
	}
	if !searchFirst {
		for _, o := range pl.Outputs {
			if strings.HasPrefix(o.Path, "search/") {
				run(o)
			}
		}
	}
	return 100 * index.Seconds() / all.Seconds()
}

// BenchmarkSearchBrowser measures, in Chromium on 1,000 generated
// briefings opened from disk, the time from the last key of a query to its
// results in the list: the first query (loading the entry and parts) and
// the next ones.
func BenchmarkSearchBrowser(b *testing.B) {
	sitetest.Chromium(b)
	_, opts := generated(b, 1000)
	p := sitetest.Browser(b)
	p.Open(b, "file://"+opts.Out+"/briefings/week-00500/index.html")
	var firstMS, typedMS, warmMS float64
	for i := range b.N {
		if i > 0 {
			p.Open(b, "file://"+opts.Out+"/briefings/week-00500/index.html")
		}
		// A query pasted whole: the entry, its parts and fragments load.
		firstMS = timeQuery(b, p, "hashprice")
		// Typed key by key: the time after the last key.
		for _, q := range []string{"c", "ca", "cam", "camp", "campu"} {
			timeQuery(b, p, q)
		}
		typedMS = timeQuery(b, p, "campus")
		// The same query again: the parts are loaded.
		warmMS = timeQuery(b, p, "hashprice")
	}
	b.ReportMetric(firstMS, "first-ms")
	b.ReportMetric(typedMS, "typed-ms")
	b.ReportMetric(warmMS, "warm-ms")
	if errs := p.Errors(); len(errs) > 0 {
		b.Errorf("console errors: %q", errs)
	}
}

// timeQuery sets the box to q and returns the milliseconds until the list
// shows its results.
func timeQuery(b *testing.B, p *sitetest.Page, q string) float64 {
	b.Helper()
	return evalAsync[float64](b, p, fmt.Sprintf(`new Promise(resolve => {
	  const i = document.querySelector('#search-input'), list = document.querySelector('#search-results');
	  const seen = new MutationObserver(() => {
	    if (list.getAttribute('data-query') === i.value && !list.hidden) { seen.disconnect(); resolve(performance.now() - t0); }
	  });
	  seen.observe(list, {attributes: true, childList: true});
	  i.value = %q;
	  const t0 = performance.now();
	  i.dispatchEvent(new Event('input'));
	})`, q))
}

// BenchmarkSearchOutputs makes the search outputs of 1,000 generated
// briefings whose markdown is already parsed (as the pages leave it).
func BenchmarkSearchOutputs(b *testing.B) {
	src := b.TempDir()
	if err := gen.Write(src, 1000); err != nil {
		b.Fatal(err)
	}
	p, err := project.Load(context.Background(), project.Options{Src: src}, nil)
	if err != nil {
		b.Fatal(err)
	}
	plan := func() []*render.Output {
		pl, err := render.New(p, render.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var out []*render.Output
		for _, o := range pl.Outputs {
			if strings.HasPrefix(o.Path, "search/") {
				out = append(out, o)
			}
		}
		return out
	}
	for _, o := range plan() { // parse every briefing's markdown once
		if _, err := o.Make(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		outs := plan()
		b.StartTimer()
		for _, o := range outs {
			if _, err := o.Make(nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}
