package build

import (
	"runtime/debug"
	"testing"
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
