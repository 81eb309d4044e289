package deploy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/deploy"
	"github.com/brief-desk/brief/internal/gen"
)

// BenchmarkWeeklyDeploy is docs/performance.md's weekly deploy against
// each storage's server on loopback: a generated project of 1,000
// briefings deployed once (not timed), then, each round, one new briefing
// and a build (not timed) and the deploy (timed). It reports the files
// each deploy uploaded. Run it with
// go test -run '^$' -bench WeeklyDeploy -benchtime 5x ./internal/deploy/
func BenchmarkWeeklyDeploy(b *testing.B) {
	for _, d := range drivers {
		b.Run(d.name, func(b *testing.B) {
			srv := d.start(b)
			dir := b.TempDir()
			if err := gen.Write(dir, 1000); err != nil {
				b.Fatal(err)
			}
			opts := deploy.Options{Dir: filepath.Join(dir, "public"), URL: srv.url(b, srv.addr, "m1000/"), MaxDeletes: 256}
			ctx := context.Background()
			weekly := func(i int) {
				if i > 0 {
					date := gen.Start.AddDate(0, 0, 7*(1000+i)).Format(time.DateOnly)
					text := fmt.Sprintf("+++\ntitle = \"New %d\"\ndate = %s\ntags = [\"power\"]\n+++\n\nThe grid decides.\n", i, date)
					if err := os.WriteFile(filepath.Join(dir, "content", "briefings", fmt.Sprintf("zz-new-%d.md", i)), []byte(text), 0o644); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := build.Build(ctx, build.Options{Src: dir, Future: true, ECharts: os.Getenv("BRIEF_ECHARTS")}); err != nil {
					b.Fatal(err)
				}
			}
			weekly(0)
			start := time.Now()
			res, err := deploy.Deploy(ctx, opts)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("first deploy: %d files in %.1f s", len(res.Uploaded), time.Since(start).Seconds())
			uploaded, i := 0, 0
			for b.Loop() {
				b.StopTimer()
				i++
				weekly(i)
				b.StartTimer()
				res, err := deploy.Deploy(ctx, opts)
				if err != nil {
					b.Fatal(err)
				}
				uploaded += len(res.Uploaded)
			}
			b.ReportMetric(float64(uploaded)/float64(i), "uploads/op")
		})
	}
}
