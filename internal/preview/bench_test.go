package preview_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/preview"
	"github.com/brief-desk/brief/internal/sitetest"
)

// BenchmarkSaveToReload measures, in a project of 1,000 generated
// briefings, the time from saving one briefing to the reload event reaching
// a browser's event stream: the watcher's debounce, the incremental rebuild
// and the event. Figures are in docs/performance.md.
//
// all-features is the same with every feature of the third round on
// (gen.WriteAllFeatures: a derived dataset quoted in every briefing,
// revised rows, the search index; PDFs are never made by the preview).
func BenchmarkSaveToReload(b *testing.B) {
	for _, p := range []struct {
		name  string
		write func(string, int) error
	}{{"plain", gen.Write}, {"all-features", gen.WriteAllFeatures}} {
		b.Run(p.name, func(b *testing.B) { saveToReload(b, p.write) })
	}
}

func saveToReload(b *testing.B, write func(string, int) error) {
	dir := b.TempDir()
	if err := write(dir, 1000); err != nil {
		b.Fatal(err)
	}
	srv := preview.New(build.Options{Src: dir}, io.Discard)
	if !srv.Rebuild(context.Background()) {
		b.Fatal("first build failed")
	}
	w, err := preview.NewWatcher(dir)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx, func(ch *build.Changes) { srv.RebuildAfter(ctx, ch) })
	ts := httptestServer(b, srv)
	events := listenB(b, ts)
	events.nextB(b, "errors")
	file := filepath.Join(dir, "content/briefings/week-00500.md")
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	var took []time.Duration // each save's, for the median and the slowest tenth
	sitetest.CPUProfile(b)   // the saves only, not the cold build
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		text := append([]byte{}, orig...)
		text = append(text, fmt.Sprintf("\nEdit %d.\n", i)...)
		start := time.Now()
		if err := os.WriteFile(file, text, 0o644); err != nil {
			b.Fatal(err)
		}
		events.nextB(b, "reload")
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(float64(preview.Debounce.Milliseconds()), "debounce-ms")
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(took[len(took)/2]), "median-ms")
	b.ReportMetric(ms(took[len(took)*9/10]), "p90-ms")
}

func (s *sse) nextB(b *testing.B, want string) {
	timeout := time.After(30 * time.Second)
	for {
		select {
		case e := <-s.events:
			if e[0] == want {
				return
			}
		case <-timeout:
			b.Fatalf("no %q event", want)
		}
	}
}
