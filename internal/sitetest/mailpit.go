package sitetest

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Mailpit starts a real SMTP server (Mailpit, skipping the test where it
// is missing) on free loopback ports, stopped when the test ends, and
// returns its SMTP address (host:port) and its API's base URL. A free
// port can be taken by another process (another package's Mailpit)
// between the check and Mailpit's bind: a Mailpit that cannot bind stops,
// and is started again on new ports; and the API is taken to be this
// Mailpit's only when it names this Mailpit's database, so that the test
// never talks to another one that holds the port.
func Mailpit(t testing.TB, args ...string) (smtpAddr, api string) {
	t.Helper()
	bin, err := exec.LookPath("mailpit")
	if err != nil {
		SkipWithout(t, "Mailpit", "go install github.com/axllent/mailpit@v1.33.1")
	}
	var said []byte
	for range 5 {
		smtpAddr, httpAddr := FreeAddr(t), FreeAddr(t)
		db := filepath.Join(t.TempDir(), "mail.db")
		var out bytes.Buffer
		cmd := exec.Command(bin, append([]string{"--smtp", smtpAddr, "--listen", httpAddr, "--database", db, "--disable-version-check"}, args...)...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stop := func() { cmd.Process.Kill(); <-exited }
		switch startedAs(httpAddr, db, exited) {
		case "up":
			t.Cleanup(stop)
			return smtpAddr, "http://" + httpAddr
		case "slow":
			stop()
			t.Fatalf("Mailpit did not start in 60 s; it said:\n%s", out.String())
		}
		said = out.Bytes() // it stopped: a port was taken
	}
	t.Fatalf("Mailpit stopped five times on free ports; the last said:\n%s", said)
	return "", ""
}

// startedAs waits until the Mailpit at addr answers as the one with the
// database db ("up"), the process exits ("exited"), or a minute passes
// ("slow": a loaded machine, as CI's second run of the suite, can take
// long to start it).
func startedAs(addr, db string, exited <-chan struct{}) string {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		select {
		case <-exited:
			return "exited"
		case <-time.After(50 * time.Millisecond):
		}
		resp, err := http.Get("http://" + addr + "/api/v1/info")
		if err != nil {
			continue
		}
		var info struct{ Database string }
		err = json.NewDecoder(resp.Body).Decode(&info)
		resp.Body.Close()
		if err == nil && info.Database == db {
			return "up"
		}
	}
	return "slow"
}

// FreeAddr is a loopback address whose port was free a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
