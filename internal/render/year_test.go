package render

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestYearPages: a list of briefings, newest first, gives a page a year
// that has briefings (none for an empty list), each with its count and its
// neighbours' years and paths only.
func TestYearPages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dates []string
		want  string
	}{
		{"no briefings", nil, ""},
		{"one", []string{"2026-01-02"}, "2026:1 <nil> <nil>"},
		{"a gap of years", []string{"2026-03-01", "2026-01-01", "2023-12-31", "2023-01-01", "2023-01-01", "2021-06-30"},
			"2026:2 <nil> 2023@y2023; 2023:3 2026@y2026 2021@y2021; 2021:1 2023@y2023 <nil>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var infos []*briefingInfo
			for _, d := range tc.dates {
				date, err := time.Parse(time.DateOnly, d)
				if err != nil {
					t.Fatal(err)
				}
				infos = append(infos, &briefingInfo{Date: date})
			}
			var got []string
			show := func(p *yearPage) string {
				if p == nil {
					return "<nil>"
				}
				if p.Count != 0 || p.Newer != nil || p.Older != nil {
					return "a neighbour with more than its year and path"
				}
				return fmt.Sprintf("%d@%s", p.Year, p.Path)
			}
			for _, p := range yearPages(infos, "index.html", "label", func(y int) string { return fmt.Sprintf("y%d", y) }) {
				got = append(got, fmt.Sprintf("%d:%d %s %s", p.Year, p.Count, show(p.Newer), show(p.Older)))
				if p.Up != "index.html" || p.Label != "label" {
					t.Errorf("%d: up %q, label %q", p.Year, p.Up, p.Label)
				}
			}
			if s := strings.Join(got, "; "); s != tc.want {
				t.Errorf("got %s\nwant %s", s, tc.want)
			}
		})
	}
}
