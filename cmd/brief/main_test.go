package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/brief-desk/brief/internal/cli"
	"github.com/brief-desk/brief/internal/deploy"
)

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "brief-deploy" {
		// A link of this name to the test binary: brief runs it for a deploy.
		os.Exit(cli.ExitCode(runDeploy(context.Background(), os.Args[1:], os.Stdout, os.Stderr)))
	}
	if os.Getenv(asBrief) == "1" {
		// The crash test runs the test binary as brief, to kill it.
		os.Exit(cli.ExitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)))
	}
	testscript.Main(m, map[string]func(){
		"brief": func() {
			os.Exit(cli.ExitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)))
		},
		"brief-deploy": func() {
			os.Exit(cli.ExitCode(runDeploy(context.Background(), os.Args[1:], os.Stdout, os.Stderr)))
		},
	})
}

// runDeploy is cmd/brief-deploy's main, which a test of package main here
// cannot import: one call.
func runDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return cli.RunDeploy(ctx, args, stdout, stderr, deploy.Deploy)
}

// TestScripts runs the CLI scripts in testdata/script: every command, flag,
// exit status and error path a user can reach, and the preview server.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SOURCE_DATE_EPOCH", "")
			// Titles that scripts cannot spell.
			env.Setenv("RLO_TITLE", "Evil\u202etitle")
			env.Setenv("ESC_TITLE", "Red \x1b[31m title")
			// The cache signing key goes into the work folder, not $HOME.
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			env.Setenv("PORT", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
			return ln.Close()
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fetch":   fetch,
			"waitfor": waitfor,
			"cmptree": cmptree,
			"mkfifo": func(ts *testscript.TestScript, neg bool, args []string) {
				ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o644))
			},
			"perm": perm,
			"png":  writePNG,
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
		},
	})
}

func get(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// fetch URL prints "status N" and the body of a GET.
func fetch(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: fetch URL")
	}
	status, body, err := get(args[0])
	if err != nil {
		ts.Fatalf("fetch: %v", err)
	}
	fmt.Fprintf(ts.Stdout(), "status %d\n%s", status, body)
	if neg != (status >= 400) {
		ts.Fatalf("fetch %s: status %d", args[0], status)
	}
}

// cmptree DIR1 DIR2 fails unless both trees hold the same files with the
// same bytes.
func cmptree(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: cmptree DIR1 DIR2")
	}
	read := func(root string) map[string]string {
		out := map[string]string{}
		root = ts.MkAbs(root)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			out[rel] = string(b)
			return err
		})
		ts.Check(err)
		return out
	}
	a, b := read(args[0]), read(args[1])
	var diffs []string
	for name := range a {
		if b[name] != a[name] {
			diffs = append(diffs, name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			diffs = append(diffs, name)
		}
	}
	if neg != (len(diffs) > 0) {
		if neg {
			ts.Fatalf("%s and %s are the same", args[0], args[1])
		}
		sort.Strings(diffs)
		ts.Fatalf("%s and %s differ in %v", args[0], args[1], diffs)
	}
	if len(a) < 5 {
		ts.Fatalf("%s holds only %d files", args[0], len(a))
	}
}

// perm FILE MODE fails unless FILE has MODE (octal) less the umask, as a
// file the project writes with that mode has.
func perm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: perm FILE MODE")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	umask := uint64(0o022)
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		if _, rest, ok := strings.Cut(string(status), "Umask:\t"); ok {
			umask, _ = strconv.ParseUint(strings.Fields(rest)[0], 8, 32)
		}
	}
	st, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := uint64(st.Mode().Perm()); got != want&^umask {
		ts.Fatalf("%s has mode %04o, want %04o", args[0], got, want&^umask)
	}
}

// waitfor URL PATTERN retries a GET for up to 15 s until the body matches.
func waitfor(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: waitfor URL PATTERN")
	}
	re := regexp.MustCompile(args[1])
	deadline := time.Now().Add(15 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		if _, body, err := get(args[0]); err == nil {
			if re.MatchString(body) {
				return
			}
			last = body
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("waitfor %s: no match for %q; last body:\n%s", args[0], args[1], last)
}

// writePNG writes a small PNG image, for scripts that need one (a logo):
// png FILE.
func writePNG(ts *testscript.TestScript, neg bool, args []string) {
	img := image.NewRGBA(image.Rect(0, 0, 80, 20))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	var b bytes.Buffer
	ts.Check(png.Encode(&b, img))
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b.Bytes(), 0o644))
}
