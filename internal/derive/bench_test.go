package derive_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/derive"
)

// BenchmarkSnapshots runs queries over a daily series of 10,000 rows as
// of 100 dates spread over it (each a distinct snapshot, about 5,000 rows
// on average): ns/op divided by 100 is the cost of one snapshot. Results
// are in docs/performance.md.
func BenchmarkSnapshots(b *testing.B) {
	var src strings.Builder
	src.WriteString("title = \"Daily\"\nsource = \"S\"\nkind = \"series\"\n")
	start := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10_000 {
		fmt.Fprintf(&src, "[[rows]]\ndate = %s\nclose = %d.25\n", start.AddDate(0, 0, i).Format(time.DateOnly), 100+i%97)
	}
	daily, err := dataset.Parse("data/daily.toml", []byte(src.String()))
	if err != nil {
		b.Fatal(err)
	}
	var days []time.Time
	for i := range 100 {
		days = append(days, start.AddDate(0, 0, 50+i*100))
	}
	for _, q := range []struct{ name, sql string }{
		{"rows", "SELECT date, close FROM daily ORDER BY date"},
		{"rolling-mean", "SELECT date, AVG(close) OVER (ORDER BY date ROWS BETWEEN 29 PRECEDING AND CURRENT ROW) AS mean_30 FROM daily ORDER BY date"},
		{"rebased", "SELECT date, close / FIRST_VALUE(close) OVER (ORDER BY date) * 100 AS rebased FROM daily ORDER BY date"},
		{"both-rounded", "SELECT date, ROUND(AVG(close) OVER (ORDER BY date ROWS BETWEEN 29 PRECEDING AND CURRENT ROW), 2) AS mean_30, ROUND(close / FIRST_VALUE(close) OVER (ORDER BY date) * 100, 1) AS rebased FROM daily ORDER BY date"},
		{"monthly-sums", "SELECT strftime('%Y-%m', date) AS month, SUM(close) AS total FROM daily GROUP BY month ORDER BY month"},
	} {
		b.Run(q.name, func(b *testing.B) {
			mean, err := dataset.Parse("data/mean.toml", []byte(query("table", q.sql)))
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				e, _, _, err := derive.New(context.Background(), []*dataset.Dataset{daily, mean}, nil, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Need(context.Background(), map[string][]time.Time{"mean": days}); err != nil || e.Err() != nil {
					b.Fatal(err, e.Err())
				}
				e.Release()
			}
		})
	}
}
