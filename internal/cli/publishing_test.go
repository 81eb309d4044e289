package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/brief-desk/brief/internal/deploy"
)

// TestPublishingRecipes: docs/publishing.md's CI recipes are YAML that
// parses, build on push and on a schedule, keep .brief-cache, and deploy;
// every brief command in them is one brief has, with flags it defines; and
// those commands, run in order on the sample project, build it and deploy
// it (to a file:// folder here).
func TestPublishingRecipes(t *testing.T) {
	doc, err := os.ReadFile("../../docs/publishing.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(doc, -1)
	if len(blocks) != 2 {
		t.Fatalf("docs/publishing.md has %d yaml blocks, want 2 (GitHub Actions, GitLab CI)", len(blocks))
	}
	dir := t.TempDir()
	for _, d := range []string{"data", "content"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join("..", "..", d))); err != nil {
			t.Fatal(err)
		}
	}
	site, err := os.ReadFile("../../site.toml")
	if err != nil {
		t.Fatal(err)
	}
	mirror := t.TempDir()
	site = append(site, "\n[deploy]\nurl = \"file://"+filepath.ToSlash(mirror)+"?metadata=skip\"\n"...)
	if err := os.WriteFile(filepath.Join(dir, "site.toml"), site, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for i, name := range []string{"GitHub Actions", "GitLab CI"} {
		var tree any
		if err := yaml.Unmarshal(blocks[i][1], &tree); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := string(blocks[i][1])
		for _, want := range []string{".brief-cache", "brief build", "brief deploy", "BRIEF_REF", "install ./cmd/brief ./cmd/brief-deploy"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the recipe does not contain %q", name, want)
			}
		}
		if i == 0 && (!hasKey(tree, "schedule") || !hasKey(tree, "push") || !hasKey(tree, "cron")) {
			t.Errorf("%s: the recipe does not run on push and on a schedule", name)
		}
		var lines []string
		collectScripts(tree, "", &lines)
		var ran []string
		for _, line := range lines {
			args := strings.Fields(line)
			if len(args) == 0 || args[0] != "brief" {
				continue
			}
			checkCommand(t, name, args[1:])
			var out bytes.Buffer
			run := Run
			if args[1] == "deploy" { // brief runs the brief-deploy the recipe installs
				run = func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
					return RunDeploy(ctx, args[1:], stdout, stderr, deploy.Deploy)
				}
			}
			if err := run(context.Background(), args[1:], &out, &out); err != nil {
				t.Errorf("%s: %s: %v\n%s", name, line, err, out.String())
			}
			ran = append(ran, args[1])
		}
		if !slices.Contains(ran, "build") || !slices.Contains(ran, "deploy") {
			t.Errorf("%s: ran %q, want build and deploy", name, ran)
		}
	}
	if _, err := os.Stat(filepath.Join(mirror, "index.html")); err != nil {
		t.Errorf("the recipes' deploy left no index.html in the bucket: %v", err)
	}
}

// collectScripts gathers the shell lines of a CI file: GitHub's run:,
// GitLab's script: and before_script: (lists, nested by anchors).
func collectScripts(n any, key string, lines *[]string) {
	switch v := n.(type) {
	case map[string]any:
		for k, x := range v {
			collectScripts(x, k, lines)
		}
	case []any:
		for _, x := range v {
			collectScripts(x, key, lines)
		}
	case string:
		if key == "run" || key == "script" || key == "before_script" || strings.HasPrefix(key, ".install") {
			for l := range strings.Lines(v) {
				*lines = append(*lines, strings.TrimSpace(l))
			}
		}
	}
}

func hasKey(n any, key string) bool {
	switch v := n.(type) {
	case map[string]any:
		for k, x := range v {
			if k == key || hasKey(x, key) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(v, func(x any) bool { return hasKey(x, key) })
	}
	return false
}

// checkCommand: a command brief has, and flags its synopsis names.
func checkCommand(t *testing.T, recipe string, args []string) {
	t.Helper()
	i := slices.IndexFunc(commands, func(c struct{ name, synopsis string }) bool { return c.name == args[0] })
	if i < 0 {
		t.Errorf("%s: brief %s: no such command", recipe, args[0])
		return
	}
	for _, a := range args[1:] {
		if f, ok := strings.CutPrefix(a, "--"); ok {
			f, _, _ = strings.Cut(f, "=")
			if !strings.Contains(commands[i].synopsis, "--"+f+" ") && !strings.Contains(commands[i].synopsis, "--"+f+"]") {
				t.Errorf("%s: brief %s has no flag --%s", recipe, args[0], f)
			}
		}
	}
}
