package build_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/sitetest"
)

// BenchmarkBuild is a full cold build of a generated project: N weekly
// briefings of about 800 words with three charts and a table each. Results
// are recorded in docs/performance.md.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("briefings=%d", n), func(b *testing.B) {
			src := b.TempDir()
			if err := gen.Write(src, n); err != nil {
				b.Fatal(err)
			}
			out := filepath.Join(b.TempDir(), "public")
			echarts := sitetest.ECharts(b)
			b.ResetTimer()
			for b.Loop() {
				if _, err := build.Build(context.Background(), build.Options{Src: src, Out: out, ECharts: echarts}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestGeneratedProjectBuilds keeps the generator honest: its output must build.
func TestGeneratedProjectBuilds(t *testing.T) {
	src := t.TempDir()
	if err := gen.Write(src, 12); err != nil {
		t.Fatal(err)
	}
	res, err := build.Build(context.Background(), build.Options{Src: src, ECharts: sitetest.ECharts(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) < 12 {
		t.Errorf("only %d files", len(res.Files))
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
		opts := build.Options{Src: src, Out: filepath.Join(b.TempDir(), "public"), ECharts: sitetest.ECharts(b), CacheDir: filepath.Join(b.TempDir(), "cache")}
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
