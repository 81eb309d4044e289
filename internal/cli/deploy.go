package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/brief-desk/brief/internal/deploy"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/projectfs"
)

func cmdDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("deploy", "Uploads the built site (--out) to the bucket of site.toml's [deploy] url: only\n"+
		"the files that differ, new files before the pages that link to them, then\n"+
		"deletes the objects the site no longer has. It deletes or overwrites only\n"+
		"objects it put there (it keeps a manifest, .brief-deploy.json, under the\n"+
		"prefix). The url is s3://, gs://, azblob:// or file://. Credentials come\n"+
		"from the storage service's environment variables (S3: AWS_ACCESS_KEY_ID,\n"+
		"AWS_SECRET_ACCESS_KEY; Google Cloud Storage: GOOGLE_APPLICATION_CREDENTIALS;\n"+
		"Azure: AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN),\n"+
		"never from the project.")
	src := fs.String("src", ".", "project `DIR`ectory")
	out := fs.String("out", "", "the built site's `DIR`ectory (default: DIR/public)")
	dryRun := fs.Bool("dry-run", false, "print what would be uploaded and deleted; change nothing")
	force := fs.Bool("force", false, "delete more objects than max_deletes allows")
	adopt := fs.Bool("adopt", false, "take over objects brief did not put there, where the site has files (a first deploy into a prefix that holds objects)")
	pos, err := parse(fs, args, stdout)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) > 0 {
		return &UsageError{Msg: fmt.Sprintf("deploy takes no arguments, got %q", pos)}
	}
	if err := checkProject(*src); err != nil {
		return err
	}
	pfs, err := projectfs.Open(*src)
	if err != nil {
		return err
	}
	cfg, err := project.LoadConfig(pfs)
	pfs.Close()
	if err != nil {
		return err
	}
	opts := deploy.Options{
		Dir: cmp.Or(*out, filepath.Join(*src, "public")), URL: cfg.Deploy.URL, MaxDeletes: cfg.Deploy.MaxDeletes,
		Force: *force, Adopt: *adopt, DryRun: *dryRun, Log: stdout,
	}
	var bar *progress
	if isTerminal(stderr) && !*dryRun {
		bar = &progress{w: stderr, what: "deployed"}
		opts.Progress = bar.update
	}
	res, err := deploy.Deploy(ctx, opts)
	bar.clear()
	var stopped *deploy.Interrupted
	if errors.As(err, &stopped) {
		// Not context.Canceled: Run would say that nothing was written.
		return errors.New(stopped.Error())
	}
	if err != nil {
		return err
	}
	if *dryRun {
		fmt.Fprintf(stdout, "dry run: %d to upload, %d to delete, %d unchanged; nothing was changed\n", len(res.Uploaded), len(res.Deleted), res.Unchanged)
		return nil
	}
	fmt.Fprintf(stdout, "%d uploaded, %d deleted, %d unchanged\n", len(res.Uploaded), len(res.Deleted), res.Unchanged)
	return nil
}
