package chart

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/view"
)

func TestNiceStep(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{
		{0.9, 1}, {1, 1}, {1.2, 2}, {2, 2}, {2.1, 2.5}, {2.6, 5}, {5.1, 10}, {30, 50}, {0.03, 0.05}, {0.022, 0.025}, {1.7e9, 2e9}, {0, 1}, {-3, 1},
	} {
		if got := view.NiceStep(tt.in); !close(got, tt.want) {
			t.Errorf("niceStep(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestValueAxis: ranges and labels of value axes as a reader sees them.
func TestValueAxis(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		zero   bool
		f      dataset.Format
		marks  []float64
		want   string // the labels, from the bottom
	}{
		{"price bars from zero", 88347, 126210, true, dataset.FormatUSD, nil, "$0 $50,000 $100,000 $150,000"},
		{"price line scaled to its data", 88347, 126210, false, dataset.FormatUSD, nil, "$80,000 $90,000 $100,000 $110,000 $120,000 $130,000"},
		{"hashprice with a mark on the data's low", 35, 55, false, dataset.FormatUSD, []float64{35}, "$30 $35 $40 $45 $50 $55"},
		{"cents", 0.2, 1.1, false, dataset.FormatUSD, nil, "$0.20 $0.40 $0.60 $0.80 $1.00 $1.20"},
		{"not 900, 930, 960", 905, 1000, false, dataset.FormatNumber, nil, "900 920 940 960 980 1,000"},
		{"percent moves", -4.25, 10.8, true, dataset.FormatPercent, nil, "-5% 0% 5% 10% 15%"},
		{"percent, small steps", 0.1, 1.3, true, dataset.FormatPercent, nil, "0.0% 0.5% 1.0% 1.5%"},
		{"step 2.5", 0, 12.4, true, dataset.FormatNumber, nil, "0.0 2.5 5.0 7.5 10.0 12.5"},
		{"compact billions", 0, 7e9, true, dataset.FormatUSDCompact, nil, "$0 $2B $4B $6B $8B"},
		{"compact, half billions", 0, 2.2e9, true, dataset.FormatUSDCompact, nil, "$0 $0.5B $1.0B $1.5B $2.0B $2.5B"},
		{"integers step by whole numbers", 1, 3, true, dataset.FormatInteger, nil, "0 1 2 3"},
		{"one value, a bar", 5, 5, true, dataset.FormatNumber, nil, "0 1 2 3 4 5"},
		{"one value, a line", 50, 50, false, dataset.FormatNumber, nil, "44 46 48 50 52 54 56"},
		{"no value", 0, 0, false, dataset.FormatNumber, nil, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{"a mark above the data", 10, 20, false, dataset.FormatNumber, []float64{30}, "10 15 20 25 30 35"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ValueAxis(tt.lo, tt.hi, tt.zero, tt.f, tt.marks)
			if got := strings.Join(a.Labels, " "); got != tt.want {
				t.Errorf("labels %q, want %q (%+v)", got, tt.want, a)
			}
			if tt.zero && (a.Min > 0 || a.Max < 0) {
				t.Errorf("axis %v to %v leaves out zero", a.Min, a.Max)
			}
			if a.Min > tt.lo || a.Max < tt.hi {
				t.Errorf("axis %v to %v leaves out the data", a.Min, a.Max)
			}
			for _, m := range tt.marks {
				if m <= a.Min || m >= a.Max {
					t.Errorf("mark %v on the axis' end (%v to %v)", m, a.Min, a.Max)
				}
			}
		})
	}
}

func TestDateLabels(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	months := []time.Time{day("2025-07-01"), day("2025-09-01"), day("2025-11-01"), day("2026-01-01"), day("2026-03-01")}
	if got, want := DateLabels(months, months[4].Sub(months[0])), []string{"Jul 2025", "Sep", "Nov", "Jan 2026", "Mar"}; !slices.Equal(got, want) {
		t.Errorf("months: %q, want %q", got, want)
	}
	days := []time.Time{day("2025-12-29"), day("2026-01-05"), day("2026-01-12")}
	if got, want := DateLabels(days, 60*24*time.Hour), []string{"29 Dec", "5 Jan", "12 Jan"}; !slices.Equal(got, want) {
		t.Errorf("days: %q, want %q", got, want)
	}
	// A bar per date over months: a month's first bar carries the label.
	bars := []time.Time{day("2025-07-01"), day("2025-07-15"), day("2025-08-01"), day("2025-12-31"), day("2026-01-02")}
	if got, want := categoryDates(bars), []string{"Jul 2025", "", "Aug", "Dec", "Jan 2026"}; !slices.Equal(got, want) {
		t.Errorf("bars: %q, want %q", got, want)
	}
}

func close(a, b float64) bool { d := a - b; return d < 1e-9*max(1, b) && -d < 1e-9*max(1, b) }
