package build

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestTuneGC: builds run with the build's collector settings, and the
// previous ones come back when the last build ends; GOGC in the
// environment turns the tuning off.
func TestTuneGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	outer := tuneGC()
	inner := tuneGC()
	if got := gcPercent(); got != buildGOGC {
		t.Errorf("GOGC during a build = %d, want %d", got, buildGOGC)
	}
	inner()
	if got := gcPercent(); got != buildGOGC {
		t.Errorf("GOGC after the inner build = %d, want %d while the outer one runs", got, buildGOGC)
	}
	outer()
	if got := gcPercent(); got != 100 {
		t.Errorf("GOGC after the builds = %d, want 100 back", got)
	}
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	restore := tuneGC()
	if got := gcPercent(); got != 50 {
		t.Errorf("with GOGC=50 set, a build uses %d", got)
	}
	restore()
}

// gcPercent reads the GOGC setting.
func gcPercent() int {
	old := debug.SetGCPercent(100)
	debug.SetGCPercent(old)
	return old
}

// TestMemLimitFollowsHeap: while a project loads, the soft memory limit
// rises to three times the live heap as the heap grows, not only once it is
// loaded (a large project's loading was collecting all the time); once it
// is loaded the limit stays where it is.
func TestMemLimitFollowsHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	restore := tuneGC()
	defer restore()
	live := make([]byte, 100<<20)
	for i := range live {
		live[i] = byte(i)
	}
	runtime.GC()
	deadline := time.Now().Add(2 * time.Second)
	for debug.SetMemoryLimit(-1) < 3*int64(len(live)) && time.Now().Before(deadline) {
		time.Sleep(raiseEvery)
	}
	got := debug.SetMemoryLimit(-1)
	if got < 3*int64(len(live)) {
		t.Errorf("limit with %d MiB live = %d MiB, want at least three times", len(live)>>20, got>>20)
	}
	loaded()
	got = debug.SetMemoryLimit(-1)
	// Once loaded, a heap that grows but stays under half the limit
	// leaves it where it is...
	more := make([]byte, 20<<20)
	for i := range more {
		more[i] = byte(i)
	}
	runtime.GC()
	time.Sleep(5 * raiseEvery)
	if after := debug.SetMemoryLimit(-1); after != got {
		t.Errorf("limit once loaded moved from %d to %d MiB with the live heap under half of it", got>>20, after>>20)
	}
	// ...and one that passes half of it raises it to twice the live heap.
	most := make([]byte, 100<<20)
	for i := range most {
		most[i] = byte(i)
	}
	runtime.GC()
	deadline = time.Now().Add(2 * time.Second)
	want := 2 * int64(len(live)+len(more)+len(most))
	for debug.SetMemoryLimit(-1) < want && time.Now().Before(deadline) {
		time.Sleep(raiseEvery)
	}
	if after := debug.SetMemoryLimit(-1); after < want {
		t.Errorf("limit with %d MiB live, once loaded = %d MiB, want at least twice", want>>21, after>>20)
	}
	runtime.KeepAlive(live)
	runtime.KeepAlive(more)
	runtime.KeepAlive(most)
}
