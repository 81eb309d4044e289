// Package cli is brief's command line: it parses flags, calls the package
// that does each command's work (build, preview, importer, scaffold, mail)
// and prints results and located errors. cmd/brief only wires it to the
// process.
package cli

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/brief-desk/brief/internal/atomicfile"
	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/check"
	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/deployspec"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/importer"
	"github.com/brief-desk/brief/internal/interrupt"
	"github.com/brief-desk/brief/internal/pdf"
	"github.com/brief-desk/brief/internal/preview"
	"github.com/brief-desk/brief/internal/projectfs"
	"github.com/brief-desk/brief/internal/scaffold"
)

// UsageError is a mistake in the command line itself: exit status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// ExitCode maps an error from Run to the process exit status: 0 success,
// 1 invalid input or failed build, 2 wrong usage.
func ExitCode(err error) int {
	var ue *UsageError
	var rep *reportedError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &rep):
		return rep.status
	}
	return 1
}

// commands is each command's synopsis: the one text that the usage, the
// command's own help and the README's command line show (TestSynopses
// holds the three, and the flags each command defines, to it).
var commands = []struct{ name, synopsis string }{
	{"build", "build [--src DIR] [--out DIR] [--drafts] [--future] [--base-url URL] [--pdf] [--cache DIR] [--no-cache] [--quiet]"},
	{"serve", "serve [--src DIR] [--addr 127.0.0.1:8080] [--drafts]"},
	{"check", "check [--src DIR] [--drafts] [--future] [--strict]"},
	{"new", `new   [--src DIR] [--date YYYY-MM-DD] "Title of the briefing"`},
	{"init", "init  [DIR]"},
	{"import", "import FILE --id ID [--kind KIND] [--sheet NAME] [--src DIR] [--force] [--update [--on DATE] [--prune]] [--dayfirst | --monthfirst]"},
	{"mail", "mail  [--src DIR] [--slug SLUG] [--drafts] [--future] [--to ADDR]... [--from ADDR] [--base-url URL] [--pdf] [--eml FILE] [--send | --dry-run]"},
	{"deploy", "deploy [--src DIR] [--out DIR] [--dry-run] [--force] [--adopt]"},
	{"version", "version"},
	{"help", "help [command]"},
}

// synopsis is a command's synopsis, its words single-spaced.
func synopsis(name string) string {
	for _, c := range commands {
		if c.name == name {
			return strings.Join(strings.Fields(c.synopsis), " ")
		}
	}
	panic("no synopsis for " + name)
}

// usage is what brief prints with no command, or with help.
var usage = func() string {
	var b strings.Builder
	b.WriteString("brief turns datasets and markdown commentary into a static briefing site.\n\nUsage:\n")
	for _, c := range commands {
		b.WriteString("  brief " + c.synopsis + "\n")
	}
	b.WriteString("\nRun 'brief help <command>' for a command's flags.\nExit status: 0 success, 1 invalid input or failed build, 2 wrong usage.\n")
	return b.String()
}()

// Run runs brief with args (without the program name). Errors have been
// printed to stderr by the time it returns; the error only carries the exit
// status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runMain(ctx, args, stdout, stderr, nil)
}

// RunDeploy is the brief-deploy program: brief deploy with args (without
// the program name), its work done in this process by do (deploy.Deploy),
// stopped by an interrupt or SIGTERM as brief's commands are. brief itself
// runs that program for a deploy (see runDeployProgram).
func RunDeploy(ctx context.Context, args []string, stdout, stderr io.Writer, do deployspec.Func) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runMain(ctx, append([]string{"deploy"}, args...), stdout, stderr, do)
}

// runMain is Run, with do to deploy in this process (nil: run
// brief-deploy).
func runMain(ctx context.Context, args []string, stdout, stderr io.Writer, do deployspec.Func) error {
	stop, err := profile(os.Getenv("BRIEF_CPUPROFILE"))
	if err != nil {
		fmt.Fprintf(stderr, "brief: BRIEF_CPUPROFILE: %v\n", err)
		return err
	}
	stopTrace, err := traceTo(os.Getenv("BRIEF_TRACE"))
	if err != nil {
		stop()
		fmt.Fprintf(stderr, "brief: BRIEF_TRACE: %v\n", err)
		return err
	}
	err = run(ctx, args, stdout, stderr, do)
	stopTrace()
	stop()
	var rep *reportedError
	if err == nil || errors.As(err, &rep) {
		return err
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// Ctrl-C: builds write nothing until the end, so nothing changed.
		fmt.Fprintln(stderr, "brief: interrupted; nothing was written")
		return err
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "brief: %s\n", diag.Line(ue.Msg))
		return err
	}
	printErrors(stderr, err)
	return err
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, do deployspec.Func) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &UsageError{Msg: "no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build":
		return cmdBuild(ctx, rest, stdout, stderr)
	case "check":
		return cmdCheck(ctx, rest, stdout, stderr)
	case "new":
		return cmdNew(ctx, rest, stdout, stderr)
	case "init":
		return cmdInit(rest, stdout)
	case "import":
		return cmdImport(ctx, rest, stdout, stderr)
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "mail":
		return cmdMail(ctx, rest, stdout, stderr)
	case "deploy":
		return cmdDeploy(ctx, rest, stdout, stderr, do)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "brief %s %s/%s %s\n", Version(), runtime.GOOS, runtime.GOARCH, runtime.Version())
		return nil
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && rest[0] != "help" {
			return run(ctx, []string{rest[0], "-h"}, stdout, stderr, do)
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &UsageError{Msg: fmt.Sprintf("unknown command %q", cmd)}
}

// Version is the module version the binary was built from, with the VCS
// revision when the build recorded one: "v1.2.0", or
// "v0.0.0-20261201100000-3b578c6a1f2e+dirty (revision 3b578c6a1f2e, 2026-12-01T10:00:00Z, modified)".
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel (no build information)"
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		if v == "devel" {
			v += " (no VCS revision: built outside a clone, or with -buildvcs=false)"
		}
		return v
	}
	parts := []string{"revision " + rev[:min(len(rev), 12)]}
	if at != "" {
		parts = append(parts, at)
	}
	if modified {
		parts = append(parts, "modified")
	}
	return v + " (" + strings.Join(parts, ", ") + ")"
}

// parse parses flags that may come before or after the positional arguments.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return nil, flag.ErrHelp
		}
		if err != nil {
			return nil, &UsageError{Msg: fmt.Sprintf("%s: %v (see 'brief help %s')", fs.Name(), err, fs.Name())}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlags(name, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: brief %s\n\n%s\n\nFlags:\n", synopsis(name), about)
		fs.PrintDefaults()
	}
	return fs
}

func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("build", "Builds the site into --out (default DIR/public). The new site replaces the old one\nonly when the whole build succeeded. Unchanged files keep their modification time.\nRendered pages and workbooks are cached in --cache (safe to delete).")
	var opts build.Options
	fs.StringVar(&opts.Src, "src", ".", "project `DIR`ectory")
	fs.StringVar(&opts.Out, "out", "", "output `DIR`ectory (default: DIR/public)")
	fs.BoolVar(&opts.Drafts, "drafts", false, "include briefings marked draft = true")
	fs.BoolVar(&opts.Future, "future", false, "include briefings dated after today (UTC, or SOURCE_DATE_EPOCH's day)")
	fs.StringVar(&opts.BaseURL, "base-url", "", "absolute `URL` the site is published at (overrides site.toml)")
	cacheDir := fs.String("cache", "", "`DIR`ectory of the build cache (default: DIR/.brief-cache)")
	noCache := fs.Bool("no-cache", false, "render everything; neither read nor write the build cache")
	quiet := fs.Bool("quiet", false, "print nothing but warnings and errors")
	fs.BoolVar(&opts.PDF, "pdf", false, "also print each briefing as a PDF (as site.toml's [pdf] enabled = true); needs Chromium")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) > 0 {
		return &UsageError{Msg: fmt.Sprintf("build takes no arguments, got %q", pos)}
	}
	defer withPrinter(ctx, &opts)()
	if !*noCache {
		opts.CacheDir = cmp.Or(*cacheDir, filepath.Join(opts.Src, ".brief-cache"))
	}
	var bar *progress
	if !*quiet && isTerminal(stderr) {
		bar = &progress{w: stderr}
		opts.Progress = bar.update
	}
	opts.ECharts = os.Getenv("BRIEF_ECHARTS")
	if opts.Epoch, err = sourceDateEpoch(); err != nil {
		return err
	}
	res, err := build.Build(ctx, opts)
	bar.clear()
	if err != nil {
		return err
	}
	printWarnings(stderr, res.Warnings)
	if *quiet {
		return nil
	}
	for _, f := range res.Files {
		if (strings.HasSuffix(f, ".xlsx") || strings.HasSuffix(f, ".csv") || strings.HasSuffix(f, ".pdf")) && !res.Same[f] {
			size := ""
			if st, err := os.Stat(filepath.Join(res.Out, filepath.FromSlash(f))); err == nil {
				size = fmt.Sprintf(" (%d KB)", (st.Size()+1023)/1024)
			}
			fmt.Fprintf(stdout, "wrote %s%s\n", filepath.ToSlash(filepath.Join(res.Out, f)), size)
		}
	}
	fmt.Fprintf(stdout, "built %s: %d files, %d written, %d unchanged, %d removed, in %s\n",
		res.Out, len(res.Files), res.Written, res.Unchanged, res.Removed, res.Elapsed.Round(time.Millisecond))
	return nil
}

// withPrinter gives a build the browser that prints its PDFs, if there is
// one: started only when a PDF is to be printed, stopped by the returned
// func. Whether the build wants PDFs is site.toml's to say, so a missing
// browser is the build's error, not this one's.
func withPrinter(ctx context.Context, opts *build.Options) func() {
	exe, err := pdf.Find()
	if err != nil {
		opts.NoPrinter = err
		return func() {}
	}
	b := pdf.New(ctx, exe)
	opts.Printer = b
	return func() { b.Close() }
}

// isTerminal reports whether w is a terminal, where a progress line helps.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress draws "made N of M files" on one line of a terminal, at
// most ten times a second. Safe for concurrent use; a nil progress does
// nothing.
type progress struct {
	w     io.Writer
	what  string // "made" unless set
	mu    sync.Mutex
	last  time.Time
	shown bool
}

func (p *progress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if done < total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%s %d of %d files", cmp.Or(p.what, "made"), done, total)
	p.shown = true
}

func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "Builds the site in memory and serves it, rebuilding and reloading open pages\nwhen a file changes. Build errors show on every page; the server keeps running.\nNothing is written to the project. Ctrl-C stops it.")
	var opts build.Options
	fs.StringVar(&opts.Src, "src", ".", "project `DIR`ectory")
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on; loopback unless you say otherwise")
	fs.BoolVar(&opts.Drafts, "drafts", false, "include briefings marked draft = true")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) > 0 {
		return &UsageError{Msg: fmt.Sprintf("serve takes no arguments, got %q", pos)}
	}
	if st, err := os.Stat(opts.Src); err != nil || !st.IsDir() {
		return fmt.Errorf("project folder %s does not exist", opts.Src)
	}
	opts.ECharts = os.Getenv("BRIEF_ECHARTS")
	if opts.Epoch, err = sourceDateEpoch(); err != nil {
		return err
	}
	ln, err := preview.Listen(*addr)
	if err != nil {
		return err
	}
	w, err := preview.NewWatcher(opts.Src)
	if err != nil {
		ln.Close()
		return fmt.Errorf("cannot watch %s: %w", opts.Src, err)
	}
	srv := preview.New(opts, stderr)
	if h, _, err := net.SplitHostPort(*addr); err == nil {
		srv.AllowHost(h)
	}
	srv.Rebuild(ctx)
	host := ln.Addr().String()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(stderr, "warning: serving on %s, reachable from other machines\n", host)
	}
	fmt.Fprintf(stdout, "serving %s at http://%s/ (Ctrl-C to stop)\n", opts.Src, host)
	err = srv.Run(ctx, ln, w)
	fmt.Fprintln(stdout, "stopped")
	return err
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", "Validates the project as a build would, including rendering, without writing\nanything into the project. It also looks for every figure typed in the prose\n(with %, $ or a unit of the data) among the values of the briefing's data,\nand warns about those it cannot find.")
	var opts check.Options
	fs.StringVar(&opts.Src, "src", ".", "project `DIR`ectory")
	fs.BoolVar(&opts.Drafts, "drafts", false, "also list drafts as published (they are always checked)")
	fs.BoolVar(&opts.Future, "future", false, "also list briefings dated after today as published (they are always checked)")
	fs.BoolVar(&opts.Strict, "strict", false, "make typed figures that match no value errors, not warnings")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) > 0 {
		return &UsageError{Msg: fmt.Sprintf("check takes no arguments, got %q", pos)}
	}
	opts.ECharts = os.Getenv("BRIEF_ECHARTS")
	// Check prints no PDF: printing every briefing of an archive takes
	// minutes and a browser, and tells nothing the build's own checks of
	// the print rendering do not (docs/format.md, "PDF edition").
	opts.NoPDF = true
	res, err := check.Check(ctx, opts)
	if err != nil {
		return err
	}
	printWarnings(stderr, res.Warnings)
	fmt.Fprintf(stdout, "ok: %d files would be written\n", len(res.Files))
	return nil
}

func cmdNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("new", "Writes content/briefings/<date>-<slug>.md with front matter, as a draft.\nIt never overwrites a file.")
	src := fs.String("src", ".", "project `DIR`ectory")
	date := fs.String("date", "", "the briefing's date (default: today)")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) != 1 || strings.TrimSpace(pos[0]) == "" {
		return &UsageError{Msg: `new takes one argument, the title: brief new "Miners turn AI landlords"`}
	}
	day := time.Now()
	if *date != "" {
		if day, err = time.Parse(time.DateOnly, *date); err != nil {
			return &UsageError{Msg: fmt.Sprintf("new: --date: want YYYY-MM-DD, got %q", *date)}
		}
	}
	if err := checkProject(*src); err != nil {
		return err
	}
	name, text, err := content.Draft(pos[0], day)
	if err != nil {
		return fmt.Errorf("new: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err // interrupted before anything was written
	}
	dir := filepath.Join(*src, "content", "briefings")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	full := filepath.Join(dir, name)
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists; brief new never overwrites a briefing: choose another title or --date", filepath.ToSlash(full))
		}
		return err
	}
	if _, err := f.Write(text); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (a draft: build it with --drafts, publish it with draft = false)\n", filepath.ToSlash(full))
	if content.Slugify(pos[0]) == "" {
		fmt.Fprintf(stdout, "the title has no letters or digits to name the file after: rename the file, or set slug = \"...\" in it, to choose its address\n")
	}
	return nil
}

func cmdInit(args []string, stdout io.Writer) error {
	fs := newFlags("init", "Writes a new project into DIR (default: the current folder): site.toml with every\nkey explained, a small dataset of each kind, a first briefing with a chart and a\ntable that says how to write the next one, and a .gitignore. It never overwrites a\nfile; then run brief build or brief serve there.")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) > 1 {
		return &UsageError{Msg: fmt.Sprintf("init takes at most one folder, got %q", pos)}
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	written, err := scaffold.Write(dir)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	for _, f := range written {
		fmt.Fprintf(stdout, "wrote %s\n", filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(f))))
	}
	next := "brief build"
	if dir != "." {
		next = "cd " + shellQuote(dir) + " && brief build"
	}
	fmt.Fprintf(stdout, "a new project: run %s, then open public/index.html (or brief serve to preview as you write)\n", next)
	return nil
}

// shellQuote quotes a folder for a POSIX shell, so that the hint can be
// pasted as it is: a name of safe characters stays as it is, any other is
// put in single quotes (a quote in it closes them, is escaped with a
// backslash, and opens them again); a name that starts
// with "-" gets "./", so that cd does not read it as an option.
func shellQuote(dir string) string {
	if strings.HasPrefix(dir, "-") {
		dir = "./" + dir
	}
	safe := dir != "" && !strings.ContainsFunc(dir, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./+,:@%", r))
	})
	if safe {
		return dir
	}
	return "'" + strings.ReplaceAll(dir, "'", `'\''`) + "'"
}

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", "Turns a CSV file, or a sheet of an XLSX workbook, into the typed dataset\ndata/ID.toml: the first row names the columns; types, dates and percentages are\nread from the cells. It never replaces a dataset unless --force. With --update it\nmerges the file into data/ID.toml by the rows' key, keeping its metadata and\ncomments, and records revisions of rows a published briefing showed.")
	src := fs.String("src", ".", "project `DIR`ectory")
	id := fs.String("id", "", "the dataset's `ID`: the file data/ID.toml (required)")
	kind := fs.String("kind", "", "series, moves, deals, table or entities (default table)")
	sheet := fs.String("sheet", "", "the `NAME` of the XLSX sheet (default the first; with --update, the one named ID if there is one)")
	force := fs.Bool("force", false, "replace data/ID.toml if it exists")
	update := fs.Bool("update", false, "merge the file into the existing data/ID.toml")
	on := fs.String("on", "", "with --update, the `DATE` of the update (default: today)")
	prune := fs.Bool("prune", false, "with --update, remove the rows the file lacks")
	dayFirst := fs.Bool("dayfirst", false, "read 03/04/2026 as 3 April")
	monthFirst := fs.Bool("monthfirst", false, "read 03/04/2026 as 4 March")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) != 1 || *id == "" {
		return &UsageError{Msg: "import takes one file and --id: brief import prices.csv --id prices"}
	}
	order, day, err := importFlags(*kind, *update, *force, *prune, *dayFirst, *monthFirst, *on)
	if err != nil {
		return err
	}
	if err := checkProject(*src); err != nil {
		return err
	}
	data, err := readFile(ctx, pos[0])
	var located *diag.Error
	if errors.As(err, &located) {
		return err
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	// excelize parses a workbook's strings and styles without a context, so
	// the import may go on after Ctrl-C returns: what it unpacks goes into
	// a folder of this command's, removed on the way out.
	tmp, err := os.MkdirTemp("", "brief-import-")
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer os.RemoveAll(tmp)
	opts := importer.Options{ID: *id, Kind: dataset.Kind(*kind), Sheet: *sheet, Order: order, TmpDir: tmp}
	target := filepath.Join(*src, "data", *id+".toml")
	if *update {
		return importUpdate(ctx, pos[0], data, target, day, *prune, opts, stdout, stderr)
	}
	out, err := interrupt.Wait(ctx, func() ([]byte, error) {
		return importer.Import(ctx, filepath.ToSlash(pos[0]), data, opts)
	}, nil)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(target); err == nil && !*force {
		return fmt.Errorf("%s already exists; brief import never replaces a dataset unless you pass --force (or --update, to merge the file into it)", filepath.ToSlash(target))
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	if err := replaceFile(ctx, target, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d rows); set its source, and check the column labels and formats\n", filepath.ToSlash(target), bytes.Count(out, []byte("[[rows]]")))
	return nil
}

// importFlags checks the flags of import that go together: the kind, the
// order of slash dates, and --update with --on and --prune.
func importFlags(kind string, update, force, prune, dayFirst, monthFirst bool, on string) (importer.DateOrder, time.Time, error) {
	switch dataset.Kind(kind) {
	case "", dataset.KindSeries, dataset.KindMoves, dataset.KindDeals, dataset.KindTable, dataset.KindEntities:
	default:
		return "", time.Time{}, &UsageError{Msg: fmt.Sprintf("import: --kind %q: use series, moves, deals, table or entities", kind)}
	}
	var order importer.DateOrder
	switch {
	case dayFirst && monthFirst:
		return "", time.Time{}, &UsageError{Msg: "import: --dayfirst and --monthfirst: give one of them"}
	case dayFirst:
		order = importer.DayFirst
	case monthFirst:
		order = importer.MonthFirst
	}
	var day time.Time
	switch {
	case update && (force || kind != ""):
		return "", time.Time{}, &UsageError{Msg: "import: --update keeps the dataset's kind and metadata: leave out --force and --kind"}
	case !update && (on != "" || prune):
		return "", time.Time{}, &UsageError{Msg: "import: --on and --prune go with --update"}
	case on != "":
		var err error
		if day, err = time.Parse(time.DateOnly, on); err != nil {
			return "", time.Time{}, &UsageError{Msg: fmt.Sprintf("import: --on: want YYYY-MM-DD, got %q", on)}
		}
	}
	return order, day, nil
}

// importUpdate is brief import --update: the file merged into the dataset
// at target, dated day (zero for today), written only when it changed and
// only as a whole.
func importUpdate(ctx context.Context, file string, data []byte, target string, day time.Time, prune bool, opts importer.Options, stdout, stderr io.Writer) error {
	if err := importer.CheckID(opts.ID); err != nil {
		return err // before the id names a file
	}
	name := filepath.ToSlash(target)
	cur, err := os.ReadFile(target)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist: brief import --update refreshes a dataset, so import the file once without --update", name)
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	today, err := sourceDateEpoch()
	if err != nil {
		return err
	}
	if today.IsZero() {
		today = time.Now().UTC()
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if day.IsZero() {
		day = today
	}
	// The briefings are read as the build reads them: nothing through a
	// link that leaves the project.
	pfs, err := projectfs.Open(filepath.Dir(filepath.Dir(target)))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer pfs.Close()
	published, showing, err := importer.Published(pfs, opts.ID, today)
	if err != nil {
		return err
	}
	res, err := interrupt.Wait(ctx, func() (*importer.Result, error) {
		return importer.Update(ctx, filepath.ToSlash(file), data, cur, importer.UpdateOptions{
			Options: opts, File: name, Prune: prune, On: day, Published: published})
	}, nil)
	if err != nil {
		return err
	}
	printWarnings(stderr, res.Notes)
	if res.Text != nil {
		if err := replaceFile(ctx, target, res.Text); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: %s\n", name, res.Summary())
	if res.Recorded > 0 {
		rows := fmt.Sprintf("%d rows on or before its date are", res.Recorded)
		if res.Recorded == 1 {
			rows = "1 row on or before its date is"
		}
		fmt.Fprintf(stdout, "%s (%s) shows %s: %s recorded as of %s (revisions, added, removed), so it keeps what it published\n",
			filepath.ToSlash(showing), published.Format(time.DateOnly), opts.ID, rows, res.On.Format(time.DateOnly))
	}
	return nil
}

// readFile reads a file of at most importer.MaxFile bytes, or returns
// ctx's error when ctx is done first: a file can be a pipe that never ends,
// or on a mount that hangs, and Ctrl-C must still stop brief. (The read
// goes on until the process exits.)
func readFile(ctx context.Context, name string) ([]byte, error) {
	return interrupt.Wait(ctx, func() ([]byte, error) {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		tooLarge := diag.Errorf(diag.Pos{File: filepath.ToSlash(name), Line: 1, Col: 1},
			"the file is larger than the %d MB brief imports: split it, or import the rows a dataset needs", importer.MaxFile>>20)
		if st, err := f.Stat(); err == nil && st.Size() > importer.MaxFile {
			return nil, tooLarge
		}
		data, err := io.ReadAll(io.LimitReader(f, importer.MaxFile+1)) // a pipe has no size
		if err == nil && len(data) > importer.MaxFile {
			return nil, tooLarge
		}
		return data, err
	}, nil)
}

// replaceFile writes data to path in one step: into a new file beside it
// (atomicfile), with the mode the project's other files have (0644 less the
// umask), then renamed over it. When ctx is done before the rename, the new
// file is removed and ctx's error returned: the old file, or none, stays.
func replaceFile(ctx context.Context, path string, data []byte) error {
	f, err := atomicfile.New(path)
	if err != nil {
		return err
	}
	defer f.Discard() // after the rename, it removes nothing
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.Commit()
}

// checkProject refuses a --src that does not exist, or that is a folder
// with files but none of a project's (site.toml, data/, content/), so that
// a mistyped --src never makes folders in the wrong place. An empty folder
// is a new project.
func checkProject(src string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("project folder %s does not exist; check --src", src)
		}
		return fmt.Errorf("project folder %s: %w", src, err)
	}
	if len(entries) == 0 {
		return nil
	}
	for _, e := range entries {
		switch e.Name() {
		case "site.toml", "data", "content":
			return nil
		}
	}
	return fmt.Errorf("%s does not look like a brief project (it has no site.toml, data/ or content/); check --src, or run brief new inside your project", src)
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH (seconds since 1970, UTC), the
// reproducible-builds convention for the time stamps a build writes.
func sourceDateEpoch() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, got %q", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

// helpOK turns -h into success.
func helpOK(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func printErrors(w io.Writer, err error) {
	var list *diag.List
	var one *diag.Error
	if !errors.As(err, &list) && errors.As(err, &one) && err == error(one) {
		// A located error alone is a list of one: file:line:col first.
		list = &diag.List{}
		list.Add(one)
	}
	if list != nil {
		errs := list.Errors()
		for _, e := range errs {
			fmt.Fprintln(w, e.Error())
		}
		noun := "errors"
		if len(errs) == 1 {
			noun = "error"
		}
		fmt.Fprintf(w, "brief: %d %s; nothing was written\n", len(errs), noun)
		return
	}
	fmt.Fprintf(w, "brief: %s\n", diag.Line(err.Error())) // what it quotes may be long: a flag's value, a path
}

func printWarnings(w io.Writer, warns []*diag.Error) {
	for _, e := range warns {
		if e.Pos.File == "" {
			fmt.Fprintf(w, "warning: %s\n", e.Msg)
			continue
		}
		fmt.Fprintf(w, "%s: warning: %s\n", e.Pos, e.Msg)
	}
}

// profile starts a CPU profile of the command into file when one is named
// (BRIEF_CPUPROFILE, docs/performance.md): what a desk sends with a report
// of a slow build, and how this project's speed work is measured. stop
// ends it.
func profile(file string) (stop func(), err error) {
	return recordInto(file, pprof.StartCPUProfile, pprof.StopCPUProfile)
}

// traceTo writes an execution trace of the command into file when one is
// named (BRIEF_TRACE): the build marks its phases as regions, which
// scripts/phases.sh times (docs/performance.md). stop ends it.
func traceTo(file string) (stop func(), err error) {
	return recordInto(file, trace.Start, trace.Stop)
}

// recordInto starts a recording (a profile, a trace) into file, when one
// is named; stop ends it and closes the file.
func recordInto(file string, start func(io.Writer) error, end func()) (stop func(), err error) {
	if file == "" {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		end()
		f.Close()
	}, nil
}
