package workbook_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/sitetest"
)

// TestSamplePrintsOnePagePerSheet prints the sample site's workbooks to PDF
// with LibreOffice: every sheet of the sample is short, so one page wide
// means one page a sheet (today's 33 pages for the briefing's 9 sheets had
// its charts cut across pages).
func TestSamplePrintsOnePagePerSheet(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		sitetest.SkipWithout(t, "LibreOffice", "apt-get install libreoffice-calc-nogui")
	}
	pdfinfo, err := exec.LookPath("pdfinfo")
	if err != nil {
		sitetest.SkipWithout(t, "pdfinfo", "apt-get install poppler-utils")
	}
	root, _ := filepath.Abs("../..")
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	books, _ := filepath.Glob(filepath.Join(out, "briefings", "*", "*.xlsx"))
	entities, _ := filepath.Glob(filepath.Join(out, "entities", "*", "*.xlsx"))
	books = append(append(books, entities[:min(len(entities), 2)]...), filepath.Join(out, "data", "datasets.xlsx"))
	pdfs := t.TempDir()
	args := append([]string{"--headless", "--norestore", "-env:UserInstallation=file://" + t.TempDir(), "--convert-to", "pdf", "--outdir", pdfs}, books...)
	if outp, err := exec.CommandContext(context.Background(), soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice failed: %v\n%s", err, outp)
	}
	pagesRE := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`)
	for _, book := range books {
		f, err := excelize.OpenFile(book)
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		f.Close()
		pdf := filepath.Join(pdfs, strings.TrimSuffix(filepath.Base(book), ".xlsx")+".pdf")
		info, err := exec.CommandContext(context.Background(), pdfinfo, pdf).CombinedOutput()
		if err != nil {
			t.Fatalf("pdfinfo %s: %v\n%s", pdf, err, info)
		}
		m := pagesRE.FindSubmatch(info)
		if m == nil {
			t.Fatalf("pdfinfo %s: no page count in %s", pdf, info)
		}
		if pages, _ := strconv.Atoi(string(m[1])); pages != len(sheets) {
			t.Errorf("%s prints on %d pages, want one for each of its %d sheets (%s)", filepath.Base(book), pages, len(sheets), strings.Join(sheets, ", "))
		}
	}
}
