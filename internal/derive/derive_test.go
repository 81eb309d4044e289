package derive_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/derive"
	"github.com/brief-desk/brief/internal/key"
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
	defer e.Release()
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

// TestReleaseClosesLateRuns: a result asked for after Release (a date no
// briefing needed, checked later) opens a database for its run and closes
// it after, so that an engine kept with its project (the preview keeps
// each load's) holds none open.
func TestReleaseClosesLateRuns(t *testing.T) {
	sets := parse(t, map[string]string{"prices": prices, "avg": query("series", "SELECT date, AVG(close) OVER () AS mean FROM prices ORDER BY date")})
	e, out, failed, err := derive.New(context.Background(), sets, nil, nil, nil)
	if err != nil {
		t.Fatal(err, failed)
	}
	if e.Open() == 0 {
		t.Fatal("no database open before Release: the test proves nothing")
	}
	e.Release()
	if n := e.Open(); n != 0 {
		t.Fatalf("%d databases open after Release", n)
	}
	var avg *dataset.Dataset
	for _, d := range out {
		if d.ID == "avg" {
			avg = d
		}
	}
	runs := e.Runs()
	if then := avg.On(day("2026-01-03")).Dataset; then.Len() != 1 {
		t.Fatalf("as of 3 Jan: %d rows, want 1", then.Len())
	}
	if e.Runs() == runs {
		t.Fatal("the late result ran no query: the test proves nothing")
	}
	if n := e.Open(); n != 0 {
		t.Fatalf("%d databases open after a run that followed Release", n)
	}
}

// build runs New over the datasets (each file's source under data/<id>.toml)
// and returns the results by id and every problem, one per line.
func build(t *testing.T, files map[string]string) (map[string]*dataset.Dataset, string) {
	t.Helper()
	var sets []*dataset.Dataset
	var probs []string
	failed := map[string]bool{}
	for _, name := range sortedKeys(files) {
		d, err := dataset.Parse("data/"+name+".toml", []byte(files[name]))
		if err != nil {
			probs = append(probs, err.Error())
			failed[name] = true
			continue
		}
		sets = append(sets, d)
	}
	e, out, _, err := derive.New(context.Background(), sets, failed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Release()
	if err := e.Err(); err != nil {
		probs = append(probs, err.Error())
	}
	byID := map[string]*dataset.Dataset{}
	for _, d := range out {
		byID[d.ID] = d
	}
	return byID, strings.Join(probs, "\n")
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func query(kind, q string, extra ...string) string {
	s := "title = \"D\"\nsource = \"S\"\n"
	if kind != "" {
		s += "kind = \"" + kind + "\"\n"
	}
	s += "query = '''\n" + q + "\n'''\n"
	return s + strings.Join(extra, "\n")
}

// TestQueries: what a query gives becomes a typed dataset, or a problem at
// the query's place.
func TestQueries(t *testing.T) {
	tests := []struct {
		name, kind, query string
		extra             []string
		want              string // the result's columns as name:type, or the problem
	}{
		{"types", "table", "SELECT date, close, 'x' AS label, 2 AS n, NULL AS blank FROM prices", nil, "date:date close:number label:string n:number blank:empty"},
		{"mostly empty", "table", "SELECT NULL AS v UNION ALL SELECT NULL UNION ALL SELECT 5", nil, "v:number"},
		{"date by name", "table", "SELECT date(date, '+7 days') AS date FROM prices", nil, "date:date"},
		{"date declared", "table", "SELECT date(date, 'start of month') AS month FROM prices", []string{"[columns.month]", "type = \"date\""}, "month:date"},
		{"date by format", "table", "SELECT date AS day FROM prices", []string{"[columns.day]", "format = \"date\""}, "day:date"},
		{"a date that is not one", "table", "SELECT 'soon' AS date FROM prices LIMIT 1", nil, `data/x.toml:4:1: query: row 1, column "date": want a date as YYYY-MM-DD text (date() gives one), got string "soon"`},
		{"no such day", "series", "SELECT '2026-02-31' AS date, 1 AS v", nil, `data/x.toml:4:1: query: row 1, column "date": want a date as YYYY-MM-DD text (date() gives one), got string "2026-02-31"`},
		{"mixed types", "table", "SELECT CASE WHEN close > 10 THEN close ELSE 'low' END AS v FROM prices", nil, `data/x.toml:4:1: query: row 1, column "v": want a number, got string "low" (the rest of the column holds numbers)`},
		{"a series needs dates", "series", "SELECT close FROM prices", nil, `data/x.toml:4:1: query: a series dataset needs a "date" column of dates; columns are close`},
		{"a series' dates ascend", "series", "SELECT date, close FROM prices ORDER BY date DESC", nil, "data/x.toml:4:1: query: row 2, column \"date\": 2026-01-09 does not come after the previous row's 2026-01-16; a series needs unique dates in ascending order\n" +
			"data/x.toml:4:1: query: row 3, column \"date\": 2026-01-02 does not come after the previous row's 2026-01-09; a series needs unique dates in ascending order"},
		{"a column named badly", "table", "SELECT close * 2 FROM prices", nil, `data/x.toml:4:1: query: result column "close * 2": name it with lower-case letters, digits, '-' and '_' (SELECT ... AS name)`},
		{"a declared column missing", "table", "SELECT close FROM prices", []string{"[columns.open]", "label = \"Open\""}, `data/x.toml:4:1: query: [columns.open] names a column the query does not give; it gives close`},
		{"two columns of one name", "table", "SELECT close, close FROM prices", nil, `data/x.toml:4:1: query: two result columns are named "close": give one another name with AS`},
		{"syntax", "table", "SELECT close FROM prices WHERE", nil, `data/x.toml:4:1: query: incomplete input`},
		{"unknown table", "table", "SELECT close FROM price", nil, `data/x.toml:4:1: query: no dataset "price" (did you mean "prices"?); datasets are prices, x`},
		{"unknown column", "table", "SELECT clos FROM prices", nil, `data/x.toml:5:8: query: no such column: clos (a table's columns are its dataset's column names)`},
		{"attach", "table", "ATTACH DATABASE '/tmp/x.db' AS x", nil, `data/x.toml:4:1: query: ATTACH is not allowed: a derived dataset's query only selects from the datasets`},
		{"pragma", "table", "PRAGMA writable_schema = ON", nil, `data/x.toml:4:1: query: PRAGMA is not allowed: a derived dataset's query only selects from the datasets`},
		{"pragma read", "table", "PRAGMA table_info(prices)", nil, `data/x.toml:4:1: query: PRAGMA is not allowed: a derived dataset's query only selects from the datasets`},
		{"pragma function", "table", "SELECT name FROM pragma_table_info('prices')", nil, `data/x.toml:4:1: query: PRAGMA is not allowed: a derived dataset's query only selects from the datasets`},
		{"load_extension", "table", "SELECT load_extension('/tmp/x.so') AS x", nil, `data/x.toml:5:8: query: no such function: load_extension`},
		{"readfile", "table", "SELECT readfile('/etc/passwd') AS x", nil, `data/x.toml:5:8: query: no such function: readfile`},
		{"writes", "table", "INSERT INTO prices VALUES ('2026-02-01', 1)", nil, `data/x.toml:4:1: query: INSERT is not allowed: a derived dataset's query only selects from the datasets`},
		{"creates", "table", "CREATE TABLE t AS SELECT * FROM prices", nil, `data/x.toml:4:1: query: INSERT is not allowed: a derived dataset's query only selects from the datasets`},
		{"vacuum into a file", "table", "VACUUM INTO '/tmp/copy.db'", nil, `data/x.toml:4:1: query: write one SELECT statement: a derived dataset's query only reads the datasets`},
		{"the schema", "table", "SELECT sql FROM sqlite_schema", nil, `data/x.toml:4:1: query: reading sqlite_master is not allowed: a derived dataset's query only selects from the datasets`},
		{"two statements", "table", "SELECT 1 AS a; SELECT 2 AS b", nil, `data/x.toml:5:15: query: write one SELECT statement: more follows the first`},
		{"an internal table", "table", "SELECT count(*) AS n FROM brief_state_0", nil, `data/x.toml:4:1: query: no dataset "brief_state_0"; datasets are prices, x`},
		{"a blob", "table", "SELECT x'00' AS b", nil, `data/x.toml:4:1: query: row 1, column "b": the query gives a blob; give numbers, text or dates`},
		{"infinity", "table", "SELECT 1e999 AS big", nil, `data/x.toml:4:1: query: row 1, column "big": the query gives +Inf; a dataset's numbers are finite`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, probs := build(t, map[string]string{"prices": prices, "x": query(tt.kind, tt.query, tt.extra...)})
			if probs != "" {
				if probs != tt.want {
					t.Errorf("problems:\n got %s\nwant %s", probs, tt.want)
				}
				return
			}
			var cols []string
			for _, c := range got["x"].Columns() {
				cols = append(cols, c.Name+":"+c.Type.String())
			}
			if s := strings.Join(cols, " "); s != tt.want {
				t.Errorf("columns:\n got %s\nwant %s", s, tt.want)
			}
		})
	}
}

// TestLimits: a query that runs too long or gives too many rows is stopped,
// with a message at the query.
func TestLimits(t *testing.T) {
	defer func(d time.Duration, n int) { derive.Timeout, derive.MaxRows = d, n }(derive.Timeout, derive.MaxRows)
	derive.Timeout, derive.MaxRows = 300*time.Millisecond, 5
	forever := "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) AS n FROM r"
	start := time.Now()
	_, probs := build(t, map[string]string{"prices": prices, "x": query("table", forever)})
	if want := "data/x.toml:4:1: query: the query ran longer than 300ms and was stopped"; probs != want {
		t.Errorf("time limit:\n got %s\nwant %s", probs, want)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the query ran %s", took)
	}
	ten := "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r LIMIT 10) SELECT n FROM r"
	_, probs = build(t, map[string]string{"prices": prices, "x": query("table", ten)})
	if want := "data/x.toml:4:1: query: the query gives more than 5 rows: a dataset holds at most that many; aggregate or filter"; probs != want {
		t.Errorf("row limit:\n got %s\nwant %s", probs, want)
	}
}

// TestDerivedOfDerived: a derived dataset may read derived datasets, in any
// file order; a cycle is an error naming the files.
func TestDerivedOfDerived(t *testing.T) {
	got, probs := build(t, map[string]string{
		"prices":  prices,
		"a_top":   query("table", "SELECT MAX(twice) AS top FROM b_twice"),
		"b_twice": query("series", "SELECT date, close * 2 AS twice FROM prices ORDER BY date"),
	})
	if probs != "" {
		t.Fatal(probs)
	}
	if top := got["a_top"]; top.Value(0, top.Column("top")).Num != 60 {
		t.Errorf("a_top = %v", top.Value(0, top.Column("top")))
	}
	_, probs = build(t, map[string]string{
		"prices": prices,
		"a":      query("table", "SELECT * FROM b"),
		"b":      query("table", "SELECT * FROM c"),
		"c":      query("table", "SELECT * FROM a"),
		"d":      query("table", "SELECT * FROM a"),
	})
	want := "data/a.toml:4:1: query: derived datasets read one another in a cycle (data/a.toml -> data/b.toml -> data/c.toml, and back): a derived dataset may read derived datasets only in one direction\n" +
		"data/b.toml:4:1: query: derived datasets read one another in a cycle (data/a.toml -> data/b.toml -> data/c.toml, and back): a derived dataset may read derived datasets only in one direction\n" +
		"data/c.toml:4:1: query: derived datasets read one another in a cycle (data/a.toml -> data/b.toml -> data/c.toml, and back): a derived dataset may read derived datasets only in one direction"
	if probs != want {
		t.Errorf("cycle:\n got %s\nwant %s", probs, want)
	}
	// A query reading a dataset that failed to parse says nothing more.
	_, probs = build(t, map[string]string{"prices": "title = 1", "x": query("table", "SELECT * FROM prices")})
	if strings.Contains(probs, "x.toml") {
		t.Errorf("a query over a broken dataset repeats its problems: %s", probs)
	}
}

// records is an in-memory Records, counting what is read and put.
type records struct {
	mu         sync.Mutex
	m          map[string]any
	gets, puts int
	// once makes the records behave as the build's cache does: a Get
	// hands the value over (a second Get of a key in one build misses),
	// and next starts a build that keeps what the last one used.
	once bool
	used map[string]any
}

func (r *records) Get(k key.Hash) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gets++
	v, ok := r.m[string(k[:])]
	if ok && r.once {
		delete(r.m, string(k[:]))
		r.used[string(k[:])] = v
	}
	return v, ok
}

func (r *records) Keep(k key.Hash) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[string(k[:])]
	if ok && r.once {
		r.used[string(k[:])] = v
	}
	return v, ok
}

func (r *records) Put(k key.Hash, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.puts++
	if r.once {
		r.used[string(k[:])] = v // for the next build, as the pack is written at the end
		return
	}
	r.m[string(k[:])] = v
}

// next ends a build of once records: the next holds what this one used.
func (r *records) next() {
	r.m, r.used = r.used, map[string]any{}
}

// TestRecords: results are kept under the key of their inputs; a result
// that starts the current one is kept as a reference to it; a second build
// with the same data runs no query and gives the same numbers; a week's new
// row leaves earlier weeks' results found.
func TestRecords(t *testing.T) {
	files := map[string]string{"prices": prices, "x": query("series", "SELECT date, close / FIRST_VALUE(close) OVER (ORDER BY date) * 100 AS rebased, AVG(close) OVER () AS mean FROM prices ORDER BY date")}
	recs := &records{m: map[string]any{}}
	days := []time.Time{day("2026-01-02"), day("2026-01-09"), day("2026-01-16")}
	run := func(files map[string]string) []string {
		var sets []*dataset.Dataset
		for _, name := range sortedKeys(files) {
			d, err := dataset.Parse("data/"+name+".toml", []byte(files[name]))
			if err != nil {
				t.Fatal(err)
			}
			sets = append(sets, d)
		}
		e, out, _, err := derive.New(context.Background(), sets, nil, recs, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Release()
		if _, err := e.Need(context.Background(), map[string][]time.Time{"x": days}); err != nil {
			t.Fatal(err)
		}
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range out {
			if d.ID != "x" {
				continue
			}
			for _, day := range days {
				s := d.On(day).Dataset
				var cells []string
				for r := range s.Len() {
					cells = append(cells, s.Value(r, s.Column("mean")).Literal())
				}
				got = append(got, strings.Join(cells, " "))
			}
		}
		return got
	}
	first := run(files)
	if want := []string{"10", "15 15", "20 20 20"}; !slices.Equal(first, want) {
		t.Fatalf("means as of each week: %q, want %q", first, want)
	}
	puts := recs.puts
	if again := run(files); !slices.Equal(again, first) || recs.puts > puts+1 {
		t.Errorf("from the records: %q (puts %d then %d)", again, puts, recs.puts)
	}
	files["prices"] = prices + "[[rows]]\ndate = 2026-01-23\nclose = 60.0\n"
	if later := run(files); !slices.Equal(later, first) {
		t.Errorf("after a later row: %q, want %q", later, first)
	}
}

// TestWeeklyRunsOnce: a weekly publish (a new row, and a new briefing
// dated on it) runs the query once, for the current result that the new
// briefing shows too, with records that hand a value over once per build
// as the build's cache does: last week's current result is asked for by
// last week's briefing and by the references of the weeks before.
func TestWeeklyRunsOnce(t *testing.T) {
	recs := &records{m: map[string]any{}, once: true, used: map[string]any{}}
	src := prices
	days := []time.Time{day("2026-01-02"), day("2026-01-09"), day("2026-01-16")}
	build := func() int {
		t.Helper()
		sets := parse(t, map[string]string{"prices": src, "x": query("series", "SELECT date, close / FIRST_VALUE(close) OVER (ORDER BY date) * 100 AS rebased FROM prices ORDER BY date")})
		e, _, _, err := derive.New(context.Background(), sets, nil, recs, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Release()
		if _, err := e.Need(context.Background(), map[string][]time.Time{"x": days}); err != nil || e.Err() != nil {
			t.Fatal(err, e.Err())
		}
		recs.next()
		return e.Runs()
	}
	if n := build(); n != 3 {
		t.Fatalf("first build: %d runs, want 3 (now, and the first two weeks)", n)
	}
	for i, next := range []string{"2026-01-23", "2026-01-30", "2026-02-06"} {
		src += "[[rows]]\ndate = " + next + "\nclose = " + fmt.Sprint(40+i) + ".0\n"
		days = append(days, day(next))
		if n := build(); n != 1 {
			t.Errorf("weekly publish of %s: %d runs, want 1 (now, which the new briefing shows)", next, n)
		}
	}
}

// TestKeptRecordsStay: a build that only keeps the results as of some
// dates (their briefings' bindings came from the records) keeps them for
// the next, which finds them without running the query: references, and
// the earlier result they point to when the current one no longer starts
// with them.
func TestKeptRecordsStay(t *testing.T) {
	recs := &records{m: map[string]any{}, once: true, used: map[string]any{}}
	src := prices + "\n[[rows]]\ndate = 2026-01-23\nclose = 40.0\n"
	days := []time.Time{day("2026-01-02"), day("2026-01-09"), day("2026-01-16")}
	// Every row while there are fewer than five; then the first is left out.
	q := query("series", "SELECT date, close FROM prices WHERE (SELECT COUNT(*) FROM prices) < 5 OR date > '2026-01-05' ORDER BY date")
	build := func(keep bool) int {
		t.Helper()
		e, _, _, err := derive.New(context.Background(), parse(t, map[string]string{"prices": src, "x": q}), nil, recs, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Release()
		need := map[string][]time.Time{"x": days}
		if keep {
			var keys []derive.Known
			for _, d := range days {
				keys = append(keys, e.KeyAt("x", d))
			}
			e.Keep(keys)
		} else if _, err := e.Need(context.Background(), need); err != nil || e.Err() != nil {
			t.Fatal(err, e.Err())
		}
		recs.next()
		return e.Runs()
	}
	if n := build(false); n != 4 {
		t.Fatalf("first build: %d runs, want 4 (now, and three weeks)", n)
	}
	// A fifth row: the weeks' results stay references to the first
	// build's current result, which the current one no longer starts with.
	src += "\n[[rows]]\ndate = 2026-01-30\nclose = 50.0\n"
	if n := build(false); n != 1 {
		t.Fatalf("after a fifth row: %d runs, want 1 (now)", n)
	}
	for range 2 {
		if n := build(true); n != 0 {
			t.Fatalf("a build keeping the weeks: %d runs, want none", n)
		}
	}
	if n := build(false); n != 0 {
		t.Errorf("a build computing the weeks kept: %d runs, want none: kept results were let go", n)
	}
}

// TestReferences: results of earlier dates that start the current result
// (a rebased series) are kept as references to it, not as copies.
func TestReferences(t *testing.T) {
	recs := &records{m: map[string]any{}}
	d, err := dataset.Parse("data/prices.toml", []byte(prices))
	if err != nil {
		t.Fatal(err)
	}
	x, err := dataset.Parse("data/x.toml", []byte(query("series", "SELECT date, close / FIRST_VALUE(close) OVER (ORDER BY date) * 100 AS rebased FROM prices ORDER BY date")))
	if err != nil {
		t.Fatal(err)
	}
	e, out, _, err := derive.New(context.Background(), []*dataset.Dataset{d, x}, nil, recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Release()
	if _, err := e.Need(context.Background(), map[string][]time.Time{"x": {day("2026-01-02"), day("2026-01-09")}}); err != nil || e.Err() != nil {
		t.Fatal(err, e.Err())
	}
	var full, refs int
	for _, v := range recs.m {
		if b := reflect.ValueOf(v).Bytes(); len(b) > 48 {
			full++
		} else {
			refs++
		}
	}
	if full != 1 || refs != 2 {
		t.Errorf("%d full results and %d references kept, want 1 and 2", full, refs)
	}
	then := out[1].On(day("2026-01-09")).Dataset
	if then.Len() != 2 || then.Value(1, then.Column("rebased")).Num != 200 {
		t.Errorf("as of 9 January: %d rows", then.Len())
	}
}

// TestMemoRevisedRows: with a row revised late in a series (its value
// before the revision differs), every past result after it differs from
// the current one near its end; the preview's memo
// keeps each as the rows it shares with the current result and its own
// tail, so it holds a few cells a date, not a copy of the series (kept
// whole, a long archive overflowed it and each save ran every past query
// again), and a second load runs no query and gives the same results as
// an engine without the memo.
func TestMemoRevisedRows(t *testing.T) {
	prices, days := dailyPrices(40, func(i int) (int, string) {
		if i == 30 {
			return 9, "1.0"
		}
		return 0, ""
	})
	files := map[string]string{"prices": prices, "x": query("series", "SELECT date, close * 2 AS twice FROM prices ORDER BY date")}
	load := func(memo *derive.Memo) ([]string, int) {
		t.Helper()
		e, out, _, err := derive.New(context.Background(), parse(t, files), nil, nil, memo)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Release()
		if _, err := e.Need(context.Background(), map[string][]time.Time{"x": days}); err != nil || e.Err() != nil {
			t.Fatal(err, e.Err())
		}
		var got []string
		for _, d := range out {
			if d.ID != "x" {
				continue
			}
			for _, day := range days {
				s := d.On(day).Dataset
				var cells []string
				for r := range s.Len() {
					cells = append(cells, s.Value(r, s.Column("twice")).Literal())
				}
				got = append(got, strings.Join(cells, " "))
			}
		}
		return got, e.Runs()
	}
	want, _ := load(nil)
	if !strings.HasSuffix(want[35], " 258 2 262 264 266 268 270") || !strings.HasSuffix(want[39], " 258 260 262 264 266 268 270 272 274 276 278") {
		t.Fatalf("the fixture's revision does not show: %q, %q", want[35], want[39])
	}
	memo := &derive.Memo{}
	first, _ := load(memo)
	if !slices.Equal(first, want) {
		t.Fatalf("with a memo: %q, want %q", first, want)
	}
	// Whole, the 40 results would hold 1+2+...+40 rows of 2 cells.
	if cells, whole := memo.Cells(), 40*41; cells > whole/4 {
		t.Errorf("the memo holds %d cells, want far fewer than the %d of every result kept whole", cells, whole)
	}
	again, runs := load(memo)
	if runs != 0 || !slices.Equal(again, want) {
		t.Errorf("second load: %d runs, results equal %v; want no run and the same results", runs, slices.Equal(again, want))
	}
}

// dailyPrices is a series of n daily closes from 2026-01-01 (100, 101,
// ...) and its days; revise(i) gives, for the row of day i, how many days
// later it is revised and to what close ("": never).
func dailyPrices(n int, revise func(i int) (after int, close string)) (string, []time.Time) {
	var src strings.Builder
	src.WriteString("title = \"Prices\"\nsource = \"Test\"\nkind = \"series\"\n")
	start := day("2026-01-01")
	var days []time.Time
	for i := range n {
		d := start.AddDate(0, 0, i)
		days = append(days, d)
		fmt.Fprintf(&src, "\n[[rows]]\ndate = %s\nclose = %d.0\n", d.Format(time.DateOnly), 100+i)
		if after, close := revise(i); close != "" {
			fmt.Fprintf(&src, "[[rows.revisions]]\non = %s\nclose = %s\n", d.AddDate(0, 0, after).Format(time.DateOnly), close)
		}
	}
	return src.String(), days
}

// TestTimelineHashedOnce: dates that see the same state of a dataset,
// asked for at the same time (briefings bind in parallel), hash its
// timeline once between them.
func TestTimelineHashedOnce(t *testing.T) {
	// One revision on the last day: every earlier day sees the state
	// before it, which the current result (after it) does not hash.
	prices, days := dailyPrices(5000, func(i int) (int, string) {
		if i == 0 {
			return 4999, "99.5"
		}
		return 0, ""
	})
	sets := parse(t, map[string]string{"prices": prices, "x": query("series", "SELECT date, close * 2 AS twice FROM prices ORDER BY date")})
	e, out, _, err := derive.New(context.Background(), sets, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Release()
	var x *dataset.Dataset
	for _, d := range out {
		if d.ID == "x" {
			x = d
		}
	}
	before := e.Hashed()
	var wg sync.WaitGroup
	for _, d := range days[:4] {
		wg.Go(func() { x.On(d) })
	}
	wg.Wait()
	if e.Err() != nil {
		t.Fatal(e.Err())
	}
	if n := e.Hashed() - before; n != 1 {
		t.Errorf("four dates of one state hashed its timeline %d times, want once", n)
	}
}

// TestMemoKeepsTimelines: a load with the datasets of the last one (the
// preview's project memo keeps a dataset whose file did not change) hashes
// none of their states' rows again; a changed dataset's are hashed anew,
// and its results follow it.
func TestMemoKeepsTimelines(t *testing.T) {
	prices, days := dailyPrices(20, func(i int) (int, string) {
		if i%5 == 0 { // revised later: a state for each revision
			return 3, fmt.Sprintf("%d.5", 100+i)
		}
		return 0, ""
	})
	files := map[string]string{"prices": prices, "x": query("series", "SELECT date, close * 2 AS twice FROM prices ORDER BY date")}
	memo := &derive.Memo{}
	load := func(sets []*dataset.Dataset) (last string, hashed int) {
		t.Helper()
		e, out, _, err := derive.New(context.Background(), sets, nil, nil, memo)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Release()
		if _, err := e.Need(context.Background(), map[string][]time.Time{"x": days}); err != nil || e.Err() != nil {
			t.Fatal(err, e.Err())
		}
		for _, d := range out {
			if d.ID == "x" {
				s := d.On(days[len(days)-1]).Dataset
				last = s.Value(s.Len()-1, s.Column("twice")).Literal()
			}
		}
		return last, e.Hashed()
	}
	sets := parse(t, files)
	if last, hashed := load(sets); hashed == 0 || last != "238" {
		t.Fatalf("first load: hashed %d timelines, last value %s; want some and 238", hashed, last)
	}
	if last, hashed := load(sets); hashed != 0 || last != "238" {
		t.Errorf("the same datasets again: hashed %d timelines, last value %s; want none and 238", hashed, last)
	}
	files["prices"] = strings.Replace(files["prices"], "close = 119.0", "close = 120.0", 1)
	if last, hashed := load(parse(t, files)); hashed == 0 || last != "240" {
		t.Errorf("after an edit: hashed %d timelines, last value %s; want some and 240", hashed, last)
	}
}
