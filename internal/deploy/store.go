package deploy

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// for a local mirror
	_ "gocloud.dev/blob/s3blob"   // s3:// and S3-compatible servers
	"gocloud.dev/gcerrors"
)

// ManifestKey is the object, under the prefix, in which brief records the
// objects it put there, with their MD5s and headers.
const ManifestKey = ".brief-deploy.json"

// manifest is the remote manifest's content.
type manifest struct {
	Brief int              `json:"brief_deploy"` // format version: 1
	Files map[string]entry `json:"files"`
}

// secretVars are the storage services' standard environment variables
// that hold secrets: their values never appear in an error of deploy's.
var secretVars = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"GOOGLE_OAUTH_ACCESS_TOKEN",
	"AZURE_STORAGE_KEY", "AZURE_STORAGE_SAS_TOKEN", "AZURE_STORAGE_CONNECTION_STRING", "AZURE_CLIENT_SECRET",
}

// redacted is an error whose text has had secrets taken out; it still
// unwraps to the error it redacts (for errors.Is(err, context.Canceled)).
type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

// redact takes the values of secretVars, and any user:password in a URL,
// out of err's text.
func redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, v := range secretVars {
		if s := os.Getenv(v); len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, "[redacted "+v+"]")
		}
	}
	msg = userinfo.ReplaceAllString(msg, "$1[redacted]@")
	if msg == err.Error() {
		return err
	}
	return &redacted{msg: msg, err: err}
}

var userinfo = regexp.MustCompile(`([a-z][a-z0-9+.-]*://)[^/@\s]*@`)

// CheckURL refuses a bucket URL that carries credentials: they come from
// the storage service's environment variables, never from the project.
// Its messages never quote the secret.
func CheckURL(raw string) error {
	if raw == "" {
		return errors.New("no bucket URL: set url in site.toml's [deploy] table, e.g. url = \"s3://bucket?region=eu-west-1\"")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("deploy.url: want a bucket URL such as s3://bucket?region=eu-west-1, got %s", describeURL(raw))
	}
	if u.Scheme != "s3" && u.Scheme != "file" {
		return fmt.Errorf("deploy.url: %s:// is not a storage this brief deploys to: use s3:// (AWS S3, or an S3-compatible server with endpoint=: R2, MinIO, GCS's XML API with HMAC keys) or file:// (a folder)", u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("deploy.url: %s://...: a user name or password in the URL; credentials come from the storage service's environment variables (for S3: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never from the project", u.Scheme)
	}
	for k, vs := range u.Query() {
		for _, v := range vs {
			if e, err := url.Parse(v); err == nil && e.User != nil {
				return fmt.Errorf("deploy.url: %s= holds a user name or password; credentials come from the storage service's environment variables, never from the project", k)
			}
		}
		if lk := strings.ToLower(k); strings.Contains(lk, "secret") || strings.Contains(lk, "password") || strings.Contains(lk, "token") || lk == "access_key" || lk == "access_key_id" {
			return fmt.Errorf("deploy.url: %s=: credentials come from the storage service's environment variables, never from the project", k)
		}
	}
	return nil
}

// describeURL quotes a URL for a message with anything between :// and @
// taken out.
func describeURL(raw string) string {
	return fmt.Sprintf("%q", userinfo.ReplaceAllString(raw, "$1[redacted]@"))
}

// store is the bucket with retries around every call.
type store struct {
	b     *blob.Bucket
	retry Retry
}

// Retry says how often, and after how long, a call that failed for a
// reason that may pass (a dropped connection, a 5xx, throttling) is tried
// again.
type Retry struct {
	Attempts int           // in all; 0 means 5
	Delay    time.Duration // before the second attempt, doubled for each next; 0 means 250 ms
}

func (s *store) do(ctx context.Context, fn func() error) error {
	attempts, delay := s.retry.Attempts, s.retry.Delay
	if attempts <= 0 {
		attempts = 5
	}
	if delay <= 0 {
		delay = 250 * time.Millisecond
	}
	var err error
	for i := range attempts {
		if err = fn(); err == nil || !transient(ctx, err) || i == attempts-1 {
			break
		}
		d := delay<<i + rand.N(delay) // jitter, so parallel uploads do not retry in step
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return err
}

// transient reports whether err may pass if the call is tried again.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return false
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		c := status.HTTPStatusCode()
		return c >= 500 || c == 429 || c == 408
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	switch gcerrors.Code(err) {
	case gcerrors.Unknown, gcerrors.Internal, gcerrors.ResourceExhausted, gcerrors.DeadlineExceeded:
		return true
	}
	return false
}

// list returns the MD5 of every object under the prefix, keyed by key (nil
// where the service gives none, as for a multipart upload's ETag).
func (s *store) list(ctx context.Context) (map[string][]byte, error) {
	var out map[string][]byte
	err := s.do(ctx, func() error {
		out = map[string][]byte{}
		it := s.b.List(nil)
		for {
			o, err := it.Next(ctx)
			if err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
			out[o.Key] = o.MD5
		}
	})
	return out, err
}

// readManifest reads the remote manifest; nil when there is none.
func (s *store) readManifest(ctx context.Context) (*manifest, error) {
	var b []byte
	err := s.do(ctx, func() (err error) {
		b, err = s.b.ReadAll(ctx, ManifestKey)
		return err
	})
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", ManifestKey, err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Brief != 1 {
		return nil, fmt.Errorf("%s is not a manifest this brief can read (written by a newer brief, or edited); move it away and deploy with --adopt", ManifestKey)
	}
	if m.Files == nil {
		m.Files = map[string]entry{}
	}
	return &m, nil
}

// writeManifest writes the remote manifest.
func (s *store) writeManifest(ctx context.Context, files map[string]entry) error {
	b, err := json.Marshal(manifest{Brief: 1, Files: files})
	if err != nil {
		return err
	}
	err = s.do(ctx, func() error {
		return s.b.WriteAll(ctx, ManifestKey, b, &blob.WriterOptions{ContentType: "application/json", CacheControl: "no-store"})
	})
	if err != nil {
		return fmt.Errorf("writing %s: %w", ManifestKey, err)
	}
	return nil
}

// put uploads one file's bytes.
func (s *store) put(ctx context.Context, f file, b []byte) error {
	sum, _ := hex.DecodeString(f.MD5)
	return s.do(ctx, func() error {
		return s.b.WriteAll(ctx, f.Key, b, &blob.WriterOptions{ContentType: f.Type, CacheControl: f.Cache, ContentMD5: sum})
	})
}

// del deletes one object; one already gone is deleted.
func (s *store) del(ctx context.Context, key string) error {
	err := s.do(ctx, func() error { return s.b.Delete(ctx, key) })
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil
	}
	return err
}

// sortedKeys is m's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
