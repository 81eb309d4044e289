package sitetest

import (
	"os"
	"runtime/pprof"
	"testing"
)

// CPUProfile starts a CPU profile into the file BRIEF_BENCH_CPUPROFILE
// names, if it names one, until the benchmark ends: a benchmark starts it
// after its set-up, so that the profile holds what it measures and not the
// cold build before it (docs/performance.md).
func CPUProfile(b *testing.B) {
	path := os.Getenv("BRIEF_BENCH_CPUPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() {
		pprof.StopCPUProfile()
		f.Close()
	})
}
