package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/sitetest"
)

// asBrief makes the test binary run as brief (see TestMain).
const asBrief = "BRIEF_TEST_AS_BRIEF"

var briefingLink = regexp.MustCompile(`href="(briefings/[a-z0-9-]+/index\.html)"`)

// TestCrashSafety builds a project of a few hundred briefings again and
// again, killing the build (SIGKILL, or SIGINT) at random points, while a
// reader polls the output as a web server would. The reader must never find
// the site missing or a page the home page links to absent; after the last
// build nothing is left beside the output, and the output equals a clean
// build's.
func TestCrashSafety(t *testing.T) {
	n, rounds := 200, 16
	if raceEnabled {
		n, rounds = 40, 6
	}
	if testing.Short() {
		t.Skip("builds a generated project many times")
	}
	dir := t.TempDir()
	proj := filepath.Join(dir, "proj")
	if err := gen.Write(proj, n); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), asBrief+"=1",
		"XDG_CACHE_HOME="+filepath.Join(dir, "keys"), "SOURCE_DATE_EPOCH=")
	brief := func(args ...string) *exec.Cmd {
		cmd := exec.Command(exe, args...)
		cmd.Env = env
		return cmd
	}
	build := func(args ...string) {
		t.Helper()
		if out, err := brief(append([]string{"build", "--src", proj, "--quiet"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("build failed: %v\n%s", err, out)
		}
	}
	build()

	public := filepath.Join(proj, "public")
	var (
		stop      atomic.Bool
		reads     atomic.Int64
		mu        sync.Mutex
		failures  []string
		readerEnd = make(chan struct{})
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 10 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	go func() {
		defer close(readerEnd)
		for !stop.Load() {
			reads.Add(1)
			home, err := os.ReadFile(filepath.Join(public, "index.html"))
			if err != nil {
				fail("index.html: %v", err)
				continue
			}
			for _, m := range briefingLink.FindAllSubmatch(home, -1) {
				if _, err := os.Stat(filepath.Join(public, string(m[1]))); err != nil {
					fail("linked from index.html: %v", err)
				}
			}
		}
	}()

	rng := rand.New(rand.NewPCG(1, 2))
	killed := 0
	for round := range rounds {
		// Each round adds a briefing, so every build differs from the
		// last, and pages are only added: any home page's links resolve in
		// any later site.
		name := filepath.Join(proj, "content", "briefings", fmt.Sprintf("crash-%02d.md", round))
		text := fmt.Sprintf("+++\ntitle = \"Crash round %d\"\ndate = 2030-01-%02d\n+++\nRound %d.\n\n```chart\ndataset = \"daily\"\nfrom = 2029-06-01\n```\n", round, round+1, round)
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"build", "--src", proj, "--quiet"}
		if round%2 == 0 {
			args = append(args, "--no-cache") // a long build: kills land everywhere in it
		}
		cmd := brief(args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(1200 * time.Millisecond))))
		sig := syscall.SIGKILL
		if round%4 == 3 {
			sig = syscall.SIGINT
		}
		_ = cmd.Process.Signal(sig)
		err := cmd.Wait()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		switch {
		case err == nil:
		case ws.Signaled():
			killed++
		case sig == syscall.SIGINT && strings.TrimSpace(stderr.String()) == "brief: interrupted; nothing was written":
		default:
			t.Errorf("round %d: %v\n%s", round, err, stderr.String())
		}
	}
	build()
	stop.Store(true)
	<-readerEnd
	for _, f := range failures {
		t.Error(f)
	}
	if killed == 0 {
		t.Error("no build was killed: the rounds are too short")
	}
	t.Logf("%d briefings, %d builds, %d killed, %d reads of the output", n, rounds, killed, reads.Load())

	// The previous output stays as the spare the next build renders into;
	// nothing else is left beside the output.
	entries, _ := os.ReadDir(proj)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public.") && e.Name() != ".public.spare" {
			t.Errorf("left beside the output: %s", e.Name())
		}
	}
	clean := filepath.Join(dir, "clean")
	build("--no-cache", "--out", clean)
	want, got := sitetest.Tree(t, clean), sitetest.Tree(t, public)
	for name, sum := range want {
		if got[name] != sum {
			t.Errorf("%s differs from a clean build", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files, a clean build has %d", len(got), len(want))
	}
}
