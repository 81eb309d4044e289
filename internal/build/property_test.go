package build_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/publish"
	"github.com/brief-desk/brief/internal/sitetest"
)

// TestCacheEdits is the property test of the caches (the files' time
// stamps set an hour back, so that a build reads only the files changed
// since the last, trusting its record of the others): a generated project
// (cards, inline values, changes blocks, companies, a dataset quoted only
// inline) is edited in random steps (datasets, rows, prose, front matter,
// briefings added and removed, templates, settings, revisions of rows
// that briefings show), and after every step
// a build through the disk cache, a rebuild of the preview's engine (which
// keeps parsed files and bindings in memory) and a build without any cache
// must give the same bytes. Each seed makes every kind of edit once, in a
// random order, then four more.
func TestCacheEdits(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkCacheEdits(t, seed, true, 4) })
	}
}

// FuzzCacheEdits is TestCacheEdits for `make fuzz`: new seeds, each a
// sequence of at most eight random edits (the fuzzer stops an input that
// takes ten seconds, and each step is three builds).
func FuzzCacheEdits(f *testing.F) {
	f.Add(uint64(3), uint8(7))
	f.Fuzz(func(t *testing.T, seed uint64, steps uint8) {
		checkCacheEdits(t, seed, false, int(steps%8)+1)
	})
}

// editor makes random valid edits to a generated project.
type editor struct {
	t       *testing.T
	changed map[string]bool // the paths written since the last rebuild, as the preview's watcher names them
	dir     string
	r       *rand.Rand
	n       int // edits made, for unique text
	weeks   int // briefings added, for new slugs
	// writes counts files written: each gets a modification time of its
	// own an hour back, so that the builds' records trust the time stamps
	// of the files they read and the next build reads only those changed.
	writes int
}

// edits are the kinds of edit, each a function that returns what it did.
var edits = []func(e *editor) string{
	(*editor).datasetValue,
	(*editor).rowAdded,
	(*editor).prose,
	(*editor).frontMatter,
	(*editor).briefingAdded,
	(*editor).briefingRemoved,
	(*editor).template,
	(*editor).settings,
	(*editor).inlineOnly,
	(*editor).entity,
	(*editor).revision,
}

// checkCacheEdits makes every kind of edit once, in a random order, when
// all is set, then extra random ones, checking the three builds after each.
func checkCacheEdits(t *testing.T, seed uint64, all bool, extra int) {
	dir := t.TempDir()
	if err := gen.WriteWithCards(dir, 5); err != nil {
		t.Fatal(err)
	}
	e := &editor{t: t, dir: dir, r: rand.New(rand.NewPCG(seed, 7))}
	// The generated files too are an hour old (see editor.writes).
	old := time.Now().Add(-2 * time.Hour)
	if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			err = os.Chtimes(p, old, old)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	e.write("data/coverage.toml", "title = \"Coverage\"\nsource = \"Generated\"\nkind = \"entities\"\n\n"+
		"[[rows]]\nid = \"hut\"\nname = \"HUT\"\nticker = \"HUT\"\n\n[[rows]]\nid = \"tenant-3\"\nname = \"Tenant 3\"\n")
	e.write("data/rates.toml", "title = \"Rates\"\nsource = \"Generated\"\nkind = \"series\"\n\n"+
		"[[rows]]\ndate = 2010-01-01\nrate = 1.5\n\n[[rows]]\ndate = 2010-01-08\nrate = 2.5\n")
	e.replace("content/briefings/week-00002.md", "\n## ", "\nThe rate is {{ rates.rate }}; HUT and Tenant 3 signed.\n\n## ")

	opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
	engine := build.NewEngine(build.Options{Src: dir})
	var done []string
	order := []int{-1}
	if all {
		order = append(order, e.r.Perm(len(edits))...)
	}
	for range extra {
		order = append(order, e.r.IntN(len(edits)))
	}
	for _, kind := range order {
		what := "the generated project"
		if kind >= 0 {
			what = edits[kind](e)
		}
		done = append(done, what)
		if _, err := build.Build(context.Background(), opts); err != nil {
			t.Fatalf("after %s: the cached build failed: %v", strings.Join(done, "; "), err)
		}
		// The preview is told the paths written, as its watcher would
		// tell it; the first build, anything.
		changes := &build.Changes{All: kind < 0, Paths: e.changed}
		e.changed = nil
		snap, err := engine.Rebuild(context.Background(), changes)
		if err != nil {
			t.Fatalf("after %s: the preview failed: %v", strings.Join(done, "; "), err)
		}
		want := uncached(t, dir)
		cached := sitetest.Tree(t, filepath.Join(dir, "public"))
		for _, name := range slices.Sorted(mapKeys(want, cached)) {
			if cached[name] != want[name] {
				t.Errorf("after %s: %s from the disk cache differs from a build without cache", strings.Join(done, "; "), name)
			}
		}
		delete(want, publish.ManifestName) // only a build on disk keeps one
		preview := map[string]string{}
		for name, data := range snap.Files {
			sum := sha256.Sum256(data)
			preview[name] = hex.EncodeToString(sum[:])
		}
		for _, name := range slices.Sorted(mapKeys(want, preview)) {
			if preview[name] != want[name] {
				t.Errorf("after %s: %s in the preview differs from a build without cache", strings.Join(done, "; "), name)
			}
		}
		if t.Failed() {
			return
		}
	}
}

func mapKeys(ms ...map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, m := range ms {
			for k := range m {
				if !seen[k] {
					seen[k] = true
					if !yield(k) {
						return
					}
				}
			}
		}
	}
}

func (e *editor) path(rel string) string { return filepath.Join(e.dir, filepath.FromSlash(rel)) }

func (e *editor) read(rel string) string {
	b, err := os.ReadFile(e.path(rel))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

func (e *editor) write(rel, text string) {
	if err := os.MkdirAll(filepath.Dir(e.path(rel)), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(e.path(rel), []byte(text), 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.writes++
	if e.changed == nil {
		e.changed = map[string]bool{}
	}
	e.changed[rel] = true
	back := time.Now().Add(-time.Hour + time.Duration(e.writes)*time.Second)
	if err := os.Chtimes(e.path(rel), back, back); err != nil {
		e.t.Fatal(err)
	}
}

func (e *editor) replace(rel, old, new string) {
	s := e.read(rel)
	if !strings.Contains(s, old) {
		e.t.Fatalf("%s has no %q", rel, old)
	}
	e.write(rel, strings.Replace(s, old, new, 1))
}

// briefings lists the briefings' files, sorted.
func (e *editor) briefings() []string {
	names, err := filepath.Glob(e.path("content/briefings/*.md"))
	if err != nil || len(names) == 0 {
		e.t.Fatalf("no briefings: %v", err)
	}
	for i, n := range names {
		names[i], _ = filepath.Rel(e.dir, n)
		names[i] = filepath.ToSlash(names[i])
	}
	return names
}

func (e *editor) pick(names []string) string { return names[e.r.IntN(len(names))] }

var number = regexp.MustCompile(`(?m)^(close|volume|change_pct|value_usd|capacity_mw|rate) = [0-9.-]+$`)

// datasetValue changes one number of a dataset.
func (e *editor) datasetValue() string {
	rel := e.pick([]string{"data/daily.toml", "data/moves.toml", "data/deals.toml", "data/operators.toml"})
	s := e.read(rel)
	at := number.FindAllStringSubmatchIndex(s, -1)
	m := at[e.r.IntN(len(at))]
	col := s[m[2]:m[3]]
	e.write(rel, s[:m[0]]+fmt.Sprintf("%s = %d", col, 1+e.r.IntN(900))+s[m[1]:])
	return "a value of " + rel + " changed"
}

var lastDate = regexp.MustCompile(`date = (\d{4}-\d{2}-\d{2})\n[^\[]*$`)

var dailyRow = regexp.MustCompile(`\[\[rows\]\]\ndate = (\d{4}-\d{2}-\d{2})\nclose = ([0-9.]+)\nvolume = \d+\n\n`)

// revision revises a row of the daily series that briefings show: its
// close changes from some day after its date, the old close kept in a
// [[rows.revisions]] table, so briefings before that day keep it.
func (e *editor) revision() string {
	s := e.read("data/daily.toml")
	at := dailyRow.FindAllStringSubmatchIndex(s, -1)
	m := at[e.r.IntN(len(at))]
	d := gen.Start
	if err := d.UnmarshalText([]byte(s[m[2]:m[3]] + "T00:00:00Z")); err != nil {
		e.t.Fatal(err)
	}
	on := d.AddDate(0, 0, 1+e.r.IntN(60)).Format("2006-01-02")
	row := fmt.Sprintf("[[rows]]\ndate = %s\nclose = %d\nvolume = 1\n[[rows.revisions]]\non = %s\nclose = %s\n\n", s[m[2]:m[3]], 200+e.r.IntN(100), on, s[m[4]:m[5]])
	e.write("data/daily.toml", s[:m[0]]+row+s[m[1]:])
	return "a row of data/daily.toml revised on " + on
}

// rowAdded adds a row to the daily series, a day after its last.
func (e *editor) rowAdded() string {
	s := e.read("data/daily.toml")
	m := lastDate.FindStringSubmatch(s)
	if m == nil {
		e.t.Fatal("daily.toml has no last date")
	}
	d := gen.Start
	if err := d.UnmarshalText([]byte(m[1] + "T00:00:00Z")); err != nil {
		e.t.Fatal(err)
	}
	e.write("data/daily.toml", s+fmt.Sprintf("\n[[rows]]\ndate = %s\nclose = %d\nvolume = 5\n", d.AddDate(0, 0, 1).Format("2006-01-02"), 50+e.r.IntN(100)))
	return "a row added to data/daily.toml"
}

// prose adds a paragraph to a briefing.
func (e *editor) prose() string {
	rel := e.pick(e.briefings())
	e.n++
	e.write(rel, e.read(rel)+fmt.Sprintf("\nEdit %d of the prose.\n", e.n))
	return "prose of " + rel + " edited"
}

// frontMatter changes a briefing's title, summary or tags.
func (e *editor) frontMatter() string {
	rel := e.pick(e.briefings())
	e.n++
	switch e.r.IntN(3) {
	case 0:
		e.replace(rel, `title = "`, fmt.Sprintf(`title = "Edit %d: `, e.n))
		return "title of " + rel + " edited"
	case 1:
		e.replace(rel, `summary = "`, fmt.Sprintf(`summary = "Edit %d. `, e.n))
		return "summary of " + rel + " edited"
	}
	e.replace(rel, `tags = [`, fmt.Sprintf(`tags = ["edit %d", `, e.n))
	return "tags of " + rel + " edited"
}

// briefingAdded copies a briefing under a new name, a week after the last.
func (e *editor) briefingAdded() string {
	names := e.briefings()
	e.weeks++
	rel := fmt.Sprintf("content/briefings/added-%02d.md", e.weeks)
	date := gen.Start.AddDate(0, 0, 7*(100+e.weeks)).Format("2006-01-02")
	text := regexp.MustCompile(`(?m)^date = .*$`).ReplaceAllString(e.read(e.pick(names)), "date = "+date)
	e.write(rel, text)
	return "briefing " + rel + " added"
}

// briefingRemoved removes a briefing, keeping at least three, and the one
// that quotes the rates.
func (e *editor) briefingRemoved() string {
	names := slices.DeleteFunc(e.briefings(), func(n string) bool { return strings.HasSuffix(n, "week-00002.md") })
	if len(names) <= 3 {
		return e.briefingAdded()
	}
	rel := e.pick(names)
	if err := os.Remove(e.path(rel)); err != nil {
		e.t.Fatal(err)
	}
	return "briefing " + rel + " removed"
}

// template overrides the stylesheet or the footer of the built-in layout.
func (e *editor) template() string {
	e.n++
	if e.r.IntN(2) == 0 {
		css, err := os.ReadFile("../../templates/assets/brief.css")
		if err != nil {
			e.t.Fatal(err)
		}
		e.write("templates/assets/brief.css", string(css)+fmt.Sprintf("\n/* edit %d */\n", e.n))
		return "stylesheet overridden"
	}
	base, err := os.ReadFile("../../templates/base.html")
	if err != nil {
		e.t.Fatal(err)
	}
	e.write("templates/base.html", strings.Replace(string(base), `<footer class="site-footer">`, fmt.Sprintf(`<footer class="site-footer"><p>Edit %d</p>`, e.n), 1))
	return "layout overridden"
}

// settings changes the site's title or author.
func (e *editor) settings() string {
	e.n++
	if e.r.IntN(2) == 0 {
		e.replace("site.toml", `title = "`, fmt.Sprintf(`title = "Edit %d `, e.n))
		return "site title edited"
	}
	e.replace("site.toml", `author = "`, fmt.Sprintf(`author = "Edit %d `, e.n))
	return "site author edited"
}

// inlineOnly changes the dataset that only an inline value quotes.
func (e *editor) inlineOnly() string {
	s := e.read("data/rates.toml")
	e.write("data/rates.toml", regexp.MustCompile(`rate = [0-9.]+\n*$`).ReplaceAllString(s, fmt.Sprintf("rate = %d.25\n", 3+e.r.IntN(90))))
	return "the dataset quoted only inline edited"
}

// entity renames or adds a company of the coverage list.
func (e *editor) entity() string {
	e.n++
	if e.r.IntN(2) == 0 {
		e.write("data/coverage.toml", e.read("data/coverage.toml")+fmt.Sprintf("\n[[rows]]\nid = \"tenant-e%d\"\nname = \"Tenant %d\"\n", e.n, 10+e.n))
		return "a company added"
	}
	if s := e.read("data/coverage.toml"); strings.Contains(s, `name = "Tenant 3"`) {
		e.write("data/coverage.toml", strings.Replace(s, `name = "Tenant 3"`, `name = "Tenant Three"`, 1))
	} else {
		e.write("data/coverage.toml", strings.Replace(s, `name = "Tenant Three"`, `name = "Tenant 3"`, 1))
	}
	return "a company renamed"
}
