package mail

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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

// TypePDF is the media type of a briefing's PDF.
const TypePDF = "application/pdf"

// Message is a composed email.
type Message struct {
	Bytes   []byte // the message as sent (RFC 5322)
	From    string
	To, Bcc []string
	Subject string

	sender string   // the envelope's sender, <a@b.example>
	rcpts  []string // the envelope's recipients, To and Bcc

	localLinks bool   // the project has no base_url: links go to baseURL, on this machine
	baseURL    string // the site's address the links are made on
}

// Recipients are everyone the message goes to.
func (m *Message) Recipients() []string { return append(append([]string(nil), m.To...), m.Bcc...) }

// Stamp dates and names a message.
type Stamp struct {
	// Epoch, when not zero, dates a message written to a file
	// (SOURCE_DATE_EPOCH); otherwise the briefing's date does.
	Epoch time.Time
	// Sent, when not zero, is the time the message is being sent: it is
	// then its Date, and its Message-ID is unique to this sending.
	Sent time.Time
}

// Compose makes the message of email e for the settings c (mail.toml with
// the command line's overrides). site is the site's title. A message that
// is not being sent (st.Sent zero) is the same bytes for the same input.
func Compose(c *Config, site string, e *render.Email, st Stamp) (*Message, error) {
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
	env, err := addresses(m, c)
	if err != nil {
		return nil, err
	}
	subject := Subject(c.Subject, e.Title, e.Date, site)
	m.Subject(subject)
	date := e.Date
	switch {
	case !st.Sent.IsZero():
		date = st.Sent
	case !st.Epoch.IsZero():
		date = st.Epoch
	}
	m.SetDateWithValue(date.UTC())
	id, err := messageID(e, env.sender, !st.Sent.IsZero())
	if err != nil {
		return nil, err
	}
	m.SetMessageIDWithValue(id)
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
	if e.PDF != nil {
		if err := m.AttachReader(e.PDFName, bytes.NewReader(e.PDF), gomail.WithFileContentType(TypePDF)); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("writing the message: %w", err)
	}
	out := stableBoundaries(buf.Bytes())
	if err := checkHeader(out); err != nil {
		return nil, err
	}
	if len(out) > MaxMessage {
		return nil, fmt.Errorf("the message is %.1f MB, over %d MB: many servers refuse it; the workbook or the charts are too large", float64(len(out))/(1<<20), MaxMessage>>20)
	}
	return &Message{Bytes: out, From: c.From, To: c.To, Bcc: c.Bcc, Subject: subject, sender: env.sender, rcpts: env.rcpts}, nil
}

// envelope is the SMTP envelope: who sends, to whom.
type envelope struct {
	sender string
	rcpts  []string
}

// addresses sets the sender and the recipients, each checked by
// ParseAddress (one line, an ASCII address, a name that fits a header
// line), and returns the envelope.
func addresses(m *gomail.Msg, c *Config) (*envelope, error) {
	var errs []error
	parse := func(field string, list ...string) []*mail.Address {
		var out []*mail.Address
		for _, s := range list {
			a, err := ParseAddress(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", field, err))
				continue
			}
			out = append(out, a)
		}
		return out
	}
	from, to, bcc := parse("from", c.From), parse("to", c.To...), parse("bcc", c.Bcc...)
	replyTo := parse("reply_to", slices.DeleteFunc([]string{c.ReplyTo}, func(s string) bool { return s == "" })...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m.SetAddrHeaderFromMailAddress(gomail.HeaderFrom, from...)
	if len(to) > 0 {
		m.SetAddrHeaderFromMailAddress(gomail.HeaderTo, to...)
	}
	if len(bcc) > 0 {
		m.SetAddrHeaderFromMailAddress(gomail.HeaderBcc, bcc...)
	}
	if len(replyTo) > 0 {
		m.SetAddrHeaderFromMailAddress(gomail.HeaderReplyTo, replyTo...)
	}
	env := &envelope{sender: bare(from[0])}
	for _, a := range append(to, bcc...) {
		env.rcpts = append(env.rcpts, bare(a))
	}
	return env, nil
}

// bare is an address as an SMTP path: <a@b.example>.
func bare(a *mail.Address) string { return (&mail.Address{Address: a.Address}).String() }

// checkHeader refuses a message with a header line over RFC 5322's 998
// characters, or a byte that is not ASCII in its header.
func checkHeader(msg []byte) error {
	head, _, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	for line := range bytes.SplitSeq(head, []byte("\r\n")) {
		if len(line) > 998 {
			name, _, _ := bytes.Cut(line, []byte(":"))
			return fmt.Errorf("the %.40s header is a line of %d characters, over the 998 that email allows; shorten it", name, len(line))
		}
		for _, b := range line {
			if b >= utf8.RuneSelf {
				name, _, _ := bytes.Cut(line, []byte(":"))
				return fmt.Errorf("the %.40s header holds a character that is not ASCII", name)
			}
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

// messageID is on the sender's domain (sender is <a@b.example>). Its
// left part is derived from the briefing's address and content, so that
// a file written twice is the same bytes; a message being sent adds 16
// random bytes, so that a corrected resend is not taken for a duplicate.
func messageID(e *render.Email, sender string, unique bool) (string, error) {
	h := sha256.New()
	h.Write([]byte(e.URL))
	h.Write(e.HTML)
	h.Write([]byte(e.Text))
	left := hex.EncodeToString(h.Sum(nil))[:32]
	if unique {
		r := make([]byte, 16)
		if _, err := rand.Read(r); err != nil {
			return "", err
		}
		left += "." + hex.EncodeToString(r)
	}
	domain := strings.TrimSuffix(sender[strings.LastIndexByte(sender, '@')+1:], ">")
	return left + "@" + domain, nil
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
