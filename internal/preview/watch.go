package preview

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/fsnotify/fsnotify"
)

var errAddrInUse = syscall.EADDRINUSE

// Debounce is how long the watcher waits after the last change of a burst
// before it rebuilds: editors write a file in several steps (truncate and
// write, or write a new file and rename it over the old), all within a
// millisecond or two (TestWatcherCoalescesSaves). A step that comes later
// still is seen: it starts another rebuild.
const Debounce = 10 * time.Millisecond

// Watcher reports changes to the files a build reads: site.toml, data/,
// content/ and templates/, including folders created later. Editors'
// temporary, backup and swap files are ignored.
type Watcher struct {
	root string
	fw   *fsnotify.Watcher
	// changes are what its events named since the last rebuild, for
	// the build to state only those files again (build.Changes); All at
	// first, as files may have changed before the watch began.
	changes build.Changes
	// blind: a folder could not be watched, so its changes go unseen,
	// and every rebuild states every file.
	blind bool
}

// watched are the folders under the project whose changes matter.
var watched = []string{"data", "content", "templates"}

// NewWatcher watches the project in root.
func NewWatcher(root string) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{root: root, fw: fw, changes: build.Changes{All: true}}
	if err := fw.Add(root); err != nil {
		fw.Close()
		return nil, err
	}
	for _, d := range watched {
		w.addTree(filepath.Join(root, d))
	}
	return w, nil
}

// addTree watches a folder and every folder below it, if it exists.
func (w *Watcher) addTree(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if ignored(d.Name()) && p != dir {
				return filepath.SkipDir
			}
			if w.fw.Add(p) != nil {
				w.blind = true
			}
		}
		return nil
	})
}

// audit watches every folder the build reads that is not watched, and
// reports whether there was one: fsnotify drops the watch of a folder
// that moves (a folder renamed into place loses the watch the watcher
// gave it on its creation), and files in it would change unseen. A
// folder reached through a symbolic link is not walked for watches: the
// watcher is then blind, and every rebuild states every file.
func (w *Watcher) audit() bool {
	watching := map[string]bool{}
	for _, p := range w.fw.WatchList() {
		watching[filepath.Clean(p)] = true
	}
	missed := false
	for _, d := range watched {
		root := filepath.Join(w.root, d)
		_ = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return nil
			case e.Type()&fs.ModeSymlink != 0:
				if st, err := os.Stat(p); err == nil && st.IsDir() {
					w.blind = true
				}
				return nil
			case !e.IsDir():
				return nil
			case ignored(e.Name()) && p != root:
				return filepath.SkipDir
			}
			if !watching[filepath.Clean(p)] {
				missed = true
				if w.fw.Add(p) != nil {
					w.blind = true
				}
			}
			return nil
		})
	}
	return missed
}

// note adds the path of an event to the changes, as a slash path in the
// project.
func (w *Watcher) note(p string) {
	rel, err := filepath.Rel(w.root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return
	}
	if w.changes.Paths == nil {
		w.changes.Paths = map[string]bool{}
	}
	w.changes.Paths[filepath.ToSlash(rel)] = true
}

// take returns the changes seen since the last call, and starts anew.
func (w *Watcher) take() *build.Changes {
	ch := w.changes
	ch.All = ch.All || w.blind
	w.changes = build.Changes{}
	return &ch
}

// relevant reports whether a change to the path can change the site.
func (w *Watcher) relevant(p string) bool {
	rel, err := filepath.Rel(w.root, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	if ignored(filepath.Base(rel)) {
		return false
	}
	if rel == "site.toml" {
		return true
	}
	top, _, _ := strings.Cut(rel, "/")
	for _, d := range watched {
		if top == d {
			return true
		}
	}
	return false
}

// ignored names editors' temporary files: swap and backup files, lock
// files, and names that start with a dot.
func ignored(name string) bool {
	switch {
	case name == "" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasPrefix(name, "~"):
		return true
	case strings.HasSuffix(name, "~") || strings.HasSuffix(name, "#"):
		return true
	case name == "4913": // vim's write test
		return true
	}
	for _, ext := range []string{".swp", ".swo", ".swx", ".tmp", ".bak", ".crdownload", ".part"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// Run calls rebuild after each burst of relevant changes until ctx ends,
// with what changed since the last call (every path an event named,
// relevant or not, or All when it cannot tell).
// When the project folder itself is removed or renamed away, it rebuilds
// (showing the error) and then polls until a folder is back at the path,
// watches that one, and rebuilds again.
func (w *Watcher) Run(ctx context.Context, rebuild func(*build.Changes)) error {
	defer w.fw.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	poll := time.NewTicker(PollInterval)
	poll.Stop()
	lost := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.fw.Events:
			if !ok {
				return nil
			}
			if filepath.Clean(ev.Name) == filepath.Clean(w.root) && ev.Has(fsnotify.Remove|fsnotify.Rename) {
				_ = w.fw.Remove(w.root)
				lost, w.changes.All = true, true
				poll.Reset(PollInterval)
				timer.Reset(Debounce)
				continue
			}
			w.note(ev.Name)
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() && w.relevant(ev.Name) {
					// A folder made later, and what is in it already,
					// which no event named.
					w.addTree(ev.Name)
					w.changes.All = true
				}
			}
			if ev.Has(fsnotify.Chmod) && !ev.Has(fsnotify.Write) {
				continue
			}
			if w.relevant(ev.Name) {
				timer.Reset(Debounce)
			}
		case <-poll.C:
			if st, err := os.Stat(w.root); !lost || err != nil || !st.IsDir() {
				continue
			}
			if err := w.fw.Add(w.root); err != nil {
				continue
			}
			for _, d := range watched {
				w.addTree(filepath.Join(w.root, d))
			}
			lost, w.changes.All = false, true
			poll.Stop()
			timer.Reset(Debounce)
		case <-w.fw.Errors:
			// An overflow loses events: rebuild to be safe.
			w.changes.All = true
			timer.Reset(Debounce)
		case <-timer.C:
			if w.audit() {
				w.changes.All = true
			}
			rebuild(w.take())
		}
	}
}

// PollInterval is how often a watcher whose project folder is gone looks
// for it again.
const PollInterval = 250 * time.Millisecond
