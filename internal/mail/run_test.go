package mail_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	brmail "github.com/brief-desk/brief/internal/mail"
	"github.com/brief-desk/brief/internal/sitetest"
)

const runProject = `
-- mail.toml --
from = "Desk <desk@desk.example>"
to = ["a@example.com"]
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-08
+++
Text.
`

// TestRunSend: what brief mail --send --eml FILE tells and leaves for each
// way a server can fail: a message the server took is "sent" (a failed
// closing step is a warning, and the command succeeds, so that no one
// sends it twice), and FILE is then exactly the bytes sent; a message
// that was not sent fails and leaves no FILE; one that may have been
// fails, says so, and keeps FILE.
func TestRunSend(t *testing.T) {
	tests := []struct {
		mode    string
		err     error
		stderr  string
		keepEml bool
	}{
		{mode: "", keepEml: true},
		{mode: dropAfter250, stderr: "warning: 127.0.0.1:", keepEml: true},
		{mode: quitNoAnswer, stderr: "the message was sent: do not send it again", keepEml: true},
		{mode: busyAtData, err: brmail.ErrNotSent},
		{mode: refuseRcpt, err: brmail.ErrNotSent},
		{mode: dropBeforeAck, err: brmail.ErrMaybeSent, keepEml: true},
	}
	for _, tt := range tests {
		t.Run(cmp.Or(tt.mode, "works"), func(t *testing.T) {
			f := startFake(t, "tcp4", tt.mode)
			dir := sitetest.Write(t, "-- site.toml --\nbase_url = \"https://desk.example/\"\n"+runProject)
			eml := filepath.Join(t.TempDir(), "sent.eml")
			var stdout, stderr bytes.Buffer
			to := []string{"a@example.com"}
			if tt.mode == refuseRcpt {
				to = append(to, "refused@example.com")
			}
			err := brmail.Run(context.Background(), brmail.Job{
				Options: brmail.Options{Src: dir, To: to},
				Eml:     eml, Send: true, Server: brmail.Server{URL: f.URL},
			}, &stdout, &stderr)
			delivered, _, _ := f.got()
			saved, rerr := os.ReadFile(eml)
			if (rerr == nil) != tt.keepEml {
				t.Errorf("the copy exists: %v, want %v", rerr == nil, tt.keepEml)
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("got %v, want %v", err, tt.err)
			}
			if tt.err == nil {
				if !strings.HasPrefix(stdout.String(), `sent "Week one (8 January 2026)" to a@example.com`) || !strings.Contains(stdout.String(), `the server said "2.0.0 queued as 1"`) {
					t.Errorf("stdout %q", stdout.String())
				}
				if len(delivered) != 1 || !bytes.Equal(delivered[0], saved) {
					t.Errorf("the copy (%d bytes) is not the message sent", len(saved))
				}
			}
			if tt.err == brmail.ErrMaybeSent && !strings.Contains(err.Error(), "the message is in "+eml) {
				t.Errorf("the error does not name the copy: %v", err)
			}
			if !strings.Contains(stderr.String(), tt.stderr) || (tt.stderr == "") != (stderr.Len() == 0) {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.stderr)
			}
			if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(eml), ".*tmp*")); len(matches) > 0 {
				t.Errorf("left behind: %v", matches)
			}
		})
	}
}

// TestRunBaseURL: --send refuses a project without base_url before
// connecting; writing a file only warns that the links go to localhost.
func TestRunBaseURL(t *testing.T) {
	f := startFake(t, "tcp4", "")
	dir := sitetest.Write(t, runProject)
	var stdout, stderr bytes.Buffer
	err := brmail.Run(context.Background(), brmail.Job{Options: brmail.Options{Src: dir}, Send: true, Server: brmail.Server{URL: f.URL}}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "site.toml: no base_url: the email's links would go to http://localhost:8080/") {
		t.Errorf("send without base_url: %v", err)
	}
	if delivered, _, _ := f.got(); len(delivered) != 0 {
		t.Errorf("%d messages sent", len(delivered))
	}
	err = brmail.Run(context.Background(), brmail.Job{Options: brmail.Options{Src: dir, BaseURL: "https://desk.example/"}, Send: true, Server: brmail.Server{URL: f.URL}}, &stdout, &stderr)
	if delivered, _, _ := f.got(); err != nil || len(delivered) != 1 || !bytes.Contains(delivered[0], []byte("https://desk.example/briefings/w1/")) {
		t.Errorf("send with --base-url: %v", err)
	}
	stderr.Reset()
	eml := filepath.Join(t.TempDir(), "x.eml")
	if err := brmail.Run(context.Background(), brmail.Job{Options: brmail.Options{Src: dir}, Eml: eml}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "warning: no base_url: the email's links go to http://localhost:8080/") {
		t.Errorf("stderr %q", stderr.String())
	}
}
