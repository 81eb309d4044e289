package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSynopses: each command's synopsis (from which the usage is made)
// names exactly the flags it defines; its help shows that synopsis; and the
// README's command line is the usage's, line for line.
func TestSynopses(t *testing.T) {
	flagName := regexp.MustCompile(`--([a-z][a-z-]*)`)
	defined := regexp.MustCompile(`(?m)^  -([a-z][a-z-]*)`)
	for _, c := range commands {
		if c.name == "version" || c.name == "help" {
			continue
		}
		var out bytes.Buffer
		if err := Run(context.Background(), []string{c.name, "-h"}, &out, &out); err != nil {
			t.Fatalf("brief %s -h: %v", c.name, err)
		}
		help := out.String()
		if !strings.HasPrefix(help, "Usage: brief "+synopsis(c.name)+"\n") {
			t.Errorf("brief %s -h does not start with its synopsis:\n%s", c.name, help)
		}
		var inSynopsis, inFlags []string
		for _, m := range flagName.FindAllStringSubmatch(c.synopsis, -1) {
			inSynopsis = append(inSynopsis, m[1])
		}
		for _, m := range defined.FindAllStringSubmatch(help, -1) {
			inFlags = append(inFlags, m[1])
		}
		slices.Sort(inSynopsis)
		slices.Sort(inFlags)
		if !slices.Equal(inSynopsis, inFlags) {
			t.Errorf("brief %s: the synopsis names %v, the command defines %v", c.name, inSynopsis, inFlags)
		}
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "## Command line\n\n```\n")
	block, _, _ := strings.Cut(section, "```")
	var want strings.Builder
	for _, c := range commands {
		want.WriteString("brief " + c.synopsis + "\n")
	}
	if block != want.String() {
		t.Errorf("README.md's command line differs from the usage; it should read:\n%s", want.String())
	}
}

// TestLongValuesCut: a 100 KB value given on the command line is cut in
// the message that quotes it, however the message is made (flag's own, a
// path the system refused, brief's).
func TestLongValuesCut(t *testing.T) {
	long := strings.Repeat("q", 100_000)
	for _, args := range [][]string{
		{"mail", "--src", t.TempDir(), "--eml", "-", "--to", long + "@x.example"},
		{"mail", "--src", t.TempDir(), "--eml", "-", "--slug", long},
		{"import", "--src", t.TempDir(), "--id", "x", filepath.Join(t.TempDir(), long[:200], "x.csv")},
	} {
		var out bytes.Buffer
		_ = Run(context.Background(), args, &out, &out)
		for line := range strings.Lines(out.String()) {
			if len(line) > 1000 {
				t.Errorf("brief %s: a line of %d characters:\n%.300s...", args[0], len(line), line)
			}
		}
	}
}
