package build

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"unsafe"
)

// A short build's memory is nearly all new to the process, and every 4 KB
// page of it costs a page fault when first touched: 16 µs each on the
// two-core virtual machine measured (docs/performance.md), some 12,000 of
// them in a weekly publish of 1,000 briefings, where asking the kernel for
// the same pages in one call (MADV_POPULATE_WRITE) costs 0.7 µs a page.
// So a build that has the last build's record warms the heap first: it
// allocates as much as that build's heap held at most, has the kernel fill
// it in one call, and lets the collector free it at once; the allocator
// then carves the build's objects out of pages already in memory.
//
// What it warms stays within the build's soft memory limit (three quarters
// of it, less what the process already holds): the warm never raises the
// limit, so a build held down by the limit records a peak under it and the
// next build warms no more (a warm that raised the limit would let each
// build's heap, and so the next warm, outgrow the last). The collector's
// background scavenger may still return some warmed pages a build is slow
// to use. Nothing is warmed where the kernel cannot fill pages in one call
// (not Linux, Linux before 5.14, a sandbox without the call; tried once),
// on a 32-bit platform, or when the user set GOGC or GOMEMLIMIT (their
// settings win).
const warmMin = 4 << 20 // nothing smaller is warmed: it would not pay for the collection

// warmMu lets one warm at a time turn the collector off and on again.
var warmMu sync.Mutex

// warmFor warms the heap as the last build's record lb says (none: nothing).
func warmFor(lb *lastBuild) {
	if lb != nil {
		warmHeap(lb.Heap)
	}
}

// warmHeap warms up to n bytes of heap, as the comment above says.
func warmHeap(n int64) {
	if math.MaxInt == math.MaxInt32 || !canPopulate() {
		return
	}
	warmMu.Lock()
	defer warmMu.Unlock()
	if n = min(n, warmRoom()); n < warmMin {
		return
	}
	// No collection for the allocation itself: the one below frees it.
	percent := debug.SetGCPercent(-1)
	b := make([]byte, n)
	populate(b)
	b = nil
	debug.SetGCPercent(percent)
	runtime.GC() // frees b, its pages still in memory
	forgetPeak()
}

// warmRoom is how much a warm may take: three quarters of the build's soft
// memory limit, less what the process holds; nothing when the build's
// collector settings are not in force (the user's are, or no build runs).
func warmRoom() int64 {
	g := &gcTuning
	g.Lock()
	ours := g.users > 0 && !g.userChose
	g.Unlock()
	if !ours {
		return 0
	}
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	held := int64(s[0].Value.Uint64() - s[1].Value.Uint64())
	return debug.SetMemoryLimit(-1)*3/4 - held
}

// canPopulate reports whether the kernel fills pages in one call: tried
// once, on a page of memory.
var canPopulate = sync.OnceValue(func() bool {
	return populate(make([]byte, 2*os.Getpagesize()))
})

// populate has the kernel back the whole pages of b with memory in one
// call (b's start rounded up and its end down to the system's pages: Go
// aligns a large object to its own 8 KB pages, not to 16 or 64 KB ones).
func populate(b []byte) bool {
	page := uintptr(os.Getpagesize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	skip := (page - start%page) % page
	if uintptr(len(b)) < skip+page {
		return false
	}
	whole := b[skip:]
	return populatePages(whole[:uintptr(len(whole))/page*page])
}

// forgetPeak drops the samples of the heap taken while it was warmed.
func forgetPeak() {
	g := &gcTuning
	g.Lock()
	g.peak = 0
	g.Unlock()
}

// heapPeak is the most the heap held in its spans while builds ran since
// the heap was warmed, as sampled every raiseEvery, or, with no sample
// (a build shorter than raiseEvery, or the user's collector settings in
// force), what it holds now: what the next build of this output warms
// (lastBuild.Heap). Builds at once in one process share the samples.
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
