package main

import (
	"bytes"
	"context"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/brief-desk/brief/internal/cli"
	"github.com/brief-desk/brief/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the want sections of the corpus")

// located is the shape of every error line: file:line:col: message.
var located = regexp.MustCompile(`^[^:\s][^:]*:\d+:\d+: \S`)

// TestCorpus runs every defective project in testdata/corpus through the
// command line, in process: each must exit with status 1, report exactly the
// errors its "want" section lists, every one located, and leave the previous
// output of the good base project byte for byte as it was. `brief check`
// must refuse it the same way.
func TestCorpus(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "")
	base := txtar.Parse(mustRead(t, "testdata/corpus/_base.txtar"))
	cases, _ := filepath.Glob("testdata/corpus/*.txtar")
	n := 0
	for _, file := range cases {
		if strings.HasPrefix(filepath.Base(file), "_") {
			continue
		}
		n++
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			defect := txtar.Parse(mustRead(t, file))
			dir := t.TempDir()
			unpack(t, dir, base.Files)
			var stdout, stderr bytes.Buffer
			if err := cli.Run(context.Background(), []string{"build", "--src", dir}, &stdout, &stderr); err != nil {
				t.Fatalf("the base project does not build:\n%s", stderr.String())
			}
			before := sitetest.Tree(t, filepath.Join(dir, "public"))

			var want []string
			for _, f := range defect.Files {
				switch f.Name {
				case "want":
					want = lines(string(f.Data))
				case "delete":
					for _, name := range lines(string(f.Data)) {
						os.Remove(filepath.Join(dir, filepath.FromSlash(name)))
					}
				default:
					unpack(t, dir, []txtar.File{f})
				}
			}
			for _, cmd := range []string{"build", "check"} {
				stdout.Reset()
				stderr.Reset()
				err := cli.Run(context.Background(), []string{cmd, "--src", dir}, &stdout, &stderr)
				if code := cli.ExitCode(err); code != 1 {
					t.Fatalf("%s: exit status %d, want 1\n%s", cmd, code, stderr.String())
				}
				got := lines(stderr.String())
				if len(got) == 0 || !strings.HasPrefix(got[len(got)-1], "brief: ") {
					t.Fatalf("%s: no summary line:\n%s", cmd, stderr.String())
				}
				got = got[:len(got)-1]
				for _, l := range got {
					if !located.MatchString(l) {
						t.Errorf("%s: error without file:line:col: %s", cmd, l)
					}
				}
				if *update && cmd == "build" {
					rewriteWant(t, file, got)
					continue
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s errors:\n%s\nwant:\n%s", cmd, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
			if after := sitetest.Tree(t, filepath.Join(dir, "public")); !maps.Equal(before, after) {
				t.Error("the failed build changed the previous output")
			}
		})
	}
	if n < 25 {
		t.Errorf("only %d corpus cases", n)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func unpack(t *testing.T, dir string, files []txtar.File) {
	t.Helper()
	for _, f := range files {
		full := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func rewriteWant(t *testing.T, file string, got []string) {
	a := txtar.Parse(mustRead(t, file))
	for i := range a.Files {
		if a.Files[i].Name == "want" {
			a.Files[i].Data = []byte(strings.Join(got, "\n") + "\n")
		}
	}
	if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
		t.Fatal(err)
	}
}
