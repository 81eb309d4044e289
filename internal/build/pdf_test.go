package build_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/fixture"
	"github.com/brief-desk/brief/internal/pdf"
	"github.com/brief-desk/brief/internal/sitetest"
)

// fakePrinter "prints" a page as its HTML's hash, and remembers what it
// printed: the build's side of the PDF edition, without a browser
// (internal/pdf's tests print for real).
type fakePrinter struct {
	mu     sync.Mutex
	paths  []string
	html   map[string]string
	starts int // Start calls: a browser started before the first print
}

// Start is *pdf.Browser's: the build calls it as soon as its plan shows a
// PDF that the cache lacks.
func (f *fakePrinter) Start() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts++
}

// started says how many times Start was called since the last call.
func (f *fakePrinter) started() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.starts
	f.starts = 0
	return n
}

func (f *fakePrinter) Print(doc *pdf.Document) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paths = append(f.paths, doc.Path)
	if f.html == nil {
		f.html = map[string]string{}
	}
	f.html[doc.Path] = string(doc.HTML)
	return fmt.Appendf(nil, "%%PDF-1.4 %s %s %x", doc.Title, doc.Paper, sha256.Sum256(doc.HTML)), nil
}

func (f *fakePrinter) printed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(f.paths)
	f.paths = nil
	slices.Sort(out)
	return out
}

// TestPDFWeeklyPublish: with [pdf] enabled, each briefing is printed once;
// a rebuild prints nothing; a new briefing prints only itself (its
// neighbour's page changes, its neighbour's PDF does not); an edit prints
// only the edited briefing. The browser is started early (Start) exactly
// when something is to be printed. The page and the lists link each PDF
// with its size, and the cached site equals one built without cache.
func TestPDFWeeklyPublish(t *testing.T) {
	dir := sitetest.Write(t, strings.Replace(fixture.Archive("weekly"), "-- site.toml --\n", "-- site.toml --\n[pdf]\nenabled = true\npaper = \"letter\"\n", 1))
	// [pdf] must come after the top-level keys.
	sitetest.Edit(t, dir, "site.toml", "[pdf]\nenabled = true\npaper = \"letter\"\ntitle = \"Desk\"\nbase_url = \"https://example.org/\"\n",
		"title = \"Desk\"\nbase_url = \"https://example.org/\"\n[pdf]\nenabled = true\npaper = \"letter\"\n")
	fp := &fakePrinter{}
	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache"), Printer: fp}
	const w1, w2, w3 = "briefings/w1/index.html", "briefings/w2/index.html", "briefings/w3/index.html"
	steps := []struct {
		name    string
		edit    func()
		printed []string
	}{
		{"first build", func() {}, []string{w1, w2}},
		{"nothing changed", func() {}, nil},
		{"a new briefing", func() {
			if err := os.WriteFile(filepath.Join(dir, "content/briefings/w3.md"), []byte("+++\ntitle = \"Week four\"\ndate = 2026-01-29\n+++\nSee [the exchange](https://exchange.example/prices).\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{w3}},
		{"an edit", func() {
			sitetest.Edit(t, dir, "content/briefings/w1.md", "title = \"Week one\"", "title = \"Week one, revised\"")
		}, []string{w1}},
	}
	for _, s := range steps {
		s.edit()
		res := mustBuild(t, opts)
		if got := fp.printed(); !slices.Equal(got, s.printed) {
			t.Errorf("%s: printed %v, want %v", s.name, got, s.printed)
		}
		if got, want := fp.started(), min(1, len(s.printed)); got != want {
			t.Errorf("%s: the browser was started early %d times, want %d", s.name, got, want)
		}
		if s.name == "a new briefing" && !slices.Contains(res.Made, w2) {
			t.Errorf("%s: the neighbour's page was not made again: %v", s.name, res.Made)
		}
	}
	page := sitetest.Read(t, dir, w3)
	if !strings.Contains(page, `<a href="../../briefings/w3/w3.pdf" download>Download this briefing as a PDF</a> <span class="size">(pdf, 1 KB)</span>`) {
		t.Errorf("the page does not link its PDF with its size:\n%s", page)
	}
	home := sitetest.Read(t, dir, "index.html")
	for _, w := range []string{"w1", "w2", "w3"} {
		if !strings.Contains(home, `href="briefings/`+w+`/`+w+`.pdf" download`) {
			t.Errorf("the home page does not list %s's PDF", w)
		}
	}
	if got := sitetest.Read(t, dir, "briefings/w3/w3.pdf"); !strings.HasPrefix(got, "%PDF-1.4 Week four letter ") {
		t.Errorf("w3.pdf = %q", got)
	}
	// What was printed: the print rendering, without navigation,
	// neighbours or its own link, its web link numbered.
	fp2 := &fakePrinter{}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: dir, Out: out, Printer: fp2}); err != nil {
		t.Fatal(err)
	}
	if !equalTrees(sitetest.Tree(t, filepath.Join(dir, "public")), sitetest.Tree(t, out)) {
		t.Errorf("the cached build differs from a build without cache")
	}
	print := fp2.html[w3]
	for _, want := range []string{`class="print-edition"`, `<sup class="link-note">1</sup>`, `<li>https://exchange.example/prices</li>`, `<p class="print-url">https://example.org/briefings/w3/</p>`} {
		if !strings.Contains(print, want) {
			t.Errorf("the print rendering lacks %s:\n%s", want, print)
		}
	}
	for _, bad := range []string{"Older:", "Newer:", ".pdf", ".xlsx", `class="pager"`} {
		if strings.Contains(print, bad) {
			t.Errorf("the print rendering holds %q:\n%s", bad, print)
		}
	}
}

// TestPDFWithoutBrowser: a build that asks for PDFs where no browser was
// found fails with what to install, and writes nothing: not the site, and
// with --pdf not even the cache. A site without [pdf] builds as before, and
// the preview never prints.
func TestPDFWithoutBrowser(t *testing.T) {
	missing := errors.New("printing PDFs needs Chromium, and none was found on PATH (chromium, chromium-browser, google-chrome): " + pdf.Install)
	for _, tt := range []struct {
		name     string
		settings string
		flag     bool
		want     string
	}{
		{"flag", "", true, "printing PDFs needs Chromium"},
		{"site.toml", "[pdf]\nenabled = true\n", false, "site.toml: printing PDFs needs Chromium"},
	} {
		dir := sitetest.Write(t, fixture.Archive("weekly"))
		if tt.settings != "" {
			sitetest.Edit(t, dir, "site.toml", "base_url = \"https://example.org/\"\n", "base_url = \"https://example.org/\"\n"+tt.settings)
		}
		_, err := build.Build(context.Background(), build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache"), PDF: tt.flag, NoPrinter: missing})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || !strings.Contains(err.Error(), "apt-get install chromium") || !strings.Contains(err.Error(), "BRIEF_CHROME") {
			t.Errorf("%s: err = %v", tt.name, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "public")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: public/ was written", tt.name)
		}
		if _, err := os.Stat(filepath.Join(dir, ".brief-cache")); tt.flag && !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: the cache was written", tt.name)
		}
		snap, err := build.NewEngine(build.Options{Src: dir, PDF: tt.flag}).Build(context.Background())
		if err != nil {
			t.Fatalf("%s: the preview: %v", tt.name, err)
		}
		for f := range snap.Files {
			if strings.HasSuffix(f, ".pdf") {
				t.Errorf("%s: the preview made %s", tt.name, f)
			}
		}
	}
	dir := sitetest.Write(t, fixture.Archive("weekly"))
	if _, err := build.Build(context.Background(), build.Options{Src: dir, NoPrinter: missing}); err != nil {
		t.Errorf("a site without PDFs needs no browser: %v", err)
	}
}
