package publish

import (
	"os"
	"path/filepath"
	"testing"
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
	w := newWriter(next)
	w.prev = prev
	for name, text := range map[string]string{"same.html": "same", "changed.html": "new", "a/new.html": "new"} {
		if err := w.Write(name, []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := os.Stat(filepath.Join(prev, "meta.xlsx"))
	if !w.Reuse("meta.xlsx", st.Size(), st.ModTime().UnixNano()) {
		t.Error("a file with the recorded size and time was not reused")
	}
	if w.Reuse("touched.xlsx", st.Size(), st.ModTime().UnixNano()-1) {
		t.Error("a file whose time changed was reused")
	}
	if w.Reuse("gone.xlsx", 1, 0) {
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
	c := checkSpare(out)
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
	c = checkSpare(out)
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
