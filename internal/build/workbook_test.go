package build_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		sitetest.SkipWithout(t, "LibreOffice", "apt-get install libreoffice-calc-nogui")
	}
	root, _ := filepath.Abs("../..")
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	csvDir := t.TempDir()
	books, _ := filepath.Glob(filepath.Join(out, "briefings", "*", "*.xlsx"))
	books = append(books, filepath.Join(out, "data", "datasets.xlsx"))
	// Field 9 "true" writes cells as shown; -1 writes every sheet.
	args := []string{"--headless", "--norestore", "-env:UserInstallation=file://" + t.TempDir(),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", "--outdir", csvDir}
	cmd := exec.CommandContext(context.Background(), soffice, append(args, books...)...)
	if outp, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice failed: %v\n%s", err, outp)
	}
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
		{"*-landlords-Hashprice*.csv", "2026-01-02,$35.00"},
		{"*-landlords-AI and HPC*.csv", "Hut 8,Fluidstack,Google,$7.0B,15,,Louisiana campus"},
		{"*-landlords-Bitcoin now*.csv", "\"All-time high, October 2025\",\"$126,210\""},
		{"*-landlords-About.csv", "Date,2026-01-02"},
		{"*-landlords-Sources.csv", "hashprice,Bitcoin hashprice,Hashrate Index,https://hashrateindex.com/"},
		{"datasets-power_capacity.csv", "Hut 8,\"1,000\""},
		{"datasets-miner_moves.csv", "2026-01-02,MSTR,Strategy,+3.2%"},
	}
	for _, c := range checks {
		if got := read(c.file); !strings.Contains(got, c.want) {
			t.Errorf("%s lacks %q:\n%s", c.file, c.want, got)
		}
	}
}
