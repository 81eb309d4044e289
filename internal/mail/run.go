package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/atomicfile"
)

// Job is one run of brief mail: which briefing, and what to do with its
// message.
type Job struct {
	Options
	Eml    string // write the message to this file ("-": standard output)
	Send   bool   // deliver it to Server
	DryRun bool   // print who gets what
	Server Server
}

// Run composes the message and writes, shows or sends it. With Send and
// Eml, the file holds exactly the bytes sent; it is written (whole, by a
// rename) only when the message was sent or may have been, so that a
// message that was not sent leaves no copy claiming it was. A message the
// server took is reported as sent, whatever happens afterwards: a failure
// to close the connection is a warning on stderr.
func Run(ctx context.Context, job Job, stdout, stderr io.Writer) error {
	if job.Send {
		if _, err := parseServer(job.Server.URL); err != nil {
			return err
		}
		job.Sent = time.Now()
	}
	m, err := Prepare(ctx, job.Options)
	if err != nil {
		return err
	}
	if !job.Send && m.localLinks {
		fmt.Fprintf(stderr, "warning: no base_url: the email's links go to %s; set base_url in site.toml or pass --base-url (--send refuses without one)\n", m.baseURL)
	}
	if job.DryRun {
		fmt.Fprintf(stdout, "from:    %s\nto:      %s\nbcc:     %s\nsubject: %s\nsize:    %s\n",
			m.From, strings.Join(m.To, ", "), strings.Join(m.Bcc, ", "), m.Subject, kb(len(m.Bytes)))
	}
	var copyFile *atomicfile.Pending
	switch {
	case job.Eml == "-":
		if _, err := stdout.Write(m.Bytes); err != nil {
			return err
		}
	case job.Eml != "":
		if copyFile, err = writeTemp(job.Eml, m.Bytes); err != nil {
			return err
		}
		defer copyFile.Discard()
		if !job.Send {
			if err := copyFile.Commit(); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s (%s) for %s\n", job.Eml, kb(len(m.Bytes)), strings.Join(m.Recipients(), ", "))
		}
	}
	if !job.Send {
		return nil
	}
	r, err := Send(ctx, job.Server, m)
	if err != nil {
		if errors.Is(err, ErrMaybeSent) && copyFile != nil && copyFile.Commit() == nil {
			return fmt.Errorf("%w (the message is in %s)", err, job.Eml)
		}
		return err
	}
	fmt.Fprintf(stdout, "sent %q to %s (%s); the server said %q\n", m.Subject, strings.Join(m.Recipients(), ", "), kb(len(m.Bytes)), r.Reply)
	if r.Warning != nil {
		fmt.Fprintf(stderr, "warning: %v\n", r.Warning)
	}
	if copyFile != nil {
		// The message is sent: a copy that cannot be kept is a warning,
		// not a failure that would invite sending it again.
		if err := copyFile.Commit(); err != nil {
			fmt.Fprintf(stderr, "warning: the message was sent, but its copy could not be written: %v\n", err)
		} else {
			fmt.Fprintf(stdout, "wrote %s (%s), the message as sent\n", job.Eml, kb(len(m.Bytes)))
		}
	}
	return nil
}

func kb(n int) string { return fmt.Sprintf("%d KB", (n+1023)/1024) }

// writeTemp writes b beside target, to be renamed over it by Commit
// (atomicfile), or removed by Discard.
func writeTemp(target string, b []byte) (*atomicfile.Pending, error) {
	f, err := atomicfile.New(target)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Discard()
		return nil, err
	}
	return f, nil
}
