package render_test

import (
	"context"
	"encoding/csv"
	"html"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/render"
	"github.com/brief-desk/brief/internal/sitetest"
)

// casesEmail builds the cases project and makes its briefing's email.
func casesEmail(t *testing.T) (dir string, e *render.Email) {
	t.Helper()
	dir = sitetest.MustBuild(t, cases)
	p, err := project.Load(context.Background(), project.Options{Src: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err = render.NewEmail(p, p.Briefings[0], render.Options{}, render.Attach{Workbook: true})
	if err != nil {
		t.Fatal(err)
	}
	return dir, e
}

var tag = regexp.MustCompile(`<[^>]*>`)

// cells returns the text of every cell of a row of HTML, tags removed.
func cells(row string) []string {
	var out []string
	for _, c := range regexp.MustCompile(`(?s)<t[dh][ >].*?</t[dh]>`).FindAllString(row, -1) {
		out = append(out, html.UnescapeString(strings.TrimSpace(tag.ReplaceAllString(c, ""))))
	}
	return out
}

// TestEmptyCells: a cell the data leaves empty shows "—" on the page and in
// the email (HTML and text), muted on the page, where its data-value (the
// raw value) is empty; the CSV file keeps it empty.
func TestEmptyCells(t *testing.T) {
	dir, e := casesEmail(t)
	page := sitetest.Read(t, dir, "briefings/2026-02-02-cases/index.html")
	var harbour string
	for _, row := range strings.Split(page, "<tr>") {
		if strings.Contains(row, ">Harbour<") && strings.Contains(row, "Terms not disclosed") {
			harbour = row
		}
	}
	want := []string{"Harbour", "Europe", "—", "$80.0M", "—", "+3.1%", "Talks", "Terms not disclosed."}
	if got := cells(harbour); !slices.Equal(got, want) {
		t.Errorf("the page's row = %q, want %q", got, want)
	}
	if !strings.Contains(harbour, `<td class="long none" data-value="">—</td>`) || !strings.Contains(harbour, `<td class="num none" data-value="">—</td>`) {
		t.Errorf("the page's empty cells are not marked for their style: %s", harbour)
	}
	if !strings.Contains(e.Text, "Harbour | Europe | — | $80.0M | — | +3.1% | Talks | Terms not disclosed.") {
		t.Errorf("the email's text has no row of Harbour with its empty cells:\n%s", e.Text)
	}
	if n := strings.Count(string(e.HTML), ">—</td>"); n != 4 {
		t.Errorf("the email's HTML shows %d empty cells as —, want 4", n)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(
		sitetest.Read(t, dir, "briefings/2026-02-02-cases/2026-02-02-cases-1.csv"), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[2][2] != "" || rows[2][4] != "" {
		t.Errorf("the CSV file's row of Harbour = %q, want its empty cells empty", rows[2])
	}
}

// TestEmailTableAsCards: in the email, a table too wide for a phone shows
// each row as a card of "header: value" lines, every column of it; a
// narrow table stays a table.
func TestEmailTableAsCards(t *testing.T) {
	_, e := casesEmail(t)
	mail := string(e.HTML)
	start := strings.Index(mail, "The order book, every column")
	end := strings.Index(mail[start:], "Source: Desk")
	if start < 0 || end < 0 {
		t.Fatalf("no order book in the email:\n%s", mail)
	}
	book := mail[start : start+end]
	if n := strings.Count(book, "border-top:2px solid"); n != 3 {
		t.Errorf("the order book shows %d cards, want one a row, 3", n)
	}
	var lines []string
	for _, row := range strings.Split(book, "<tr>")[1:] {
		if c := cells(row); len(c) == 2 && strings.Contains(row, `scope="row"`) && c[0] != "" {
			lines = append(lines, c[0]+": "+c[1])
		}
	}
	first := []string{"Name: Northern Lights Data Campus", "Region: North America", "Sponsor: Consortium of regional utilities",
		"Value usd: $1.2B", "Term years: 12", "Change: -4.2%", "Status: Signed"}
	if len(lines) != 24 || !slices.Equal(lines[:7], first) {
		t.Errorf("the first card reads %q (of %d lines), want %q and the detail", lines[:min(7, len(lines))], len(lines), first)
	}
	// The two-column table of the level stays a table, its header a row.
	start = strings.Index(mail, ">Fall<")
	if start < 0 {
		t.Fatalf("no table of the fall in the email")
	}
	if fall := mail[start:]; !strings.Contains(fall[:strings.Index(fall, "Source:")], `<th align="left" valign="bottom"`) {
		t.Errorf("the narrow table is not a table:\n%s", fall[:strings.Index(fall, "Source:")])
	}
}

// TestCompaniesByName: the companies index lists them by name, whatever
// the order of the entities dataset.
func TestCompaniesByName(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	index := sitetest.ReadFile(t, filepath.Join(out, "entities/index.html"))
	var names []string
	for _, m := range regexp.MustCompile(`<tr><td><a href="[^"]*">([^<]*)</a>`).FindAllStringSubmatch(index, -1) {
		names = append(names, m[1])
	}
	if len(names) < 5 || !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("the companies are listed %q, want them by name", names)
	}
}

// TestEmailChartCaptions: in the email, each chart's title and source are
// text in the HTML, once each, around its image (the image carries
// neither, so a reader sees one title and one source a chart).
func TestEmailChartCaptions(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(context.Background(), project.Options{Src: root}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := render.NewEmail(p, p.Briefings[0], render.Options{}, render.Attach{Workbook: true})
	if err != nil {
		t.Fatal(err)
	}
	mail := string(e.HTML)
	block := regexp.MustCompile(`(?s)<tr><td style="[^"]*font-weight:bold;[^"]*">([^<]+)</td></tr>.*?<img src="cid:([^"]+)".*?<tr><td style="[^"]*">Source: ([^<]+)</td></tr>`)
	found := block.FindAllStringSubmatch(mail, -1)
	if len(found) != len(e.Images) || len(found) < 4 {
		t.Fatalf("%d charts with a title, image and source in the HTML, want one for each of the %d images", len(found), len(e.Images))
	}
	for _, m := range found {
		title := html.UnescapeString(m[1])
		if n := strings.Count(html.UnescapeString(mail), title); n != 1 {
			t.Errorf("chart %s: its title %q is %d times in the HTML, want once", m[2], title, n)
		}
	}
}
