package build

import (
	"runtime"
	"runtime/debug"
)

// A short build's memory is nearly all new to the process, and every 4 KB
// page of it costs a page fault when first touched: 16 µs each on the
// two-core virtual machine measured (docs/performance.md), some 12,000 of
// them in a weekly publish of 1,000 briefings, where asking the kernel for
// the same pages in one call (MADV_POPULATE_WRITE) costs 0.7 µs a page.
// So a build that has the last build's record warms the heap first: it
// allocates as much as that build's heap held at most, has the kernel fill
// it in one call, and lets the collector free it at once; the allocator
// then carves the build's objects out of pages already in memory. Where
// the kernel cannot fill pages in one call (not Linux, or Linux before
// 5.14) nothing is warmed.
const (
	warmMax = 4 << 30 // nothing larger is warmed at once
	warmMin = 4 << 20 // nor anything this small: it would not pay for the collection
)

// warmFor warms the heap as the last build's record lb says (none: nothing).
func warmFor(lb *lastBuild) {
	if lb != nil {
		warmHeap(lb.Heap)
	}
}

// warmHeap warms n bytes of heap (see above), and raises the collector's
// soft limit, while the build's tuning holds, above what it warmed, so that
// the collector does not hand the pages back to the kernel before the
// build uses them.
func warmHeap(n int64) {
	if n < warmMin || n > warmMax || n > int64(^uint(0)>>2) || !canPopulate { // a quarter of a 32-bit address space
		return
	}
	raiseLimitTo(n + n/4)
	// No collection for the allocation itself: the one below frees it.
	percent := debug.SetGCPercent(-1)
	b := make([]byte, n)
	ok := populate(b)
	b = nil
	debug.SetGCPercent(percent)
	if ok {
		runtime.GC() // frees b, its pages still in memory
	}
	forgetPeak()
}

// forgetPeak drops the samples of the heap taken while it was warmed.
func forgetPeak() {
	g := &gcTuning
	g.Lock()
	g.peak = 0
	g.Unlock()
}

// raiseLimitTo raises the build's soft memory limit to at least n bytes,
// unless the user set GOGC or GOMEMLIMIT.
func raiseLimitTo(n int64) {
	g := &gcTuning
	g.Lock()
	defer g.Unlock()
	if g.users > 0 && !g.userChose && debug.SetMemoryLimit(-1) < n {
		debug.SetMemoryLimit(n)
	}
}

// heapPeak is the most the heap held in its spans while builds ran, as
// sampled every raiseEvery since the heap was warmed, or, with the collector's settings
// the user's (GOGC, GOMEMLIMIT) and no samples, what the heap holds now:
// what the next build of this output warms (lastBuild.Heap).
func heapPeak() int64 {
	g := &gcTuning
	g.Lock()
	peak := g.peak
	g.Unlock()
	if peak > 0 {
		return peak
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}
