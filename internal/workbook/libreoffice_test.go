package workbook_test

import (
	"context"
	"encoding/csv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/sitetest"
	"github.com/brief-desk/brief/internal/view"
	"github.com/brief-desk/brief/internal/workbook"
)

// TestSamplePrintsOnePagePerSheet prints the sample site's workbooks to PDF
// with LibreOffice: every sheet of the sample is short, so one page wide
// means one page a sheet (today's 33 pages for the briefing's 9 sheets had
// its charts cut across pages).
func TestSamplePrintsOnePagePerSheet(t *testing.T) {
	soffice := sofficePath(t)
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
	pdfs := convert(t, soffice, "pdf", books)
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

func sofficePath(t *testing.T) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		sitetest.SkipWithout(t, "LibreOffice", "apt-get install libreoffice-calc-nogui")
	}
	return soffice
}

// convert has LibreOffice convert files, into the folder it returns.
func convert(t *testing.T, soffice, to string, files []string) string {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"--headless", "--norestore", "-env:UserInstallation=file://" + t.TempDir(), "--convert-to", to, "--outdir", dir}, files...)
	if outp, err := exec.CommandContext(context.Background(), soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice failed: %v\n%s", err, outp)
	}
	return dir
}

const levels = `title = "Levels"
source = "Exchange"
kind = "series"
[columns.price]
format = "usd"
[columns.share]
format = "percent"
[columns.cap]
format = "usd_compact"
[columns.count]
format = "integer"
[columns.num]
format = "number"
[[rows]]
date = 2025-12-01
price = 950.5
share = 10.8
cap = 7_000_000_000
count = 12
index = 1.25
num = 1000.5
[[rows]]
date = 2026-01-08
price = 1_200
share = 9.5
cap = 6_500_000_000
count = 15
index = -1.5
num = 990.25
`

// TestChangesInLibreOffice: a series changes sheet, whose rows are numbers
// each in its own series' format, reads in LibreOffice exactly as the page
// shows it, in every format (the compact money's scaling and a raw
// column's signed General included).
func TestChangesInLibreOffice(t *testing.T) {
	soffice := sofficePath(t)
	d, err := dataset.Parse("data/levels.toml", []byte(levels))
	if err != nil {
		t.Fatal(err)
	}
	s := &block.Selection{Base: block.Base{Name: "changes"}, Dataset: "levels"}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	bd, err := s.Bind(&block.Context{Date: day(1, 9), Previous: day(1, 2), Find: func(string) *dataset.Dataset { return d }})
	if err != nil {
		t.Fatal(err)
	}
	v := bd.Tables()[0]
	book := filepath.Join(t.TempDir(), "w.xlsx")
	data, err := workbook.Bytes(func(w io.Writer) error {
		return workbook.Briefing(w, workbook.Info{Title: "W", Date: day(1, 9)}, []*view.View{v}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(book, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// Field 9 "true" writes cells as shown; -1 writes every sheet.
	dir := convert(t, soffice, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", []string{book})
	m, _ := filepath.Glob(filepath.Join(dir, "w-Levels*.csv"))
	if len(m) != 1 {
		t.Fatalf("no sheet of the changes block among %v", m)
	}
	f, err := os.Open(m[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(v.Rows)+1 {
		t.Fatalf("LibreOffice shows %d rows, want %d and a header", len(rows), len(v.Rows))
	}
	for r := range v.Rows {
		for i := range v.Columns {
			if got, page := rows[r+1][i], v.Text(r, i); got != page {
				t.Errorf("row %d column %d: LibreOffice shows %q, the page %q", r+1, i+1, got, page)
			}
		}
	}
}
