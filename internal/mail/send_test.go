package mail_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	brmail "github.com/brief-desk/brief/internal/mail"
	"github.com/brief-desk/brief/internal/render"
)

func smallMessage(t *testing.T, to ...string) *brmail.Message {
	t.Helper()
	c := &brmail.Config{From: "Desk <desk@example.com>", To: to, Subject: "{title}"}
	e := &render.Email{Title: "T", Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), URL: "https://x.example/b/", HTML: []byte("<p>x</p>\n.\n"), Text: "x\n.\n"}
	m, err := brmail.Compose(c, "Desk", e, brmail.Stamp{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSendOutcomes: after the server's 250 to the message it is delivered,
// whatever happens to the connection afterwards (at most a warning);
// before it, it is not; when the line drops while the server holds the
// whole message and has not answered, it may have been. What the server
// gets is exactly the message's bytes, to the envelope's recipients.
func TestSendOutcomes(t *testing.T) {
	tests := []struct {
		mode    string
		warning bool   // sent, with a warning about closing
		err     error  // not sent (ErrNotSent) or unknown (ErrMaybeSent); nil: sent
		want    string // in the error
	}{
		{mode: ""},
		{mode: dropAfter250, warning: true},
		{mode: quitNoAnswer, warning: true},
		{mode: quitSilent, warning: true},
		{mode: refuseRcpt, err: brmail.ErrNotSent, want: "refused a recipient, so nothing was sent: <refused@example.com> (550 \"5.1.1 no such user <refused@example.com>\")"},
		{mode: busyAtData, err: brmail.ErrNotSent, want: "did not take the message (452 \"4.3.1 insufficient system storage\"); try again later"},
		{mode: refuseMessage, err: brmail.ErrNotSent, want: "the server refused the message (554 \"5.6.0 message refused\")"},
		{mode: dropBeforeAck, err: brmail.ErrMaybeSent, want: "before the server confirmed it"},
	}
	for _, tt := range tests {
		t.Run(cmp.Or(tt.mode, "works"), func(t *testing.T) {
			f := startFake(t, "tcp4", tt.mode)
			m := smallMessage(t, "a@example.com", "Refused <refused@example.com>")
			r, err := brmail.Send(context.Background(), brmail.Server{URL: f.URL, Timeout: time.Second}, m)
			delivered, from, rcpts := f.got()
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("got %v, want %v and %q", err, tt.err, tt.want)
				}
				if len(delivered) != 0 {
					t.Errorf("the server took %d messages", len(delivered))
				}
				return
			}
			if err != nil {
				t.Fatalf("a delivered message reported as failed: %v", err)
			}
			if (r.Warning != nil) != tt.warning || r.Reply != "2.0.0 queued as 1" {
				t.Errorf("receipt %+v, want a warning: %v", r, tt.warning)
			}
			if r.Warning != nil && !strings.Contains(r.Warning.Error(), "the message was sent: do not send it again") {
				t.Errorf("warning %v", r.Warning)
			}
			if len(delivered) != 1 || !bytes.Equal(delivered[0], m.Bytes) {
				t.Errorf("the server got %d messages, not the bytes of the message", len(delivered))
			}
			if !strings.HasPrefix(from, "FROM:<desk@example.com>") || strings.Join(rcpts, " ") != "<a@example.com> <refused@example.com>" {
				t.Errorf("envelope %s to %v", from, rcpts)
			}
		})
	}
}

// TestSendIPv6: a server at an IPv6 literal ([::1]) is reached.
func TestSendIPv6(t *testing.T) {
	f := startFake(t, "tcp6", "")
	if !strings.HasPrefix(f.URL, "smtp://[::1]:") {
		t.Fatalf("fake at %s", f.URL)
	}
	m := smallMessage(t, "a@example.com")
	if _, err := brmail.Send(context.Background(), brmail.Server{URL: f.URL}, m); err != nil {
		t.Fatal(err)
	}
	if delivered, _, _ := f.got(); len(delivered) != 1 {
		t.Errorf("%d messages delivered", len(delivered))
	}
}

// TestServerURL: a BRIEF_SMTP_URL that is not a well-formed smtp:// or
// smtps:// URL is never echoed (it may hold a password), and a user name
// with an escaped colon is refused.
func TestServerURL(t *testing.T) {
	m := smallMessage(t, "a@example.com")
	for _, tt := range []struct{ url, want string }{
		{"user:hunter2@mail.example:587", "not a well-formed smtp:// or smtps:// URL"},
		{"mail.example:587", "not a well-formed smtp:// or smtps:// URL"},
		{"http://user:hunter2@x.example", "not a well-formed smtp:// or smtps:// URL"},
		{"smtp://mail.example:hunter2", "not a well-formed smtp:// or smtps:// URL"},
		{"smtp://mail.example/hunter2", "not a well-formed smtp:// or smtps:// URL"},
		{"smtp://mail.example?hunter2", "not a well-formed smtp:// or smtps:// URL"},
		{"smtp://user%3Ahunter2@mail.example", "escaped colon"},
		{"smtp://user:hunter2@mail.example", "put it in BRIEF_SMTP_PASSWORD"},
		{"smtp://user@:587", "names no host"},
		{"smtp://mail.example:70000", "port 70000 is not a number from 1 to 65535"},
	} {
		_, err := brmail.Send(context.Background(), brmail.Server{URL: tt.url}, m)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: %v, want %q and no password", tt.url, err, tt.want)
		}
	}
}

// TestSendInterrupted: Ctrl-C while a server stalls (go-mail's client
// waits for it, holding its lock) returns at once, saying whether the
// message may have gone: before the end of the message it was not sent;
// after, it may have been.
func TestSendInterrupted(t *testing.T) {
	for _, tt := range []struct {
		mode string
		want error
	}{
		{stallAtData, brmail.ErrNotSent},
		{stallAtAck, brmail.ErrMaybeSent},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			f := startFake(t, "tcp4", tt.mode)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
			done := make(chan error, 1)
			go func() {
				_, err := brmail.Send(ctx, brmail.Server{URL: f.URL, Timeout: time.Minute}, smallMessage(t, "a@example.com"))
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), "interrupted") {
					t.Errorf("got %v, want %v, interrupted", err, tt.want)
				}
			case <-time.After(20 * time.Second): // far below the minute Send would wait
				t.Fatal("Send did not return on Ctrl-C while the server stalled")
			}
		})
	}
}
