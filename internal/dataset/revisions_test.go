package dataset

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const revised = `title = "Uranium"
source = "S"
kind = "series"
[[rows]]
date = 2025-10-31
usd_per_lb = 82.10
[[rows.revisions]]
on = 2025-12-02
usd_per_lb = 81.90
[[rows.revisions]]
on = 2026-01-05
usd_per_lb = 82.00
[[rows]]
date = 2025-11-28
usd_per_lb = 79.00
added = 2025-12-10
[[rows]]
date = 2025-11-30
usd_per_lb = 78.00
removed = 2025-12-20
`

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestOn: a dataset as of a day undoes the revisions made after it, leaves
// out rows added after it and keeps rows removed after it; now, it holds
// the current values and no removed row.
func TestOn(t *testing.T) {
	d, err := Parse("data/u.toml", []byte(revised))
	if err != nil {
		t.Fatal(err)
	}
	c := d.Column("usd_per_lb")
	tests := []struct{ day, want string }{
		{"2025-11-30", "2025-10-31=81.9 2025-11-30=78"},             // both revisions undone; the added row not there yet
		{"2025-12-02", "2025-10-31=82 2025-11-30=78"},               // the first revision made, the second undone
		{"2025-12-15", "2025-10-31=82 2025-11-28=79 2025-11-30=78"}, // the row of 28 November added on the 10th
		{"2025-12-20", "2025-10-31=82 2025-11-28=79"},               // the row of 30 November removed
		{"2026-03-01", "2025-10-31=82.1 2025-11-28=79"},             // now
	}
	for _, tt := range tests {
		s := d.On(day(tt.day))
		var got []string
		for _, r := range s.Select(Query{}) {
			got = append(got, fmt.Sprintf("%s=%v", s.Value(r, s.DateColumn()).Date().Format(time.DateOnly), s.Value(r, c).Num))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("as of %s: %s, want %s", tt.day, strings.Join(got, " "), tt.want)
		}
	}
	if d.Len() != 2 {
		t.Errorf("the current dataset has %d rows, want 2 (the removed one left out)", d.Len())
	}
	if a, b := d.On(day("2025-12-03")).Dataset, d.On(day("2025-12-09")).Dataset; a != b {
		t.Error("two days between the same events made two states")
	}
	if d.On(day("2027-01-01")).Dataset != d {
		t.Error("a day after every event is not the current dataset")
	}
	old := d.On(day("2025-11-30")).Dataset
	on, now, ok := old.Revised(0, c)
	if !ok || on.Format(time.DateOnly) != "2025-12-02" || now.Num != 82.10 {
		t.Errorf("Revised = %v %v %v, want 2025-12-02, 82.10", on, now.Num, ok)
	}
	if _, _, ok := d.On(day("2026-02-01")).Revised(0, c); ok {
		t.Error("a value shown after its last revision is reported revised")
	}
	if d.On(day("2025-11-30")).Value(1, d.Column("usd_per_lb")).Num != 78 {
		t.Error("a state's columns are not the dataset's")
	}
}

// TestNoHistory: a dataset without revisions is its own state on any day.
func TestNoHistory(t *testing.T) {
	d, err := Parse("data/p.toml", []byte("title = \"P\"\nsource = \"S\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nv = 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.On(day("2020-01-01")).Dataset != d || d.History() != nil {
		t.Error("a dataset without revisions made a state")
	}
}

func TestRevisionErrors(t *testing.T) {
	head := "title = \"U\"\nsource = \"S\"\nkind = \"series\"\n[[rows]]\ndate = 2025-10-31\nv = 1.0\n"
	tests := []struct{ name, body, want string }{
		{"on before the row", "[[rows.revisions]]\non = 2025-10-01\nv = 2.0\n", "data/u.toml:8:6: rows[0].revisions[0].on: 2025-10-01 is not after the row's date, 2025-10-31"},
		{"no on", "[[rows.revisions]]\nv = 2.0\n", "data/u.toml:7:1: rows[0].revisions[0]: missing on = DATE, the day from which the row holds its current values"},
		{"unknown column", "[[rows.revisions]]\non = 2025-12-01\nw = 2.0\n", `data/u.toml:9:1: rows[0].revisions[0].w: the dataset has no column "w"`},
		{"wrong type", "[[rows.revisions]]\non = 2025-12-01\nv = \"x\"\n", `data/u.toml:9:5: rows[0].revisions[0].v: want a number, got string "x"`},
		{"nothing revised", "[[rows.revisions]]\non = 2025-12-01\n", "data/u.toml:7:1: rows[0].revisions[0]: a revision names at least one cell that changed"},
		{"out of order", "[[rows.revisions]]\non = 2025-12-05\nv = 2.0\n[[rows.revisions]]\non = 2025-12-01\nv = 3.0\n", "data/u.toml:11:6: rows[0].revisions[1].on: revisions go in ascending order of on; 2025-12-01 is not after 2025-12-05"},
		{"removed before added", "added = 2025-12-05\nremoved = 2025-12-01\n", "data/u.toml:8:11: rows[0].removed: 2025-12-01 is not after added, 2025-12-05"},
		{"added not a date", "added = \"soon\"\n", `data/u.toml:7:9: rows[0].added: want a date such as 2026-01-02, got string "soon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("data/u.toml", []byte(head+tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestRevisedFromEmpty: a cell filled after a briefing showed it empty (a
// deal's value disclosed later) is empty as of that briefing.
func TestRevisedFromEmpty(t *testing.T) {
	src := "title = \"Deals\"\nsource = \"S\"\nkind = \"deals\"\n[[rows]]\nannounced = 2025-12-17\ncompany = \"Hut 8\"\ncounterparty = \"Fluidstack\"\nvalue_usd = 7e9\n[[rows.revisions]]\non = 2026-01-05\nempty = [\"value_usd\"]\n"
	d, err := Parse("data/deals.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := d.Column("value_usd")
	old := d.On(day("2026-01-02"))
	if v := old.Value(0, c); !v.IsEmpty() {
		t.Errorf("as of 2 January the value is %v, want empty", v)
	}
	if _, now, ok := old.Revised(0, c); !ok || now.Num != 7e9 {
		t.Errorf("Revised = %v, %v; want the value disclosed since", now, ok)
	}
	if v := d.On(day("2026-01-05")).Value(0, c); v.Num != 7e9 {
		t.Errorf("from 5 January the value is %v", v)
	}
	for _, bad := range []struct{ body, want string }{
		{"[[rows.revisions]]\non = 2026-01-05\nempty = [\"nope\"]\n", `rows[0].revisions[0].empty[0]: the dataset has no column string "nope"`},
		{"[[rows.revisions]]\non = 2026-01-05\nempty = [\"value_usd\"]\nvalue_usd = 1e9\n", `rows[0].revisions[0].value_usd: "value_usd" is also in empty`},
	} {
		s := strings.Replace(src, "[[rows.revisions]]\non = 2026-01-05\nempty = [\"value_usd\"]\n", bad.body, 1)
		if _, err := Parse("data/deals.toml", []byte(s)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("got %v, want %s", err, bad.want)
		}
	}
}
