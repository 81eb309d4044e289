package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Server is where --send delivers: BRIEF_SMTP_URL, with the password from
// BRIEF_SMTP_PASSWORD (never from a file in the project).
type Server struct {
	URL      string // smtp://user@host:587 or smtps://user@host:465
	Password string
	// TLS, when not nil, replaces the system's TLS settings (tests).
	TLS *tls.Config
}

// Send delivers the message in one SMTP transaction. STARTTLS is required
// unless the host is a loopback address; smtps:// speaks TLS from the
// start. If the server refuses any recipient, nothing is sent.
func Send(ctx context.Context, srv Server, m *Message) error {
	if srv.URL == "" {
		return errors.New("no mail server: set BRIEF_SMTP_URL (smtp://user@host:587) and BRIEF_SMTP_PASSWORD, or write the message with --eml FILE")
	}
	u, err := url.Parse(srv.URL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return fmt.Errorf("BRIEF_SMTP_URL %q: write smtp://user@host:587 or smtps://user@host:465", redact(srv.URL))
	}
	if _, set := u.User.Password(); set {
		return errors.New("BRIEF_SMTP_URL holds a password: put it in BRIEF_SMTP_PASSWORD instead")
	}
	host := u.Hostname()
	port := 587
	if u.Scheme == "smtps" {
		port = 465
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return fmt.Errorf("BRIEF_SMTP_URL: bad port %q", p)
		}
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(30 * time.Second), gomail.WithTLSPolicy(gomail.TLSMandatory)}
	if loopback(host) {
		opts[2] = gomail.WithTLSPolicy(gomail.TLSOpportunistic)
	}
	if u.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSL())
	}
	if srv.TLS != nil {
		opts = append(opts, gomail.WithTLSConfig(srv.TLS))
	}
	if user := u.User.Username(); user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(user), gomail.WithPassword(srv.Password))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return fmt.Errorf("mail server %s: %w", host, err)
	}
	if err := c.DialAndSendWithContext(ctx, m.Msg); err != nil {
		return explain(host, port, err)
	}
	return nil
}

// explain turns a delivery error into what to do about it.
func explain(host string, port int, err error) error {
	msg := err.Error()
	var se *gomail.SendError
	switch {
	case errors.As(err, &se) && se.Reason == gomail.ErrSMTPRcptTo:
		return fmt.Errorf("the server refused a recipient, so nothing was sent: %s; correct or remove the address and send again", msg)
	case strings.Contains(msg, "certificate") || strings.Contains(msg, "x509"):
		return fmt.Errorf("mail server %s:%d: its TLS certificate is not valid for it (%v); check BRIEF_SMTP_URL's host name", host, port, err)
	case strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such host") || strings.Contains(msg, "i/o timeout"):
		return fmt.Errorf("mail server %s:%d cannot be reached (%v); check BRIEF_SMTP_URL and that the server is up", host, port, err)
	case strings.Contains(msg, "STARTTLS"):
		return fmt.Errorf("mail server %s:%d does not offer STARTTLS, which brief requires for a server that is not on this machine (%v)", host, port, err)
	}
	return fmt.Errorf("sending through %s:%d: %w", host, port, err)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redact hides a password in a URL for a message.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(not a URL)"
}
