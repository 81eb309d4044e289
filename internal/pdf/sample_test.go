package pdf_test

import (
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/pdf"
	"github.com/brief-desk/brief/internal/sitetest"
)

// buildPDF builds the project in src with PDFs into a new folder, with a
// real browser, and returns the folder and the browser.
func buildPDF(t *testing.T, src string) (string, *pdf.Browser) {
	t.Helper()
	exe := printer(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		sitetest.SkipWithout(t, "pdftotext", "apt-get install poppler-utils")
	}
	b := pdf.New(context.Background(), exe)
	t.Cleanup(func() { b.Close() })
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: src, Out: out, PDF: true, Printer: b}); err != nil {
		t.Fatal(err)
	}
	return out, b
}

// pages is a PDF's text, page by page (pdftotext -layout), each page's
// words single-spaced.
func pages(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range strings.Split(strings.TrimRight(pdfText(t, data), "\f"), "\f") {
		out = append(out, strings.Join(strings.Fields(p), " "))
	}
	return out
}

var (
	blockRe  = regexp.MustCompile(`(?s)<figure class="block block-(\w+)[^"]*" id="[^"]+">\s*<figcaption>\s*<span class="block-title">([^<]*)</span>.*?<p class="block-source">Source: (?:<a [^>]*>)?([^<]*)`)
	headerRe = regexp.MustCompile(`(?s)<thead><tr>(.*?)</tr></thead>`)
	thRe     = regexp.MustCompile(`<th[^>]*>([^<]*)</th>`)
)

// TestSamplePDF prints the sample briefing and reads the PDF as a reader
// would: a few pages, none blank, the running head and "n / N" on each,
// the title and the inline values' figures, every block's title on the
// same page as its source, the sources at the end.
func TestSamplePDF(t *testing.T) {
	out, b := buildPDF(t, "../..")
	const slug = "2026-01-02-miners-turn-ai-landlords"
	pp := pages(t, filepath.Join(out, "briefings", slug, slug+".pdf"))
	if d := os.Getenv("BRIEF_PDF_KEEP"); d != "" {
		data, _ := os.ReadFile(filepath.Join(out, "briefings", slug, slug+".pdf"))
		os.WriteFile(d, data, 0o644)
	}
	if len(pp) < 3 || len(pp) > 8 {
		t.Errorf("the sample prints on %d pages, want 3 to 8", len(pp))
	}
	if b.Printed() != 1 {
		t.Errorf("printed %d pages, want 1", b.Printed())
	}
	for i, p := range pp {
		foot := regexp.MustCompile(fmt.Sprintf(`%d ?/ ?%d$`, i+1, len(pp)))
		if !strings.HasPrefix(p, "Miners & Megawatts 2 January 2026 ") || !foot.MatchString(p) {
			t.Errorf("page %d lacks the running head or the foot %d / %d: %.100s ... %s", i+1, i+1, len(pp), p, p[max(0, len(p)-40):])
		}
		if body := len(p) - len("Miners & Megawatts 2 January 2026 ") - len(" 1 / 1"); body < 200 {
			t.Errorf("page %d is nearly blank: %q", i+1, p)
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "briefings", slug, slug+".pdf"))
	if err != nil {
		t.Fatal(err)
	}
	// Links are the site's addresses, not the ones the page was served at.
	if !strings.Contains(string(data), "/URI (https://briefings.example.com/tags/miners/index.html)") || strings.Contains(string(data), "print.invalid") {
		t.Errorf("the PDF's links are not the site's")
	}
	// Another browser, another build: the same bytes.
	again, _ := buildPDF(t, "../..")
	if other, err := os.ReadFile(filepath.Join(again, "briefings", slug, slug+".pdf")); err != nil || string(other) != string(data) {
		t.Errorf("two builds give different PDFs (%d and %d bytes)", len(data), len(other))
	}
	all := strings.Join(pp, " ")
	for _, want := range []string{"Miners turn AI landlords", "+10.8%", "$35.00", "-36.4%", "$7.0B"} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if !strings.Contains(pp[len(pp)-1], "Sources") && !strings.Contains(pp[len(pp)-2], "Sources") {
		t.Errorf("the sources are not at the end")
	}
	page := sitetest.ReadFile(t, filepath.Join(out, "briefings", slug, "index.html"))
	blocks := blockRe.FindAllStringSubmatch(page, -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d blocks in the page", len(blocks))
	}
	for _, m := range blocks {
		title, source := html.UnescapeString(m[2]), html.UnescapeString(m[3])
		source = strings.Join(strings.Fields(source), " ")[:min(30, len(source))]
		found := false
		for _, p := range pp {
			if strings.Contains(p, title) && strings.Contains(p, "Source: "+source) {
				found = true
			}
		}
		if !found {
			t.Errorf("no page holds the %s block %q with its source %q", m[1], title, source)
		}
	}
	for _, bad := range []string{"Save as PNG", "Newer:", "Older:", "Download the data", "Skip to content"} {
		if strings.Contains(all, bad) {
			t.Errorf("the PDF shows %q", bad)
		}
	}
}

// TestLongTablePDF: a table longer than a page breaks between rows and
// repeats its header on every page it spans; a chart is never split.
func TestLongTablePDF(t *testing.T) {
	var rows strings.Builder
	for i := range 90 {
		fmt.Fprintf(&rows, "[[rows]]\ndate = 2025-%02d-%02d\nclose = %d.5\nvolume = %d\n", 1+i/28, 1+i%28, 100+i, 1000*i)
	}
	dir := sitetest.Write(t, `
-- site.toml --
title = "Desk"
base_url = "https://example.org/"
[pdf]
paper = "a4"
-- data/prices.toml --
title = "Prices"
source = "Exchange"
kind = "series"
[columns]
close = { label = "Closing price", format = "usd" }
volume = { label = "Shares traded", format = "integer" }
`+rows.String()+`
-- content/briefings/w1.md --
+++
title = "Every close"
date = 2026-01-06
+++
Before the table.

`+"```chart\ndataset = \"prices\"\ny = \"close\"\ntitle = \"Closes\"\n```\n\n```table\ndataset = \"prices\"\ncolumns = [\"date\", \"close\", \"volume\"]\ntitle = \"All closes\"\n```\n")
	out, _ := buildPDF(t, dir)
	pp := pages(t, filepath.Join(out, "briefings/w1/w1.pdf"))
	page := sitetest.ReadFile(t, filepath.Join(out, "briefings/w1/index.html"))
	var header []string
	for _, h := range thRe.FindAllStringSubmatch(headerRe.FindAllStringSubmatch(page, -1)[1][1], -1) {
		header = append(header, html.UnescapeString(h[1]))
	}
	spans := 0
	for i, p := range pp {
		if !regexp.MustCompile(`\b(0|1)\d\d\.50\b`).MatchString(p) && !strings.Contains(p, "$1") {
			continue
		}
		if !strings.Contains(p, "2025-") {
			continue
		}
		spans++
		if !strings.Contains(p, strings.Join(header, " ")) {
			t.Errorf("page %d shows rows of the table without its header %q:\n%s", i+1, header, p)
		}
	}
	if spans < 2 {
		t.Errorf("the table spans %d pages, want at least 2:\n%s", spans, strings.Join(pp, "\n\f\n"))
	}
}

// TestRebuildStartsNoBrowser: a rebuild in which no briefing changed
// prints nothing and never starts the browser, the largest part of a
// publish with PDFs.
func TestRebuildStartsNoBrowser(t *testing.T) {
	exe := printer(t)
	dir := sitetest.Write(t, `
-- site.toml --
title = "Desk"
[pdf]
enabled = true
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-06
+++
Prose.
`)
	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	for i, want := range []int{1, 0} {
		b := pdf.New(context.Background(), exe)
		opts.Printer = b
		if _, err := build.Build(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		b.Close()
		if b.Printed() != want || b.Started() != (want > 0) {
			t.Errorf("build %d: printed %d, started %v; want %d", i+1, b.Printed(), b.Started(), want)
		}
	}
}
