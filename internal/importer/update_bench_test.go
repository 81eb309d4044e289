package importer

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// bigUpdate is a series dataset of n rows and a CSV of the same rows, a
// hundredth of them revised and n/100 new ones after them.
func bigUpdate(n int) (cur, file []byte) {
	var t, c bytes.Buffer
	t.WriteString("title = \"Big\"\nsource = \"S\"\nkind = \"series\"\n")
	c.WriteString("date,v,w\n")
	day := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n + n/100 {
		d := day.AddDate(0, 0, i).Format(time.DateOnly)
		if i < n {
			fmt.Fprintf(&t, "\n[[rows]]\ndate = %s\nv = %d.5\nw = %d\n", d, i%1000, i)
		}
		v := i % 1000
		if i%100 == 7 {
			v++
		}
		fmt.Fprintf(&c, "%s,%d.5,%d\n", d, v, i)
	}
	return t.Bytes(), c.Bytes()
}

// BenchmarkUpdate merges a CSV of 10,100 rows into a dataset of 10,000,
// a briefing published in the middle: 100 rows revised (half of them
// with a revision), 100 added. Its time is mostly three reads of the
// TOML: the dataset parsed, its text indexed, and the result parsed again.
func BenchmarkUpdate(b *testing.B) {
	cur, file := bigUpdate(10_000)
	opts := UpdateOptions{Options: Options{ID: "big"}, File: "data/big.toml", On: date("2026-01-01"), Published: time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 5_000)}
	for b.Loop() {
		res, err := Update(b.Context(), "big.csv", file, cur, opts)
		if err != nil {
			b.Fatal(err)
		}
		if res.Added != 100 || res.Revised != 100 {
			b.Fatal(res.Summary())
		}
	}
}
