package build

import (
	"slices"
	"testing"
)

// TestInputOrder: the check for "nothing changed" states the listed folders
// first, then the files most recently changed, so that an edit to one of the
// last weeks' briefings is found without stating the whole archive; files
// changed at the same time keep the record's order.
func TestInputOrder(t *testing.T) {
	in := []pathID{
		{Path: "content/briefings/2010-01-04.md", ID: fileID{MTime: 100}},
		{Path: "content/briefings", ID: fileID{MTime: 50, List: "h1"}},
		{Path: "content/briefings/2026-11-30.md", ID: fileID{MTime: 900}},
		{Path: "data/moves.toml", ID: fileID{MTime: 700}},
		{Path: "data", ID: fileID{MTime: 10, List: "h2"}},
		{Path: "content/briefings/2026-11-23.md", ID: fileID{MTime: 700}},
		{Path: "site.toml", ID: fileID{MTime: 5}},
	}
	for _, tc := range []struct {
		name string
		in   []pathID
		want []int
	}{
		{"empty", nil, []int{}},
		{"folders first, then newest first, ties as recorded", in, []int{1, 4, 2, 3, 5, 0, 6}},
		{"files only", in[2:4], []int{0, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := inputOrder(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("inputOrder = %v, want %v", got, tc.want)
			}
		})
	}
}
