package search_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/golden"
	"github.com/brief-desk/brief/internal/search"
	"github.com/brief-desk/brief/internal/sitetest"
)

func tinyArchive(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("testdata/tiny.txtar")
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// entryOf reads a built site's search/index.js.
func entryOf(t testing.TB, public string) []search.Group {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(public, "search/index.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(strings.TrimPrefix(string(data), `briefSearch("index",`), ");\n")
	var e struct{ Groups []search.Group }
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		t.Fatalf("search/index.js: %v\n%s", err, data)
	}
	return e.Groups
}

// TestIndexGolden keeps the index of the tiny project: the entry, every
// part that holds terms, and the fragments, in one file to read.
func TestIndexGolden(t *testing.T) {
	dir := sitetest.MustBuild(t, tinyArchive(t))
	public := filepath.Join(dir, "public")
	groups := entryOf(t, public)
	var out bytes.Buffer
	add := func(what, name string) {
		data, err := os.ReadFile(filepath.Join(public, "search", name+".js"))
		if err != nil {
			t.Fatal(err)
		}
		out.WriteString("== " + what + ": search/" + name + ".js\n")
		out.Write(data)
	}
	add("entry", "index")
	for _, g := range groups {
		if g.Split {
			t.Errorf("group %s of %d briefings is split", g.Name, g.Docs)
		}
		add("group "+g.Name+", terms", g.PartName(""))
		for _, f := range g.Fragments {
			add("group "+g.Name+", fragment", f)
		}
	}
	golden.Check(t, "testdata/golden/tiny.txt", out.Bytes())
	if bytes.Contains(out.Bytes(), []byte("zanzibarian")) {
		t.Error("a draft is in the index of a build without --drafts")
	}
	// With --drafts, the draft is in its year's group.
	drafts := sitetest.Write(t, tinyArchive(t))
	if _, err := sitetest.Build(t, drafts, build.Options{Drafts: true}); err != nil {
		t.Fatal(err)
	}
	for _, g := range entryOf(t, filepath.Join(drafts, "public")) {
		if g.Name != "2026" {
			continue
		}
		z := sitetest.Read(t, drafts, "search/"+g.PartName("z")+".js")
		if g.Docs != 2 || !strings.Contains(z, `"zanzibarian":[1,`) {
			t.Errorf("with --drafts, 2026 holds %d briefings and its z part is %s", g.Docs, z)
		}
	}
}

// TestWeeklyPublish: a new briefing rewrites the entry, its year's parts
// and its fragment (a small year's one fragment; a large year's last, of
// four briefings), and no part of another year or of the companies.
func TestWeeklyPublish(t *testing.T) {
	for _, weeks := range []int{1, 14} { // 2026 small, and split
		t.Run(fmt.Sprintf("weeks=%d", weeks), func(t *testing.T) {
			dir := sitetest.Write(t, tinyArchive(t))
			for w := range weeks - 1 {
				week := fmt.Sprintf("+++\ntitle = \"Week %d\"\ndate = 2026-01-%02d\n+++\n\nLeases again.\n", w, 6+w)
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("content/briefings/w%d.md", w)), []byte(week), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts := build.Options{CacheDir: filepath.Join(dir, ".brief-cache")}
			if _, err := sitetest.Build(t, dir, opts); err != nil {
				t.Fatal(err)
			}
			before := entryOf(t, filepath.Join(dir, "public"))
			week := "+++\ntitle = \"Week ten\"\ndate = 2026-03-02\ntags = [\"power\"]\n+++\n\nOklo signed at last.\n"
			if err := os.WriteFile(filepath.Join(dir, "content/briefings/2026-03-02-week-ten.md"), []byte(week), 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := sitetest.Build(t, dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			after := entryOf(t, filepath.Join(dir, "public"))
			var got []string
			for _, f := range res.Files {
				if strings.HasPrefix(f, "search/") && !res.Same[f] {
					got = append(got, f)
				}
			}
			want := []string{"search/index.js"}
			for i, g := range after {
				if g.Name != "2026" {
					if g.Parts != before[i].Parts || !slices.Equal(g.Fragments, before[i].Fragments) {
						t.Errorf("group %s was renamed: %+v, before %+v", g.Name, g, before[i])
					}
					continue
				}
				if g.Split != (weeks > 1) || g.Docs != weeks+1 {
					t.Errorf("2026: %d briefings, split %v", g.Docs, g.Split)
				}
				if !g.Split {
					want = append(want, "search/"+g.PartName("")+".js", "search/"+g.Fragments[0]+".js")
					continue
				}
				for _, b := range search.Buckets {
					want = append(want, "search/"+g.PartName(b)+".js")
				}
				// The new briefing is the year's last: only the last
				// fragment changes (four briefings a fragment), or a new
				// one follows a full one.
				kept := before[i].Fragments[:len(before[i].Fragments)-1]
				if len(g.Fragments) < len(kept)+1 || !slices.Equal(g.Fragments[:len(kept)], kept) {
					t.Errorf("2026's older fragments were renamed: %q, before %q", g.Fragments, before[i].Fragments)
				}
				for _, f := range g.Fragments[len(kept):] {
					if !slices.Contains(before[i].Fragments, f) {
						want = append(want, "search/"+f+".js")
					}
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("wrote %q,\nwant %q", got, want)
			}
		})
	}
}
