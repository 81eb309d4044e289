package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/brief-desk/brief/internal/sitetest"
)

// TestMailPreview runs `make mail-preview`'s script against a real Mailpit
// on free loopback ports: it prints the message's own view, which shows
// the briefing, and stops the Mailpit it started by its PID on Ctrl-C; a
// Mailpit that was running before is used and left running.
func TestMailPreview(t *testing.T) {
	mailpit, err := exec.LookPath("mailpit")
	if err != nil {
		sitetest.SkipWithout(t, "Mailpit", "go install github.com/axllent/mailpit@v1.33.1")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	free := func() string { return sitetest.FreeAddr(t) }
	script := func(smtp, web string) (*exec.Cmd, io.WriteCloser, *bufio.Scanner) {
		cmd := exec.Command("bash", "../../scripts/mail-preview.sh", mailpit, exe, "../..")
		cmd.Env = append(os.Environ(), asBrief+"=1", "MAILPIT_SMTP="+smtp, "MAILPIT_HTTP="+web,
			"XDG_CACHE_HOME="+t.TempDir(), "SOURCE_DATE_EPOCH=")
		cmd.Stderr = os.Stderr
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd, stdin, bufio.NewScanner(stdout)
	}
	view := regexp.MustCompile(`^open (http://\S+/view/\w+\.html) to read it`)
	started := regexp.MustCompile(`^started Mailpit \(PID (\d+)\)`)
	readView := func(out *bufio.Scanner) (url string, pid int, lines []string) {
		for out.Scan() {
			lines = append(lines, out.Text())
			if m := started.FindStringSubmatch(out.Text()); m != nil {
				pid, _ = strconv.Atoi(m[1])
			}
			if m := view.FindStringSubmatch(out.Text()); m != nil {
				return m[1], pid, lines
			}
		}
		t.Fatalf("no view address in:\n%s", strings.Join(lines, "\n"))
		return "", 0, nil
	}
	checkView := func(url string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Miners turn AI landlords") {
			t.Errorf("%s: status %d, %d bytes without the briefing's title", url, resp.StatusCode, len(body))
		}
	}

	// Started here: stopped by its PID on Ctrl-C.
	cmd, stdin, out := script(free(), free())
	defer stdin.Close()
	url, pid, lines := readView(out)
	checkView(url)
	if pid == 0 {
		t.Fatalf("no PID of the Mailpit started:\n%s", strings.Join(lines, "\n"))
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(scannerRest(out))
	_ = cmd.Wait()
	if !strings.Contains(string(rest), "stopped Mailpit (PID "+strconv.Itoa(pid)+")") {
		t.Errorf("after Ctrl-C: %q", rest)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("Mailpit (PID %d) still runs after Ctrl-C", pid)
	}

	// Running before: used, and left running when the script ends.
	smtp, api := sitetest.Mailpit(t)
	web := strings.TrimPrefix(api, "http://")
	cmd, stdin2, out := script(smtp, web)
	url, pid, _ = readView(out)
	checkView(url)
	stdin2.Close()
	io.Copy(io.Discard, scannerRest(out))
	if err := cmd.Wait(); err != nil {
		t.Errorf("the script with a running Mailpit: %v", err)
	}
	if pid != 0 {
		t.Errorf("the script started a Mailpit (PID %d) though one was running", pid)
	}
	// The Mailpit that was running before still serves the message.
	checkView(url)
}

// scannerRest is what a scanner has not read yet, as a reader of lines.
func scannerRest(s *bufio.Scanner) io.Reader {
	r, w := io.Pipe()
	go func() {
		for s.Scan() {
			io.WriteString(w, s.Text()+"\n")
		}
		w.Close()
	}()
	return r
}
