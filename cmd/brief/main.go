// Command brief builds a static briefing site from typed TOML datasets and
// markdown commentary. See README.md and docs/ for the format.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/brief-desk/brief/internal/cli"
)

func main() {
	os.Exit(cli.ExitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Run(ctx, args, stdout, stderr)
}
