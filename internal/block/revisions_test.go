package block_test

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/sitetest"
	"github.com/xuri/excelize/v2"
)

const revisedProject = `
-- site.toml --
title = "Desk"
base_url = "https://example.com/"
-- data/uranium.toml --
title = "Uranium"
source = "Exchange"
kind = "series"
[[rows]]
date = 2025-10-31
usd_per_lb = 82.10
[[rows.revisions]]
on = 2025-12-02
usd_per_lb = 81.90
[[rows]]
date = 2025-11-28
usd_per_lb = 79.00
-- content/briefings/november.md --
+++
title = "November"
date = 2025-11-01
+++
Uranium closed October at {{ uranium.usd_per_lb }}.

` + "```table" + `
dataset = "uranium"
` + "```" + `
-- content/briefings/december.md --
+++
title = "December"
date = 2025-12-05
+++
October's close is now {{ uranium.usd_per_lb @2025-10-31 }}.

` + "```table" + `
dataset = "uranium"
` + "```" + `
`

// TestRevisions: a briefing published before a revision keeps the value it
// showed, in its page, its CSV and its workbook, and says under the block
// that it was revised; a later one shows the current value. A build from
// the cache gives the same pages.
func TestRevisions(t *testing.T) {
	dir := sitetest.MustBuild(t, revisedProject)
	nov := sitetest.Read(t, dir, "briefings/november/index.html")
	for _, want := range []string{
		`data-value="81.9"`,
		"Revised on 2 December 2025: 82.1 (published: 81.9), Usd per lb on 2025-10-31",
	} {
		if !strings.Contains(nov, want) {
			t.Errorf("November's page lacks %q", want)
		}
	}
	if strings.Contains(nov, "79") {
		t.Error("November's page shows a row dated after it")
	}
	if csv := sitetest.Read(t, dir, "briefings/november/november-1.csv"); !strings.Contains(csv, "2025-10-31,81.9") {
		t.Errorf("November's CSV = %q, want the published 81.9", csv)
	}
	dec := sitetest.Read(t, dir, "briefings/december/index.html")
	if !strings.Contains(dec, `data-value="82.1"`) || strings.Contains(dec, "Revised on") {
		t.Error("December's page does not show the current value alone")
	}
	first := sitetest.Tree(t, filepath.Join(dir, "public"))
	if _, err := sitetest.Build(t, dir, build.Options{}); err != nil {
		t.Fatal(err)
	}
	if second := sitetest.Tree(t, filepath.Join(dir, "public")); second["briefings/november/index.html"] != first["briefings/november/index.html"] {
		t.Error("a build from the cache differs")
	}
}

// TestRevisionsSheet: the workbook of a briefing that shows a revised value
// lists it on a sheet of revisions.
func TestRevisionsSheet(t *testing.T) {
	dir := sitetest.MustBuild(t, revisedProject)
	f, err := excelize.OpenFile(filepath.Join(dir, "public/briefings/november/november.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Revisions")
	if err != nil {
		t.Fatal(err)
	}
	want := "uranium|2025-10-31|Usd per lb|81.9|82.1|2025-12-02"
	if len(rows) != 2 || strings.Join(rows[1], "|") != want {
		t.Errorf("Revisions sheet = %q, want one row %s", rows, want)
	}
	g, err := excelize.OpenFile(filepath.Join(dir, "public/briefings/december/december.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if slices.Contains(g.GetSheetList(), "Revisions") {
		t.Error("December's workbook has a Revisions sheet; it shows the current values")
	}
}

// TestRevisionKeepsArchive: a row revised after two briefings were
// published leaves their pages and CSV files byte for byte as they were,
// but for the notes saying so (and the workbook's size, which gains a
// sheet of revisions); the briefing after the revision shows the new value.
func TestRevisionKeepsArchive(t *testing.T) {
	before := strings.Replace(revisedProject, "usd_per_lb = 82.10\n[[rows.revisions]]\non = 2025-12-02\nusd_per_lb = 81.90\n", "usd_per_lb = 81.90\n", 1)
	before = strings.Replace(before, "date = 2025-12-05", "date = 2025-12-01", 1) // both published before the revision
	after := strings.Replace(revisedProject, "date = 2025-12-05", "date = 2025-12-01", 1)
	after = strings.Replace(after, "-- content/briefings/december.md --", `-- content/briefings/later.md --
+++
title = "Later"
date = 2025-12-08
+++
October closed at {{ uranium.usd_per_lb @2025-10-31 }}.
-- content/briefings/december.md --`, 1)
	oldDir, nowDir := sitetest.MustBuild(t, before), sitetest.MustBuild(t, after)
	// What may differ: the notes, the workbook's size, and the link to the
	// newer briefing that the later one adds to December's page.
	notes := regexp.MustCompile(`\n\s*<p class="block-note">[^<]*</p>|<span class="revised">[^<]*</span>|\(xlsx, \d+ KB\)|<a rel="next"[^>]*>[^<]*</a>`)
	for _, page := range []string{"briefings/november/index.html", "briefings/december/index.html"} {
		old, now := sitetest.Read(t, oldDir, page), sitetest.Read(t, nowDir, page)
		if !strings.Contains(now, "Revised on 2 December 2025") {
			t.Errorf("%s does not say a value it shows was revised", page)
		}
		if a, b := notes.ReplaceAllString(old, ""), notes.ReplaceAllString(now, ""); a != b {
			t.Errorf("%s changed beyond its revision notes", page)
		}
	}
	for _, csv := range []string{"briefings/november/november-1.csv", "briefings/december/december-1.csv"} {
		if old, now := sitetest.Read(t, oldDir, csv), sitetest.Read(t, nowDir, csv); old != now {
			t.Errorf("%s changed:\n%s\nwas\n%s", csv, now, old)
		}
	}
	if later := sitetest.Read(t, nowDir, "briefings/later/index.html"); !strings.Contains(later, `data-value="82.1"`) || strings.Contains(later, "Revised on") {
		t.Error("the briefing after the revision does not show the current value alone")
	}
}

// TestChangesAsPublished: a changes block compares with the previous
// briefing's values as they stood on its date, even when a row dated
// before it was added since (the row numbers of then and now differ).
func TestChangesAsPublished(t *testing.T) {
	dir := sitetest.MustBuild(t, `
-- site.toml --
title = "Desk"
base_url = "https://example.com/"
-- data/prices.toml --
title = "Prices"
source = "Exchange"
kind = "series"
[[rows]]
date = 2026-01-02
close = 1.0
[[rows]]
date = 2026-01-05
close = 5.0
added = 2026-01-12
[[rows]]
date = 2026-01-09
close = 9.0
[[rows]]
date = 2026-01-16
close = 16.0
-- content/briefings/w1.md --
+++
title = "Week 1"
date = 2026-01-09
+++
`+"```table\ndataset = \"prices\"\n```"+`
-- content/briefings/w2.md --
+++
title = "Week 2"
date = 2026-01-16
+++
`+"```changes\ndataset = \"prices\"\n```"+`
`)
	page := sitetest.Read(t, dir, "briefings/w2/index.html")
	want := `<tr><td>Close</td><td class="num">9</td><td class="num">16</td>`
	if !strings.Contains(page, want) || !strings.Contains(page, "On 2026-01-09") {
		t.Errorf("the changes block does not compare with 9 on 2026-01-09:\n%s", regexp.MustCompile(`(?s)<table.*?</table>`).FindString(page))
	}
}
