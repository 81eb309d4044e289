// Package gen writes deterministic synthetic projects for benchmarks and
// scale tests: N weekly briefings of about 800 words, each with three chart
// blocks and a table block, over shared datasets with years of daily rows.
package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Start is the date of the first generated briefing. Weekly from there,
// a project of more than about 880 briefings runs past today: its later
// briefings are future-dated (scheduled), so benchmarks and scripts build
// generated projects with Future (--future) to publish them all.
var Start = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)

var tickers = []string{"HUT", "CLSK", "WULF", "COIN", "MSTR", "RIOT", "MARA", "CIFR"}

var words = strings.Fields(`miners power hashprice lease capacity megawatt data centre
tenant contract revenue margin bitcoin compute cooling network grid campus hosting
investor quarter guidance demand supply cost price energy hydro nuclear gas site
build speed scale backlog funding equity debt rally decline analyst market sector`)

// Write writes a project of n weekly briefings into dir.
func Write(dir string, n int) error { return write(dir, n, false, false) }

// WriteWithCards is Write with a numbers block (three cards, one with a
// sparkline) and a changes block in every briefing, and inline values in its
// prose.
func WriteWithCards(dir string, n int) error { return write(dir, n, true, false) }

// WriteWithEntities is Write with a coverage list of 40 entities (the eight
// tickers of the moves and deals, and 32 of the deals' tenants), and a
// sentence in every briefing that names two of them.
func WriteWithEntities(dir string, n int) error { return write(dir, n, false, true) }

// WriteWithDerived is Write with at least 10,000 daily rows and, in every
// briefing, a sentence quoting the index's 30-day mean: from a derived
// dataset (SQL over daily, as of each briefing's date) when query is true,
// else from a column of daily itself, so that the two projects differ only
// by the query.
func WriteWithDerived(dir string, n int, query bool) error {
	return withDerived(dir, n, query, false)
}

// WriteAllFeatures is WriteWithDerived with the query, and with revisions:
// one daily row in 50 was revised three days after its date (so that every
// briefing's data shows some rows as they stood then). The search index is
// every site's. It is the project of the preview's measure "with every
// feature on".
func WriteAllFeatures(dir string, n int) error { return withDerived(dir, n, true, true) }

func withDerived(dir string, n int, query, revisions bool) error {
	if err := write(dir, n, false, false); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(2, uint64(n)))
	days := max(n*7+7, 10_000)
	var b strings.Builder
	b.WriteString("title = \"Daily index\"\nsource = \"Generated\"\nkind = \"series\"\nnotes = \"Synthetic data for benchmarks.\"\n\n[columns.close]\nformat = \"usd\"\n\n")
	level := 100.0
	for d := range days {
		level = math.Max(1, level*(1+(r.Float64()-0.5)*0.04))
		fmt.Fprintf(&b, "[[rows]]\ndate = %s\nclose = %.2f\nmean_30 = %.2f\n\n", day(d-days+n*7), level, level*0.99)
		if revisions && d%50 == 0 {
			fmt.Fprintf(&b, "[[rows.revisions]]\non = %s\nclose = %.2f\n\n", day(d-days+n*7+3), level*1.01)
		}
	}
	files := map[string]string{"data/daily.toml": b.String()}
	from := "daily"
	if query {
		from = "daily_mean"
		files["data/daily_mean.toml"] = "title = \"Daily index, 30-day mean\"\nsource = \"Derived from daily\"\nkind = \"series\"\n" +
			"query = \"\"\"\nSELECT date,\n  ROUND(AVG(close) OVER (ORDER BY date ROWS BETWEEN 29 PRECEDING AND CURRENT ROW), 2) AS mean_30,\n" +
			"  ROUND(close / FIRST_VALUE(close) OVER (ORDER BY date) * 100, 1) AS rebased\nFROM daily\nORDER BY date\n\"\"\"\n\n[columns.mean_30]\nformat = \"usd\"\n"
	}
	for w := range n {
		name := fmt.Sprintf("content/briefings/week-%05d.md", w+1)
		old, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		files[name] = string(old) + fmt.Sprintf("\nThe 30-day mean stood at {{ %s.mean_30 }}.\n", from)
	}
	return writeFiles(dir, files)
}

// writeFiles writes files (slash paths below dir) with their folders.
func writeFiles(dir string, files map[string]string) error {
	for name, text := range files {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func write(dir string, n int, cards, entities bool) error {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	files := map[string]string{
		"site.toml": "title = \"Generated desk\"\nbase_url = \"https://bench.example.com/\"\nauthor = \"Bench\"\n",
	}
	days := n*7 + 7
	var b strings.Builder

	b.WriteString("title = \"Daily index\"\nsource = \"Generated\"\nkind = \"series\"\nnotes = \"Synthetic data for benchmarks.\"\n\n[columns.close]\nformat = \"usd\"\n\n")
	level := 100.0
	for d := range days {
		level = math.Max(1, level*(1+(r.Float64()-0.5)*0.04))
		fmt.Fprintf(&b, "[[rows]]\ndate = %s\nclose = %.2f\nvolume = %d\n\n", day(d-7), level, 1000+r.IntN(9000))
	}
	files["data/daily.toml"] = b.String()

	b.Reset()
	b.WriteString("title = \"Weekly moves\"\nsource = \"Generated\"\nkind = \"moves\"\n\n")
	for w := range n {
		for _, t := range tickers {
			fmt.Fprintf(&b, "[[rows]]\ndate = %s\nticker = %q\nname = \"%s Corp\"\nchange_pct = %.1f\n\n", day(w*7), t, t, (r.Float64()-0.45)*30)
		}
	}
	files["data/moves.toml"] = b.String()

	b.Reset()
	b.WriteString("title = \"Lease deals\"\nsource = \"Generated\"\nkind = \"deals\"\n\n")
	deals := max(300, n/2)
	for i := range deals {
		fmt.Fprintf(&b, "[[rows]]\nannounced = %s\ncompany = %q\ncounterparty = \"Tenant %d\"\nvalue_usd = %d\nterm_years = %d\ncapacity_mw = %d\n\n",
			day(i*n*7/deals), tickers[i%len(tickers)], i%37, (1+r.IntN(90))*100_000_000, 5+r.IntN(15), 10+r.IntN(500))
	}
	files["data/deals.toml"] = b.String()

	b.Reset()
	b.WriteString("title = \"Operators\"\nsource = \"Generated\"\n\n")
	for i, t := range tickers {
		fmt.Fprintf(&b, "[[rows]]\noperator = %q\ncapacity_mw = %d\nsites = %d\n\n", t, 200+i*150, 1+i)
	}
	files["data/operators.toml"] = b.String()

	if entities {
		b.Reset()
		b.WriteString("title = \"Coverage\"\nsource = \"Generated\"\nkind = \"entities\"\n\n")
		for _, t := range tickers {
			fmt.Fprintf(&b, "[[rows]]\nid = %q\nname = %q\nticker = %q\n\n", strings.ToLower(t), t, t)
		}
		for i := range 32 {
			fmt.Fprintf(&b, "[[rows]]\nid = \"tenant-%d\"\nname = \"Tenant %d\"\n\n", i, i)
		}
		files["data/coverage.toml"] = b.String()
	}
	for w := range n {
		text := briefing(r, w, cards)
		if entities {
			text += fmt.Sprintf("\nTenant %d signed with %s this week.\n", w%32, tickers[w%len(tickers)])
		}
		files[fmt.Sprintf("content/briefings/week-%05d.md", w+1)] = text
	}
	return writeFiles(dir, files)
}

func day(offset int) string { return Start.AddDate(0, 0, offset).Format(time.DateOnly) }

func briefing(r *rand.Rand, w int, cards bool) string {
	var b strings.Builder
	date := day(w * 7)
	fmt.Fprintf(&b, "+++\ntitle = \"Week %d: %s and %s\"\ndate = %s\nsummary = \"%s\"\ntags = [%q, %q]\n+++\n\n",
		w+1, word(r), word(r), date, sentence(r, 18), word(r), word(r))
	for section := range 4 {
		fmt.Fprintf(&b, "## %s %s\n\n", strings.ToUpper(word(r)[:1])+word(r)[1:], word(r))
		for range 3 {
			b.WriteString(sentence(r, 22) + " " + sentence(r, 20) + " " + sentence(r, 18) + "\n\n")
		}
		switch section {
		case 0:
			fmt.Fprintf(&b, "```chart\ndataset = \"daily\"\ntitle = \"Index, last quarter\"\nfrom = %s\ny = \"close\"\n```\n\n", day(w*7-90))
			b.WriteString("> " + sentence(r, 25) + "\n\n")
		case 1:
			b.WriteString("```chart\ndataset = \"moves\"\ntitle = \"This week's moves\"\n```\n\n")
			b.WriteString("| Item | Value |\n| --- | ---: |\n| " + word(r) + " | 1.5 |\n| " + word(r) + " | 2.5 |\n\n")
		case 2:
			b.WriteString("```chart\ndataset = \"deals\"\ntitle = \"Largest deals to date\"\nsort = \"-value_usd\"\nlimit = 10\n```\n\n")
			b.WriteString("- " + sentence(r, 8) + "\n- " + sentence(r, 8) + "\n- " + sentence(r, 8) + "\n\n")
		case 3:
			b.WriteString("```table\ndataset = \"operators\"\nsort = \"-capacity_mw\"\n```\n\n")
		}
	}
	if cards {
		fmt.Fprintf(&b, "The index closed at {{ daily.close }}, {{ daily.close | change %s }} on the quarter.\n\n", day(max(w*7-84, 0)))
		fmt.Fprintf(&b, "```numbers\n[[card]]\nlabel = \"Index\"\nvalue = \"daily.close\"\nchange = \"daily.close | change %s\"\nnote = \"on the quarter\"\n"+
			"[[card]]\nlabel = \"Largest deal\"\nvalue = \"deals.value_usd | max\"\n[[card]]\nlabel = \"Deals\"\nvalue = \"deals | count\"\n```\n\n", day(max(w*7-84, 0)))
		b.WriteString("```changes\ndataset = \"deals\"\n```\n")
	}
	return b.String()
}

func word(r *rand.Rand) string { return words[r.IntN(len(words))] }

func sentence(r *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = word(r)
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}
