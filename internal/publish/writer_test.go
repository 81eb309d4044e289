package publish

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWriterReusesOnlyWhatIsUnchanged: a file with the same bytes, or with
// the size and time the cache recorded, is linked from the previous output;
// anything else is written, and never through a link into the previous
// output.
func TestWriterReusesOnlyWhatIsUnchanged(t *testing.T) {
	prev, next := t.TempDir(), t.TempDir()
	for name, text := range map[string]string{"same.html": "same", "changed.html": "old", "meta.xlsx": "workbook", "touched.xlsx": "workbook"} {
		if err := os.WriteFile(filepath.Join(prev, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := newWriter(next, 0)
	w.prev = prev
	for name, text := range map[string]string{"same.html": "same", "changed.html": "new", "a/new.html": "new"} {
		if err := w.Write(name, []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := os.Stat(filepath.Join(prev, "meta.xlsx"))
	if !w.Reuse("meta.xlsx", idOf(st)) {
		t.Error("a file with the recorded size and time was not reused")
	}
	touched := idOf(st)
	touched.MTime--
	if w.Reuse("touched.xlsx", touched) {
		t.Error("a file whose time changed was reused")
	}
	if w.Reuse("gone.xlsx", FileID{Size: 1}) {
		t.Error("a missing file was reused")
	}
	if written, unchanged := w.counts(); written != 2 || unchanged != 2 {
		t.Errorf("%d written, %d unchanged; want 2 and 2", written, unchanged)
	}
	linked := func(name string) bool {
		a, _ := os.Stat(filepath.Join(prev, name))
		b, _ := os.Stat(filepath.Join(next, name))
		return a != nil && b != nil && os.SameFile(a, b)
	}
	if !linked("same.html") || !linked("meta.xlsx") || linked("changed.html") {
		t.Error("links: want same.html and meta.xlsx linked, changed.html written")
	}
	if b, _ := os.ReadFile(filepath.Join(prev, "changed.html")); string(b) != "old" {
		t.Errorf("the previous output was written through: %q", b)
	}
	if got := w.List(); len(got) != 4 || got[0] != "a/new.html" {
		t.Errorf("list = %v", got)
	}
}

// TestSpareCheckCurrent: a spare checked while the project loads is
// trusted only while it is the same folder with the same manifest; one
// that another build took and replaced, or whose manifest changed, is
// checked again.
func TestSpareCheckCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	spare := sparePath(out)
	write := func(dir, manifest string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(spare, manifestHeader)
	c := checkSpare(out, false)
	if !c.fit || !c.current(spare) {
		t.Fatalf("a spare just checked: fit %v, current %v", c.fit, c.current(spare))
	}
	// Another build took it and left another in its place.
	if err := os.Rename(spare, spare+"-taken"); err != nil {
		t.Fatal(err)
	}
	write(spare, manifestHeader)
	if c.current(spare) {
		t.Error("a spare put in place of the one checked was trusted")
	}
	c = checkSpare(out, false)
	if err := os.WriteFile(filepath.Join(spare, ManifestName), []byte(manifestHeader+"index.html\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c.current(spare) {
		t.Error("a spare whose manifest changed was trusted")
	}
	if (spareCheck{}).current(spare) {
		t.Error("no check at all was trusted")
	}
}

// TestWriterKeepsWhatTheSpareHolds: in a reused spare, a file the cache
// recorded (size and time) is kept without a look at the previous output,
// an older copy there is replaced by a link to the previous output's, and
// what the build did not make is removed when it publishes.
func TestWriterKeepsWhatTheSpareHolds(t *testing.T) {
	root := t.TempDir()
	src, out := filepath.Join(root, "src"), filepath.Join(root, "public")
	spare := sparePath(out)
	files := []string{"kept.xlsx", "a/older.xlsx", "gone.html"}
	for _, dir := range []string{src, filepath.Join(out, "a"), filepath.Join(spare, "a")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	put := func(path, text string, when time.Time) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, when, when); err != nil {
			t.Fatal(err)
		}
	}
	then := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	put(filepath.Join(out, "kept.xlsx"), "book", then)
	if err := os.Link(filepath.Join(out, "kept.xlsx"), filepath.Join(spare, "kept.xlsx")); err != nil {
		t.Fatal(err)
	}
	// An older copy of the same size and time: time stamps are coarse on
	// some file systems, and two builds a second apart write the same
	// second.
	put(filepath.Join(spare, "a/older.xlsx"), "old book", then)
	put(filepath.Join(out, "a/older.xlsx"), "new book", then)
	put(filepath.Join(spare, "gone.html"), "gone", then)
	put(filepath.Join(out, "gone.html"), "gone", then)
	for _, dir := range []string{out, spare} {
		if err := os.WriteFile(filepath.Join(dir, ManifestName), manifestBytes(files), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := openFolder(t, src, out)
	defer f.Close()
	if !f.reused {
		t.Fatal("the spare was not reused")
	}
	w := f.Writer()
	prev := map[string]os.FileInfo{}
	for _, name := range files {
		prev[name], _ = os.Stat(filepath.Join(out, name))
	}
	// The spare's copy is the recorded file: the previous output's is not
	// looked at (here it is gone).
	if err := os.Remove(filepath.Join(out, "kept.xlsx")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kept.xlsx", "a/older.xlsx"} {
		if !w.Reuse(name, idOf(prev[name])) {
			t.Fatalf("%s was not reused", name)
		}
	}
	if _, err := f.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kept.xlsx", "a/older.xlsx"} {
		st, err := os.Stat(filepath.Join(out, name))
		if err != nil || !os.SameFile(st, prev[name]) {
			t.Errorf("%s is not the previous output's file", name)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(out, "a/older.xlsx")); string(b) != "new book" {
		t.Errorf("a/older.xlsx holds %q, want the previous output's %q", b, "new book")
	}
	if _, err := os.Stat(filepath.Join(out, "gone.html")); err == nil {
		t.Error("a file the build did not make was published")
	}
}

// TestVouchedSpare: a spare vouched for (its folders as the last build's
// record gave them) is not walked, and gives what a walk gives: the files
// its manifest lists, each stated, and the folders they are in; a listed
// path that is not a regular file makes it unfit all the same.
func TestVouchedSpare(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	spare := sparePath(out)
	files := []string{"index.html", "briefings/w1/index.html", "briefings/w1/w1.xlsx", "briefings/w2/index.html", "assets/brief.css"}
	for _, f := range files {
		p := filepath.Join(spare, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(spare, ManifestName), []byte(manifestHeader+strings.Join(files, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	walkedSpare, vouched := checkSpare(out, false), checkSpare(out, true)
	if !walkedSpare.fit || !vouched.fit {
		t.Fatalf("fit: walked %v, vouched %v", walkedSpare.fit, vouched.fit)
	}
	if !maps.Equal(walkedSpare.files, vouched.files) {
		t.Errorf("files: walked %v, vouched %v", walkedSpare.files, vouched.files)
	}
	delete(walkedSpare.seen.files, ManifestName) // the walk states it too; nothing reuses it
	if got, want := slices.Sorted(maps.Keys(vouched.seen.files)), slices.Sorted(maps.Keys(walkedSpare.seen.files)); !slices.Equal(got, want) {
		t.Errorf("files stated: vouched %v, walked %v", got, want)
	}
	for name, st := range vouched.seen.files {
		if !os.SameFile(st, walkedSpare.seen.files[name]) {
			t.Errorf("%s: vouched stated another file", name)
		}
	}
	if got, want := slices.Sorted(slices.Values(vouched.seen.dirs)), slices.Sorted(slices.Values(walkedSpare.seen.dirs)); !slices.Equal(got, want) {
		t.Errorf("folders: vouched %v, walked %v", got, want)
	}
	// A listed file replaced by a folder: unfit, vouched or not.
	p := filepath.Join(spare, "briefings", "w2", "index.html")
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if c := checkSpare(out, true); c.fit {
		t.Error("a vouched spare with a folder where its manifest lists a file is fit")
	}
}

// TestCloseRestoresSpare: a reused spare that was not published goes back
// to being the spare, its manifest listing what it held and every file the
// build wrote into it, so that it is fit for the next build; a folder the
// build made new is removed.
func TestCloseRestoresSpare(t *testing.T) {
	root := t.TempDir()
	src, out := filepath.Join(root, "src"), filepath.Join(root, "public")
	spare := sparePath(out)
	for _, dir := range []string{src, out, spare} {
		tree(t, dir, dir)
	}
	f := openFolder(t, src, out)
	if !f.reused {
		t.Fatal("the spare was not reused")
	}
	if err := f.Writer().Write("briefings/new/index.html", []byte("new")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	c := checkSpare(out, false)
	if !c.fit {
		t.Fatal("the spare put back is not fit to reuse")
	}
	if got, want := slices.Sorted(maps.Keys(c.files)), []string{"briefings/new/index.html", "index.html"}; !slices.Equal(got, want) {
		t.Errorf("the spare put back lists %v, want %v", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(out, ManifestName)); err != nil || string(b) != string(manifestBytes([]string{"index.html"})) {
		t.Errorf("the output's manifest changed: %q, %v", b, err)
	}
	// Without a spare to reuse, the build's new folder goes.
	if err := os.RemoveAll(spare); err != nil {
		t.Fatal(err)
	}
	f = openFolder(t, src, out)
	dir := f.dir
	f.Close()
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("the new folder %s of a build that did not publish was left", dir)
	}
}

// openFolder resolves and checks the output out of the project src and
// opens the folder a build writes into.
func openFolder(t *testing.T, src, out string) *Folder {
	t.Helper()
	tg, err := Resolve(src, out)
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.Check(); err != nil {
		t.Fatal(err)
	}
	f, err := tg.Open()
	if err != nil {
		t.Fatal(err)
	}
	return f
}
