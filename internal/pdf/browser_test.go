package pdf_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/pdf"
	"github.com/brief-desk/brief/internal/sitetest"
)

// printer is the browser the tests print with, as brief finds it
// (pdf.Find: BRIEF_CHROME, then Chromium's headless shell, then chromium);
// the test is skipped without one.
func printer(t testing.TB) string {
	t.Helper()
	exe, err := pdf.Find()
	if err != nil {
		sitetest.SkipWithout(t, "Chromium", "apt-get install chromium-headless-shell chromium")
	}
	return exe
}

// printers are the browsers a test prints with: printer's, and the full
// Chromium too where both are installed (brief's fallback).
func printers(t testing.TB) []string {
	t.Helper()
	exe := printer(t)
	full := sitetest.Chromium(t)
	if real, err := filepath.EvalSymlinks(full); err == nil && real != exe && full != exe {
		return []string{exe, full}
	}
	return []string{exe}
}

// pdfText runs pdftotext -layout on a PDF.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		sitetest.SkipWithout(t, "pdftotext", "apt-get install poppler-utils")
	}
	p := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func pdfInfo(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", "-isodates", p).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v: %s", err, out)
	}
	return string(out)
}

// TestPrint prints a long table with each browser brief may use: the
// running head, the foot, the header on every page, the Info dictionary,
// the same bytes twice.
func TestPrint(t *testing.T) {
	for _, exe := range printers(t) {
		t.Run(filepath.Base(exe), func(t *testing.T) { testPrint(t, exe) })
	}
}

func testPrint(t *testing.T, exe string) {
	b := pdf.New(context.Background(), exe)
	defer b.Close()
	var rows strings.Builder
	for i := range 120 {
		rows.WriteString("<tr><td>row " + strings.Repeat("x", i%7) + "</td><td>" + time.Duration(i).String() + "</td></tr>")
	}
	doc := &pdf.Document{
		Path: "briefings/a/index.html",
		HTML: []byte(`<!DOCTYPE html><html><head><title>T</title><link rel="stylesheet" href="../../assets/x.css"></head><body><h1>Café prices</h1><table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>` + rows.String() + `</tbody></table></body></html>`),
		Files: func(p string) ([]byte, bool) {
			if p == "assets/x.css" {
				return []byte("h1 { color: red }"), true
			}
			return nil, false
		},
		Title: "Café prices · Desk", Author: "Sector desk", Head: "Miners & Megawatts",
		Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Stamp: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Paper: pdf.A4,
	}
	start := time.Now()
	data, err := b.Print(doc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first print (browser start included): %v", time.Since(start))
	start = time.Now()
	again, err := b.Print(doc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second print: %v", time.Since(start))
	if !bytes.Equal(data, again) {
		t.Errorf("two prints of one document differ")
	}
	info := pdfInfo(t, data)
	for _, want := range []string{"Title:           Café prices · Desk", "Author:          Sector desk", "Creator:         brief", "CreationDate:    2026-01-02T00:00:00Z", "ModDate:         2026-01-02T00:00:00Z", "pts (A4)"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	text := pdfText(t, data)
	pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
	if len(pages) < 2 {
		t.Fatalf("want the table over several pages, got %d:\n%s", len(pages), text)
	}
	for i, p := range pages {
		for _, want := range []string{"Miners & Megawatts", "2 January 2026", "Name"} {
			if !strings.Contains(p, want) {
				t.Errorf("page %d lacks %q:\n%s", i+1, want, p)
			}
		}
		if foot := regexp.MustCompile(fmt.Sprintf(`\b%d ?/ ?%d\s*$`, i+1, len(pages))); !foot.MatchString(p) {
			t.Errorf("page %d does not end in %d / %d:\n%s", i+1, i+1, len(pages), p)
		}
	}
}
