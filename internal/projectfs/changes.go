package projectfs

import (
	"io/fs"
	"maps"
	"path"
	"strings"
	"sync"
)

// Changes are what a watcher of the project (the preview's) saw change
// since the last load: the paths its events named, slash paths relative to
// the project folder. All says it cannot tell (before its first load, after
// it lost events, when a folder was made or could not be watched): any
// path may have changed. A nil *Changes is the same as All.
type Changes struct {
	All   bool
	Paths map[string]bool
}

// Listings keep what the listings of folders said of their regular files,
// from one FS to the next in one process (the preview loads the project on
// every save), so that a file its watcher saw no event for is not stated
// again (FS.Reuse): a thousand briefings, a system call each, were a third
// of the loading of a save. A folder's entries are always read again; only
// what lstat said of each is reused. The zero Listings is empty; it is
// safe for concurrent use, but the changes an FS is given are those since
// the last load that used the same Listings, so such loads follow one
// another (the preview's engine builds one at a time).
type Listings struct {
	mu sync.Mutex
	m  map[string]map[string]fs.FileInfo // folder -> name -> lstat's answer
}

func (l *Listings) get(dir string) map[string]fs.FileInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m[dir]
}

func (l *Listings) put(dir string, infos map[string]fs.FileInfo) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]map[string]fs.FileInfo{}
	}
	l.m[dir] = infos
}

// Reuse makes the FS record in l what its listings say of regular files,
// and take from l, instead of stating it again, what an earlier listing
// said of a file that changes does not name. Call it before the FS is
// used. What l holds of the paths changes name (a file, or a folder and
// all below it) is dropped at once, not when their folders are listed
// again: a load that fails before it lists them (a broken site.toml) must
// not leave the next load, told only of that load's changes, trusting
// what they named.
func (f *FS) Reuse(l *Listings, changes *Changes) {
	f.listings = l
	l.forget(changes)
}

// forget drops what l holds of the paths changes name: a file's entry,
// and a folder's listing with those below it; everything when they cannot
// tell.
func (l *Listings) forget(c *Changes) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c == nil || c.All || c.Paths["."] {
		l.m = nil
		return
	}
	for p := range c.Paths {
		dir, name := path.Dir(p), path.Base(p)
		if files := l.m[dir]; files[name] != nil {
			// A copy: a listing handed out (get) is never changed.
			files = maps.Clone(files)
			delete(files, name)
			l.m[dir] = files
		}
		for dir := range l.m {
			if dir == p || strings.HasPrefix(dir, p+"/") {
				delete(l.m, dir)
			}
		}
	}
}
