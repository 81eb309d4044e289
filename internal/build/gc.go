package build

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// A build allocates a lot of short-lived memory (sheet XML, zip buffers,
// pages) over a small live heap, so Go's default collector (GOGC=100) runs
// often: a sixth of a cold build's CPU. While builds run, brief lets the
// heap grow to four times the live data (GOGC=300) under a soft memory
// limit of 180 MiB, raised to three times the live heap as the project
// loads (checked every raiseEvery) and once it is loaded, so that a large
// project is never starved into collecting all the time (with the limit
// raised only after loading, a rebuild of 10,000 briefings spent a third
// of its CPU collecting and returning memory while it loaded). Rendering's
// garbage is short-lived and stays within that limit; what it keeps (the
// briefings bound as their files are made, with their derived datasets'
// past results) raises the limit to twice the live heap once it passes
// half of it: a re-render of every page of a project whose bindings came
// from the build's records spent two fifths of its CPU collecting under a
// limit its live heap had outgrown. Measurements: docs/performance.md.
// GOGC or GOMEMLIMIT in the environment turn this off: the user's setting
// wins. The same goroutine that fits the limit samples the heap's peak,
// which the build's record keeps for the next build to warm (warm.go);
// warming stays under the limit and never raises it.
const (
	buildGOGC     = 300
	buildMemLimit = 180 << 20
)

var gcTuning struct {
	sync.Mutex
	users     int
	percent   int
	limit     int64
	userChose bool
	stop      chan struct{} // ends the goroutine that raises the limit
	stopOnce  *sync.Once
	loaded    bool  // the project is loaded: the limit follows only a heap that nears it
	peak      int64 // the most the heap held in spans, as sampled every raiseEvery
}

// raiseEvery is how often the limit is fitted to the live heap.
const raiseEvery = 10 * time.Millisecond

// tuneGC applies the build's collector settings and returns what restores
// the previous ones when the last build running ends.
func tuneGC() (restore func()) {
	g := &gcTuning
	g.Lock()
	defer g.Unlock()
	if g.users == 0 {
		g.userChose = os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""
		if !g.userChose {
			g.limit = debug.SetMemoryLimit(buildMemLimit)
			g.percent = debug.SetGCPercent(buildGOGC)
			g.stop, g.stopOnce, g.loaded, g.peak = make(chan struct{}), new(sync.Once), false, 0
			go raiseLimit(g.stop)
		}
	}
	g.users++
	return func() {
		g.Lock()
		defer g.Unlock()
		g.users--
		if g.users == 0 && !g.userChose {
			g.stopOnce.Do(func() { close(g.stop) })
			debug.SetGCPercent(g.percent)
			debug.SetMemoryLimit(g.limit)
		}
	}
}

// raiseLimit fits the limit to the live heap every raiseEvery until stop
// is closed.
func raiseLimit(stop chan struct{}) {
	t := time.NewTicker(raiseEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fitMemLimit()
		}
	}
}

// loaded fits the limit to the live heap of a loaded project; from then
// on the limit follows only a heap that nears it.
func loaded() {
	fitMemLimit()
	g := &gcTuning
	g.Lock()
	g.loaded = g.users > 0
	g.Unlock()
}

// fitMemLimit raises the soft limit to three times the live heap (after
// the last collection) while the project loads, and then to twice the live
// heap when that is more than half the limit.
func fitMemLimit() {
	g := &gcTuning
	g.Lock()
	defer g.Unlock()
	if g.users == 0 || g.userChose {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	for _, x := range s {
		if x.Value.Kind() != metrics.KindUint64 {
			return
		}
	}
	g.peak = max(g.peak, int64(s[1].Value.Uint64()+s[2].Value.Uint64()))
	live, limit := int64(s[0].Value.Uint64()), debug.SetMemoryLimit(-1)
	want := 3 * live
	if g.loaded {
		want = 2 * live
	}
	if want > limit && (!g.loaded || 2*live > limit) {
		debug.SetMemoryLimit(want)
	}
}
