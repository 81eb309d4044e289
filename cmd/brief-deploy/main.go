// Command brief-deploy does the work of brief deploy: it uploads a built
// site to object storage (S3, Google Cloud Storage, Azure Blob Storage, or a
// folder). brief runs it, found beside its own executable or on PATH, so
// that brief itself does not link the storage services' SDKs; run alone,
// brief-deploy takes brief deploy's flags. See docs/publishing.md.
package main

import (
	"context"
	"os"

	"github.com/brief-desk/brief/internal/cli"
	"github.com/brief-desk/brief/internal/deploy"
)

func main() {
	os.Exit(cli.ExitCode(cli.RunDeploy(context.Background(), os.Args[1:], os.Stdout, os.Stderr, deploy.Deploy)))
}
