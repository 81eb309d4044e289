package build

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/gob"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/projectfs"
	"github.com/brief-desk/brief/internal/publish"
)

// A build that finds nothing changed since the last one ends at once
// (docs/cache.md, "Nothing changed"). A successful build with a cache
// leaves in it a record of what it read and what it wrote (lastBuild):
// every project path it read, listed or found missing, with its size,
// modification time, mode and, on Unix, device, inode and change time; the
// file outside the project it read (BRIEF_ECHARTS); every file of the output
// with its size and modification time (what a full build's reuse of an
// unchanged file checks too), and the manifest; the warnings it gave; all
// under a key of the binary, the options and the day. The next build with
// the same key stats those paths (about 9,000 system calls for 1,000
// briefings, in parallel) and, when every one is as recorded, reports the
// output as it is and touches nothing: no project is loaded, no cache pack
// decoded, no folder exchanged.
//
// A file changed less than racyWindow before the build that read it began
// could change again within the same time stamp, so such a build leaves no
// record (git's rule against "racy" files), and the build after it runs in
// full. The record is signed with the cache's key (cacheSecret): a record
// brief did not write is never trusted.

// lastBuildName is the record's file in the cache folder.
const lastBuildName = "last-build"

// racyWindow is how recent a file read may be for its time stamp to be
// trusted by the next build.
const racyWindow = time.Second

// lastBuild is what a successful build records for the next one.
type lastBuild struct {
	Key      key.Wire
	Inputs   []pathID // project paths, slash paths relative to the project
	Outside  []pathID // files read outside the project, absolute
	Out      string   // the output folder, resolved
	Manifest fileID   // the output's manifest
	Files    []string // the output's files, sorted (Result.Files)
	// Folders are the output's folders ("" the output itself), whose
	// modification time a file added, removed or renamed in them changes.
	Folders []string
	// Sizes and MTimes are each file's, then each folder's, size and
	// modification time: what a full build's reuse of an unchanged file
	// compares too.
	Sizes, MTimes []int64
	Warnings      []warning
	// FileList is Files as the record file keeps it, joined by newlines:
	// one string, which gob encodes and decodes at the speed of a copy,
	// where 8,000 strings took half of a weekly publish's reading and
	// writing of the record.
	FileList string
	// Heap is the most the build's heap held (heapPeak), which the next
	// build warms first (warm.go).
	Heap int64
	// Spare are the folders of the spare beside the output, with their
	// size and modification time, when the build found the output it
	// replaced (which the exchange keeps as the spare) as its record gave
	// it: the next build finds the spare holding what its manifest lists
	// when each is still so (spareAsRecorded).
	Spare []folderID
}

// folderID is a folder of the output, a slash path ("" the output
// itself), with its size and modification time.
type folderID struct {
	Path        string
	Size, MTime int64
}

// pathID is a path with what it was, and for a dataset or briefing the
// hash of the bytes the build read (zero for a file that changed less than
// racyWindow before the build began, which the next build reads again).
type pathID struct {
	Path string
	ID   fileID
	Hash key.Wire // in one piece: a record of 1,000 briefings holds a thousand
}

// fileID is what a later build compares of a path. Size -1 is a path that
// did not exist.
type fileID struct {
	Size, MTime int64
	Mode        uint32
	Dev, Ino    uint64 // where the system says them (sysID)
	CTime       int64
	// List hashes a listed folder's entries (projectfs.Read.Names): a
	// folder whose time stamps changed (as they do whenever public/ is
	// replaced beside it) is compared by them and its identity.
	List string
}

// missing is the fileID of a path that does not exist.
var missing = fileID{Size: -1}

// idOf is what fi says of a path; full adds the system's device, inode
// and change time (inputs), which no tool sets back as it can a
// modification time.
func idOf(fi fs.FileInfo, full bool) fileID {
	if fi == nil {
		return missing
	}
	id := fileID{Size: fi.Size(), MTime: fi.ModTime().UnixNano(), Mode: uint32(fi.Mode())}
	if full {
		sysID(fi, &id)
	}
	return id
}

// listHash hashes a folder's entries; "" is a folder not listed.
func listHash(names []string) string {
	if names == nil {
		return ""
	}
	k := key.New().Str("listing")
	for _, n := range names {
		k.Str(n)
	}
	h := k.Done()
	return string(h[:])
}

// warning is a diag.Error as the record keeps it.
type warning struct {
	Pos diag.Pos
	Msg string
}

// lastBuildKey covers what makes the same inputs give other outputs: the
// binary, the options and the day (briefings dated after it, stale data).
func lastBuildKey(opts Options, out string) key.Hash {
	src, _ := publish.RealPath(opts.Src)
	return key.New().Str("last build 1").Sum(toolHash()).Str(src).Str(out).
		Bool(opts.Drafts).Bool(opts.Future).Bool(opts.MarkScheduled).Str(opts.BaseURL).
		Str(opts.ECharts).Str(strconv.FormatInt(opts.Epoch.UnixNano(), 10)).
		Str(project.Today(opts.Epoch).Format(time.DateOnly)).Bool(opts.PDF).Bool(opts.NoPDF).Done()
}

// unchanged returns the result of a build with nothing to do: the output
// as the last build left it, when its record (lb) shows that every input
// and every output file is as that build saw it; or nil.
func unchanged(opts Options, lb *lastBuild, start time.Time) *Result {
	out, err := publish.RealPath(opts.Out)
	if err != nil {
		return nil
	}
	if lb == nil || lb.Key != lastBuildKey(opts, out) || lb.Out != out ||
		len(lb.Sizes) != len(lb.Files)+len(lb.Folders) || len(lb.MTimes) != len(lb.Sizes) || !sameIDs(lb, opts.Src) {
		return nil
	}
	res := &Result{Out: opts.Out, Files: lb.Files, Unchanged: len(lb.Files), Same: make(map[string]bool, len(lb.Files))}
	for _, f := range lb.Files {
		res.Same[f] = true
	}
	for _, w := range lb.Warnings {
		res.Warnings = append(res.Warnings, &diag.Error{Pos: w.Pos, Msg: w.Msg})
	}
	res.Elapsed = time.Since(start)
	return res
}

// sameIDs stats every path the record lists, a share of them a core, and
// reports whether each is as recorded.
func sameIDs(lb *lastBuild, src string) bool {
	// The inputs first: they are what a weekly publish changes, and a
	// tenth as many as the output's files; of those, the listed folders
	// first, which a new briefing or dataset changes. Nothing is gathered
	// for the outputs before the inputs are found as they were.
	order := inputOrder(lb.Inputs)
	if !allSame(len(order), func(i int) (string, fileID, bool) {
		p := lb.Inputs[order[i]]
		return filepath.Join(src, filepath.FromSlash(p.Path)), p.ID, true
	}) || !allSame(len(lb.Outside), func(i int) (string, fileID, bool) {
		return lb.Outside[i].Path, lb.Outside[i].ID, true
	}) {
		return false
	}
	files := len(lb.Files)
	return allSame(1+files+len(lb.Folders), func(i int) (string, fileID, bool) {
		switch {
		case i == 0:
			return filepath.Join(lb.Out, publish.ManifestName), lb.Manifest, false
		case i <= files:
			return filepath.Join(lb.Out, filepath.FromSlash(lb.Files[i-1])), fileID{Size: lb.Sizes[i-1], MTime: lb.MTimes[i-1]}, false
		}
		return filepath.Join(lb.Out, filepath.FromSlash(lb.Folders[i-1-files])), fileID{Size: lb.Sizes[i-1], MTime: lb.MTimes[i-1]}, false
	})
}

// inputOrder is the order in which sameIDs states the inputs, which ends
// at the first that changed: the listed folders (a file added or removed),
// then the files most recently changed first. A desk edits the briefings
// and datasets of the last weeks again, not those of years ago, and the
// check of an archive of 100,000 briefings stated every one of them before
// it reached the one edited.
func inputOrder(in []pathID) []int {
	order := make([]int, 0, len(in))
	for i, p := range in {
		if p.ID.List != "" {
			order = append(order, i)
		}
	}
	folders := len(order)
	for i, p := range in {
		if p.ID.List == "" {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order[folders:], func(a, b int) int {
		return cmp.Compare(in[b].ID.MTime, in[a].ID.MTime)
	})
	return order
}

// outputAsRecorded reports whether the output, resolved as out, holds the
// files the last build left in it: its manifest and each of its folders
// have the size and modification time recorded (a file added, removed or
// renamed changes its folder's; the nothing-changed check trusts the same).
// A build then need not walk the output for files brief did not write
// (publish.Target.Vouch).
func outputAsRecorded(lb *lastBuild, out string) bool {
	files := len(lb.Files)
	if lb.Out == "" || lb.Out != out || len(lb.Folders) == 0 || len(lb.Sizes) != files+len(lb.Folders) || len(lb.MTimes) != len(lb.Sizes) ||
		!sameID(filepath.Join(out, publish.ManifestName), lb.Manifest, false) {
		return false
	}
	return allSame(len(lb.Folders), func(i int) (string, fileID, bool) {
		return filepath.Join(out, filepath.FromSlash(lb.Folders[i])), fileID{Size: lb.Sizes[files+i], MTime: lb.MTimes[files+i]}, false
	})
}

// spareAsRecorded reports whether the spare, at spare, is the output the
// last build replaced, its folders as that output's record gave them (a
// file added, removed or renamed changes its folder's): then it holds what
// its manifest lists (publish.Target.VouchSpare).
func spareAsRecorded(lb *lastBuild, spare string) bool {
	if len(lb.Spare) == 0 {
		return false
	}
	return allSame(len(lb.Spare), func(i int) (string, fileID, bool) {
		f := lb.Spare[i]
		return filepath.Join(spare, filepath.FromSlash(f.Path)), fileID{Size: f.Size, MTime: f.MTime}, false
	})
}

// allSame checks n paths, a share of them a core, path(i) giving each with
// what it was and whether it is an input (sameID's full), and reports
// whether every one is still so; it stops at the first that is not.
func allSame(n int, path func(i int) (string, fileID, bool)) bool {
	var differ atomic.Bool
	parallel(n, func(i int) bool {
		p, was, full := path(i)
		if differ.Load() || !sameID(p, was, full) {
			differ.Store(true)
			return false
		}
		return true
	})
	return !differ.Load()
}

// parallel calls f(i) for i from 0 to n-1, a share of them a core; a
// share stops at the first false.
func parallel(n int, f func(i int) bool) {
	cores := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range cores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += cores {
				if !f(i) {
					return
				}
			}
		}()
	}
	wg.Wait()
}

// statID is what the path is now, following symbolic links as a build
// reading it does (projectfs refuses those that leave the project, and a
// link changed to do so leads to another file).
func statID(path string, full bool) fileID {
	fi, err := os.Stat(path)
	if err != nil {
		return missing
	}
	return idOf(fi, full)
}

// sameID reports whether path is still what was: for an input (full),
// every part of its identity, and a listed folder's entries; for an
// output, its size and modification time.
func sameID(path string, was fileID, full bool) bool {
	id := statID(path, full)
	if !full {
		return id.Size == was.Size && id.MTime == was.MTime
	}
	return id == was || sameFolder(path, id, was)
}

// sameFolder reports whether a listed folder, whose identity now is id,
// still has the entries it had: a listing's hash is compared only when the
// rest of the identity is the same.
func sameFolder(path string, id, was fileID) bool {
	if was.List == "" {
		return false
	}
	// Its time stamps and size change with public/ replaced beside it:
	// its identity and entries must not.
	id.List, id.Size, id.MTime, id.CTime = was.List, was.Size, was.MTime, was.CTime
	if id != was {
		return false
	}
	entries, err := os.ReadDir(path)
	return err == nil && listHash(projectfs.ListNames(entries)) == was.List
}

// recordLastBuild writes the record of a build that succeeded, or removes
// the last one when it cannot. A file it read too recent to trust its time
// stamp is recorded as changed, and then the record holds only the inputs.
func recordLastBuild(opts Options, p *project.Project, res *Result, start time.Time, d *diskCache, replaced *lastBuild) {
	dst := filepath.Join(opts.CacheDir, lastBuildName)
	out, err := publish.RealPath(opts.Out)
	if err != nil {
		_ = os.Remove(dst)
		return
	}
	lb := &lastBuild{Key: lastBuildKey(opts, out), Out: out, Files: res.Files, Heap: heapPeak()}
	racy, racyFile := start.Add(-racyWindow), false
	for _, in := range p.Inputs {
		id := idOf(in.Info, true)
		id.List = listHash(in.Names)
		h := p.Hashes[in.Path]
		if in.Info != nil && !in.Info.ModTime().Before(racy) {
			// A file may change again within its time stamp, and an entry
			// added to a folder as it was listed may not be in the listing
			// yet share the folder's: neither matches next time (a folder
			// is compared by its entries), and the file's bytes are read
			// again.
			id.MTime, h = 0, key.Hash{}
			racyFile = racyFile || !in.Info.IsDir()
		}
		lb.Inputs = append(lb.Inputs, pathID{in.Path, id, h})
	}
	if racyFile {
		// The next build cannot find nothing changed: the record serves
		// only to tell it the files it need not read (knownFiles), and
		// the output's files are not stated for it.
		lb.Out, lb.Files = "", nil
		writeLastBuild(dst, lb)
		return
	}
	if replaced != nil { // the output this build replaced, now the spare
		files := len(replaced.Files)
		for i, f := range replaced.Folders {
			lb.Spare = append(lb.Spare, folderID{f, replaced.Sizes[files+i], replaced.MTimes[files+i]})
		}
	}
	if opts.ECharts != "" {
		fi, _ := os.Stat(opts.ECharts)
		lb.Outside = append(lb.Outside, pathID{Path: opts.ECharts, ID: idOf(fi, true)})
	}
	lb.Manifest = statID(filepath.Join(out, publish.ManifestName), false)
	folders := map[string]bool{"": true}
	for _, f := range res.Files {
		for d := path.Dir(f); d != "." && !folders[d]; d = path.Dir(d) {
			folders[d] = true
		}
	}
	lb.Folders = slices.Sorted(maps.Keys(folders))
	all := slices.Concat(lb.Files, lb.Folders)
	lb.Sizes, lb.MTimes = make([]int64, len(all)), make([]int64, len(all))
	// The files this build made or reused are as it left them (their
	// folder was renamed, not they); the folders, and any other file, are
	// stated.
	parallel(len(all), func(i int) bool {
		if i < len(lb.Files) { // a file, not a folder
			if m, ok := d.leftFile(all[i]); ok {
				lb.Sizes[i], lb.MTimes[i] = m.Size, m.MTime
				return true
			}
		}
		id := statID(filepath.Join(out, filepath.FromSlash(all[i])), false)
		lb.Sizes[i], lb.MTimes[i] = id.Size, id.MTime
		return true
	})
	for _, w := range p.Warnings {
		lb.Warnings = append(lb.Warnings, warning{w.Pos, w.Msg})
	}
	writeLastBuild(dst, lb)
}

// splitList is a list of paths joined by newlines, as a slice; "" is none.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// writeLastBuild writes the record, signed, in place of the last one.
func writeLastBuild(dst string, lb *lastBuild) {
	kept := *lb
	kept.FileList, kept.Files = strings.Join(lb.Files, "\n"), nil
	var buf bytes.Buffer
	buf.Write(make([]byte, sha256.Size)) // the signature, below
	if err := gob.NewEncoder(&buf).Encode(&kept); err != nil {
		_ = os.Remove(dst)
		return
	}
	b := buf.Bytes()
	copy(b, sign(b[sha256.Size:]))
	tmp := dst + ".tmp-" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		_ = os.Remove(tmp)
		_ = os.Remove(dst)
		return
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		_ = os.Remove(dst)
	}
}

// readLastBuild reads the record, or returns nil when there is none that
// this user's brief signed.
func readLastBuild(dir string) *lastBuild {
	b, err := os.ReadFile(filepath.Join(dir, lastBuildName))
	if err != nil || len(b) < sha256.Size || !hmac.Equal(b[:sha256.Size], sign(b[sha256.Size:])) {
		return nil
	}
	var lb lastBuild
	if err := gob.NewDecoder(bytes.NewReader(b[sha256.Size:])).Decode(&lb); err != nil {
		return nil
	}
	lb.Files = splitList(lb.FileList)
	return &lb
}

// knownFiles is what a build's record (lb, or nil) says of the project's
// datasets and briefings without reading them: the hash of a file's
// bytes, while fi shows it is the very file that build read (the same
// size, modification time, mode, device, inode and change time, as the
// check that nothing changed compares; a change time cannot be set back).
func knownFiles(lb *lastBuild) func(string, fs.FileInfo) (key.Hash, bool) {
	if lb == nil {
		return nil
	}
	byPath := make(map[string]pathID, len(lb.Inputs))
	for _, in := range lb.Inputs {
		if in.Hash != (key.Hash{}) && in.ID.Size >= 0 && in.ID.MTime != 0 {
			byPath[in.Path] = in
		}
	}
	return func(file string, fi fs.FileInfo) (key.Hash, bool) {
		in, ok := byPath[file]
		if !ok || fi == nil || fi.IsDir() || idOf(fi, true) != in.ID {
			return key.Hash{}, false
		}
		return in.Hash, true
	}
}

// sign is the record's signature with the cache's key.
func sign(b []byte) []byte {
	m := hmac.New(sha256.New, cacheSecret())
	m.Write([]byte("brief last build\n"))
	m.Write(b)
	return m.Sum(nil)
}
