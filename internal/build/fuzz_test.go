package build_test

import (
	"bytes"
	"regexp"

	"github.com/xuri/excelize/v2"

	"context"
	model "github.com/brief-desk/brief/internal/project"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
)

// located is a located error line: file:line:col: message.
var located = regexp.MustCompile(`^(content/briefings/b\.md|data/d\.toml):\d+:\d+: \S`)

// FuzzBuild builds a one-briefing project whose briefing and dataset are
// arbitrary: the build must never panic or hang, and must either succeed or
// fail with located errors.
func FuzzBuild(f *testing.F) {
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-09\n+++\nNow {{ d.v }}, {{ d.v | change 2026-01-01 }}.\n\n```numbers\n[[card]]\nlabel = \"V\"\nvalue = \"d.v\"\nchange = \"d.v | change 2026-01-01\"\n```\n\n```changes\ndataset = \"d\"\n```\n"),
		[]byte("title = \"D\"\nsource = \"S\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nv = 1.5\n[[rows]]\ndate = 2026-01-08\nv = 2\n"))
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n```chart\ndataset = \"d\"\n```\n\n```table\ndataset = \"d\"\nsort = \"-v\"\n```\n"),
		[]byte("title = \"D\"\nsource = \"S\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nv = 1.5\n"))
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n```chart\ndataset = \"d\"\nmark_lines = [{ x = \"AAA\", label = \"x\" }]\n```\n"),
		[]byte("title = \"D\"\nsource = \"S\"\nkind = \"moves\"\n[[rows]]\ndate = 2026-01-01\nticker = \"AAA\"\nchange_pct = -1\n"))
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n```chart\ndataset = \"d\"\ntype = \"scatter\"\nx = \"a\"\ny = \"b\"\n```\n"),
		[]byte("title = \"D\"\nsource = \"S\"\n[[rows]]\na = 1\nb = 2\n[[rows]]\na = 2\n"))
	f.Fuzz(func(t *testing.T, md, data []byte) {
		dir := t.TempDir()
		for name, b := range map[string][]byte{"content/briefings/b.md": md, "data/d.toml": data} {
			full := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		snap, err := build.NewEngine(build.Options{Src: dir}).Build(context.Background())
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !located.MatchString(line) {
					t.Fatalf("error without a place (file:line:col): %q", line)
				}
			}
			return
		}
		// A build that succeeds is complete: the briefing's page with a
		// figure per block, and its workbook with a sheet per block.
		p, err := model.Load(context.Background(), model.Options{Src: dir, Drafts: true}, nil)
		if err != nil {
			t.Fatalf("the engine built what Load refuses: %v", err)
		}
		for _, name := range []string{"index.html", "404.html", "feed.xml", "sitemap.xml", "tags/index.html"} {
			if len(snap.Files[name]) == 0 {
				t.Fatalf("%s is missing", name)
			}
		}
		for _, b := range p.Briefings {
			page := snap.Files["briefings/"+b.Slug+"/index.html"]
			if b.Draft {
				if page != nil {
					t.Fatal("a draft was published")
				}
				continue
			}
			if !bytes.HasSuffix(bytes.TrimSpace(page), []byte("</html>")) {
				t.Fatalf("the briefing's page is missing or cut short: %q", page)
			}
			if n := bytes.Count(page, []byte("<figure class=\"block ")); n != len(b.Views) {
				t.Fatalf("%d figures for %d blocks", n, len(b.Views))
			}
			if n := bytes.Count(page, []byte(`<a class="figure"`)); n != len(b.Figures) {
				t.Fatalf("%d figure elements for %d inline values and cards", n, len(b.Figures))
			}
			if len(b.Views) == 0 && len(b.Figures) == 0 {
				continue
			}
			wb, err := excelize.OpenReader(bytes.NewReader(snap.Files["briefings/"+b.Slug+"/"+b.Slug+".xlsx"]))
			if err != nil {
				t.Fatalf("the workbook does not open: %v", err)
			}
			sheets := len(b.Views) + 2 // and the cover and sources
			if len(b.Figures) > 0 {
				sheets++ // the quoted figures
			}
			if n := len(wb.GetSheetList()); n != sheets {
				t.Fatalf("%d sheets for %d blocks and %d quoted figures", n, len(b.Views), len(b.Figures))
			}
			wb.Close()
		}
	})
}
