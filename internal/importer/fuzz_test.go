package importer

import (
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/dataset"
)

// FuzzImport imports arbitrary CSV under an arbitrary file name: no panic,
// every error located, and what it writes is a dataset brief reads (parsed
// by the dataset package, with its checks of text, columns and kinds), as
// the build reads data/<id>.toml. It also merges the CSV into a dataset of
// the kind (--update, with and without --prune, a briefing published in
// the middle of the rows): an error returns nothing to write, what it
// writes parses, and a briefing published before the update sees what it
// saw.
func FuzzImport(f *testing.F) {
	f.Add("x", "date,v\n2026-01-02,1\n2026-01-09,2.5\n", "series")
	f.Add("x", "\xef\xbb\xbfa,b %\r\n\"1,200\",3%\r\nx,\r\n", "")
	f.Add("x", "date,ticker,change_pct\n01/02/2026,HUT,10.8%\n13/02/2026,X,-1\n", "moves")
	f.Add("x", "announced,company,counterparty\nJan 2, 2026,A,B\n", "deals")
	f.Add("bs\\x", "a\n1\n", "")
	f.Add("esc\x1b[31m\x7f\xff\u202e", "a\n1\n", "")
	f.Add("dir/\n", "a,b\n1\n", "")
	f.Add("u", "date,usd\n2026-01-09,51\n2026-01-05,n/a\n2026-01-20,3\n", "series")
	f.Add("u", "Date,Ticker,change_pct\n2026-01-02,HUT,1%\n2026-01-02,WULF,2\n", "moves")
	f.Add("u", "announced,company,counterparty,value_usd\n2026-01-05,Cipher,AWS,5500000000\n", "deals")
	f.Add("u", "id,name\nhut8,Hut\nx,Y\n", "entities")
	f.Add("u", "site,mw\nBeta,60\nGamma,\n", "table")
	f.Add("u", "Date,usd_per_ph_day,Note\n2026-01-02,38.0,x\n2026-01-09,n/a,\n2025-12-20,1,\n", "history")
	f.Fuzz(func(t *testing.T, base, src, kind string) {
		name := base + ".csv"
		fuzzUpdate(t, name, src, kind)
		out, err := Import(t.Context(), name, []byte(src), Options{ID: "x", Kind: dataset.Kind(kind)})
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !located(line, displayName(name)) && !strings.HasPrefix(line, "--") {
					t.Fatalf("error without a place: %q", line)
				}
			}
			return
		}
		if _, err := dataset.Parse("data/x.toml", out); err != nil {
			t.Fatalf("the import does not parse: %v\n%s", err, out)
		}
	})
}

// historyTOML is a series with a revision, a comment in a row and an
// added row (the golden test's dataset, with more history).
const historyTOML = `title = "Hashprice"
source = "S"
kind = "series"

[[rows]]
date = 2025-12-19
usd_per_ph_day = 41.0
note = "low"

# restated once
[[rows]]
date = 2026-01-02
usd_per_ph_day = 38.20 # now

[[rows.revisions]]
on = 2026-01-05
usd_per_ph_day = 38.00

[[rows]]
date = 2026-01-07
usd_per_ph_day = 37.1
added = 2026-01-10

[[rows]]
date = 2026-01-10
usd_per_ph_day = 35.9
removed = 2026-01-12
`

// fuzzUpdate merges src into the dataset of the kind: an error is
// located and returns nothing to write; what is written parses and keeps
// what the published briefing saw.
func fuzzUpdate(t *testing.T, name, src, kind string) {
	cur, ok := map[string]string{"series": seriesTOML, "moves": movesTOML, "deals": dealsTOML, "entities": entitiesTOML, "table": tableTOML, "": tableTOML, "history": historyTOML}[kind]
	if !ok {
		return
	}
	opts := UpdateOptions{Options: Options{ID: "x"}, File: "data/x.toml", Prune: len(src)%2 == 0, On: date("2026-01-03"), Published: date("2026-01-09")}
	res, err := Update(t.Context(), name, []byte(src), []byte(cur), opts)
	if err != nil {
		if res != nil {
			t.Fatalf("an error returned something to write: %v", err)
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !located(line, displayName(name)) && !located(line, "data/x.toml") {
				t.Fatalf("error without a place: %q", line)
			}
		}
		return
	}
	if res.Text == nil {
		return
	}
	d, err := dataset.Parse("data/x.toml", res.Text)
	if err != nil {
		t.Fatalf("the update does not parse: %v\n%s", err, res.Text)
	}
	orig, _ := dataset.Parse("data/x.toml", []byte(cur))
	if got, want := seenText(d, opts.Published), seenText(orig, opts.Published); got != want && len(res.Notes) == 0 {
		t.Fatalf("the published briefing sees\n%s\nnot\n%s\nin\n%s", got, want, res.Text)
	}
}

// located reports whether line is "name:line:col: message".
func located(line, name string) bool {
	rest, ok := strings.CutPrefix(line, name+":")
	if !ok {
		return false
	}
	lc, msg, ok := strings.Cut(rest, ": ")
	l, c, ok2 := strings.Cut(lc, ":")
	return ok && ok2 && msg != "" && l != "" && c != "" && strings.Trim(l+c, "0123456789") == ""
}
