package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/deployspec"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/projectfs"
)

// deployProgram is the program that does brief deploy's work. brief does
// not link the storage services' SDKs: they would double the binary (40 to
// 100 MB) and add about 45 ms to the start of every build, serve and check.
// So brief deploy parses its flags, then runs brief-deploy with the same
// arguments, found beside brief's own executable (go install and make put
// them together) or else on PATH, and exits with its status.
const deployProgram = "brief-deploy"

// protocolEnv carries deployspec.Protocol to the brief-deploy that brief
// runs, which refuses to deploy for a brief that speaks another.
const protocolEnv = "BRIEF_DEPLOY_PROTOCOL"

// reportedError is the exit status of a program brief ran, which has
// printed its own errors: Run prints nothing more.
type reportedError struct{ status int }

func (e *reportedError) Error() string { return fmt.Sprintf("exit status %d", e.status) }

func cmdDeploy(ctx context.Context, args []string, stdout, stderr io.Writer, do deployspec.Func) error {
	fs := newFlags("deploy", "Uploads the built site (--out) to the bucket of site.toml's [deploy] url: only\n"+
		"the files that differ, new files before the pages that link to them, then\n"+
		"deletes the objects the site no longer has. It deletes or overwrites only\n"+
		"objects it put there (it keeps a manifest, .brief-deploy.json, under the\n"+
		"prefix). The url is s3://, gs://, azblob:// or file://. Credentials come\n"+
		"from the storage service's environment variables (S3: AWS_ACCESS_KEY_ID,\n"+
		"AWS_SECRET_ACCESS_KEY; Google Cloud Storage: GOOGLE_APPLICATION_CREDENTIALS;\n"+
		"Azure: AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN),\n"+
		"never from the project. The work is done by the brief-deploy program, installed\n"+
		"beside brief (go install ./cmd/brief-deploy).")
	src := fs.String("src", ".", "project `DIR`ectory")
	out := fs.String("out", "", "the built site's `DIR`ectory (default: DIR/public)")
	dryRun := fs.Bool("dry-run", false, "print what would be uploaded and deleted; change nothing")
	force := fs.Bool("force", false, "delete more objects than max_deletes allows")
	adopt := fs.Bool("adopt", false, "take over objects brief did not put there, where the site has files (a first deploy into a prefix that holds objects)")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) > 0 {
		return &UsageError{Msg: fmt.Sprintf("deploy takes no arguments, got %q", pos)}
	}
	if do == nil {
		return runDeployProgram(ctx, args, stdout, stderr)
	}
	if v := os.Getenv(protocolEnv); v != "" && v != deployspec.Protocol {
		return fmt.Errorf("this brief-deploy (%s, version %s) speaks %s, and the brief that ran it %s: install both from the same source (go install ./cmd/brief ./cmd/brief-deploy)", exeName(), Version(), deployspec.Protocol, diag.Quote(v))
	}
	if err := checkProject(*src); err != nil {
		return err
	}
	pfs, err := projectfs.Open(*src)
	if err != nil {
		return err
	}
	cfg, err := project.LoadConfig(pfs)
	pfs.Close()
	if err != nil {
		return err
	}
	opts := deployspec.Options{
		Dir: cmp.Or(*out, filepath.Join(*src, "public")), URL: cfg.Deploy.URL, MaxDeletes: cfg.Deploy.MaxDeletes,
		Force: *force, Adopt: *adopt, DryRun: *dryRun, Log: stdout,
	}
	var bar *progress
	if isTerminal(stderr) && !*dryRun {
		bar = &progress{w: stderr, what: "deployed"}
		opts.Progress = bar.update
	}
	res, err := do(ctx, opts)
	bar.clear()
	var stopped *deployspec.Interrupted
	if errors.As(err, &stopped) {
		// Not context.Canceled: Run would say that nothing was written.
		return errors.New(stopped.Error())
	}
	if err != nil {
		return err
	}
	if *dryRun {
		fmt.Fprintf(stdout, "dry run: %d to upload, %d to delete, %d unchanged; nothing was changed\n", len(res.Uploaded), len(res.Deleted), res.Unchanged)
		return nil
	}
	fmt.Fprintf(stdout, "%d uploaded, %d deleted, %d unchanged\n", len(res.Uploaded), len(res.Deleted), res.Unchanged)
	return nil
}

// runDeployProgram runs brief-deploy with args, its output brief's, and
// returns its exit status. An interrupt reaches it as an interrupt, so that
// it stops as it would alone (saying what it finished); it is killed only
// if it has not stopped ten seconds later. On Linux it is also interrupted
// if brief itself dies (deathSignal), so that a deploy never goes on with
// nobody to report it. A profile or trace asked of brief (BRIEF_CPUPROFILE,
// BRIEF_TRACE) is brief's own: set it on brief-deploy run alone to profile
// a deploy.
func runDeployProgram(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		exe = ""
	}
	prog, err := findDeployProgram(exe)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "BRIEF_CPUPROFILE=") || strings.HasPrefix(kv, "BRIEF_TRACE=")
	}), protocolEnv+"="+deployspec.Protocol)
	cmd.SysProcAttr = deathSignal()
	cmd.Cancel = func() error {
		if runtime.GOOS == "windows" {
			return nil // the console's Ctrl-C has reached it too; WaitDelay kills it
		}
		return cmd.Process.Signal(os.Interrupt)
	}
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return &reportedError{status: max(exit.ExitCode(), 1)}
	case errors.As(err, &exit):
		// Killed by a signal: it could not say so itself.
		how := "was stopped (" + exit.String() + ")"
		if ctx.Err() != nil {
			how = "was interrupted (" + exit.String() + ")"
		}
		return fmt.Errorf("%s %s before it finished; a deploy never uploads a page before what it links to, so the site still works: run brief deploy again to finish", prog, how)
	case err != nil && cmd.ProcessState != nil && cmd.ProcessState.Success():
		return nil // it finished despite the interrupt, and said so
	case err != nil:
		return fmt.Errorf("running %s: %w", prog, err)
	}
	return nil
}

// findDeployProgram finds brief-deploy: beside exe (brief's own
// executable, its links resolved), or else on PATH, never in the current
// folder through a relative PATH entry.
func findDeployProgram(exe string) (string, error) {
	name := deployProgram
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	beside := ""
	if exe != "" {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		beside = filepath.Join(filepath.Dir(exe), name)
		if fi, err := os.Stat(beside); err == nil && fi.Mode().IsRegular() {
			return beside, nil
		}
	}
	p, err := exec.LookPath(deployProgram)
	if err == nil && !filepath.IsAbs(p) {
		// Found through a relative PATH entry with GODEBUG=execerrdot=0.
		err = fmt.Errorf("%s: %w", p, exec.ErrDot)
	}
	if err == nil {
		return p, nil
	}
	where := "on PATH"
	if beside != "" {
		where = fmt.Sprintf("beside brief (%s) or on PATH", beside)
	}
	if errors.Is(err, exec.ErrDot) || errors.Is(err, fs.ErrPermission) {
		where += fmt.Sprintf(" (%v)", err)
	}
	return "", fmt.Errorf("brief deploy runs the %s program, which is not installed %s: install it from the same source as brief (go install ./cmd/brief-deploy in a clone of brief, or make bin/%s)", deployProgram, where, deployProgram)
}

// exeName is this program's path, for messages.
func exeName() string {
	exe, err := os.Executable()
	if err != nil {
		return deployProgram
	}
	return exe
}
