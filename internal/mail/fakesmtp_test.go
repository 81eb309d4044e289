package mail_test

import (
	"bytes"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// fakeSMTP is an SMTP server on a loopback port that fails in one chosen
// way, for what Mailpit cannot do: drop the connection or stay silent at
// a given step.
type fakeSMTP struct {
	URL  string
	mode string // one of the modes below, or "" for a server that works

	mu        sync.Mutex
	delivered [][]byte // the messages it answered 250 to
	rcpts     []string // the last transaction's RCPT TO addresses
	mailFrom  string
}

// The failure modes.
const (
	dropAfter250  = "drop after 250"        // accepts the message, then closes without reading RSET/QUIT
	quitNoAnswer  = "no QUIT answer"        // accepts the message, closes at QUIT without answering
	quitSilent    = "QUIT hangs"            // accepts the message, never answers QUIT and keeps the line open
	refuseRcpt    = "refuse a recipient"    // 550 to RCPT TO of an address that starts with "refused"
	busyAtData    = "452 at DATA"           // 452 to the DATA command
	refuseMessage = "554 after the message" // reads the message, then refuses it
	dropBeforeAck = "drop before the ack"   // reads the message, then closes before answering
	stallAtData   = "DATA hangs"            // never answers the DATA command, and keeps the line open
	stallAtAck    = "ack hangs"             // reads the message, never answers it, and keeps the line open
)

// startFake listens on network's loopback ("tcp4" or "tcp6") and serves
// every connection until the test ends.
func startFake(t *testing.T, network, mode string) *fakeSMTP {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "tcp6" {
		addr = "[::1]:0"
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("no %s loopback: %v", network, err)
	}
	f := &fakeSMTP{URL: "smtp://" + l.Addr().String(), mode: mode}
	var conns sync.WaitGroup
	done := make(chan struct{})
	t.Cleanup(func() { close(done); l.Close(); conns.Wait() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				defer c.Close()
				go func() { <-done; c.Close() }()
				f.serve(textproto.NewConn(c), done)
			}()
		}
	}()
	return f
}

// serve answers one connection until QUIT or a failure.
func (f *fakeSMTP) serve(c *textproto.Conn, done chan struct{}) {
	say := func(format string, args ...any) bool { return c.PrintfLine(format, args...) == nil }
	if !say("220 fake ESMTP") {
		return
	}
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			say("250-fake\r\n250-8BITMIME\r\n250 SMTPUTF8")
		case "HELO", "NOOP":
			say("250 ok")
		case "RSET":
			if f.mode == dropAfter250 {
				return
			}
			say("250 ok")
		case "MAIL":
			f.mu.Lock()
			f.mailFrom, f.rcpts = arg, nil
			f.mu.Unlock()
			say("250 ok")
		case "RCPT":
			to := strings.TrimPrefix(arg, "TO:")
			if f.mode == refuseRcpt && strings.HasPrefix(to, "<refused") {
				say("550 5.1.1 no such user %s", to)
				continue
			}
			f.mu.Lock()
			f.rcpts = append(f.rcpts, to)
			f.mu.Unlock()
			say("250 ok")
		case "DATA":
			if f.mode == busyAtData {
				say("452 4.3.1 insufficient system storage")
				continue
			}
			if f.mode == stallAtData {
				<-done
				return
			}
			say("354 go ahead")
			msg, err := readData(c)
			if err != nil {
				return
			}
			switch f.mode {
			case dropBeforeAck:
				return
			case stallAtAck:
				<-done
				return
			case refuseMessage:
				say("554 5.6.0 message refused")
				continue
			}
			f.mu.Lock()
			f.delivered = append(f.delivered, msg)
			f.mu.Unlock()
			say("250 2.0.0 queued as 1")
			if f.mode == dropAfter250 {
				return
			}
		case "QUIT":
			switch f.mode {
			case quitNoAnswer:
				return
			case quitSilent:
				<-done
				return
			}
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

// got is what the server accepted: the messages, and the last envelope.
func (f *fakeSMTP) got() (delivered [][]byte, from string, rcpts []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.delivered...), f.mailFrom, append([]string(nil), f.rcpts...)
}

// readData reads a message up to the line ".", undoing dot-stuffing but
// keeping the line ends as sent (textproto's DotReader would turn CRLF
// into LF, and the test compares bytes).
func readData(c *textproto.Conn) ([]byte, error) {
	var msg []byte
	for {
		line, err := c.R.ReadBytes('\n')
		if err != nil {
			return nil, err
		}
		if string(line) == ".\r\n" {
			return msg, nil
		}
		msg = append(msg, bytes.TrimPrefix(line, []byte("."))...)
	}
}
