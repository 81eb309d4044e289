package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/brief-desk/brief/internal/mail"
	"github.com/brief-desk/brief/internal/pdf"
)

// addressFlag collects addresses from a flag given several times, each
// value a list as in a To header: "Doe, John" <j@x.example> is one.
type addressFlag []string

func (l *addressFlag) String() string { return strings.Join(*l, ", ") }
func (l *addressFlag) Set(s string) error {
	list, err := mail.ParseList(s)
	if err != nil {
		return err
	}
	for _, a := range list {
		if a.Name == "" {
			*l = append(*l, a.Address)
		} else {
			*l = append(*l, a.String())
		}
	}
	return nil
}

var _ flag.Value = (*addressFlag)(nil)

func cmdMail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("mail", "Makes one briefing (default: the latest published) into an email with its\n"+
		"workbook (and, with --pdf, its PDF) attached and its charts as images, as mail.toml says. --eml writes\n"+
		"the message to a file (- for standard output); --send delivers it through\n"+
		"the SMTP server in BRIEF_SMTP_URL (smtp://user@host:587), with the password\n"+
		"in BRIEF_SMTP_PASSWORD, and needs the site's base_url; --dry-run shows\n"+
		"recipients, subject and size.")
	var job mail.Job
	fs.StringVar(&job.Src, "src", ".", "project `DIR`ectory")
	fs.StringVar(&job.Briefing, "slug", "", "the briefing's `SLUG` (default: the latest published)")
	fs.BoolVar(&job.Drafts, "drafts", false, "a draft may be sent")
	fs.BoolVar(&job.Future, "future", false, "a briefing dated after today may be sent")
	fs.StringVar(&job.From, "from", "", "the sender `ADDR`ess (overrides mail.toml)")
	fs.Var((*addressFlag)(&job.To), "to", "a recipient `ADDR`ess, instead of mail.toml's to and bcc (repeat, or separate with commas)")
	fs.StringVar(&job.BaseURL, "base-url", "", "absolute `URL` the site is published at, for the email's links (overrides site.toml)")
	fs.StringVar(&job.Eml, "eml", "", "write the message to `FILE` (- for standard output); with --send, the message as sent")
	fs.BoolVar(&job.Send, "send", false, "send the message through BRIEF_SMTP_URL")
	fs.BoolVar(&job.DryRun, "dry-run", false, "print recipients, subject and size; send nothing")
	fs.BoolVar(&job.PDF, "pdf", false, "attach the briefing's PDF too (as mail.toml's attach = [\"xlsx\", \"pdf\"]); needs Chromium")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) > 0 {
		return &UsageError{Msg: fmt.Sprintf("mail takes no arguments, got %q", pos)}
	}
	if job.Eml == "" && !job.Send && !job.DryRun {
		return &UsageError{Msg: "mail needs --eml FILE, --send or --dry-run"}
	}
	if job.Send && job.Eml == "-" {
		// The copy would be written before the message is sent, and mixed
		// with what the send reports on standard output.
		return &UsageError{Msg: "mail: --eml - with --send would print the message before it is sent; give --eml FILE, which is written once it is sent"}
	}
	if job.Send && job.DryRun {
		return &UsageError{Msg: "mail: --dry-run sends nothing; give --send or --dry-run, not both"}
	}
	if job.Epoch, err = sourceDateEpoch(); err != nil {
		return err
	}
	job.ECharts = os.Getenv("BRIEF_ECHARTS")
	job.Server = mail.Server{URL: os.Getenv("BRIEF_SMTP_URL"), Password: os.Getenv("BRIEF_SMTP_PASSWORD")}
	if exe, err := pdf.Find(); err != nil {
		job.NoPrinter = err
	} else {
		b := pdf.New(ctx, exe) // started only if the message carries the PDF
		defer b.Close()
		job.Printer = b
	}
	return mail.Run(ctx, job, stdout, stderr)
}
