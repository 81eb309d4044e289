package build_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/sitetest"
)

// TestBriefingWorkbookMatchesPage checks that each briefing's workbook holds
// a sheet per block with exactly the rows the page shows, as of its date.
func TestBriefingWorkbookMatchesPage(t *testing.T) {
	dir := sitetest.MustBuild(t, project)
	f, err := excelize.OpenFile(filepath.Join(dir, "public/briefings/week-1/week-1.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "About|Prices|Moves|Sources" {
		t.Errorf("sheets = %s", got)
	}
	prices, _ := f.GetRows("Prices")
	if len(prices) != 3 || prices[1][0] != "2026-01-01" || prices[2][1] != "11.25" {
		t.Errorf("Prices sheet = %q (want the two rows dated on or before 2026-01-08)", prices)
	}
	moves, _ := f.GetRows("Moves")
	if len(moves) != 3 || moves[1][0] != "BBB" || moves[1][1] != "+10.8%" || moves[2][1] != "-4.5%" {
		t.Errorf("Moves sheet = %q", moves)
	}
	page := sitetest.Read(t, dir, "briefings/week-1/index.html")
	if !strings.Contains(page, `href="../../briefings/week-1/week-1.xlsx" download>`) || !strings.Contains(page, "(xlsx, ") {
		t.Error("briefing page lacks the workbook link with its size")
	}
	index := sitetest.Read(t, dir, "index.html")
	if !strings.Contains(index, `href="data/datasets.xlsx" download>All datasets (xlsx, `) {
		t.Error("index lacks the all-data workbook link")
	}
	all, err := excelize.OpenFile(filepath.Join(dir, "public/data/datasets.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	if got := strings.Join(all.GetSheetList(), "|"); got != "About|moves|prices|Sources" {
		t.Errorf("all-data sheets = %s", got)
	}
	if rows, _ := all.GetRows("prices"); len(rows) != 4 {
		t.Errorf("all-data prices has %d rows, want every row (3) and a header", len(rows))
	}
}

// TestWorkbooksInLibreOffice opens the sample site's workbooks in a real
// spreadsheet program: LibreOffice converts every sheet to CSV as shown, and
// the values come through formatted.
func TestWorkbooksInLibreOffice(t *testing.T) {
	out := buildSample(t)
	books, _ := filepath.Glob(filepath.Join(out, "briefings", "*", "*.xlsx"))
	books = append(books, filepath.Join(out, "data", "datasets.xlsx"))
	// Field 9 "true" writes cells as shown; -1 writes every sheet.
	csvDir := libreOffice(t, books, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1")
	read := func(pattern string) string {
		t.Helper()
		m, _ := filepath.Glob(filepath.Join(csvDir, pattern))
		if len(m) != 1 {
			files, _ := os.ReadDir(csvDir)
			var names []string
			for _, f := range files {
				names = append(names, f.Name())
			}
			t.Fatalf("%s: found %v among %v", pattern, m, names)
		}
		b, _ := os.ReadFile(m[0])
		return string(b)
	}
	checks := []struct{ file, want string }{
		{"*-landlords-Miners led crypto*.csv", "CLSK,+12.4%,CleanSpark,2026-01-02"},
		{"*-landlords-Miners led crypto*.csv", "HUT,+10.8%,Hut 8,2026-01-02"},
		{"*-landlords-Hashprice, July*.csv", "2026-01-02,$35.00"},
		// The derived index as of the briefing (December as published,
		// 38.00 / 55), and in the all-data workbook as it is now (38.50).
		{"*-landlords-Hashprice, indexed*.csv", "2025-12-01,69.1"},
		{"*-landlords-Hashprice, indexed*.csv", "2026-01-02,63.6"},
		{"datasets-hashprice_index.csv", "2025-12-01,70"},
		{"*-landlords-Sources.csv", "usd_per_ph_day / FIRST_VALUE(usd_per_ph_day) OVER (ORDER BY date)"},
		{"*-landlords-AI and HPC*.csv", "Hut 8,Fluidstack,Google,$7.0B,15,,Louisiana campus"},
		{"*-landlords-Bitcoin now*.csv", "\"All-time high, October 2025\",\"$126,210\""},
		{"*-landlords-About.csv", "Date,2026-01-02"},
		{"*-landlords-Sources.csv", "hashprice,Bitcoin hashprice,Hashrate Index,https://hashrateindex.com/"},
		{"*-landlords-Quoted figures.csv", `{{ hashprice.usd_per_ph_day | change 2025-07-01 }},-36.3636363636363,-36.4%,hashprice,Hashrate Index,2026-01-02`},
		{"*-landlords-Quoted figures.csv", `"{{ lease_deals.value_usd [company=""Hut 8""] }}",7000000000,$7.0B,lease_deals`},
		{"*-landlords-Leases announced*.csv", "2025-12-17,Hut 8,Fluidstack,$7.0B,"},
		{"datasets-power_capacity.csv", "Hut 8,\"1,000\""},
		{"datasets-miner_moves.csv", "2026-01-02,MSTR,Strategy,+3.2%"},
	}
	for _, c := range checks {
		if got := read(c.file); !strings.Contains(got, c.want) {
			t.Errorf("%s lacks %q:\n%s", c.file, c.want, got)
		}
	}
}

// buildSample builds the repository's sample site and returns its output.
func buildSample(t *testing.T) string {
	t.Helper()
	root, _ := filepath.Abs("../..")
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	return out
}

// libreOffice converts files with LibreOffice (skipping the test where it
// is missing) and returns the folder of what it wrote. Extra arguments go
// before the files.
func libreOffice(t *testing.T, files []string, convertTo string, extra ...string) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		sitetest.SkipWithout(t, "LibreOffice", "apt-get install libreoffice-calc-nogui")
	}
	dir := t.TempDir()
	args := []string{"--headless", "--norestore", "-env:UserInstallation=file://" + t.TempDir(), "--convert-to", convertTo, "--outdir", dir}
	args = append(append(args, extra...), files...)
	if outp, err := exec.CommandContext(context.Background(), soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice failed: %v\n%s", err, outp)
	}
	return dir
}

// TestBlockCSVInLibreOffice opens every block's CSV of the sample site, and
// one with text a spreadsheet could run, in LibreOffice as a user would
// (comma-separated, UTF-8): every cell reads back as written, numbers as
// numbers, and no cell is a formula.
func TestBlockCSVInLibreOffice(t *testing.T) {
	out := buildSample(t)
	files, _ := filepath.Glob(filepath.Join(out, "briefings", "*", "*.csv"))
	hostile := sitetest.MustBuild(t, `
-- site.toml --
title = "Desk"
-- data/notes.toml --
title = "Notes"
source = "Desk"
[[rows]]
name = "=HYPERLINK(\"http://evil.example/\",\"click\")"
value = -4.25
[[rows]]
name = "@SUM(A1:A9)"
value = 1_200.5
[[rows]]
name = "Caf\u00e9, \"quoted\"\nand a new line"
value = 0
-- content/briefings/hostile.md --
+++
title = "Hostile"
date = 2026-01-02
+++
`+"```table\ndataset = \"notes\"\n```\n")
	files = append(files, filepath.Join(hostile, "public/briefings/hostile/hostile-1.csv"))
	if len(files) < 7 {
		t.Fatalf("found only %d CSV files: %v", len(files), files)
	}
	// 44: comma, 34: quote, 76: UTF-8, 1: from the first line.
	dir := libreOffice(t, files, "xlsx", "--infilter=CSV:44,34,76,1")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		want, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(file), ".csv")
		f, err := excelize.OpenFile(filepath.Join(dir, name+".xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetList()[0]
		got, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		for r, row := range want {
			for c, text := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var v string
				if r < len(got) && c < len(got[r]) {
					v = got[r][c]
				}
				typ, _ := f.GetCellType(sheet, cell)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s %s: LibreOffice made the formula %q of %q", name, cell, formula, text)
				}
				_, numErr := strconv.ParseFloat(text, 64)
				switch {
				case isoDate(text):
					// LibreOffice reads an ISO date as a date: a day number.
					if n, err := strconv.Atoi(v); err != nil || excelDate(n) != text {
						t.Errorf("%s %s: %q reads back as %q", name, cell, text, v)
					}
				case numErr == nil && r > 0:
					if typ != excelize.CellTypeNumber || !sameNumber(v, text) {
						t.Errorf("%s %s: %q reads back as %q (type %v), not the number", name, cell, text, v, typ)
					}
				case v != text:
					t.Errorf("%s %s: %q reads back as %q", name, cell, text, v)
				}
			}
		}
		f.Close()
	}
}

func isoDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// excelDate turns a spreadsheet day number into an ISO date.
func excelDate(n int) string {
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly)
}

func sameNumber(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}
