package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/gen"
)

// stopWithin is how long a command may take to stop after SIGINT or
// SIGTERM: it checks for the signal between rows, files and messages, so it
// stops in milliseconds; the bound leaves room for a loaded machine. Before
// issue 21 an import ignored both signals for good.
const stopWithin = 5 * time.Second

// TestInterrupt runs the real binary on long work, for each command that
// has any, sends SIGINT (or SIGTERM) while it is busy, and checks that it
// stops promptly, says "interrupted", exits 1 (not killed), and leaves
// nothing behind: no dataset, no temporary file beside it, nothing in
// TMPDIR (where excelize unpacks large sheets). brief new and brief init
// write a few small files and have no long work to interrupt.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs brief on long work")
	}
	dir := t.TempDir()
	proj := filepath.Join(dir, "proj")
	if err := gen.Write(proj, 200); err != nil {
		t.Fatal(err)
	}
	rows := filepath.Join(dir, "rows.xlsx")
	writeRowsWorkbook(t, rows, excelize.TotalRows+10)
	fifo := filepath.Join(dir, "slow.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	smtp := silentServer(t)
	s3, deployProj, binDir := deployToSilence(t, dir)

	tests := []struct {
		name  string
		sig   syscall.Signal
		args  []string
		ready func(t *testing.T, cmd *exec.Cmd, stdout *syncBuffer)
	}{
		{"import a sheet past the last row", syscall.SIGINT, []string{"import", rows, "--id", "x", "--src", proj}, busy},
		{"import, SIGTERM", syscall.SIGTERM, []string{"import", rows, "--id", "x", "--src", proj}, busy},
		{"import from a pipe that never ends", syscall.SIGINT, []string{"import", fifo, "--id", "x", "--src", proj}, openWriter(fifo)},
		{"build", syscall.SIGINT, []string{"build", "--src", proj, "--no-cache", "--quiet"}, busy},
		{"check", syscall.SIGINT, []string{"check", "--src", proj}, busy},
		{"mail to a server that never answers", syscall.SIGINT, []string{"mail", "--src", proj, "--from", "Desk <desk@example.com>", "--to", "a@example.com", "--send"}, smtp.accepted},
		{"serve", syscall.SIGINT, []string{"serve", "--src", proj, "--addr", "127.0.0.1:0"}, printed("serving")},
		// brief passes the interrupt on to the brief-deploy it runs.
		{"deploy to a storage server that never answers", syscall.SIGINT, []string{"deploy", "--src", deployProj}, s3.accepted},
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			cmd := exec.Command(exe, tt.args...)
			cmd.Env = append(os.Environ(), asBrief+"=1", "TMPDIR="+tmp, "SOURCE_DATE_EPOCH=",
				"XDG_CACHE_HOME="+filepath.Join(dir, "keys"), "BRIEF_SMTP_URL=smtp://"+smtp.addr,
				"PATH="+binDir+string(filepath.ListSeparator)+os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=brief", "AWS_SECRET_ACCESS_KEY=brief-secret")
			stdout, stderr := &syncBuffer{}, &syncBuffer{}
			cmd.Stdout, cmd.Stderr = stdout, stderr
			cmd.WaitDelay = time.Second // a child brief left running holds the pipes open
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			tt.ready(t, cmd, stdout)
			select {
			case err := <-exited:
				t.Fatalf("brief ended before the signal: %v\n%s%s", err, stdout, stderr)
			default:
			}
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				// serve's way to stop is Ctrl-C: it says "stopped" and
				// exits 0; the others say "interrupted" and exit 1.
				var ee *exec.ExitError
				stopped := tt.args[0] == "serve" && err == nil && strings.Contains(stdout.String(), "stopped")
				interrupted := strings.Contains(stderr.String(), "interrupted") && errors.As(err, &ee) && ee.ExitCode() == 1
				if !stopped && !interrupted || strings.Count(stderr.String(), "interrupted") > 1 {
					t.Errorf("after %v: %v\nstdout:\n%s\nstderr:\n%s", tt.sig, err, stdout, stderr)
				}
			case <-time.After(stopWithin):
				_ = cmd.Process.Kill()
				<-exited
				t.Fatalf("still running %v after %v\nstderr:\n%s", stopWithin, tt.sig, stderr)
			}
			left, _ := filepath.Glob(filepath.Join(proj, "data", "*x.toml*"))
			if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
				left = append(left, filepath.Join(tmp, entries[0].Name()))
			}
			if len(left) > 0 {
				t.Errorf("left behind: %s", left)
			}
		})
	}
}

// deployToSilence makes a project, built, whose [deploy] url is an S3
// server that accepts connections and never answers, and a folder holding
// brief-deploy (a link to the test binary, which TestMain runs as
// brief-deploy by that name) to put on PATH.
func deployToSilence(t *testing.T, dir string) (server *smtpServer, proj, binDir string) {
	server = silentServer(t)
	proj = filepath.Join(dir, "deploy")
	if err := gen.Write(proj, 2); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"build", "--src", proj, "--quiet", "--no-cache"}, &out, &out); err != nil {
		t.Fatalf("build: %v\n%s", err, &out)
	}
	f, err := os.OpenFile(filepath.Join(proj, "site.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\n[deploy]\nurl = \"s3://site?endpoint=http://%s&use_path_style=true&region=us-east-1\"\n", server.addr)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	binDir = filepath.Join(dir, "bin")
	if err := os.Mkdir(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(exe, filepath.Join(binDir, "brief-deploy")); err != nil {
		t.Fatal(err)
	}
	return server, proj, binDir
}

// busy waits until the process has had a third of a second of CPU: it is
// in the middle of its work.
func busy(t *testing.T, cmd *exec.Cmd, _ *syncBuffer) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid))
		if err != nil {
			t.Skipf("no /proc: %v", err)
		}
		// Fields after the command name: state is 3rd, utime 14th, stime 15th.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
		utime, _ := strconv.Atoi(f[11])
		stime, _ := strconv.Atoi(f[12])
		if utime+stime >= 33 { // clock ticks of 10 ms
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the process never got busy")
}

// openWriter opens a FIFO for writing, which returns once brief has opened
// it for reading, writes a header and leaves it open: the read never ends.
func openWriter(fifo string) func(*testing.T, *exec.Cmd, *syncBuffer) {
	return func(t *testing.T, _ *exec.Cmd, _ *syncBuffer) {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
		if _, err := io.WriteString(w, "a,b\n1,2\n"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// printed waits until stdout holds s.
func printed(s string) func(*testing.T, *exec.Cmd, *syncBuffer) {
	return func(t *testing.T, _ *exec.Cmd, stdout *syncBuffer) {
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(stdout.String(), s) {
			if time.Now().After(deadline) {
				t.Fatalf("never printed %q", s)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// smtpServer accepts connections and never says a word, as a hung mail
// server would.
type smtpServer struct {
	addr  string
	conns chan net.Conn
}

func silentServer(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{addr: ln.Addr().String(), conns: make(chan net.Conn, 16)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns <- c
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		for {
			select {
			case c := <-s.conns:
				c.Close()
			default:
				return
			}
		}
	})
	return s
}

// accepted waits until brief has connected (and so waits for the greeting).
func (s *smtpServer) accepted(t *testing.T, _ *exec.Cmd, _ *syncBuffer) {
	select {
	case c := <-s.conns:
		t.Cleanup(func() { c.Close() })
		time.Sleep(100 * time.Millisecond)
	case <-time.After(60 * time.Second):
		t.Fatal("brief never connected")
	}
}

// writeRowsWorkbook writes a workbook whose sheet has n rows of one number:
// a few MB that unpack to a sheet of 60 MB, streamed to the file.
func writeRowsWorkbook(t *testing.T, name string, n int) {
	var src bytes.Buffer
	if err := excelize.NewFile().Write(&src); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(src.Bytes()), int64(src.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, zf := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name != "xl/worksheets/sheet1.xml" {
			rc, _ := zf.Open()
			_, err = io.Copy(w, rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		bw.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>v</t></is></c></row>`)
		for r := 2; r <= n; r++ {
			fmt.Fprintf(bw, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, r, r, r)
		}
		bw.WriteString(`</sheetData></worksheet>`)
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDeployOutlivesNoBrief: brief killed outright (SIGKILL, which it
// cannot pass on) while the brief-deploy it runs is busy: the kernel
// interrupts brief-deploy, which stops rather than go on deploying with
// nobody to report it.
func TestDeployOutlivesNoBrief(t *testing.T) {
	if testing.Short() {
		t.Skip("runs brief and brief-deploy")
	}
	if runtime.GOOS != "linux" {
		t.Skip("only Linux tells a program that its parent died")
	}
	dir := t.TempDir()
	s3, proj, binDir := deployToSilence(t, dir)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "deploy", "--src", proj)
	cmd.Env = append(os.Environ(), asBrief+"=1", "XDG_CACHE_HOME="+filepath.Join(dir, "keys"),
		"PATH="+binDir+string(filepath.ListSeparator)+os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=brief", "AWS_SECRET_ACCESS_KEY=brief-secret")
	stderr := &syncBuffer{}
	cmd.Stderr, cmd.WaitDelay = stderr, time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s3.accepted(t, cmd, nil)
	children, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", cmd.Process.Pid))
	if err != nil || len(children) == 0 {
		t.Skipf("no /proc children files: %v", err)
	}
	var child int
	for _, f := range children {
		b, _ := os.ReadFile(f)
		if fields := strings.Fields(string(b)); len(fields) > 0 {
			child, _ = strconv.Atoi(fields[0])
		}
	}
	if child == 0 {
		t.Fatal("brief runs no brief-deploy")
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	deadline := time.Now().Add(stopWithin)
	for {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		// Gone, or a zombie that its new parent has yet to reap.
		if err != nil || bytes.Contains(stat, []byte(") Z ")) {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(child, syscall.SIGKILL)
			t.Fatalf("brief-deploy (pid %d) still deploying %v after brief was killed\n%s", child, stopWithin, stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
