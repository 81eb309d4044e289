// Package mail turns one briefing into an email that a desk sends to its
// readers: a plain-text and an HTML version of the commentary with the
// key-number cards, the tables and every chart as a PNG image referenced by
// Content-ID, and the briefing's workbook attached. It composes the message
// with go-mail, writes it as an RFC 5322 file or sends it over SMTP.
package mail

import (
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/tomlval"
)

// ConfigFile is the mail settings' file in a project.
const ConfigFile = "mail.toml"

// Config is mail.toml: who sends, who receives and the subject.
type Config struct {
	From    string   // "Sector desk <desk@example.com>"
	To      []string // at least one of To and Bcc
	Bcc     []string
	Subject string // {title}, {date} and {site} are replaced
	ReplyTo string
	Attach  []string // "xlsx" (the default), "pdf": what the message carries
}

// DefaultSubject is the subject when mail.toml gives none.
const DefaultSubject = "{title} ({date})"

var configKeys = []string{"from", "to", "bcc", "subject", "reply_to", "attach"}

// attachments are what attach may list.
var attachments = []string{"xlsx", "pdf"}

// LoadConfig reads mail.toml from the project; a project without one gets
// an empty Config (the command line must then name the recipients and the
// sender). Every problem is located.
func LoadConfig(fsys fs.FS) (*Config, error) {
	c := &Config{Subject: DefaultSubject, Attach: []string{"xlsx"}}
	src, err := fs.ReadFile(fsys, ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	var errs diag.List
	if err != nil {
		errs.Addf(diag.Pos{File: ConfigFile}, "cannot read the mail settings: %v", err)
		return nil, &errs
	}
	st := project.DecodeSettings(ConfigFile, src, configKeys, &errs)
	at := st.At
	for _, k := range st.Keys {
		switch k {
		case "attach":
			list, err := attachList(st.Value(k))
			if err != nil {
				errs.Addf(at(k), "attach: %v", err)
			}
			c.Attach = list
		case "to", "bcc":
			list, err := addressList(st.Value(k))
			if err != nil {
				errs.Addf(at(k), "%s: %v", k, err)
			}
			if k == "to" {
				c.To = list
			} else {
				c.Bcc = list
			}
		default:
			s, err := tomlval.Text(st.Value(k))
			if err != nil {
				errs.Addf(at(k), "%s: %v", k, err)
				continue
			}
			if k != "subject" && s != "" {
				if _, err := ParseAddress(s); err != nil {
					errs.Addf(at(k), "%s: %v", k, err)
				}
			}
			switch k {
			case "from":
				c.From = s
			case "reply_to":
				c.ReplyTo = s
			case "subject":
				c.Subject = s
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// attachList reads attach: a list of "xlsx" and "pdf", each once.
func attachList(x any) ([]string, error) {
	want := fmt.Errorf("must be a list of \"xlsx\" and \"pdf\", such as [\"xlsx\", \"pdf\"], got %s", tomlval.Describe(x))
	items, ok := x.([]any)
	if !ok {
		return nil, want
	}
	var out []string
	for _, it := range items {
		s, ok := it.(string)
		if !ok || !slices.Contains(attachments, s) || slices.Contains(out, s) {
			return nil, want
		}
		out = append(out, s)
	}
	return out, nil
}

// addressList reads a list of addresses, each checked.
func addressList(x any) ([]string, error) {
	items, ok := x.([]any)
	if !ok {
		return nil, errors.New("must be a list of addresses, such as [\"clients@example.com\"]")
	}
	var out []string
	for _, it := range items {
		s, err := tomlval.Text(it)
		if err != nil {
			return nil, err
		}
		if _, err := ParseAddress(s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// MaxName is the longest display name brief writes, in characters: a
// header line may not be longer than 998 bytes (RFC 5322), and a name
// without spaces cannot be folded.
const MaxName = 200

// maxAddress is the longest address an SMTP path holds (RFC 5321: 256
// octets with the angle brackets).
const maxAddress = 254

// ParseAddress parses one address ("Name <a@b.example>" or "a@b.example"),
// refusing line breaks, which could start a new header. The address comes
// back ready for a header and the SMTP envelope: its domain in ASCII
// (IDNA), a non-ASCII part before the @ refused (that needs SMTPUTF8, and
// the header would have to be sent raw), a name of at most MaxName
// characters.
func ParseAddress(s string) (*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("an address must be on one line")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, errors.New(diag.Quote(s) + " is not an email address (write name@example.com or \"Name <name@example.com>\")")
	}
	return checkAddress(a)
}

// ParseList parses addresses separated by commas, as in a To header: a
// comma inside a quoted name ("Doe, John" <j@x.example>) does not split.
func ParseList(s string) ([]*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("an address must be on one line")
	}
	list, err := mail.ParseAddressList(s)
	if err != nil {
		return nil, errors.New(diag.Quote(s) + " is not a list of email addresses (write a@example.com, \"Doe, John\" <j@example.com>)")
	}
	for i, a := range list {
		if list[i], err = checkAddress(a); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// checkAddress makes a parsed address's domain ASCII and refuses what
// cannot be written in a header or an SMTP command.
func checkAddress(a *mail.Address) (*mail.Address, error) {
	if n := utf8.RuneCountInString(a.Name); n > MaxName {
		return nil, fmt.Errorf("%s: the name is %d characters long; at most %d fit a header line", a.Address, n, MaxName)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 0 {
		return nil, fmt.Errorf("%s: an address needs an @", a.Address)
	}
	local, domain := a.Address[:at], a.Address[at+1:]
	if !ascii(local) {
		return nil, fmt.Errorf("%s: the part before the @ is not ASCII, which brief cannot send (it needs SMTPUTF8); use an ASCII address of the same mailbox", a.Address)
	}
	if !ascii(domain) || strings.Contains(strings.ToLower(domain), "xn--") {
		d, err := idna.Lookup.ToASCII(domain)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a valid domain name (%v)", a.Address, domain, err)
		}
		domain = d
	}
	out := &mail.Address{Name: a.Name, Address: local + "@" + domain}
	if len(out.Address) > maxAddress {
		return nil, fmt.Errorf("%.60s...: the address is %d characters long, over the %d that SMTP allows", out.Address, len(out.Address), maxAddress)
	}
	return out, nil
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
