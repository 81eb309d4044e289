package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/golden"
	"github.com/brief-desk/brief/internal/workbook"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// toXLSX writes a CSV's cells to a workbook as a desk's export would hold
// them: numbers as numbers, ISO dates as dates, the rest as text.
func toXLSX(t testing.TB, src string) []byte {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(src)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	for r, rec := range recs {
		for c, text := range rec {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			var v any = text
			if x, err := strconv.ParseFloat(text, 64); err == nil && r > 0 {
				v = x
			} else if d, err := time.Parse(time.DateOnly, text); err == nil && r > 0 {
				v = d
				if err := f.SetCellStyle("Sheet1", ref, ref, dateStyle); err != nil {
					t.Fatal(err)
				}
			}
			if text == "" {
				continue
			}
			if err := f.SetCellValue("Sheet1", ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rowsText is a dataset's rows, a line each, its cells in column order.
func rowsText(d *dataset.Dataset) string {
	rows := make([]int, d.Len())
	for i := range rows {
		rows[i] = i
	}
	return cellsText(d, rows)
}

// seenText is rowsText of what a briefing dated day sees.
func seenText(d *dataset.Dataset, day time.Time) string {
	s := d.On(day)
	return cellsText(s.Dataset, s.Select(dataset.Query{}))
}

func cellsText(d *dataset.Dataset, rows []int) string {
	var b strings.Builder
	for _, r := range rows {
		for i, c := range d.Columns() {
			if i > 0 {
				b.WriteByte(' ')
			}
			if v := d.Value(r, c); !v.IsEmpty() {
				fmt.Fprintf(&b, "%s=%s", c.Name, v.Literal())
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

const seriesTOML = `# Weekly hashprice.
title  = "Hashprice"
source = "Hashrate Index"
kind   = "series"

[columns.usd]
label = "Hashprice"
unit  = "USD/PH/s/day"

[[rows]]
date = 2026-01-02
usd = 55.0

[[rows]]
date = 2026-01-09
usd = 50.10 # first print

[[rows]]
date = 2026-01-16
usd = 48.0
`

const movesTOML = `title = "Moves"
source = "Exchange"
kind = "moves"

[[rows]]
date = 2026-01-02
ticker = "HUT"
change_pct = 10.8

[[rows]]
date = 2026-01-02
ticker = "CLSK"
change_pct = -4.0
`

const dealsTOML = `title = "Deals"
source = "Filings"
kind = "deals"

[[rows]]
announced = 2025-12-17
company = "Hut 8"
counterparty = "Fluidstack"
value_usd = 7_000_000_000

[[rows]]
announced = 2026-01-05
company = "Cipher"
counterparty = "AWS"
`

const entitiesTOML = `title = "Coverage"
source = "Desk"
kind = "entities"

[[rows]]
id = "hut8"
name = "Hut 8"
ticker = "HUT"
`

const tableTOML = `title = "Sites"
source = "Desk"
key = ["site"]

[[rows]]
site = "Alpha"
mw = 100

[[rows]]
site = "Beta"
mw = 50
`

// TestUpdate merges CSV and XLSX files into datasets of each kind: rows
// matched by the kind's key, new rows added in order, changed rows revised
// (with a revision when a published briefing could see them), rows the
// file lacks kept or pruned. Whatever it writes, the dataset as of the
// published briefing is the one that briefing showed.
func TestUpdate(t *testing.T) {
	tests := []struct {
		name, toml, file string
		published        string
		prune            bool
		summary          string
		rows             string // the current rows after the update
	}{
		{"series: nothing new", seriesTOML, "Date,Hashprice (USD/PH/s/day)\n2026-01-02,55\n2026-01-09,50.1\n2026-01-16,48\n", "", false,
			"0 added, 0 revised, 3 unchanged, 0 not in the file (kept)",
			"date=2026-01-02 usd=55\ndate=2026-01-09 usd=50.1\ndate=2026-01-16 usd=48\n"},
		{"series: new rows in date order", seriesTOML, "date,usd\n2026-01-23,46\n2026-01-05,53.5\n", "", false,
			"2 added, 0 revised, 0 unchanged, 3 not in the file (kept)",
			"date=2026-01-02 usd=55\ndate=2026-01-05 usd=53.5\ndate=2026-01-09 usd=50.1\ndate=2026-01-16 usd=48\ndate=2026-01-23 usd=46\n"},
		{"series: revised, nothing published", seriesTOML, "Date,Hashprice\n2026-01-09,51.2\n", "", false,
			"0 added, 1 revised, 0 unchanged, 2 not in the file (kept)",
			"date=2026-01-02 usd=55\ndate=2026-01-09 usd=51.2\ndate=2026-01-16 usd=48\n"},
		{"series: revised after a published briefing", seriesTOML, "Date,Hashprice\n2026-01-09,51.2\n2026-01-16,47\n2026-01-05,53\n", "2026-01-10", false,
			"1 added, 2 revised, 0 unchanged, 1 not in the file (kept)",
			"date=2026-01-02 usd=55\ndate=2026-01-05 usd=53\ndate=2026-01-09 usd=51.2\ndate=2026-01-16 usd=47\n"},
		{"series: pruned", seriesTOML, "date,usd\n2026-01-09,50.1\n", "2026-01-10", true,
			"0 added, 0 revised, 1 unchanged, 2 not in the file (removed)",
			"date=2026-01-09 usd=50.1\n"},
		{"series: an emptied cell", seriesTOML, "date,usd\n2026-01-16,n/a\n", "", false,
			"0 added, 1 revised, 0 unchanged, 2 not in the file (kept)",
			"date=2026-01-02 usd=55\ndate=2026-01-09 usd=50.1\ndate=2026-01-16 \n"},
		{"moves: date and ticker", movesTOML, "Date,Ticker,change_pct\n2026-01-02,HUT,11.0%\n2026-01-02,WULF,3%\n2026-01-09,HUT,-2%\n", "2026-01-02", false,
			"2 added, 1 revised, 0 unchanged, 1 not in the file (kept)",
			"date=2026-01-02 ticker=\"HUT\" change_pct=11\ndate=2026-01-02 ticker=\"CLSK\" change_pct=-4\ndate=2026-01-02 ticker=\"WULF\" change_pct=3\ndate=2026-01-09 ticker=\"HUT\" change_pct=-2\n"},
		{"deals: a value disclosed", dealsTOML, "announced,company,counterparty,value_usd\n2026-01-05,Cipher,AWS,5500000000\n2025-12-17,Hut 8,Fluidstack,7000000000\n", "", false,
			"0 added, 1 revised, 1 unchanged, 0 not in the file (kept)",
			"announced=2025-12-17 company=\"Hut 8\" counterparty=\"Fluidstack\" value_usd=7000000000\nannounced=2026-01-05 company=\"Cipher\" counterparty=\"AWS\" value_usd=5500000000\n"},
		{"entities: by id", entitiesTOML, "id,name,ticker\nhut8,Hut 8 Corp,HUT\ncipher,Cipher Mining,CIFR\n", "2026-01-02", false,
			"1 added, 1 revised, 0 unchanged, 0 not in the file (kept)",
			"id=\"hut8\" name=\"Hut 8 Corp\" ticker=\"HUT\"\nid=\"cipher\" name=\"Cipher Mining\" ticker=\"CIFR\"\n"},
		{"table: by its key", tableTOML, "Site,MW\nBeta,60\nGamma,10\n", "", true,
			"1 added, 1 revised, 0 unchanged, 1 not in the file (removed)",
			"site=\"Beta\" mw=60\nsite=\"Gamma\" mw=10\n"},
	}
	for _, tt := range tests {
		for _, ext := range []string{"csv", "xlsx"} {
			t.Run(tt.name+"/"+ext, func(t *testing.T) {
				data := []byte(tt.file)
				if ext == "xlsx" {
					data = toXLSX(t, tt.file)
				}
				opts := UpdateOptions{Options: Options{ID: "x"}, File: "data/x.toml", Prune: tt.prune, On: date("2026-01-03")}
				if tt.published != "" {
					opts.Published = date(tt.published)
				}
				res, err := Update(t.Context(), "f."+ext, data, []byte(tt.toml), opts)
				if err != nil {
					t.Fatal(err)
				}
				if got := res.Summary(); got != tt.summary {
					t.Errorf("summary %q, want %q", got, tt.summary)
				}
				text := res.Text
				if text == nil {
					text = []byte(tt.toml)
				}
				d, err := dataset.Parse("data/x.toml", text)
				if err != nil {
					t.Fatalf("%v\n%s", err, text)
				}
				if got := rowsText(d); got != tt.rows {
					t.Errorf("rows\n%s\nwant\n%s\nfile:\n%s", got, tt.rows, text)
				}
				if tt.published == "" {
					if d.History() != nil {
						t.Errorf("no briefing is published, yet the update recorded history:\n%s", text)
					}
					return
				}
				orig, _ := dataset.Parse("data/x.toml", []byte(tt.toml))
				p := opts.Published
				if got, want := seenText(d, p), seenText(orig, p); got != want {
					t.Errorf("as of the published briefing\n%s\nwant\n%s\nfile:\n%s", got, want, text)
				}
			})
		}
	}
}

// TestUpdateTwice: a second change before the next briefing adds to the
// revision the first one wrote, and taking a change back removes it, so
// the file ends as it began.
func TestUpdateTwice(t *testing.T) {
	opts := UpdateOptions{Options: Options{ID: "x"}, File: "data/x.toml", On: date("2026-01-11"), Published: date("2026-01-10")}
	steps := []struct{ file, want string }{
		{"date,usd\n2026-01-09,51.2\n", "[[rows.revisions]]\non = 2026-01-11\nusd = 50.10\n"},
		{"date,usd\n2026-01-09,52\n2026-01-02,54\n", "[[rows.revisions]]\non = 2026-01-11\nusd = 55.0\n"},
	}
	text := []byte(seriesTOML)
	for _, s := range steps {
		res, err := Update(t.Context(), "f.csv", []byte(s.file), text, opts)
		if err != nil {
			t.Fatal(err)
		}
		text = res.Text
		if !bytes.Contains(text, []byte(s.want)) {
			t.Errorf("want %q in\n%s", s.want, text)
		}
	}
	if n := bytes.Count(text, []byte("[[rows.revisions]]")); n != 2 {
		t.Errorf("%d revisions, want 2 (one per row):\n%s", n, text)
	}
	res, err := Update(t.Context(), "f.csv", []byte("date,usd\n2026-01-09,50.10\n2026-01-02,55\n"), text, opts)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Text) != seriesTOML {
		t.Errorf("taking both changes back left\n%s\nwant\n%s", res.Text, seriesTOML)
	}
}

// TestUpdateErrors: a problem of the file is placed at its row and column,
// in CSV and XLSX alike, and nothing is returned to write.
func TestUpdateErrors(t *testing.T) {
	tests := []struct {
		name, toml, file, want string
		xlsx                   string // the place in a workbook, where it is not the CSV's
	}{
		{"a column the dataset lacks", seriesTOML, "date,usd,volume\n2026-01-02,55,3\n",
			`f:1:10: column "volume": data/x.toml has no such column (its columns are date, usd); add the column to the dataset first, or leave it out of the file`, "1:3"},
		{"a value of another type", seriesTOML, "date,usd\n2026-01-02,55\n2026-01-09,tbd\n",
			`f:3:12: want a number: column "usd" of the dataset holds numbers; got string "tbd"`, "3:2"},
		{"a date of another type", seriesTOML, "date,usd\nsoon,55\n",
			`f:2:1: want a date: column "date" of the dataset holds dates; got string "soon"`, ""},
		{"no key column", movesTOML, "date,change_pct\n2026-01-02,3\n",
			`f:1:1: the file has no column "ticker", which identifies the dataset's rows (its key is date and ticker)`, ""},
		{"a key cell empty", movesTOML, "date,ticker,change_pct\n2026-01-02,,3\n",
			`f:2:12: missing "ticker", which identifies a row of the dataset (its key is date and ticker)`, "2:2"},
		{"a key twice", seriesTOML, "date,usd\n2026-01-02,55\n2026-01-02,56\n",
			`f:3:1: a second row for 2026-01-02 (the first is on line 2): the file has one row per date`, ""},
		{"a table without a key", "title = \"T\"\nsource = \"S\"\n[[rows]]\na = 1\n", "a\n1\n",
			`data/x.toml:1:1: data/x.toml is a table: brief import --update matches rows by key, so add key = ["column", ...] naming the columns that identify a row`, ""},
		{"a row removed from published briefings", "title = \"T\"\nsource = \"S\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nv = 1\nremoved = 2026-01-02\n", "date,v\n2026-01-01,1\n",
			"f:2:1: this row (2026-01-01) was removed from the dataset on 2026-01-02, and published briefings have shown it gone: to bring it back, edit data/x.toml by hand", ""},
		{"rows written inline", "title = \"T\"\nsource = \"S\"\nkind = \"series\"\nrows = [{date = 2026-01-01, v = 1}]\n", "date,v\n2026-01-01,2\n",
			"data/x.toml:4:8: brief import --update edits [[rows]] tables: write rows = [...] as [[rows]] tables first", ""},
		{"a header without rows", seriesTOML, "date,usd\n", "f:1:1: the file has a header but no rows", ""},
		{"a kind's rule", entitiesTOML, "id,ticker\nnew,NEW\n",
			`f:2:1: missing "name", which every row of an entities dataset needs`, ""},
	}
	for _, tt := range tests {
		for _, ext := range []string{"csv", "xlsx"} {
			t.Run(tt.name+"/"+ext, func(t *testing.T) {
				data := []byte(tt.file)
				if ext == "xlsx" {
					data = toXLSX(t, tt.file)
				}
				res, err := Update(t.Context(), "f."+ext, data, []byte(tt.toml), UpdateOptions{Options: Options{ID: "x"}, File: "data/x.toml", On: date("2026-01-03"), Published: date("2026-01-02")})
				want := strings.ReplaceAll(tt.want, "f:", "f."+ext+":")
				if ext == "xlsx" && tt.xlsx != "" {
					_, msg, _ := strings.Cut(strings.TrimPrefix(want, "f.xlsx:"), ": ")
					want = "f.xlsx:" + tt.xlsx + ": " + msg
				}
				if got := fmt.Sprint(err); got != want {
					t.Errorf("got\n%s\nwant\n%s", got, want)
				}
				if res != nil {
					t.Errorf("an error returned a result: %s", res.Text)
				}
			})
		}
	}
}

// TestUpdateGolden: the file after an update keeps its comments and the
// order of its keys; only what changed is rewritten.
func TestUpdateGolden(t *testing.T) {
	cur, err := os.ReadFile("testdata/update/hashprice.toml")
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile("testdata/update/hashprice.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Update(t.Context(), "hashprice.csv", file, cur, UpdateOptions{
		Options: Options{ID: "hashprice"}, File: "data/hashprice.toml", Prune: true,
		On: date("2026-01-12"), Published: date("2026-01-09")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Summary(), "2 added, 2 revised, 1 unchanged, 2 not in the file (removed)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	golden.Check(t, "testdata/update/hashprice.want.toml", res.Text)
}

// TestUpdateRoundTrip: a dataset written to data/datasets.xlsx and merged
// back (from its own sheet, without --sheet) is unchanged ("0 added, 0
// revised"), revisions and all.
func TestUpdateRoundTrip(t *testing.T) {
	cur, err := os.ReadFile("testdata/update/hashprice.want.toml")
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string][]byte{"hashprice": cur, "moves": []byte(movesTOML), "deals": []byte(dealsTOML), "coverage": []byte(entitiesTOML), "sites": []byte(tableTOML)}
	var sets []*dataset.Dataset
	for _, id := range []string{"coverage", "deals", "hashprice", "moves", "sites"} {
		d, err := dataset.Parse("data/"+id+".toml", sources[id])
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, d)
	}
	var buf bytes.Buffer
	if err := workbook.Datasets(&buf, workbook.Info{Title: "All", Date: date("2026-01-12")}, sets); err != nil {
		t.Fatal(err)
	}
	for _, d := range sets {
		res, err := Update(t.Context(), "datasets.xlsx", buf.Bytes(), sources[d.ID], UpdateOptions{
			Options: Options{ID: d.ID}, File: "data/" + d.ID + ".toml", On: date("2026-01-13"), Published: date("2026-01-12")})
		if err != nil {
			t.Fatalf("%s: %v", d.ID, err)
		}
		if !strings.HasPrefix(res.Summary(), "0 added, 0 revised") || res.Text != nil {
			t.Errorf("%s: %s\n%s", d.ID, res.Summary(), res.Text)
		}
	}
}

// TestPublished: the latest briefing that is not a draft, is dated by
// today and shows the dataset (a block or an inline value) sets the window.
func TestPublished(t *testing.T) {
	fsys := fstest.MapFS{
		"content/briefings/a.md":      {Data: []byte("+++\ntitle = \"A\"\ndate = 2026-01-02\n+++\n```chart\ndataset = \"hp\"\n```\n")},
		"content/briefings/b.md":      {Data: []byte("+++\ntitle = \"B\"\ndate = 2026-01-09\n+++\nHashprice was {{ hp.usd }}.\n")},
		"content/briefings/c.md":      {Data: []byte("+++\ntitle = \"C\"\ndate = 2026-01-16\ndraft = true\n+++\n{{ hp.usd }}\n")},
		"content/briefings/d.md":      {Data: []byte("+++\ntitle = \"D\"\ndate = 2026-01-23\n+++\n```table\ndataset = \"other\"\n```\n")},
		"content/briefings/e.md":      {Data: []byte("+++\ntitle = \"E\"\ndate = 2026-02-01\n+++\n{{ hp.usd }}\n")},
		"content/briefings/notes.txt": {Data: []byte("not a briefing")},
	}
	day, file, err := Published(fsys, "hp", date("2026-01-31"))
	if err != nil || day != date("2026-01-09") || file != "content/briefings/b.md" {
		t.Errorf("got %v %s %v, want 2026-01-09 in b.md", day, file, err)
	}
	if day, _, _ := Published(fsys, "none", date("2026-01-31")); !day.IsZero() {
		t.Errorf("a dataset no briefing shows: %v", day)
	}
	fsys["content/briefings/bad.md"] = &fstest.MapFile{Data: []byte("+++\ntitle = \n+++\n")}
	if _, _, err := Published(fsys, "hp", date("2026-01-31")); err == nil || !strings.HasPrefix(err.Error(), "content/briefings/bad.md:") {
		t.Errorf("a briefing that does not parse: %v", err)
	}
}

// TestImportTokens: plain import reads n/a-style cells as empty, takes a
// unit off a header, settles slash dates with DayFirst, and makes an
// entities dataset.
func TestImportTokens(t *testing.T) {
	src := "ID,Name,Hashrate (EH/s),Since\nhut8,Hut 8,n/a,03/04/2026\ncifr,Cipher,—,05/06/2026\nwulf,TeraWulf,12.5,-\n"
	out, err := Import(t.Context(), "c.csv", []byte(src), Options{ID: "c", Kind: dataset.KindEntities, Order: DayFirst})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, out)
	c := d.Column("hashrate_eh_s")
	if c == nil || c.Label != "Hashrate" || c.Unit != "EH/s" || c.Type != dataset.Number {
		t.Fatalf("hashrate column %+v\n%s", c, out)
	}
	if got := rowsText(d); got != "id=\"hut8\" name=\"Hut 8\" since=2026-04-03 \nid=\"cifr\" name=\"Cipher\" since=2026-06-05 \nid=\"wulf\" name=\"TeraWulf\"  hashrate_eh_s=12.5\n" {
		t.Errorf("rows\n%s", got)
	}
	out, err = Import(t.Context(), "c.csv", []byte(src), Options{ID: "c", Kind: dataset.KindEntities, Order: MonthFirst})
	if err != nil {
		t.Fatal(err)
	}
	if got := parse(t, out).Value(0, parse(t, out).Column("since")).Literal(); got != "2026-03-04" {
		t.Errorf("month first: %s", got)
	}
}

// TestUpdateFromEmpty: a cell a published briefing showed empty and the
// file now fills (a deal's value disclosed later) gets its value and a
// revision saying it was empty, so that briefing keeps showing nothing.
func TestUpdateFromEmpty(t *testing.T) {
	res, err := Update(t.Context(), "d.csv", []byte("announced,company,counterparty,value_usd\n2026-01-05,Cipher,AWS,5500000000\n"), []byte(dealsTOML),
		UpdateOptions{Options: Options{ID: "x"}, File: "data/x.toml", On: date("2026-01-12"), Published: date("2026-01-09")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 0 {
		t.Errorf("notes %v, want none", res.Notes)
	}
	if !bytes.Contains(res.Text, []byte("counterparty = \"AWS\"\nvalue_usd = 5500000000\n")) || !bytes.Contains(res.Text, []byte("[[rows.revisions]]\non = 2026-01-12\nempty = [\"value_usd\"]\n")) {
		t.Errorf("the value, or its revision, is not in its row:\n%s", res.Text)
	}
	d := parse(t, res.Text)
	c := d.Column("value_usd")
	for _, r := range d.On(date("2026-01-09")).Select(dataset.Query{}) {
		if d.On(date("2026-01-09")).Value(r, d.Column("counterparty")).Str == "AWS" && !d.On(date("2026-01-09")).Value(r, c).IsEmpty() {
			t.Error("the briefing published on 9 January sees the value disclosed since")
		}
	}
}

// TestUpdateCRLF: a dataset written with CR LF line ends keeps them.
func TestUpdateCRLF(t *testing.T) {
	cur := strings.ReplaceAll(seriesTOML, "\n", "\r\n")
	res, err := Update(t.Context(), "f.csv", []byte("date,usd\n2026-01-09,51\n2026-01-23,40\n"), []byte(cur),
		UpdateOptions{Options: Options{ID: "x"}, File: "data/x.toml", On: date("2026-01-12"), Published: date("2026-01-09")})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(res.Text), "\n"); n != strings.Count(string(res.Text), "\r\n") {
		t.Errorf("a line ends without CR:\n%q", res.Text)
	}
	if !bytes.Contains(res.Text, []byte("[[rows.revisions]]\r\non = 2026-01-12\r\nusd = 50.10\r\n")) {
		t.Errorf("no revision in\n%q", res.Text)
	}
}

// TestUpdateComesBack: a row removed after the latest published briefing
// comes back when the file has it again, and a row added after it goes
// when pruned, leaving no trace.
func TestUpdateComesBack(t *testing.T) {
	cur := "title = \"T\"\nsource = \"S\"\nkind = \"series\"\n\n[[rows]]\ndate = 2026-01-01\nv = 1\nremoved = 2026-01-12\n\n[[rows]]\ndate = 2026-01-02\nv = 2\nadded = 2026-01-12\n"
	res, err := Update(t.Context(), "f.csv", []byte("date,v\n2026-01-01,1\n"), []byte(cur),
		UpdateOptions{Options: Options{ID: "x"}, File: "data/x.toml", Prune: true, On: date("2026-01-12"), Published: date("2026-01-09")})
	if err != nil {
		t.Fatal(err)
	}
	want := "title = \"T\"\nsource = \"S\"\nkind = \"series\"\n\n[[rows]]\ndate = 2026-01-01\nv = 1\n"
	if string(res.Text) != want {
		t.Errorf("got\n%s\nwant\n%s", res.Text, want)
	}
	if got := res.Summary(); got != "1 added, 0 revised, 0 unchanged, 1 not in the file (removed)" {
		t.Errorf("summary %s", got)
	}
}
