package pdf_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuClock is the CPU time (user and system) of this process, of its
// children that exited (each build's browser, once closed) and of those
// that run (a browser still open), so that a benchmark reports the CPU a
// print costs whatever the load: the machine is shared.
func cpuClock() time.Duration {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(children.Utime) + tv(children.Stime) + descendantsCPU()
}

// reportCPU reports the CPU time per op since start (a cpuClock reading).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuClock()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// descendantsCPU is the CPU time (user and system) of the processes below
// this one that still run, read from /proc: an open browser's.
func descendantsCPU() time.Duration {
	parent := map[int]int{}
	ticks := map[int]int64{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(data)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		var ppid int
		var ut, st int64
		fmt.Sscan(f[1], &ppid)
		fmt.Sscan(f[11], &ut)
		fmt.Sscan(f[12], &st)
		parent[pid], ticks[pid] = ppid, ut+st
	}
	self := os.Getpid()
	var sum int64
	for pid, tk := range ticks {
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == self {
				sum += tk
				break
			}
		}
	}
	return time.Duration(sum) * 10 * time.Millisecond // USER_HZ is 100
}
