package cli

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/deploy"
	"github.com/brief-desk/brief/internal/deployspec"
)

// TestDeployCommand deploys the sample site to a folder through file://:
// the summary line, a second deploy with nothing to do, --dry-run, and the
// refusals (no [deploy] url, no built site, credentials in the URL, a
// scheme it does not deploy to, gs:// without credentials).
func TestDeployCommand(t *testing.T) {
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
	mirror := filepath.Join(t.TempDir(), "mirror")
	if err := os.Mkdir(mirror, 0o755); err != nil {
		t.Fatal(err)
	}
	withURL := func(u string) {
		t.Helper()
		text := string(site) + "\n[deploy]\nurl = \"" + u + "\"\nmax_deletes = 10\n"
		if err := os.WriteFile(filepath.Join(dir, "site.toml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (string, error) {
		t.Helper()
		var out bytes.Buffer
		var err error
		if args[0] == "deploy" {
			err = RunDeploy(context.Background(), args[1:], &out, &out, deploy.Deploy) // as brief-deploy
		} else {
			err = Run(context.Background(), args, &out, &out)
		}
		return out.String(), err
	}
	withURL("file://" + filepath.ToSlash(mirror) + "?metadata=skip")
	if out, err := run("deploy", "--src", dir); err == nil || !strings.Contains(out, "no site built by brief") || !strings.Contains(out, "run brief build first") {
		t.Errorf("deploy before a build: %v\n%s", err, out)
	}
	if out, err := run("build", "--src", dir, "--quiet"); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := run("deploy", "--src", dir)
	if err != nil || !strings.HasSuffix(out, " uploaded, 0 deleted, 0 unchanged\n") {
		t.Errorf("first deploy: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(mirror, "index.html")); err != nil {
		t.Errorf("the mirror has no index.html: %v", err)
	}
	out, err = run("deploy", "--src", dir)
	if err != nil || !strings.HasPrefix(out, "0 uploaded, 0 deleted, ") {
		t.Errorf("second deploy: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "public", "index.html"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = run("deploy", "--src", dir, "--dry-run")
	if err != nil || !strings.Contains(out, "would upload index.html (changed, text/html; charset=utf-8)\n") || !strings.Contains(out, "dry run: 1 to upload, 0 to delete, ") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(mirror, "index.html")); string(b) == "changed" {
		t.Error("--dry-run changed the mirror")
	}

	withURL("s3://AKIAEXAMPLE:hunter2-secret@bucket")
	out, err = run("deploy", "--src", dir)
	if err == nil || strings.Contains(out, "hunter2") || strings.Contains(out, "AKIAEXAMPLE") || !strings.Contains(out, "environment variables") {
		t.Errorf("credentials in the URL: %v\n%s", err, out)
	}
	withURL("s3://bucket?endpoint=" + url.QueryEscape("https://me:hunter2-secret@host"))
	out, err = run("deploy", "--src", dir)
	if err == nil || strings.Contains(out, "hunter2") {
		t.Errorf("credentials in the endpoint: %v\n%s", err, out)
	}
	withURL("azblob://site?sv=2025-01-05&sig=hunter2-signature")
	out, err = run("deploy", "--src", dir)
	if err == nil || strings.Contains(out, "hunter2") || !strings.Contains(out, "AZURE_STORAGE_SAS_TOKEN") {
		t.Errorf("a SAS token in the URL: %v\n%s", err, out)
	}
	withURL("ftp://host/site")
	out, err = run("deploy", "--src", dir)
	if err == nil || !strings.Contains(out, "gs://") || !strings.Contains(out, "azblob://") {
		t.Errorf("a scheme brief does not deploy to: %v\n%s", err, out)
	}
	// gs:// without credentials says where they come from, and prints
	// nothing else (gocloud's own opener prints a warning to stdout).
	t.Setenv("STORAGE_EMULATOR_HOST", "")
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(t.TempDir(), "none.json"))
	withURL("gs://site")
	out, err = run("deploy", "--src", dir)
	if err == nil || !strings.HasPrefix(out, "brief: no Google Cloud credentials") && !strings.Contains(out, "GOOGLE_APPLICATION_CREDENTIALS") || strings.Contains(out, "Warning") {
		t.Errorf("gs:// without credentials: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "site.toml"), site, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = run("deploy", "--src", dir)
	if err == nil || !strings.Contains(out, "[deploy]") {
		t.Errorf("no [deploy] url: %v\n%s", err, out)
	}
}

// TestFindDeployProgram: brief runs the brief-deploy beside its own
// executable (through the links to it), else the one on PATH, never one in
// the current folder through a relative PATH entry, and says how to
// install it when there is none.
func TestFindDeployProgram(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("executables by name and mode bits")
	}
	install := func(dir string) string {
		t.Helper()
		p := filepath.Join(dir, deployProgram)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	home, onPath, links, empty := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	brief := filepath.Join(home, "brief")
	if err := os.WriteFile(brief, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(links, "brief")
	if err := os.Symlink(brief, link); err != nil {
		t.Fatal(err)
	}
	pathProg := install(onPath)
	if err := os.Mkdir(filepath.Join(home, deployProgram), 0o755); err != nil {
		t.Fatal(err)
	}

	t.Setenv("PATH", onPath)
	if got, err := findDeployProgram(brief); got != pathProg || err != nil {
		t.Errorf("a folder of that name beside brief: got %q, %v; want the one on PATH", got, err)
	}
	if err := os.Remove(filepath.Join(home, deployProgram)); err != nil {
		t.Fatal(err)
	}
	besideProg := install(home)
	for _, exe := range []string{brief, link} {
		if got, err := findDeployProgram(exe); got != besideProg || err != nil {
			t.Errorf("brief at %s: got %q, %v; want %s", exe, got, err, besideProg)
		}
	}

	t.Setenv("PATH", empty)
	if _, err := findDeployProgram(filepath.Join(empty, "brief")); err == nil || !strings.Contains(err.Error(), "go install ./cmd/brief-deploy") || !strings.Contains(err.Error(), filepath.Join(empty, deployProgram)) {
		t.Errorf("none anywhere: %v", err)
	}
	t.Chdir(onPath)
	t.Setenv("PATH", ".")
	for _, godebug := range []string{"", "execerrdot=0"} {
		t.Setenv("GODEBUG", godebug)
		if got, err := findDeployProgram(""); err == nil {
			t.Errorf("GODEBUG=%s: found %q in the current folder through PATH=.", godebug, got)
		}
	}
}

// TestDeployProtocol: brief-deploy refuses to deploy for a brief that
// speaks another protocol, before it reads the project.
func TestDeployProtocol(t *testing.T) {
	t.Setenv(protocolEnv, "brief-deploy/0")
	var out bytes.Buffer
	err := RunDeploy(context.Background(), []string{"--src", t.TempDir()}, &out, &out, deploy.Deploy)
	if ExitCode(err) != 1 || !strings.Contains(out.String(), "speaks "+deployspec.Protocol+`, and the brief that ran it "brief-deploy/0"`) || !strings.Contains(out.String(), "install both from the same source") {
		t.Errorf("got %v\n%s", err, &out)
	}
	t.Setenv(protocolEnv, deployspec.Protocol)
	out.Reset()
	err = RunDeploy(context.Background(), []string{"--src", filepath.Join(t.TempDir(), "none")}, &out, &out, deploy.Deploy)
	if ExitCode(err) != 1 || !strings.Contains(out.String(), "does not exist") {
		t.Errorf("the same protocol: got %v\n%s", err, &out)
	}
}

// TestRunDeployProgram runs brief deploy against stand-ins for brief-deploy
// (shell scripts on PATH): the arguments and the protocol reach it, brief's
// own profile and trace do not; its exit status is brief's, with nothing
// printed twice; killed by a signal, which it cannot report, brief says so.
func TestRunDeployProgram(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("stand-ins are shell scripts")
	}
	bin := t.TempDir()
	t.Setenv("PATH", bin+string(filepath.ListSeparator)+os.Getenv("PATH"))
	t.Setenv("BRIEF_TRACE", "")
	t.Setenv(protocolEnv, "")
	stand := func(script string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(bin, deployProgram), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	run := func(env ...string) (string, error) {
		t.Helper()
		for i := 0; i+1 < len(env); i += 2 {
			t.Setenv(env[i], env[i+1])
		}
		var out bytes.Buffer
		err := Run(context.Background(), []string{"deploy", "--src", "my desk", "--dry-run"}, &out, &out)
		return out.String(), err
	}

	stand(`echo "args:$1|$2|$3 protocol:$BRIEF_DEPLOY_PROTOCOL profile:$BRIEF_CPUPROFILE trace:$BRIEF_TRACE"`)
	out, err := run("BRIEF_CPUPROFILE", filepath.Join(t.TempDir(), "cpu.prof"), "BRIEF_TRACE", "")
	t.Setenv("BRIEF_CPUPROFILE", "")
	if want := "args:--src|my desk|--dry-run protocol:" + deployspec.Protocol + " profile: trace:\n"; err != nil || out != want {
		t.Errorf("got %v, %q; want %q", err, out, want)
	}
	stand(`echo "brief: it failed" >&2; exit 3`)
	if out, err := run(); ExitCode(err) != 3 || out != "brief: it failed\n" {
		t.Errorf("exit 3: got %v (status %d), %q", err, ExitCode(err), out)
	}
	stand(`kill -9 $$`)
	if out, err := run(); ExitCode(err) != 1 || !strings.Contains(out, "was stopped (signal: killed) before it finished") || !strings.Contains(out, "run brief deploy again") {
		t.Errorf("killed: got %v, %q", err, out)
	}
}
