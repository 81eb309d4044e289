package site_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/site"
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
				if _, err := site.Build(context.Background(), site.Options{Src: src, Out: out, ECharts: echarts}); err != nil {
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
	res, err := site.Build(context.Background(), site.Options{Src: src, ECharts: sitetest.ECharts(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) < 12 {
		t.Errorf("only %d files", len(res.Files))
	}
}
