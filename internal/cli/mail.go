package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/brief-desk/brief/internal/mail"
)

// listFlag collects a flag given several times.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error {
	for a := range strings.SplitSeq(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			*l = append(*l, a)
		}
	}
	return nil
}

var _ flag.Value = (*listFlag)(nil)

func cmdMail(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("mail", "mail [--src DIR] [--slug SLUG] [--to ADDR]... [--from ADDR] [--eml FILE] [--send | --dry-run]",
		"Makes one briefing (default: the latest published) into an email with its\n"+
			"workbook attached and its charts as images, as mail.toml says. --eml writes\n"+
			"the message to a file (- for standard output); --send delivers it through\n"+
			"the SMTP server in BRIEF_SMTP_URL (smtp://user@host:587), with the password\n"+
			"in BRIEF_SMTP_PASSWORD; --dry-run shows recipients, subject and size.")
	var opts mail.Options
	fs.StringVar(&opts.Src, "src", ".", "project `DIR`ectory")
	fs.StringVar(&opts.Briefing, "slug", "", "the briefing's `SLUG` (default: the latest published)")
	fs.BoolVar(&opts.Drafts, "drafts", false, "a draft may be sent")
	fs.StringVar(&opts.From, "from", "", "the sender `ADDR`ess (overrides mail.toml)")
	fs.Var((*listFlag)(&opts.To), "to", "a recipient `ADDR`ess, instead of mail.toml's to and bcc (repeat, or separate with commas)")
	eml := fs.String("eml", "", "write the message to `FILE` (- for standard output)")
	send := fs.Bool("send", false, "send the message through BRIEF_SMTP_URL")
	dry := fs.Bool("dry-run", false, "print recipients, subject and size; send nothing")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) > 0 {
		return &UsageError{Msg: fmt.Sprintf("mail takes no arguments, got %q", pos)}
	}
	if *eml == "" && !*send && !*dry {
		return &UsageError{Msg: "mail needs --eml FILE, --send or --dry-run"}
	}
	if *send && *dry {
		return &UsageError{Msg: "mail: --dry-run sends nothing; give --send or --dry-run, not both"}
	}
	if opts.Epoch, err = sourceDateEpoch(); err != nil {
		return err
	}
	opts.ECharts = os.Getenv("BRIEF_ECHARTS")
	m, err := mail.Prepare(ctx, opts)
	if err != nil {
		return err
	}
	if *dry {
		fmt.Fprintf(stdout, "from:    %s\nto:      %s\nbcc:     %s\nsubject: %s\nsize:    %s\n",
			m.From, strings.Join(m.To, ", "), strings.Join(m.Bcc, ", "), m.Subject, kb(len(m.Bytes)))
	}
	switch {
	case *eml == "-":
		if _, err := stdout.Write(m.Bytes); err != nil {
			return err
		}
	case *eml != "":
		if err := os.WriteFile(*eml, m.Bytes, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%s) for %s\n", *eml, kb(len(m.Bytes)), strings.Join(m.Recipients(), ", "))
	}
	if !*send {
		return nil
	}
	srv := mail.Server{URL: os.Getenv("BRIEF_SMTP_URL"), Password: os.Getenv("BRIEF_SMTP_PASSWORD")}
	if err := mail.Send(ctx, srv, m); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sent %q to %s (%s)\n", m.Subject, strings.Join(m.Recipients(), ", "), kb(len(m.Bytes)))
	return nil
}

func kb(n int) string { return fmt.Sprintf("%d KB", (n+1023)/1024) }
