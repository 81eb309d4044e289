package build_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/gen"
	model "github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/sitetest"
)

// BenchmarkBuild is a full cold build of a generated project: N weekly
// briefings of about 800 words with three charts and a table each. Results
// are recorded in docs/performance.md.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("briefings=%d", n), func(b *testing.B) {
			benchCold(b, n, gen.Write)
		})
	}
}

// BenchmarkBuildWithCards is BenchmarkBuild at 1,000 briefings with a
// numbers block, a changes block and inline values in every briefing.
func BenchmarkBuildWithCards(b *testing.B) { benchCold(b, 1000, gen.WriteWithCards) }

// BenchmarkBuildWithEntities is BenchmarkBuild's project with 40 entities:
// their pages, workbooks and the mentions in every briefing.
func BenchmarkBuildWithEntities(b *testing.B) { benchCold(b, 1000, gen.WriteWithEntities) }

// benchCold times builds, without cache, of a project of n briefings that
// write makes.
func benchCold(b *testing.B, n int, write func(dir string, n int) error) {
	src := b.TempDir()
	if err := write(src, n); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "public")
	b.ResetTimer()
	for b.Loop() {
		if _, err := build.Build(context.Background(), build.Options{Future: true, Src: src, Out: out}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGeneratedProjectBuilds keeps the generator honest: its output must
// build into exactly the site the contract describes, every briefing with its
// page and workbook, every year and every tag with its page.
func TestGeneratedProjectBuilds(t *testing.T) {
	src := t.TempDir()
	if err := gen.Write(src, 12); err != nil {
		t.Fatal(err)
	}
	cards := t.TempDir()
	if err := gen.WriteWithCards(cards, 12); err != nil {
		t.Fatal(err)
	}
	if _, err := build.Build(context.Background(), build.Options{Future: true, Src: cards}); err != nil {
		t.Fatalf("the project with cards: %v", err)
	}
	res, err := build.Build(context.Background(), build.Options{Future: true, Src: src})
	if err != nil {
		t.Fatal(err)
	}
	p, err := model.Load(context.Background(), model.Options{Src: src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"404.html", "assets/brief.css", "assets/brief.js", "assets/echarts.LICENSE.txt", "assets/echarts.min.js", "assets/search.js", "data/datasets.xlsx",
		"feed.xml", "index.html", "search/index.js", "sitemap.xml", "tags/index.html"}
	tags := map[string]bool{}
	years := map[int]bool{}
	for _, b := range p.Briefings {
		if y := b.Date.Year(); !years[y] { // a page a year
			years[y] = true
			want = append(want, fmt.Sprintf("archive/%d/index.html", y))
		}
		if len(b.Views) != 4 {
			t.Errorf("%s: %d blocks, want 3 charts and a table", b.File, len(b.Views))
		}
		want = append(want, "briefings/"+b.Slug+"/index.html", "briefings/"+b.Slug+"/"+b.Slug+".xlsx")
		for n := range b.Views {
			want = append(want, fmt.Sprintf("briefings/%s/%s-%d.csv", b.Slug, b.Slug, n+1))
		}
		for _, tag := range b.Tags {
			tags[content.TagSlug(tag)] = true
		}
	}
	for tag := range tags {
		want = append(want, "tags/"+tag+"/index.html")
	}
	slices.Sort(want)
	hash := regexp.MustCompile(`\.[0-9a-f]{8}(\.[a-z]+)$`) // assets carry a content hash
	var got []string
	for _, f := range res.Files {
		if strings.HasPrefix(f, "search/") && f != "search/index.js" {
			continue // the search index's parts, named by hashes: internal/search tests them
		}
		got = append(got, hash.ReplaceAllString(f, "$1"))
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if len(p.Briefings) != 12 || len(tags) < 2 {
		t.Errorf("%d briefings, %d tags", len(p.Briefings), len(tags))
	}
}

// BenchmarkWarmBuild measures rebuilds with the build cache after a cold
// build: adding one new briefing, and editing one dataset row.
func BenchmarkWarmBuild(b *testing.B) {
	for _, n := range []int{100, 1000} {
		src := b.TempDir()
		if err := gen.Write(src, n); err != nil {
			b.Fatal(err)
		}
		opts := build.Options{Future: true, Src: src, Out: filepath.Join(b.TempDir(), "public"), CacheDir: filepath.Join(b.TempDir(), "cache")}
		if _, err := build.Build(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("new-briefing/briefings=%d", n), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				name := filepath.Join(src, "content/briefings", fmt.Sprintf("zz-new-%d.md", i))
				text := fmt.Sprintf("+++\ntitle = \"New %d\"\ndate = %s\n+++\nNew.\n\n```table\ndataset = \"operators\"\n```\n", i, gen.Start.AddDate(0, 0, 7*n+i).Format("2006-01-02"))
				if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
					b.Fatal(err)
				}
				if _, err := build.Build(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("dataset-edit/briefings=%d", n), func(b *testing.B) {
			file := filepath.Join(src, "data/operators.toml")
			orig, _ := os.ReadFile(file)
			for i := 0; b.Loop(); i++ {
				text := strings.Replace(string(orig), "sites = 1\n", fmt.Sprintf("sites = %d\n", 100+i), 1)
				if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
					b.Fatal(err)
				}
				if _, err := build.Build(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDerived compares a project of n briefings that each quote a
// derived dataset (a 30-day mean and a rebased index over 10,000 daily
// rows: one distinct snapshot per briefing) with the same project quoting
// a column of the daily dataset instead: a cold build, and a weekly
// publish (a new daily row and a new briefing quoting it) into the warm
// archive. Results are in docs/performance.md.
func BenchmarkDerived(b *testing.B) {
	const n = 1000
	for _, query := range []bool{false, true} {
		name := map[bool]string{false: "column", true: "query"}[query]
		src := b.TempDir()
		if err := gen.WriteWithDerived(src, n, query); err != nil {
			b.Fatal(err)
		}
		b.Run("cold/"+name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "public")
			for b.Loop() {
				if _, err := build.Build(context.Background(), build.Options{Future: true, Src: src, Out: out}); err != nil {
					b.Fatal(err)
				}
			}
		})
		opts := build.Options{Future: true, Src: src, Out: filepath.Join(b.TempDir(), "public"), CacheDir: filepath.Join(b.TempDir(), "cache")}
		if _, err := build.Build(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
		from := map[bool]string{false: "daily", true: "daily_mean"}[query]
		daily := filepath.Join(src, "data/daily.toml")
		b.Run("weekly/"+name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				date := gen.Start.AddDate(0, 0, 7*(n+i)).Format("2006-01-02")
				f, err := os.OpenFile(daily, os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					b.Fatal(err)
				}
				fmt.Fprintf(f, "[[rows]]\ndate = %s\nclose = %d.5\nmean_30 = 100.0\n\n", date, 100+i)
				f.Close()
				text := fmt.Sprintf("+++\ntitle = \"New %d\"\ndate = %s\n+++\nThe 30-day mean stood at {{ %s.mean_30 }}.\n", i, date, from)
				if err := os.WriteFile(filepath.Join(src, "content/briefings", fmt.Sprintf("zz-new-%d.md", i)), []byte(text), 0o644); err != nil {
					b.Fatal(err)
				}
				if _, err := build.Build(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEditLarge is a rebuild, cache warm, after an edit to one
// briefing's prose in a generated archive of BRIEF_BENCH_LARGE briefings
// (100000 for the figure); skipped without it, as generating and
// building that archive takes minutes and gigabytes. BRIEF_BENCH_CPUPROFILE
// names a file for a CPU profile of the edits alone (-cpuprofile would
// hold the cold build too): see docs/performance.md. Every edit is dated
// two seconds before its build, as a desk saves minutes before it builds:
// a file changed less than a second before the build that read it makes
// the build's record untrustworthy for the output (git's "racy" files),
// and the next build walks the output and the spare again.
func BenchmarkEditLarge(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("BRIEF_BENCH_LARGE"))
	if n <= 0 {
		b.Skip("set BRIEF_BENCH_LARGE to a number of briefings (100000 for the issue's figure)")
	}
	src := b.TempDir()
	if err := gen.Write(src, n); err != nil {
		b.Fatal(err)
	}
	settled := func(p string) error { // written a while before the build
		then := time.Now().Add(-2 * time.Second)
		return os.Chtimes(p, then, then)
	}
	if err := filepath.WalkDir(src, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return settled(p)
	}); err != nil {
		b.Fatal(err)
	}
	opts := build.Options{Future: true, Src: src, Out: filepath.Join(b.TempDir(), "public"), CacheDir: filepath.Join(b.TempDir(), "cache")}
	if _, err := build.Build(context.Background(), opts); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(src, "content/briefings", fmt.Sprintf("week-%05d.md", n/2))
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	sitetest.CPUProfile(b) // the edits only, not the cold build
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := os.WriteFile(file, fmt.Appendf(slices.Clip(orig), "\nEdit %d.\n", i), 0o644); err != nil {
			b.Fatal(err)
		}
		if err := settled(file); err != nil {
			b.Fatal(err)
		}
		res, err := build.Build(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.Logf("made %d outputs, wrote %d files", len(res.Made), res.Written)
		}
	}
}
