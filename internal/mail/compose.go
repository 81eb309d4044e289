package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/brief-desk/brief/internal/render"
)

// Limits: Gmail clips messages whose HTML is larger than about 102 KB, and
// many servers refuse messages over 10 MB.
const (
	MaxHTML    = 100 * 1024
	MaxMessage = 10 * 1024 * 1024
)

// TypeXLSX is the media type of a workbook.
const TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Message is a composed email.
type Message struct {
	Msg     *gomail.Msg
	Bytes   []byte // the message as sent (RFC 5322)
	From    string
	To, Bcc []string
	Subject string
}

// Recipients are everyone the message goes to.
func (m *Message) Recipients() []string { return append(append([]string(nil), m.To...), m.Bcc...) }

// Compose makes the message of email e for the settings c (mail.toml with
// the command line's overrides). site is the site's title; epoch, when not
// zero, dates the message (SOURCE_DATE_EPOCH), otherwise the briefing's date
// does. The same input gives the same bytes.
func Compose(c *Config, site string, e *render.Email, epoch time.Time) (*Message, error) {
	if c.From == "" {
		return nil, errors.New("no sender: set from in mail.toml (from = \"Desk <desk@example.com>\") or give --from")
	}
	if len(c.To)+len(c.Bcc) == 0 {
		return nil, errors.New("no recipient: set to or bcc in mail.toml, or give --to")
	}
	if len(e.HTML) > MaxHTML {
		return nil, fmt.Errorf("the email's HTML is %d KB, over %d KB: Gmail would cut it off; shorten the briefing or split it", len(e.HTML)/1024, MaxHTML/1024)
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := addresses(m, c); err != nil {
		return nil, err
	}
	subject := Subject(c.Subject, e.Title, e.Date, site)
	m.Subject(subject)
	date := e.Date
	if !epoch.IsZero() {
		date = epoch
	}
	m.SetDateWithValue(date.UTC())
	m.SetMessageIDWithValue(messageID(e))
	m.SetUserAgent("brief")
	m.SetBodyString(gomail.TypeTextPlain, e.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, string(e.HTML))
	for _, img := range e.Images {
		if err := m.EmbedReader(img.Name, bytes.NewReader(img.PNG), gomail.WithFileContentID("<"+img.CID+">"), gomail.WithFileContentType("image/png")); err != nil {
			return nil, err
		}
	}
	if e.Workbook != nil {
		if err := m.AttachReader(e.WorkbookName, bytes.NewReader(e.Workbook), gomail.WithFileContentType(TypeXLSX)); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("writing the message: %w", err)
	}
	out := stableBoundaries(buf.Bytes())
	if len(out) > MaxMessage {
		return nil, fmt.Errorf("the message is %.1f MB, over %d MB: many servers refuse it; the workbook or the charts are too large", float64(len(out))/(1<<20), MaxMessage>>20)
	}
	return &Message{Msg: m, Bytes: out, From: c.From, To: c.To, Bcc: c.Bcc, Subject: subject}, nil
}

// addresses sets the sender and the recipients; none may hold a line break.
func addresses(m *gomail.Msg, c *Config) error {
	for _, a := range append([]string{c.From, c.ReplyTo}, c.Recipients()...) {
		if a == "" {
			continue
		}
		if _, err := ParseAddress(a); err != nil {
			return err
		}
	}
	if err := m.From(c.From); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if len(c.To) > 0 {
		if err := m.To(c.To...); err != nil {
			return fmt.Errorf("to: %w", err)
		}
	}
	if len(c.Bcc) > 0 {
		if err := m.Bcc(c.Bcc...); err != nil {
			return fmt.Errorf("bcc: %w", err)
		}
	}
	if c.ReplyTo != "" {
		if err := m.ReplyTo(c.ReplyTo); err != nil {
			return fmt.Errorf("reply_to: %w", err)
		}
	}
	return nil
}

// Recipients are the settings' To and Bcc addresses.
func (c *Config) Recipients() []string { return append(append([]string(nil), c.To...), c.Bcc...) }

// Subject fills a subject template. Line breaks and other control
// characters in a title become spaces: a subject is one header line, and a
// title can never add a header.
func Subject(tmpl, title string, date time.Time, site string) string {
	s := strings.NewReplacer("{title}", title, "{date}", date.Format("2 January 2006"), "{site}", site).Replace(tmpl)
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// messageID is derived from the briefing's address and content, so the
// same briefing always gets the same Message-ID.
func messageID(e *render.Email) string {
	h := sha256.New()
	h.Write([]byte(e.URL))
	h.Write(e.HTML)
	h.Write([]byte(e.Text))
	host := "brief.invalid"
	if u, err := url.Parse(e.URL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return hex.EncodeToString(h.Sum(nil))[:32] + "@" + host
}

var boundaryRE = regexp.MustCompile(`boundary="?([0-9A-Za-z'()+_,\-./:=?]+)"?`)

// stableBoundaries replaces go-mail's random MIME boundaries with ones
// derived from the message, so that the same input gives the same bytes.
// "=_" never occurs in base64 or quoted-printable text, so the new ones
// cannot collide with a part's content.
func stableBoundaries(msg []byte) []byte {
	found := boundaryRE.FindAllSubmatch(msg, -1)
	if len(found) == 0 {
		return msg
	}
	blanked := msg
	for _, f := range found {
		blanked = bytes.ReplaceAll(blanked, f[1], nil)
	}
	sum := sha256.Sum256(blanked)
	out := msg
	for i, f := range found {
		stable := fmt.Sprintf("=_brief_%x_%d", sum[:12], i+1)
		// In the header the new boundary is quoted ('=' must be); in the
		// body it is the delimiter.
		out = bytes.ReplaceAll(out, f[0], []byte(`boundary="`+stable+`"`))
		out = bytes.ReplaceAll(out, f[1], []byte(stable))
	}
	return out
}
