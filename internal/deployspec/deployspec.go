// Package deployspec holds what brief deploy is asked to do and what it
// reports, apart from package deploy, which does it. The command line
// speaks of a deploy through these types alone, so that the brief program
// does not link package deploy and the storage services' SDKs it brings (60
// MB of the binary, and about 45 ms of initialisation at the start of every
// build): brief runs the brief-deploy program for a deploy, and that program
// passes deploy.Deploy to the command line (see docs/publishing.md).
package deployspec

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Protocol is what brief and the brief-deploy it runs must agree on: this
// package's types, brief deploy's flags, the manifest's format and the
// rules of what a deploy may delete. Change its number with any of them: a
// brief-deploy refuses to deploy for a brief that speaks another.
const Protocol = "brief-deploy/1"

// Options say what to deploy where.
type Options struct {
	Dir        string // the output folder brief build wrote
	URL        string // the bucket URL (gocloud.dev), prefix= included
	MaxDeletes int    // refuse a deploy that would delete more objects, unless Force
	Force      bool   // lift MaxDeletes
	Adopt      bool   // take over objects brief did not put there, where the site has files
	DryRun     bool   // plan, print the plan to Log, change nothing
	Log        io.Writer
	Workers    int // uploads at once; 0 means 8
	Retry      Retry
	Progress   func(done, total int) // after each upload and deletion
}

// Retry says how often, and after how long, a call that failed for a
// reason that may pass (a dropped connection, a 5xx, throttling) is tried
// again.
type Retry struct {
	Attempts int           // in all; 0 means 5
	Delay    time.Duration // before the second attempt, doubled for each next; 0 means 250 ms
}

// Result is what a deploy did (or, with DryRun, would do).
type Result struct {
	Uploaded  []string // in the order they finished going up
	Deleted   []string
	Unchanged int
	Waves     [][]string // the planned uploads, a wave after another
}

// Interrupted is the error of a deploy stopped before it finished: the site
// still works (nothing went up before what it links to), and the next
// deploy finishes the job.
type Interrupted struct {
	Done, Total int
	Err         error
}

func (e *Interrupted) Error() string {
	return fmt.Sprintf("deploy interrupted after %d of %d changes (%v); the site still works: run brief deploy again to finish", e.Done, e.Total, e.Err)
}

func (e *Interrupted) Unwrap() error { return e.Err }

// Func deploys: package deploy's Deploy.
type Func func(ctx context.Context, opts Options) (*Result, error)
