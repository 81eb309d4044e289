package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/brief-desk/brief/internal/interrupt"
	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Server is where --send delivers: BRIEF_SMTP_URL, with the password from
// BRIEF_SMTP_PASSWORD (never from a file in the project).
type Server struct {
	URL      string // smtp://user@host:587 or smtps://user@host:465
	Password string
	// TLS, when not nil, replaces the system's TLS settings (tests).
	TLS *tls.Config
	// Timeout is how long to wait for the server at each step before the
	// message (default 30 s), and for the answer to QUIT after it.
	Timeout time.Duration
}

// dataTimeout bounds writing the message and waiting for the server's
// answer to it (RFC 5321 4.5.3.2 suggests 10 minutes for the answer).
const dataTimeout = 10 * time.Minute

// ErrNotSent marks a failure before the server took the message: nothing
// was delivered, sending again is safe.
var ErrNotSent = errors.New("the message was not sent")

// ErrMaybeSent marks a connection lost after the whole message was written
// and before the server confirmed it: it may have been delivered.
var ErrMaybeSent = errors.New("the message may have been delivered")

// Receipt is what Send reports of a delivered message.
type Receipt struct {
	Reply string // the server's answer to the message ("2.0.0 queued as ...")
	// Warning, when not nil, says that closing the connection failed after
	// the server had taken the message; the message was sent all the same.
	Warning error
}

// Send delivers the message in one SMTP transaction, writing exactly
// m.Bytes. STARTTLS is required unless the host is a loopback address;
// smtps:// speaks TLS from the start. If the server refuses any recipient,
// nothing is sent. Once the server has answered 250 to the message, it is
// delivered: a failure to close the connection is only a warning.
func Send(ctx context.Context, srv Server, m *Message) (*Receipt, error) {
	ep, err := parseServer(srv.URL)
	if err != nil {
		return nil, err
	}
	timeout := srv.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	client, err := dial(ctx, ep, srv, timeout)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("connecting to %s, interrupted: %w (%w)", ep.addr(), ErrNotSent, ctx.Err())
		}
		return nil, explain(ep, err)
	}
	// A server that stalls holds go-mail's client, so Ctrl-C returns at
	// once and the connection is closed beside it (Close waits for the
	// stalled call).
	var whole atomic.Bool
	reply, err := interrupt.Wait(ctx, func() (string, error) { return transact(client, m, timeout, &whole) }, nil)
	if err != nil {
		go client.Close()
		switch {
		case ctx.Err() != nil && whole.Load():
			return nil, fmt.Errorf("sending through %s, interrupted after the end of the message went: %w; check with a recipient before sending it again", ep.addr(), ErrMaybeSent)
		case ctx.Err() != nil:
			return nil, fmt.Errorf("sending through %s, interrupted: %w (%w)", ep.addr(), ErrNotSent, ctx.Err())
		}
		return nil, fmt.Errorf("sending through %s: %w", ep.addr(), err)
	}
	r := &Receipt{Reply: reply}
	_, err = interrupt.Wait(ctx, func() (struct{}, error) {
		err := client.UpdateDeadline(timeout)
		if err == nil {
			err = client.Quit()
		}
		return struct{}{}, err
	}, nil)
	if err != nil {
		go client.Close()
		r.Warning = fmt.Errorf("%s accepted the message (%q) but did not close the connection cleanly (%v); the message was sent: do not send it again", ep.addr(), reply, err)
	}
	return r, nil
}

// endpoint is a checked BRIEF_SMTP_URL.
type endpoint struct {
	host, user string
	port       int
	ssl        bool
}

func (ep *endpoint) addr() string { return net.JoinHostPort(ep.host, strconv.Itoa(ep.port)) }

// parseServer checks BRIEF_SMTP_URL. Its value is never quoted in an
// error: a value that does not parse as intended may hold a password in
// any part of it.
func parseServer(s string) (*endpoint, error) {
	const how = "write smtp://user@host:587 or smtps://user@host:465, with the password in BRIEF_SMTP_PASSWORD"
	if s == "" {
		return nil, errors.New("no mail server: set BRIEF_SMTP_URL (smtp://user@host:587) and BRIEF_SMTP_PASSWORD, or write the message with --eml FILE")
	}
	bad := fmt.Errorf("BRIEF_SMTP_URL is not a well-formed smtp:// or smtps:// URL (its value is not shown, as it may hold a password): %s", how)
	scheme, _, ok := strings.Cut(s, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "smtp" && scheme != "smtps") {
		return nil, bad
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, bad
	}
	if _, set := u.User.Password(); set {
		return nil, errors.New("BRIEF_SMTP_URL holds a password: put it in BRIEF_SMTP_PASSWORD instead")
	}
	ep := &endpoint{host: u.Hostname(), user: u.User.Username(), port: 587, ssl: scheme == "smtps"}
	if strings.Contains(ep.user, ":") {
		return nil, errors.New("BRIEF_SMTP_URL's user name holds an escaped colon (%3A), which would send a password as the user name: give the user alone and put the password in BRIEF_SMTP_PASSWORD")
	}
	if strings.ContainsFunc(ep.user, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, errors.New("BRIEF_SMTP_URL's user name holds a control character")
	}
	if ep.host == "" {
		return nil, fmt.Errorf("BRIEF_SMTP_URL names no host: %s", how)
	}
	if ep.ssl {
		ep.port = 465
	}
	if p := u.Port(); p != "" {
		if ep.port, err = strconv.Atoi(p); err != nil || ep.port < 1 || ep.port > 65535 {
			return nil, fmt.Errorf("BRIEF_SMTP_URL: port %s is not a number from 1 to 65535", p)
		}
	}
	return ep, nil
}

// dial connects, says EHLO, starts TLS and authenticates, through go-mail.
func dial(ctx context.Context, ep *endpoint, srv Server, timeout time.Duration) (*smtp.Client, error) {
	// go-mail joins host and port with a colon: an IPv6 literal needs its
	// brackets to be dialled (and crypto/x509 accepts them as a name).
	host := ep.host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	policy := gomail.TLSMandatory
	if loopback(ep.host) {
		policy = gomail.TLSOpportunistic
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if srv.TLS != nil {
		conf = srv.TLS.Clone()
	}
	if conf.ServerName == "" {
		conf.ServerName = ep.host
	}
	opts := []gomail.Option{gomail.WithPort(ep.port), gomail.WithTimeout(timeout), gomail.WithTLSPolicy(policy), gomail.WithTLSConfig(conf)}
	if ep.ssl {
		opts = append(opts, gomail.WithSSL())
	}
	if ep.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(ep.user), gomail.WithPassword(srv.Password))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, err
	}
	// go-mail heeds the context while it connects, not while it waits for
	// the server's greeting, EHLO, TLS or login (those wait up to timeout):
	// on Ctrl-C, return at once and close the connection when it comes.
	return interrupt.Wait(ctx, func() (*smtp.Client, error) { return c.DialToSMTPClientWithContext(ctx) },
		func(sc *smtp.Client) { _ = sc.Close() })
}

// transact runs MAIL, RCPT and DATA and returns the server's answer to
// the message. Its errors say whether the message was sent: ErrNotSent
// before the end of the message, ErrMaybeSent when the connection is lost
// waiting for the answer to it.
func transact(c *smtp.Client, m *Message, timeout time.Duration, whole *atomic.Bool) (string, error) {
	if err := c.UpdateDeadline(timeout); err != nil {
		return "", notSent("%v", err)
	}
	if err := c.Mail(m.sender); err != nil {
		return "", notSent("the server refused the sender %s (%v)", m.sender, err)
	}
	var refused []string
	for _, r := range m.rcpts {
		if err := c.Rcpt(r); err != nil {
			refused = append(refused, fmt.Sprintf("%s (%v)", r, err))
		}
	}
	if len(refused) > 0 {
		_ = c.Reset()
		return "", fmt.Errorf("the server refused a recipient, so nothing was sent: %s; correct or remove the address and send again: %w", strings.Join(refused, ", "), ErrNotSent)
	}
	if err := c.UpdateDeadline(dataTimeout); err != nil {
		return "", notSent("%v", err)
	}
	w, err := c.Data()
	if err != nil {
		return "", notSent("the server did not take the message (%v); try again later", err)
	}
	if _, err := w.Write(m.Bytes); err != nil {
		return "", notSent("the connection failed while the message was written (%v)", err)
	}
	whole.Store(true) // the end of the message goes now: the server may have it whole
	if err := w.Close(); err != nil {
		if tp := (*textproto.Error)(nil); errors.As(err, &tp) {
			return "", notSent("the server refused the message (%v)", err)
		}
		return "", fmt.Errorf("the connection was lost after the whole message was written and before the server confirmed it (%v): %w; check with a recipient before sending it again", err, ErrMaybeSent)
	}
	reply := ""
	if dc, ok := w.(*smtp.DataCloser); ok {
		reply = dc.ServerResponse()
	}
	return reply, nil
}

func notSent(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNotSent)
}

// explain turns a failure to connect into what to do about it.
func explain(ep *endpoint, err error) error {
	msg := err.Error()
	addr := ep.addr()
	switch {
	case strings.Contains(msg, "certificate") || strings.Contains(msg, "x509"):
		return fmt.Errorf("mail server %s: its TLS certificate is not valid for it (%v); check BRIEF_SMTP_URL's host name: %w", addr, err, ErrNotSent)
	case strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such host") || strings.Contains(msg, "i/o timeout"):
		return fmt.Errorf("mail server %s cannot be reached (%v); check BRIEF_SMTP_URL and that the server is up: %w", addr, err, ErrNotSent)
	case strings.Contains(msg, "STARTTLS"):
		return fmt.Errorf("mail server %s does not offer STARTTLS, which brief requires for a server that is not on this machine (%v): %w", addr, err, ErrNotSent)
	}
	return fmt.Errorf("connecting to %s: %v: %w", addr, err, ErrNotSent)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
