package deploy_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/brief-desk/brief/internal/deploy"
	"github.com/brief-desk/brief/internal/sitetest"
)

// backend is an object storage server on loopback that the tests deploy
// to, each through the bucket "site".
type backend struct {
	addr string
	// url is the bucket URL of "site" on the server at addr (the server's
	// own, or a recorder's in front of it), under prefix.
	url func(t testing.TB, addr, prefix string) string
	// write says what a request writes: "PUT" or "DELETE" and the object's
	// key; ok is false for any other request (reads, listings, a block of
	// an upload in parts).
	write func(r *http.Request) (method, key string, ok bool)
	// unavailable answers a request as the service does when it is busy.
	unavailable func(w http.ResponseWriter)
	// attempts is how often the service's SDK sends an upload the server
	// refuses as busy before it gives up (brief's own retries come after).
	attempts int
	// wrongSecret sets a wrong secret in the environment and returns it
	// with the environment variable an error must name; "" where the
	// server takes no credentials.
	wrongSecret func(t testing.TB) (secret, name string)
}

// drivers are the storages the deploy tests run against, each started by
// its function (which skips the test where the server is not installed).
var drivers = []struct {
	name  string
	start func(t testing.TB) *backend
}{
	{"s3", versitygw},
	{"gcs", fakeGCS},
	{"azure", azurite},
}

// eachDriver runs fn as a subtest against each storage.
func eachDriver(t *testing.T, fn func(t *testing.T, b *backend)) {
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) { fn(t, d.start(t)) })
	}
}

// tool finds a server's program on the PATH, in Go's bin folder or at
// one of the paths in also, and skips the test where there is none.
func tool(t testing.TB, name, what, install string, also ...string) string {
	t.Helper()
	if bin, err := exec.LookPath(name); err == nil {
		return bin
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		also = append(also, filepath.Join(strings.TrimSpace(string(out)), "bin", name))
	}
	for _, p := range also {
		if _, err := os.Stat(p); err == nil {
			abs, err := filepath.Abs(p)
			if err != nil {
				t.Fatal(err)
			}
			return abs
		}
	}
	sitetest.SkipWithout(t, what, install)
	return ""
}

// serve starts a server's command and waits until ready says it answers.
// serve starts a server on a free loopback address (start makes its
// command for the address) and waits until ready says it answers there; it
// returns the address. The address is free when chosen, but another
// server (of a test running beside this one) may take it before this one
// binds it: then this one stops, and it is started again on another
// address. ready must know the server by its answer, not by any answer.
func serve(t testing.TB, what string, start func(addr string) *exec.Cmd, ready func(addr string) bool) string {
	t.Helper()
	var said string
	for range 3 {
		addr := sitetest.FreeAddr(t)
		cmd := start(addr)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		t.Cleanup(func() { cmd.Process.Kill(); <-exited })
		if waitReady(t, what, exited, &out, func() bool { return ready(addr) }) {
			return addr
		}
		said = out.String()
	}
	t.Fatalf("%s stopped before it answered, three times; it said:\n%s", what, said)
	return ""
}

// waitReady waits until ready, or reports false when the server exited
// first.
func waitReady(t testing.TB, what string, exited chan struct{}, out *bytes.Buffer, ready func() bool) bool {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !ready(); time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			return false
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start in 60 s; it said:\n%s", what, out.String())
		}
	}
	return true
}

// answers reports whether an HTTP GET of u gets a response with status
// want (any status when want is 0) from a server whose Server header
// starts with server (any server when it is "").
func answers(u string, want int, server string) bool {
	resp, err := http.Get(u)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return (want == 0 || resp.StatusCode == want) && strings.HasPrefix(resp.Header.Get("Server"), server)
}

// withPrefix adds prefix= to a bucket URL.
func withPrefix(u, prefix string) string {
	if prefix == "" {
		return u
	}
	if strings.Contains(u, "?") {
		return u + "&prefix=" + url.QueryEscape(prefix)
	}
	return u + "?prefix=" + url.QueryEscape(prefix)
}

const (
	accessKey = "brieftestkey"
	secretKey = "brief-test-secret-0123456789"
)

// versitygw starts Versity's S3 gateway over a folder with one bucket,
// "site", and sets the AWS environment variables for it.
func versitygw(t testing.TB) *backend {
	t.Helper()
	bin := tool(t, "versitygw", "versitygw (Versity's S3 gateway)", "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	addr := serve(t, "versitygw", func(addr string) *exec.Cmd {
		cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", dir)
		cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+accessKey, "ROOT_SECRET_KEY="+secretKey)
		return cmd
	}, func(addr string) bool { return answers("http://"+addr+"/", 0, "VERSITYGW") })
	// Credentials from the environment only: no shared files of the machine's.
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_ACCESS_KEY_ID", accessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	return &backend{
		addr: addr,
		url: func(t testing.TB, addr, prefix string) string {
			return withPrefix("s3://site?endpoint=http://"+addr+"&region=us-east-1&use_path_style=true", prefix)
		},
		write: func(r *http.Request) (string, string, bool) {
			if r.Method != http.MethodPut && r.Method != http.MethodDelete {
				return "", "", false
			}
			return r.Method, strings.TrimPrefix(r.URL.Path, "/site/"), true
		},
		unavailable: func(w http.ResponseWriter) {
			http.Error(w, "<Error><Code>ServiceUnavailable</Code></Error>", http.StatusServiceUnavailable)
		},
		attempts: 3,
		wrongSecret: func(t testing.TB) (string, string) {
			const wrong = "wrong-secret-ZYXWVUTSRQ"
			t.Setenv("AWS_SECRET_ACCESS_KEY", wrong)
			return wrong, "AWS_SECRET_ACCESS_KEY"
		},
	}
}

// fakeGCS starts fake-gcs-server, an emulator of Google Cloud Storage's
// JSON API, in memory with one bucket, "site". gs:// URLs reach it through
// STORAGE_EMULATOR_HOST, which each URL of the backend's sets.
func fakeGCS(t testing.TB) *backend {
	t.Helper()
	bin := tool(t, "fake-gcs-server", "fake-gcs-server (an emulator of Google Cloud Storage)", "go install github.com/fsouza/fake-gcs-server@v1.56.1")
	addr := serve(t, "fake-gcs-server", func(addr string) *exec.Cmd {
		host, port, _ := net.SplitHostPort(addr)
		return exec.Command(bin, "-scheme", "http", "-host", host, "-port", port, "-backend", "memory",
			"-log-level", "error", "-public-host", addr, "-external-url", "http://"+addr)
	}, func(addr string) bool { return answers("http://"+addr+"/storage/v1/b", http.StatusOK, "") })
	resp, err := http.Post("http://"+addr+"/storage/v1/b?project=brief", "application/json", strings.NewReader(`{"name":"site"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("creating the bucket: %s", resp.Status)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(t.TempDir(), "none.json"))
	return &backend{
		addr: addr,
		url: func(t testing.TB, addr, prefix string) string {
			t.Setenv("STORAGE_EMULATOR_HOST", addr)
			return withPrefix("gs://site", prefix)
		},
		write: func(r *http.Request) (string, string, bool) {
			switch {
			case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/upload/storage/v1/b/site/o"):
				return http.MethodPut, uploadName(r), true
			case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/storage/v1/b/site/o/"):
				return r.Method, strings.TrimPrefix(r.URL.Path, "/storage/v1/b/site/o/"), true
			}
			return "", "", false
		},
		unavailable: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":{"code":503,"message":"busy"}}`)
		},
		attempts:    1, // the Go client does not retry an upload without a precondition
		wrongSecret: func(t testing.TB) (string, string) { return "", "" },
	}
}

// uploadName is the object name of a Google Cloud Storage upload: in the
// URL, or in the JSON part of a multipart upload's body (which it reads
// and puts back).
func uploadName(r *http.Request) string {
	if n := r.URL.Query().Get("name"); n != "" {
		return n
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return ""
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	part, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).NextPart()
	if err != nil {
		return ""
	}
	var meta struct{ Name string }
	if json.NewDecoder(part).Decode(&meta) != nil {
		return ""
	}
	return meta.Name
}

const azureAccount = "briefdesk"

var azureKey = base64.StdEncoding.EncodeToString([]byte("brief-test-azure-key-0123456789abcdef"))

// azurite starts Azurite's Blob service (the npm package, a devDependency
// in package.json) in memory with an account of the tests' own and a
// container, "site", and sets the Azure environment variables for it.
func azurite(t testing.TB) *backend {
	t.Helper()
	bin := tool(t, "azurite-blob", "Azurite (an emulator of Azure Blob Storage)", "npm ci: azurite is a devDependency in package.json",
		filepath.Join("..", "..", "node_modules", ".bin", "azurite-blob"))
	dir := t.TempDir()
	addr := serve(t, "azurite", func(addr string) *exec.Cmd {
		host, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(bin, "--blobHost", host, "--blobPort", port,
			"--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "AZURITE_ACCOUNTS="+azureAccount+":"+azureKey)
		return cmd
	}, func(addr string) bool { return answers("http://"+addr+"/", 0, "Azurite-Blob") })
	for _, v := range []string{"AZURE_STORAGE_SAS_TOKEN", "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGEBLOB_CONNECTIONSTRING", "AZURE_STORAGE_DOMAIN", "AZURE_STORAGE_PROTOCOL", "AZURE_STORAGE_IS_CDN", "AZURE_STORAGE_IS_LOCAL_EMULATOR"} {
		t.Setenv(v, "")
	}
	t.Setenv("AZURE_STORAGE_ACCOUNT", azureAccount)
	t.Setenv("AZURE_STORAGE_KEY", azureKey)
	b := &backend{
		addr: addr,
		url: func(t testing.TB, addr, prefix string) string {
			return withPrefix("azblob://site?localemu=true&protocol=http&domain="+addr, prefix)
		},
		write: func(r *http.Request) (string, string, bool) {
			q := r.URL.Query()
			if r.Method != http.MethodPut && r.Method != http.MethodDelete || q.Has("restype") || q.Get("comp") == "block" {
				return "", "", false
			}
			return r.Method, strings.TrimPrefix(r.URL.Path, "/"+azureAccount+"/site/"), true
		},
		unavailable: func(w http.ResponseWriter) {
			w.Header().Set("x-ms-error-code", "ServerBusy")
			w.Header().Set("retry-after-ms", "10") // the SDK's own retries, quickly
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>busy</Message></Error>`)
		},
		attempts: 4,
		wrongSecret: func(t testing.TB) (string, string) {
			wrong := base64.StdEncoding.EncodeToString([]byte("wrong-azure-key-ZYXWVUTSRQ"))
			t.Setenv("AZURE_STORAGE_KEY", wrong)
			return wrong, "AZURE_STORAGE_KEY"
		},
	}
	bucket, err := deploy.OpenBucket(context.Background(), b.url(t, addr, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	var c *container.Client
	if !bucket.As(&c) {
		t.Fatal("the azblob bucket is not a *container.Client")
	}
	if _, err := c.Create(context.Background(), nil); err != nil {
		t.Fatalf("creating the container: %v", err)
	}
	return b
}
