package build

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// A build allocates a lot of short-lived memory (sheet XML, zip buffers,
// pages) over a small live heap, so Go's default collector (GOGC=100) runs
// often: a sixth of a cold build's CPU. While builds run, brief lets the
// heap grow to four times the live data (GOGC=300) under a soft memory
// limit of 180 MiB, raised to three times the live heap once the project
// is loaded, so that a large project is never starved into collecting all
// the time. Measurements: docs/performance.md. GOGC or GOMEMLIMIT in the
// environment turn this off: the user's setting wins.
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
}

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
		}
	}
	g.users++
	return func() {
		g.Lock()
		defer g.Unlock()
		g.users--
		if g.users == 0 && !g.userChose {
			debug.SetGCPercent(g.percent)
			debug.SetMemoryLimit(g.limit)
		}
	}
}

// fitMemLimit raises the soft limit to three times the live heap, once the
// project is loaded.
func fitMemLimit() {
	g := &gcTuning
	g.Lock()
	defer g.Unlock()
	if g.users == 0 || g.userChose {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if want := int64(3 * s[0].Value.Uint64()); want > debug.SetMemoryLimit(-1) {
		debug.SetMemoryLimit(want)
	}
}
