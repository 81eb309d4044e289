package build_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/sitetest"
)

// FuzzBuild builds a one-briefing project whose briefing and dataset are
// arbitrary: the build must never panic or hang, and must either succeed or
// fail with located errors.
func FuzzBuild(f *testing.F) {
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n```chart\ndataset = \"d\"\n```\n\n```table\ndataset = \"d\"\nsort = \"-v\"\n```\n"),
		[]byte("title = \"D\"\nsource = \"S\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nv = 1.5\n"))
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n```chart\ndataset = \"d\"\nmark_lines = [{ x = \"AAA\", label = \"x\" }]\n```\n"),
		[]byte("title = \"D\"\nsource = \"S\"\nkind = \"moves\"\n[[rows]]\ndate = 2026-01-01\nticker = \"AAA\"\nchange_pct = -1\n"))
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n```chart\ndataset = \"d\"\ntype = \"scatter\"\nx = \"a\"\ny = \"b\"\n```\n"),
		[]byte("title = \"D\"\nsource = \"S\"\n[[rows]]\na = 1\nb = 2\n[[rows]]\na = 2\n"))
	echarts := sitetest.ECharts(f)
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
		snap, err := build.NewEngine(build.Options{Src: dir, ECharts: echarts}).Build(context.Background())
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "content/briefings/b.md:") && !strings.HasPrefix(line, "data/d.toml:") {
					t.Fatalf("error without a place: %q", line)
				}
			}
			return
		}
		if len(snap.Files) == 0 {
			t.Fatal("no files")
		}
	})
}
