package block_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/sitetest"
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
