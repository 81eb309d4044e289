package derive_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/derive"
)

func parse(t *testing.T, files map[string]string) []*dataset.Dataset {
	t.Helper()
	var out []*dataset.Dataset
	for name, src := range files {
		d, err := dataset.Parse("data/"+name+".toml", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, d)
	}
	return out
}

const prices = `title = "Prices"
source = "Test"
kind = "series"

[[rows]]
date = 2026-01-02
close = 10.0

[[rows]]
date = 2026-01-09
close = 20.0

[[rows]]
date = 2026-01-16
close = 30.0
`

func day(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

func TestSmoke(t *testing.T) {
	sets := parse(t, map[string]string{"prices": prices, "avg": `title = "Average"
source = "Derived"
kind = "series"
query = """
SELECT date, AVG(close) OVER () AS mean, close / FIRST_VALUE(close) OVER (ORDER BY date) * 100 AS rebased
FROM prices ORDER BY date
"""
`})
	e, out, failed, err := derive.New(context.Background(), sets, nil, nil, nil)
	if err != nil {
		t.Fatal(err, failed)
	}
	defer e.Close()
	var avg *dataset.Dataset
	for _, d := range out {
		if d.ID == "avg" {
			avg = d
		}
	}
	if avg == nil || avg.Len() != 3 {
		t.Fatalf("avg: %v", avg)
	}
	mean := avg.Column("mean")
	if got := avg.Value(0, mean).Num; got != 20 {
		t.Errorf("current mean = %v", got)
	}
	if _, err := e.Need(context.Background(), map[string][]time.Time{"avg": {day("2026-01-09")}}); err != nil {
		t.Fatal(err)
	}
	then := avg.On(day("2026-01-10")).Dataset
	if then.Len() != 2 || then.Value(0, then.Column("mean")).Num != 15 {
		var b strings.Builder
		for r := range then.Len() {
			b.WriteString(then.Value(r, then.Column("mean")).Literal() + " ")
		}
		t.Errorf("as of 10 Jan: %d rows, means %s", then.Len(), b.String())
	}
	if dc := then.Column("date"); dc.Type != dataset.Date {
		t.Errorf("date column typed %v", dc.Type)
	}
}
