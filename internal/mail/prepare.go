package mail

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/projectfs"
	"github.com/brief-desk/brief/internal/render"
)

// Options say which briefing to mail and to whom.
type Options struct {
	Src      string // project folder
	Briefing string // slug; "" is the latest published briefing
	Drafts   bool
	Future   bool // a briefing dated after today may be sent
	BaseURL  string
	ECharts  string
	Epoch    time.Time // SOURCE_DATE_EPOCH, or zero
	// Sent, when not zero, is the time the message is being sent (see
	// Stamp); the project must then have an http(s) base_url.
	Sent time.Time
	// Overrides of mail.toml: --to replaces its to and bcc; --pdf attaches
	// the PDF too.
	From string
	To   []string
	PDF  bool
	// Printer prints the PDF (a *pdf.Browser); where no browser was found,
	// NoPrinter says why, and a message with the PDF fails.
	Printer   render.Printer
	NoPrinter error
}

// Prepare loads the project and composes the email of one briefing.
func Prepare(ctx context.Context, opts Options) (*Message, error) {
	p, err := project.Load(ctx, project.Options{Src: opts.Src, Drafts: opts.Drafts, Future: opts.Future, Today: opts.Epoch, BaseURL: opts.BaseURL, ECharts: opts.ECharts}, nil)
	if err != nil {
		return nil, err
	}
	if !opts.Sent.IsZero() && !p.Config.BaseURLSet() {
		return nil, diag.Errorf(diag.Pos{File: "site.toml"}, "no base_url: the email's links would go to %s, which no reader can open; set base_url in site.toml or pass --base-url https://...", project.DefaultBaseURL)
	}
	if u, err := url.Parse(p.Config.BaseURL); !opts.Sent.IsZero() && err == nil && (loopback(u.Hostname()) || strings.HasSuffix(u.Hostname(), ".localhost")) {
		return nil, diag.Errorf(diag.Pos{File: "site.toml"}, "base_url %s is on this machine: the email's links would open nowhere but here; set the address the site is published at, or pass --base-url https://...", diag.Quote(p.Config.BaseURL))
	}
	fsys, err := projectfs.Open(opts.Src)
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	c, err := LoadConfig(fsys)
	if err != nil {
		return nil, err
	}
	if len(opts.To) > 0 {
		c.To, c.Bcc = opts.To, nil
	}
	if opts.From != "" {
		c.From = opts.From
	}
	b, err := pick(p, opts.Briefing, project.Today(opts.Epoch))
	if err != nil {
		return nil, err
	}
	attach := render.Attach{Workbook: slices.Contains(c.Attach, "xlsx"), PDF: opts.PDF || slices.Contains(c.Attach, "pdf")}
	e, err := render.NewEmail(p, b, render.Options{Epoch: opts.Epoch, Drafts: opts.Drafts, BaseURL: opts.BaseURL,
		Printer: opts.Printer, NoPrinter: opts.NoPrinter}, attach)
	if err != nil {
		return nil, err
	}
	m, err := Compose(c, p.Config.Title, e, Stamp{Epoch: opts.Epoch, Sent: opts.Sent})
	if err != nil {
		return nil, err
	}
	m.localLinks, m.baseURL = !p.Config.BaseURLSet(), p.Config.BaseURL
	return m, nil
}

// pick finds the briefing to send: the one named, or the latest.
func pick(p *project.Project, slug string, today time.Time) (*project.Briefing, error) {
	if len(p.Briefings) == 0 {
		return nil, fmt.Errorf("no published briefing to send: write one with 'brief new', and take draft = true out of its front matter")
	}
	if slug == "" {
		return p.Briefings[0], nil
	}
	var slugs []string
	for _, b := range p.Briefings {
		if b.Slug == slug {
			return b, nil
		}
		slugs = append(slugs, b.Slug)
	}
	for _, b := range p.All {
		if b.Slug == slug && b.Date.After(today) {
			return nil, fmt.Errorf("briefing %q is dated %s, after today: it is published on its day; pass --future to send it now", slug, b.Date.Format(time.DateOnly))
		}
	}
	if len(slugs) > 5 {
		slugs = append(slugs[:5], "...")
	}
	return nil, fmt.Errorf("no published briefing %q; the latest are %s", slug, strings.Join(slugs, ", "))
}
