package preview

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAuditWatchesLostFolders: a folder whose watch was lost (fsnotify
// drops the watch of a folder that moves, as one renamed into place does)
// is watched again and makes the next rebuild state every file; a folder
// reached through a symbolic link makes the watcher blind.
func TestAuditWatchesLostFolders(t *testing.T) {
	dir := t.TempDir()
	briefings := filepath.Join(dir, "content", "briefings")
	if err := os.MkdirAll(briefings, 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := NewWatcher(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.fw.Close()
	if w.audit() || w.blind {
		t.Fatal("a fresh watcher found a folder unwatched")
	}
	if err := w.fw.Remove(briefings); err != nil {
		t.Fatal(err)
	}
	if !w.audit() {
		t.Error("a folder whose watch was lost went unnoticed")
	}
	if w.audit() {
		t.Error("the lost folder was not watched again")
	}
	if err := os.MkdirAll(filepath.Join(dir, "elsewhere"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(dir, "content", "linked")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	w.audit()
	if !w.take().All {
		t.Error("a folder through a link: the rebuild was not told to state every file")
	}
}
