// Package mail turns one briefing into an email that a desk sends to its
// readers: a plain-text and an HTML version of the commentary with the
// key-number cards, the tables and every chart as a PNG image referenced by
// Content-ID, and the briefing's workbook attached. It composes the message
// with go-mail, writes it as an RFC 5322 file or sends it over SMTP.
package mail

import (
	"errors"
	"io/fs"
	"net/mail"
	"strings"

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
}

// DefaultSubject is the subject when mail.toml gives none.
const DefaultSubject = "{title} ({date})"

var configKeys = []string{"from", "to", "bcc", "subject", "reply_to"}

// LoadConfig reads mail.toml from the project; a project without one gets
// an empty Config (the command line must then name the recipients and the
// sender). Every problem is located.
func LoadConfig(fsys fs.FS) (*Config, error) {
	c := &Config{Subject: DefaultSubject}
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

// ParseAddress parses one address ("Name <a@b.example>" or "a@b.example"),
// refusing line breaks, which could start a new header.
func ParseAddress(s string) (*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("an address must be on one line")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, errors.New("\"" + s + "\" is not an email address (write name@example.com or \"Name <name@example.com>\")")
	}
	return a, nil
}
