package chart

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/block"
)

// BenchmarkBuild makes the ECharts options of the charts a cold build
// makes for every briefing of internal/gen's projects: a quarter of daily
// closes, a moves chart, deals; what the budget of the cold build counts.
func BenchmarkBuild(b *testing.B) {
	var daily strings.Builder
	daily.WriteString("title = \"Daily\"\nsource = \"Desk\"\nkind = \"series\"\n[columns.close]\nformat = \"usd\"\n")
	for d := range 90 {
		fmt.Fprintf(&daily, "[[rows]]\ndate = %s\nclose = %d.5\n", time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.DateOnly), 900+d*7%130)
	}
	views := []struct {
		src string
		sel block.Selection
	}{
		{daily.String(), block.Selection{Dataset: "daily"}},
		{moves, block.Selection{Dataset: "moves"}},
		{deals, block.Selection{Dataset: "deals"}},
	}
	for _, v := range views {
		view := bind(b, v.src, v.sel)
		b.Run(v.sel.Dataset, func(b *testing.B) {
			for b.Loop() {
				if _, err := Build(view, "chart-1", nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
