package deploy

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"

	"cloud.google.com/go/storage"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // azblob:// (Azure Blob Storage, Azurite)
	_ "gocloud.dev/blob/fileblob"  // file:// for a local mirror
	"gocloud.dev/blob/gcsblob"     // gs:// (Google Cloud Storage)
	_ "gocloud.dev/blob/s3blob"    // s3:// and S3-compatible servers
	"gocloud.dev/gcp"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"
)

// schemes are the bucket URLs brief deploys to, each with the environment
// variables its credentials come from (for messages).
var schemes = map[string]string{
	"s3":     "for S3: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE",
	"gs":     "for Google Cloud Storage: Application Default Credentials, GOOGLE_APPLICATION_CREDENTIALS or gcloud auth application-default login",
	"azblob": "for Azure: AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, or AZURE_STORAGE_CONNECTION_STRING",
	"file":   "none for a folder",
}

// buckets opens the bucket URLs of schemes: with gocloud's own openers,
// but for gs://, whose own prints a warning to standard output and goes on
// with no credentials when it finds none.
var buckets = func() *blob.URLMux {
	m := new(blob.URLMux)
	for s := range schemes {
		if s != gcsblob.Scheme {
			m.RegisterBucket(s, blob.DefaultURLMux())
		}
	}
	m.RegisterBucket(gcsblob.Scheme, gcsOpener{})
	return m
}()

// OpenBucket opens a bucket URL as brief deploy does (the tests read the
// bucket back through it).
func OpenBucket(ctx context.Context, u string) (*blob.Bucket, error) {
	return buckets.OpenBucket(ctx, u)
}

// gcsOpener opens gs:// URLs with Application Default Credentials (from
// GOOGLE_APPLICATION_CREDENTIALS, gcloud's file or the metadata server), or
// with none where STORAGE_EMULATOR_HOST names an emulator or the URL says
// anonymous=true. It reads the environment at each call.
type gcsOpener struct{}

func (gcsOpener) OpenBucketURL(ctx context.Context, u *url.URL) (*blob.Bucket, error) {
	// Reads through the JSON API, as the other calls: the XML API's,
	// the client's default, cannot read a key with a slash from an
	// emulator (fake-gcs-server).
	o := &gcsblob.URLOpener{Options: gcsblob.Options{ClientOptions: []option.ClientOption{storage.WithJSONReads()}}}
	anon, _ := strconv.ParseBool(u.Query().Get("anonymous"))
	if anon || os.Getenv("STORAGE_EMULATOR_HOST") != "" || os.Getenv("STORAGE_EMULATOR_HOST_GRPC") != "" {
		o.Client = gcp.NewAnonymousHTTPClient(gcp.DefaultTransport())
		return o.OpenBucketURL(ctx, u)
	}
	creds, err := gcp.DefaultCredentialsWithParams(ctx, google.CredentialsParams{UniverseDomain: u.Query().Get("universe_domain")})
	if err != nil {
		return nil, fmt.Errorf("no Google Cloud credentials: set GOOGLE_APPLICATION_CREDENTIALS to a service account's key file, or run gcloud auth application-default login (STORAGE_EMULATOR_HOST=host:port for an emulator): %w", err)
	}
	if o.Client, err = gcp.NewHTTPClient(gcp.DefaultTransport(), creds.TokenSource); err != nil {
		return nil, err
	}
	o.TokenSource = gcp.CredentialsTokenSource(creds)
	if ud, err := creds.GetUniverseDomain(); err == nil && ud != "" {
		o.Options.ClientOptions = append(o.Options.ClientOptions, option.WithUniverseDomain(ud))
	}
	return o.OpenBucketURL(ctx, u)
}
