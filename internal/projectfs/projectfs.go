// Package projectfs reads a project folder without ever leaving it. Every
// file brief reads from a project (settings, datasets, briefings, templates,
// assets) goes through an FS, which refuses a path that a symbolic link leads
// outside the folder, and anything that is not a regular file or folder
// (named pipes, devices, sockets), so that a project cloned from someone else
// cannot make a build publish the machine's files or hang on a pipe.
package projectfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// FS is a read-only view of one project folder. It implements fs.FS,
// fs.ReadFileFS, fs.ReadDirFS and fs.StatFS. Safe for concurrent use.
type FS struct {
	root *os.Root
	dir  string // the folder, as given
	real string // the folder with its own symbolic links resolved
	// known holds what a folder listing said of its regular files
	// (Remember), so that Stat needs no more system calls for them.
	known sync.Map // slash path -> fs.FileInfo
	// read holds every path the FS was asked for, as it was then (Reads).
	read sync.Map // slash path -> read; info nil for a path that did not exist
	// folders holds a root opened at each folder files were opened in, so
	// that opening one of a thousand briefings is one system call, not
	// one per folder on its path; nil where that folder could not be.
	folders  sync.Map  // slash path -> *os.Root
	listings *Listings // see Reuse
}

// Read is a path an FS was asked for (a file read or stated, a folder
// listed, or a path found missing), as it was when it was asked: what a
// later build compares, a system call a path, to tell that nothing it read
// has changed.
type Read struct {
	Path string      // slash path inside the project
	Info fs.FileInfo // nil: it did not exist
	// Names are a listed folder's entries, sorted, each a name and a
	// slash when it is a folder (ReadDir); nil for a folder not listed.
	// A folder is compared by its entries, not its time stamp, which
	// changes whenever brief replaces public/ in the project folder.
	Names []string
}

// read is what the FS keeps of a path asked for.
type read struct {
	info  fs.FileInfo
	names []string
}

// Reads lists every path the FS was asked for, sorted by path.
func (f *FS) Reads() []Read {
	var out []Read
	f.read.Range(func(k, v any) bool {
		r := v.(read)
		out = append(out, Read{Path: k.(string), Info: r.info, Names: r.names})
		return true
	})
	slices.SortFunc(out, func(a, b Read) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Open opens the project folder dir. The folder itself may be reached
// through a symbolic link; nothing below it may lead outside it.
func Open(dir string) (*FS, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		root.Close()
		return nil, err
	}
	if real, err = filepath.Abs(real); err != nil {
		root.Close()
		return nil, err
	}
	return &FS{root: root, dir: dir, real: real}, nil
}

// Close releases the folder.
func (f *FS) Close() error {
	f.folders.Range(func(_, v any) bool {
		if r := v.(*os.Root); r != nil {
			r.Close()
		}
		return true
	})
	return f.root.Close()
}

// folder returns a root at the folder dir of the project, or nil.
func (f *FS) folder(dir string) *os.Root {
	if v, ok := f.folders.Load(dir); ok {
		return v.(*os.Root)
	}
	r, err := f.root.OpenRoot(dir)
	if err != nil {
		r = nil
	}
	if v, loaded := f.folders.LoadOrStore(dir, r); loaded {
		if r != nil {
			r.Close()
		}
		return v.(*os.Root)
	}
	return r
}

// openFile opens name, through the root of its folder when it has one. A
// name that root refuses (a link that leads out of its folder, though maybe
// not out of the project) is opened from the project's root, whose rules
// and errors are the ones that hold.
func (f *FS) openFile(name string, flag int) (*os.File, error) {
	if dir, base := path.Split(name); dir != "" {
		if r := f.folder(strings.TrimSuffix(dir, "/")); r != nil {
			if file, err := r.OpenFile(base, flag, 0); err == nil {
				return file, nil
			}
		}
	}
	return f.root.OpenFile(name, flag, 0)
}

// Dir is the folder as given to Open.
func (f *FS) Dir() string { return f.dir }

// ErrOutside is wrapped by the error for a path that leads outside the project.
var ErrOutside = errors.New("leads outside the project folder")

// ErrSpecial is wrapped by the error for a path that is not a regular file or
// folder.
var ErrSpecial = errors.New("not a regular file")

// Open opens a file or folder for reading.
func (f *FS) Open(name string) (fs.File, error) {
	file, _, err := f.open(name)
	if err != nil {
		return nil, err
	}
	return file, nil
}

// open opens name and states it.
func (f *FS) open(name string) (*os.File, fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	// O_NONBLOCK: opening a named pipe must not wait for a writer; it is
	// refused below. It changes nothing for files and folders.
	file, err := f.openFile(name, os.O_RDONLY|nonBlock)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			f.read.Store(name, read{})
		}
		return nil, nil, f.explain(name, err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, nil, err
	}
	if _, ok := f.read.Load(name); !ok || !st.IsDir() { // keep a folder's listing
		f.read.Store(name, read{info: st})
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		file.Close()
		return nil, nil, &Error{Path: name, Msg: fmt.Sprintf("%s is %s, not a regular file; brief reads only files and folders", name, describeMode(st.Mode())), Err: ErrSpecial}
	}
	return file, st, nil
}

// ReadFile reads a whole regular file.
func (f *FS) ReadFile(name string) ([]byte, error) {
	file, st, err := f.open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if st.IsDir() {
		return nil, &Error{Path: name, Msg: name + " is a folder, not a file"}
	}
	buf := make([]byte, 0, st.Size()+1)
	for {
		n, err := file.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// ReadDir lists a folder, sorted by name. Entries are not followed: a
// symbolic link is listed as one, and refused when it is opened.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	file, _, err := f.open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	entries, err := f.list(name, file)
	if err != nil {
		return nil, err
	}
	sortEntries(entries)
	if st, err := file.Stat(); err == nil {
		f.read.Store(name, read{info: st, names: ListNames(entries)})
	}
	return entries, nil
}

// list reads the entries of the open folder name, each stated (not
// followed) on every core: the preview lists a thousand briefings on every
// save, and where the system gives no entry types the standard listing
// states them one after another. With Listings (Reuse), a regular file
// that no change named keeps what the last listing said of it.
func (f *FS) list(name string, dir *os.File) ([]fs.DirEntry, error) {
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	r, prefix := f.root, ""
	if name != "." {
		prefix = name + "/"
		if r = f.folder(name); r == nil {
			r = f.root
		}
	}
	at := func(i int) string { // names[i] as r opens it
		if r == f.root {
			return prefix + names[i]
		}
		return names[i]
	}
	infos := make([]fs.FileInfo, len(names))
	errs := make([]error, len(names))
	var prev map[string]fs.FileInfo
	if f.listings != nil {
		prev = f.listings.get(name)
	}
	var todo []int // the entries to state
	for i, n := range names {
		if fi, ok := prev[n]; ok { // no change named it (Reuse)
			infos[i] = fi
			continue
		}
		todo = append(todo, i)
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo)/128+1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for j := w; j < len(todo); j += workers {
				i := todo[j]
				infos[i], errs[i] = r.Lstat(at(i))
			}
		})
	}
	wg.Wait()
	entries := make([]fs.DirEntry, 0, len(infos))
	var files map[string]fs.FileInfo
	if f.listings != nil {
		files = make(map[string]fs.FileInfo, len(infos))
	}
	for i, fi := range infos {
		switch {
		case errs[i] == nil:
			entries = append(entries, fs.FileInfoToDirEntry(fi))
			if files != nil && fi.Mode().IsRegular() {
				files[names[i]] = fi
			}
		case !errors.Is(errs[i], fs.ErrNotExist): // gone since it was listed: left out, as os.ReadDir does
			return nil, errs[i]
		}
	}
	if f.listings != nil {
		f.listings.put(name, files)
	}
	return entries, nil
}

// ListNames are a folder's entries as Read.Names lists them.
func ListNames(entries []fs.DirEntry) []string {
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
		if e.IsDir() {
			names[i] += "/"
		}
	}
	slices.Sort(names)
	return names
}

// Remember records what a listing of name's folder said of it, a regular
// file: Stat answers with it. An FS lives for one load of the project, so
// what it remembers is as fresh as the listing.
func (f *FS) Remember(name string, fi fs.FileInfo) {
	if fi.Mode().IsRegular() {
		f.known.Store(name, fi)
	}
}

// Stat describes a file or folder, following links inside the project.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	if fi, ok := f.known.Load(name); ok {
		f.read.Store(name, read{info: fi.(fs.FileInfo)})
		return fi.(fs.FileInfo), nil
	}
	file, st, err := f.open(name)
	if err != nil {
		return nil, err
	}
	file.Close()
	return st, nil
}

// Error is a path brief refuses to read, with the reason.
type Error struct {
	Path string // slash path inside the project
	Msg  string // what is wrong and what to do, without the path
	Err  error  // ErrOutside, ErrSpecial or nil
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// explain turns the error of opening name into one that names the symbolic
// link at fault, when a link is why it failed.
func (f *FS) explain(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return err
	}
	parts := strings.Split(name, "/")
	for i := range parts {
		p := path.Join(parts[:i+1]...)
		st, lerr := f.root.Lstat(p)
		if lerr != nil || st.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		target, _ := f.root.Readlink(p)
		real, rerr := filepath.EvalSymlinks(filepath.Join(f.dir, filepath.FromSlash(p)))
		if rerr == nil {
			real, _ = filepath.Abs(real)
		}
		if rerr != nil {
			return &Error{Path: name, Err: ErrOutside, Msg: fmt.Sprintf(
				"%s is a symbolic link to %s that cannot be followed inside the project (%v); fix or remove the link", p, target, unwrapPath(rerr))}
		}
		inside := real == f.real || strings.HasPrefix(real, f.real+string(filepath.Separator))
		if filepath.IsAbs(target) && inside {
			return &Error{Path: name, Err: ErrOutside, Msg: fmt.Sprintf(
				"%s is a symbolic link with an absolute target (%s); brief follows only relative links that stay inside the project: make it relative", p, target)}
		}
		if !inside {
			return &Error{Path: name, Err: ErrOutside, Msg: fmt.Sprintf(
				"%s is a symbolic link to %s, outside the project folder; brief never reads outside the project: copy the file in instead of linking it", p, target)}
		}
	}
	return err
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "a device"
	}
	return "a special file"
}

func sortEntries(entries []fs.DirEntry) {
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
}

// unwrapPath drops the operation and path of a *fs.PathError, which name
// absolute paths of the machine.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
