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
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"

	"github.com/brief-desk/brief/internal/deployspec"
)

// ManifestKey is the object, under the prefix, in which brief records the
// objects it put there, with their MD5s and headers.
const ManifestKey = ".brief-deploy.json"

// manifest is the remote manifest's content.
type manifest struct {
	Brief int              `json:"brief_deploy"` // format version: 1
	Files map[string]entry `json:"files"`
}

// store is the bucket with retries around every call.
type store struct {
	b     *blob.Bucket
	retry Retry
}

// Retry says how often, and after how long, a failed call is tried again.
type Retry = deployspec.Retry

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
	if c := httpStatus(err); c != 0 {
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

// httpStatus is the HTTP status of a storage service's error (S3's,
// Google Cloud Storage's or its token service's, Azure's), or 0.
func httpStatus(err error) int {
	var s3 interface{ HTTPStatusCode() int }
	var gcs *googleapi.Error
	var az *azcore.ResponseError
	var token *oauth2.RetrieveError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &s3):
		return s3.HTTPStatusCode()
	case errors.As(err, &gcs):
		return gcs.Code
	case errors.As(err, &az):
		return az.StatusCode
	case errors.As(err, &token) && token.Response != nil:
		return token.Response.StatusCode // Google's token service refused the credentials
	}
	return 0
}

// notFound reports whether err says the object is not there. gocloud
// reports some refusals as NotFound too (Google Cloud Storage's 403, an
// Azure account's host that does not resolve): those are not.
func notFound(err error) bool {
	if gcerrors.Code(err) != gcerrors.NotFound {
		return false
	}
	s := httpStatus(err)
	var op *net.OpError
	var dns *net.DNSError
	return s == 404 || s == 0 && !errors.As(err, &op) && !errors.As(err, &dns) && !strings.Contains(err.Error(), "no such host")
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
	if notFound(err) {
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
	if notFound(err) {
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
