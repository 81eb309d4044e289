package build_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/sitetest"
)

// longAgo is the time stamp age gives: files a build reads must be older
// than a second for the next build to trust their time stamps.
var longAgo = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// age sets the time stamps of every file and folder under dir (but the
// output and the cache) to longAgo.
func age(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "public" || d.Name() == ".brief-cache") {
			return filepath.SkipDir
		}
		return os.Chtimes(p, longAgo, longAgo)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// outputID is the output folder itself: a build that publishes exchanges
// it for a new one; a build that finds nothing changed leaves it.
func outputID(t *testing.T, dir string) os.FileInfo {
	t.Helper()
	st, err := os.Stat(filepath.Join(dir, "public"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestNothingChanged: a build that finds every input and every output
// file as the last build left them ends at once, leaving the output
// folder as it is and repeating the last build's warnings; any change to
// what a build reads or writes, to its options or to the record makes it
// build in full, and the result equals a build without cache.
func TestNothingChanged(t *testing.T) {
	const project = `
-- site.toml --
title = "Desk"
-- data/prices.toml --
title = "Prices"
source = "Exchange"
kind = "series"
[[rows]]
date = 2026-01-01
close = 1.0
[[rows]]
date = 2026-01-08
close = 2.0
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-08
tags = ["Miners"]
+++
Text.
` + "```chart\ndataset = \"prices\"\n```\n"
	// write and edit change a file and set its time stamp to longAgo
	// (but in the output): any change but the time stamp's must be seen.
	settle := func(t *testing.T, dir, rel string) {
		if !strings.HasPrefix(rel, "public/") {
			if err := os.Chtimes(filepath.Join(dir, filepath.FromSlash(rel)), longAgo, longAgo); err != nil {
				t.Fatal(err)
			}
		}
	}
	write := func(t *testing.T, dir, rel, text string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		settle(t, dir, rel)
	}
	edit := func(t *testing.T, dir, rel, old, new string) {
		sitetest.Edit(t, dir, rel, old, new)
		settle(t, dir, rel)
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string, opts *build.Options)
		same   bool   // the build after the change finds nothing changed
		racy   bool   // the change is less than a second old: the build after it does not trust its time stamp
		fails  string // the build after the change fails with this
	}{
		{name: "nothing", same: true},
		{name: "a briefing edited", change: func(t *testing.T, dir string, _ *build.Options) {
			edit(t, dir, "content/briefings/w1.md", "Text.", "Prose.")
		}},
		{name: "a dataset edited, same size", change: func(t *testing.T, dir string, _ *build.Options) {
			edit(t, dir, "data/prices.toml", "close = 2.0", "close = 3.0")
		}},
		{name: "a briefing added", change: func(t *testing.T, dir string, _ *build.Options) {
			write(t, dir, "content/briefings/w2.md", "+++\ntitle = \"Week two\"\ndate = 2026-01-15\n+++\nText.\n")
		}},
		{name: "a briefing removed", change: func(t *testing.T, dir string, _ *build.Options) {
			if err := os.Remove(filepath.Join(dir, "content/briefings/w1.md")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a template added where none was", change: func(t *testing.T, dir string, _ *build.Options) {
			write(t, dir, "templates/404.html", `{{define "main"}}Lost.{{end}}`)
		}},
		{name: "site.toml edited", change: func(t *testing.T, dir string, _ *build.Options) {
			edit(t, dir, "site.toml", `"Desk"`, `"Desk 2"`)
		}},
		{name: "--drafts", change: func(_ *testing.T, _ string, o *build.Options) { o.Drafts = true }},
		{name: "--base-url", change: func(_ *testing.T, _ string, o *build.Options) { o.BaseURL = "https://example.net/" }},
		{name: "SOURCE_DATE_EPOCH", change: func(_ *testing.T, _ string, o *build.Options) { o.Epoch = time.Unix(1767225600, 0) }},
		{name: "an output file removed", change: func(t *testing.T, dir string, _ *build.Options) {
			if err := os.Remove(filepath.Join(dir, "public/briefings/w1/w1-1.csv")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "an output file edited", change: func(t *testing.T, dir string, _ *build.Options) {
			write(t, dir, "public/briefings/w1/index.html", "edited by hand")
		}},
		{name: "the output removed", change: func(t *testing.T, dir string, _ *build.Options) {
			if err := os.RemoveAll(filepath.Join(dir, "public")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a file added to the output", fails: "refusing to replace", change: func(t *testing.T, dir string, _ *build.Options) {
			write(t, dir, "public/notes.txt", "mine")
		}},
		// A build with a change to make trusts the record's folders for
		// what the output holds (outputAsRecorded): one that gained a file
		// is not as recorded, and the output is walked.
		{name: "a file added to a folder of the output, and a briefing edited", fails: "briefings/w1/notes.html were not written by brief", change: func(t *testing.T, dir string, _ *build.Options) {
			write(t, dir, "public/briefings/w1/notes.html", "mine")
			edit(t, dir, "content/briefings/w1.md", "Text.", "Text, edited.")
		}},
		{name: "the record tampered with", change: func(t *testing.T, dir string, _ *build.Options) {
			p := filepath.Join(dir, ".brief-cache/last-build")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)-1] ^= 1
			write(t, dir, ".brief-cache/last-build", string(b))
		}},
		{name: "an edit less than a second before the build", racy: true, change: func(t *testing.T, dir string, _ *build.Options) {
			sitetest.Edit(t, dir, "content/briefings/w1.md", "Text.", "Prose.")
		}},
		{name: "a briefing edited, same size, its time stamp set back", same: runtime.GOOS != "linux", change: func(t *testing.T, dir string, _ *build.Options) {
			// Neither the check that nothing changed nor the reading of
			// the files the last build read (knownFiles) may take it for
			// the file it was: its change time tells it apart.
			p := filepath.Join(dir, "content/briefings/w1.md")
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			sitetest.Edit(t, dir, "content/briefings/w1.md", "Text.", "Texts")
			if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "an edit with its time stamp set back", same: runtime.GOOS != "linux", change: func(t *testing.T, dir string, _ *build.Options) {
			p := filepath.Join(dir, "data/prices.toml")
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			sitetest.Edit(t, dir, "data/prices.toml", "close = 2.0", "close = 3.0")
			if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := sitetest.Write(t, project)
			age(t, dir)
			opts := build.Options{Src: dir, CacheDir: filepath.Join(dir, ".brief-cache")}
			first := mustBuild(t, opts)
			if len(first.Warnings) == 0 {
				t.Fatal("the project gives no warning (no base_url) to repeat")
			}
			before := outputID(t, dir)
			again := mustBuild(t, opts)
			if !os.SameFile(before, outputID(t, dir)) {
				t.Fatal("a build with nothing changed published the output again")
			}
			if !slices.Equal(again.Files, first.Files) || again.Written != 0 || again.Unchanged != len(first.Files) {
				t.Errorf("nothing changed: %d files, %d written, %d unchanged; want %d, 0, %d",
					len(again.Files), again.Written, again.Unchanged, len(first.Files), len(first.Files))
			}
			if len(again.Warnings) != len(first.Warnings) || again.Warnings[0].Error() != first.Warnings[0].Error() {
				t.Errorf("nothing changed: warnings %v, want %v", again.Warnings, first.Warnings)
			}
			if tc.change != nil {
				tc.change(t, dir, &opts)
			}
			before, _ = os.Stat(filepath.Join(dir, "public"))
			res, err := build.Build(t.Context(), opts)
			if tc.fails != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fails) {
					t.Fatalf("build: %v, want an error saying %q", err, tc.fails)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if same := len(res.Made) == 0 && before != nil && os.SameFile(before, outputID(t, dir)); same != tc.same {
				t.Errorf("the build after the change found nothing changed: %v, want %v", same, tc.same)
			}
			if tc.racy {
				before = outputID(t, dir)
				mustBuild(t, opts)
				if os.SameFile(before, outputID(t, dir)) {
					t.Error("a build trusted the time stamp of a file changed less than a second before the build that read it")
				}
			}
			if !tc.same {
				uopts := opts
				uopts.Out, uopts.CacheDir = filepath.Join(t.TempDir(), "public"), ""
				mustBuild(t, uopts)
				if !equalTrees(sitetest.Tree(t, filepath.Join(dir, "public")), sitetest.Tree(t, uopts.Out)) {
					t.Error("the build after the change differs from a build without cache")
				}
			}
		})
	}
}

// TestSpareFromRecord: a build that finds its output as the last build's
// record gave it records the folders of that output, which the exchange
// keeps as the spare; the next build trusts a spare whose folders are
// still so without walking it (publish.Target.VouchSpare), and renders
// into it exactly what a fresh build makes. A file slipped into one of
// its folders changes the folder's time stamp: the spare is walked,
// refused, and left alone.
func TestSpareFromRecord(t *testing.T) {
	dir, opts, spare, write := spareProject(t)
	out := opts.Out
	edit := func(text string) {
		t.Helper()
		p := write(text)
		for _, p := range []string{p, filepath.Dir(p)} {
			if err := os.Chtimes(p, longAgo, longAgo); err != nil {
				t.Fatal(err)
			}
		}
		mustBuild(t, opts)
	}
	mustBuild(t, opts)
	edit("One.")   // the first output, as recorded, becomes the spare
	edit("Two.")   // rendered into the spare the record vouches for
	edit("Three.") // and again
	if got, want := sitetest.Tree(t, out), uncached(t, dir); !equalTrees(got, want) {
		t.Error("the output rendered into a spare the record vouched for differs from a fresh build")
	}
	if err := os.WriteFile(filepath.Join(spare, "briefings", "w1", "intruder.html"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	edit("Four.")
	if _, err := os.Stat(filepath.Join(out, "briefings", "w1", "intruder.html")); err == nil {
		t.Error("a file brief did not write in the spare was published")
	}
	if _, err := os.Stat(filepath.Join(spare, "briefings", "w1", "intruder.html")); err != nil {
		t.Errorf("the spare holding a file brief did not write was not left alone: %v", err)
	}
	if got, want := sitetest.Tree(t, out), uncached(t, dir); !equalTrees(got, want) {
		t.Error("after a spare was refused, the output differs from a fresh build")
	}
}

// TestInterruptedBuildKeepsSpare: a build interrupted while it makes the
// site, after it took the spare, leaves the output as it was and puts the
// spare back (not removed: at 100,000 briefings removing it took 36 s after
// the interrupt), listing what it held and what the interrupted build wrote
// into it; the next build renders into it and equals a fresh build.
func TestInterruptedBuildKeepsSpare(t *testing.T) {
	dir, opts, spare, edit := spareProject(t)
	out := opts.Out
	mustBuild(t, opts)
	_ = edit("One.")
	mustBuild(t, opts) // the first output becomes the spare
	if _, err := os.Stat(spare); err != nil {
		t.Fatalf("no spare after the second build: %v", err)
	}
	before := sitetest.Tree(t, out)
	_ = edit("Two, interrupted.")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupted := opts
	var made atomic.Int32 // Progress is called from every core
	interrupted.Progress = func(done, total int) {
		if made.Add(1) == 3 {
			cancel()
		}
	}
	if _, err := build.Build(ctx, interrupted); !errors.Is(err, context.Canceled) {
		t.Fatalf("the interrupted build returned %v, want context.Canceled", err)
	}
	if !equalTrees(sitetest.Tree(t, out), before) {
		t.Error("the interrupted build changed the output")
	}
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{".public.spare", "public"}; !slices.Equal(names, want) {
		t.Errorf("beside the output after the interrupted build: %v, want %v", names, want)
	}
	manifest, err := os.ReadFile(filepath.Join(spare, ".brief-manifest"))
	if err != nil {
		t.Fatalf("the spare was not put back: %v", err)
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(string(manifest), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			listed[line] = true
		}
	}
	err = filepath.WalkDir(spare, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(spare, p)
		if rel = filepath.ToSlash(rel); rel != ".brief-manifest" && !listed[rel] {
			t.Errorf("the spare holds %s, which its manifest does not list", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = edit("Three.")
	mustBuild(t, opts)
	if got, want := sitetest.Tree(t, out), uncached(t, dir); !equalTrees(got, want) {
		t.Error("the build after the interrupted one differs from a fresh build")
	}
}

// spareProject writes the cache tests' project, its files aged, with the
// options of a cached build into a new output; spare is where that output's
// spare goes, and write gives briefing w9 the text given and returns its path.
func spareProject(t *testing.T) (dir string, opts build.Options, spare string, write func(text string) string) {
	dir = sitetest.Write(t, cacheProject)
	age(t, dir)
	out := filepath.Join(t.TempDir(), "public")
	opts = build.Options{Src: dir, Out: out, CacheDir: filepath.Join(dir, ".brief-cache")}
	write = func(text string) string {
		t.Helper()
		p := filepath.Join(dir, "content/briefings/w9.md")
		if err := os.WriteFile(p, []byte("+++\ntitle = \"Week nine\"\ndate = 2026-02-26\n+++\n"+text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return dir, opts, filepath.Join(filepath.Dir(out), ".public.spare"), write
}
