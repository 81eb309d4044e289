package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
)

// TestWarmHeap: warming leaves the pages it asked for in memory (the
// process's resident set grows by them) and free in the heap for the
// build's objects, not held by an object and not handed back; it leaves
// the collector's settings as they were, and it never takes more than
// three quarters of the build's memory limit, whatever the record asks.
// It runs in a new process of the test binary, whose heap the other tests
// have not grown.
func TestWarmHeap(t *testing.T) {
	if !canPopulate() {
		t.Skip("the kernel cannot fill pages in one call here (Linux 5.14 and later can)")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWarmHeapChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "BRIEF_WARM_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestWarmHeapChild") && !strings.Contains(string(out), "--- SKIP: TestWarmHeapChild") {
		t.Errorf("%v\n%s", err, out)
	}
}

// TestWarmHeapChild is TestWarmHeap's child.
func TestWarmHeapChild(t *testing.T) {
	if os.Getenv("BRIEF_WARM_CHILD") == "" {
		t.Skip("TestWarmHeap runs it")
	}
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer tuneGC()()
	const n = 64 << 20
	runtime.GC()
	free0, rss0 := heapFree(), residentSet(t)
	warmHeap(n)
	free1, rss1 := heapFree(), residentSet(t)
	if free1-free0 < n*3/4 {
		t.Errorf("the heap's free pages in memory grew by %d MB, want about %d", (free1-free0)>>20, n>>20)
	}
	if rss1-rss0 < n*3/4 {
		t.Errorf("the resident set grew by %d MB, want about %d", (rss1-rss0)>>20, n>>20)
	}
	if p := heapPeak(); p >= n {
		t.Errorf("the heap's peak counts the warmed pages: %d MB", p>>20)
	}
	if got, limit := gcPercent(), debug.SetMemoryLimit(-1); got != buildGOGC || limit != buildMemLimit {
		t.Errorf("after the warm GOGC=%d and the limit %d MB, want %d and %d", got, limit>>20, buildGOGC, buildMemLimit>>20)
	}
	warmHeap(8 << 30) // a record that asks for more than the limit allows
	if rss := residentSet(t); rss-rss0 > buildMemLimit*3/4+16<<20 {
		t.Errorf("a warm of 8 GB grew the resident set by %d MB, past three quarters of the %d MB limit", (rss-rss0)>>20, buildMemLimit>>20)
	}
}

// heapFree is the heap's free memory that is still backed by pages.
func heapFree() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// residentSet is the process's resident set, from /proc.
func residentSet(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestRecordKeepsHeap: the record of a build says how much heap it used,
// which the next build of that output warms.
func TestRecordKeepsHeap(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"site.toml":               "title = \"Desk\"\n",
		"content/briefings/w1.md": "+++\ntitle = \"Week one\"\ndate = 2026-01-08\n+++\nText.\n",
	}
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cache := filepath.Join(dir, ".brief-cache")
	if _, err := Build(context.Background(), Options{Src: dir, CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	lb := readLastBuild(cache)
	if lb == nil {
		t.Fatal("no record of the build")
	}
	if lb.Heap <= 0 {
		t.Errorf("the record's heap is %d", lb.Heap)
	}
}
