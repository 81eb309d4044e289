package deploy

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// secretVars are the storage services' standard environment variables
// that hold secrets: their values never appear in an error of deploy's.
var secretVars = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"GOOGLE_OAUTH_ACCESS_TOKEN",
	"AZURE_STORAGE_KEY", "AZURE_STORAGE_SAS_TOKEN", "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGEBLOB_CONNECTIONSTRING", "AZURE_CLIENT_SECRET",
}

// redacted is an error whose text has had secrets taken out; it still
// unwraps to the error it redacts (for errors.Is(err, context.Canceled)).
type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

// redact takes secrets out of err's text: the values of secretVars (as
// they are and URL-escaped), any user:password in a URL, and the values of
// the parameters that carry a signature or a key in a URL or a connection
// string (a SAS token's sig=, AccountKey=). It also puts the message on
// one line, shortening Azure's many-line errors to their gist.
func redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var az *azcore.ResponseError
	if errors.As(err, &az) {
		msg = strings.ReplaceAll(msg, az.Error(), azureError(az))
	}
	msg = newlines.ReplaceAllString(redactText(msg), " ")
	if msg == err.Error() {
		return err
	}
	return &redacted{msg: msg, err: err}
}

// redactText takes secrets out of a text (see redact).
func redactText(msg string) string {
	for _, v := range secretVars {
		s := os.Getenv(v)
		if len(s) < 4 {
			continue
		}
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), strings.TrimPrefix(s, "?")} {
			if len(form) >= 4 {
				msg = strings.ReplaceAll(msg, form, "[redacted "+v+"]")
			}
		}
	}
	msg = secretParam.ReplaceAllString(msg, "$1=[redacted]")
	return userinfo.ReplaceAllString(msg, "$1[redacted]@")
}

var (
	newlines = regexp.MustCompile(`\s*\n\s*`)
	userinfo = regexp.MustCompile(`([a-z][a-z0-9+.-]*://)[^/@\s"]*@`)
	// secretParam is a URL's or a connection string's parameter whose value
	// is a secret (SAS, presigned and V4-signed URLs, Azure connection
	// strings).
	secretParam = regexp.MustCompile(`(?i)\b(sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|access_token|accountkey|sharedaccesssignature)=[^&;\s"']+`)
)

// azureError is an Azure response error on one line: the request, the
// status and Azure's error code (its own text spans lines and quotes the
// whole response).
func azureError(e *azcore.ResponseError) string {
	var req string
	if e.RawResponse != nil && e.RawResponse.Request != nil {
		r := e.RawResponse.Request
		req = r.Method + " " + r.URL.EscapedPath() + ": "
	}
	return fmt.Sprintf("%sHTTP %d %s", req, e.StatusCode, e.ErrorCode)
}

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
	if _, ok := schemes[u.Scheme]; !ok {
		return fmt.Errorf("deploy.url: %s:// is not a storage this brief deploys to: use s3:// (AWS S3, or an S3-compatible server with endpoint=: R2, MinIO), gs:// (Google Cloud Storage), azblob:// (Azure Blob Storage) or file:// (a folder)", u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("deploy.url: %s://...: a user name or password in the URL; credentials come from the storage service's environment variables (%s), never from the project", u.Scheme, schemes[u.Scheme])
	}
	for k, vs := range u.Query() {
		for _, v := range vs {
			if e, err := url.Parse(v); err == nil && e.User != nil {
				return fmt.Errorf("deploy.url: %s= holds a user name or password; credentials come from the storage service's environment variables, never from the project", k)
			}
		}
		if secretKey(k) {
			return fmt.Errorf("deploy.url: %s=: credentials come from the storage service's environment variables (%s), never from the project", k, schemes[u.Scheme])
		}
	}
	return nil
}

// secretKey reports whether a URL's parameter names a credential.
func secretKey(k string) bool {
	lk := strings.ToLower(k)
	for _, s := range []string{"secret", "password", "token", "signature", "credential", "accountkey", "private_key"} {
		if strings.Contains(lk, s) {
			return true
		}
	}
	switch lk {
	case "sig", "access_key", "access_key_id":
		return true
	}
	return false
}

// describeURL quotes a URL for a message with anything between :// and @,
// and any signature or key, taken out.
func describeURL(raw string) string {
	return fmt.Sprintf("%q", redactText(raw))
}
