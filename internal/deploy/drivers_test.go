package deploy_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/deploy"
	"github.com/brief-desk/brief/internal/publish"
)

// event is a request the recorder saw: its start, or its success.
type event struct {
	done        bool
	method, key string
}

// recorder is a proxy in front of a storage server that records the order
// of writes and deletes, and can fail or interrupt them.
type recorder struct {
	addr        string
	mu          sync.Mutex
	events      []event
	failPuts    int    // answer "unavailable" to this many uploads
	cancelAfter int    // call cancel when this many PUTs of the site have started
	cancel      func() // with cancelAfter
	puts        int    // PUTs of the site's files started
}

type eventKey struct{}

func newRecorder(t *testing.T, b *backend) *recorder {
	rec := &recorder{}
	target := &url.URL{Scheme: "http", Host: b.addr}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host // the host the request was signed for
		},
		ErrorLog: log.New(io.Discard, "", 0), // the interrupted deploy's cancelled requests
		ModifyResponse: func(resp *http.Response) error {
			if e, ok := resp.Request.Context().Value(eventKey{}).(event); ok && resp.StatusCode < 300 {
				e.done = true
				rec.add(e)
			}
			return nil
		},
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m, key, ok := b.write(r); ok {
			if key == "" {
				t.Errorf("a write the test cannot name: %s %s", r.Method, r.URL)
			}
			e := event{method: m, key: trimPrefixes(key)}
			rec.add(e)
			r = r.WithContext(context.WithValue(r.Context(), eventKey{}, e))
			rec.mu.Lock()
			fail := m == http.MethodPut && rec.failPuts > 0
			if fail {
				rec.failPuts--
			}
			if m == http.MethodPut && !strings.HasSuffix(key, deploy.ManifestKey) {
				rec.puts++
				if rec.cancel != nil && rec.puts == rec.cancelAfter {
					rec.cancel()
				}
			}
			rec.mu.Unlock()
			if fail {
				b.unavailable(w)
				return
			}
		}
		proxy.ServeHTTP(w, r)
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	rec.addr = l.Addr().String()
	return rec
}

// trimPrefixes is an object's key under the tests' prefixes.
func trimPrefixes(k string) string {
	for _, p := range []string{"desk/", "other/"} {
		k = strings.TrimPrefix(k, p)
	}
	return k
}

func (r *recorder) add(e event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// take returns the events since the last take.
func (r *recorder) take() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev := r.events
	r.events = nil
	return ev
}

// sampleProject copies the repository's sample project into a new folder.
func sampleProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"data", "content"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join("..", "..", d))); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile("../../site.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "site.toml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	buildSite(t, dir)
	return dir
}

func buildSite(t *testing.T, dir string) {
	t.Helper()
	if _, err := build.Build(context.Background(), build.Options{Src: dir, ECharts: os.Getenv("BRIEF_ECHARTS")}); err != nil {
		t.Fatalf("build: %v", err)
	}
}

const secondBriefing = `+++
title   = "Grid queues set the pace"
date    = 2026-01-09
summary = "Interconnection queues, not chips, decide which miners host AI first."
tags    = ["miners", "grid"]
+++

Power is the constraint. Hut 8 and TeraWulf have megawatts energised today; the
others wait in interconnection queues.
`

const secondName = "content/briefings/2026-01-09-grid-queues-set-the-pace.md"

func writeFile(t *testing.T, dir, rel, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// siteMD5s is the MD5 of every file of the built site, by key.
func siteMD5s(t *testing.T, dir string) map[string]string {
	t.Helper()
	keys, ok, err := publish.Files(filepath.Join(dir, "public"))
	if err != nil || !ok {
		t.Fatalf("no built site in %s: %v", dir, err)
	}
	out := map[string]string{}
	for _, k := range keys {
		b, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(k)))
		if err != nil {
			t.Fatal(err)
		}
		out[k] = md5hex(b)
	}
	return out
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// bucketMD5s reads every object under the URL's prefix back through the S3
// API and returns its MD5, by key, without brief's manifest.
func bucketMD5s(t *testing.T, u string) map[string]string {
	t.Helper()
	b := openBucket(t, u)
	out := map[string]string{}
	it := b.List(nil)
	for {
		o, err := it.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := b.ReadAll(context.Background(), o.Key)
		if err != nil {
			t.Fatal(err)
		}
		out[o.Key] = md5hex(data)
	}
	delete(out, deploy.ManifestKey)
	return out
}

func openBucket(t *testing.T, u string) *blob.Bucket {
	t.Helper()
	b, err := deploy.OpenBucket(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func options(dir, u string) deploy.Options {
	return deploy.Options{Dir: filepath.Join(dir, "public"), URL: u, MaxDeletes: 256, Retry: deploy.Retry{Delay: 10 * time.Millisecond}}
}

func diffKeys(a, b map[string]string) []string {
	var out []string
	for k, v := range b {
		if a[k] != v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func writes(ev []event) []event {
	var out []event
	for _, e := range ev {
		if !strings.HasSuffix(e.key, deploy.ManifestKey) {
			out = append(out, e)
		}
	}
	return out
}

var linkAttr = regexp.MustCompile(`(?:href|src)="([^"#?:]*)[^"]*"`)

// pageLinks is the files of the site a page links to, read from the built
// file with a pattern of the test's own.
func pageLinks(t *testing.T, dir, key string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(key)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range linkAttr.FindAllSubmatch(b, -1) {
		ref := string(m[1])
		if ref == "" || strings.HasPrefix(ref, "/") {
			continue
		}
		k := path.Join(path.Dir(key), ref)
		if strings.HasSuffix(ref, "/") || k == "." {
			k = strings.TrimPrefix(k+"/index.html", "./")
		}
		out = append(out, k)
	}
	return out
}

// checkOrder checks the recorded writes of a deploy. A page a reader can
// reach when its upload starts (one that was in the bucket before, or the
// home page) links only to files that are up by then: in the bucket
// before, or uploaded and acknowledged. A new page is exempt while it goes
// up: no page a reader can reach links to it until one that does goes up
// after it, and that one is held to the rule. Pages go up after the other
// files, the feed, sitemap and home page after every page, and deletions
// after every upload.
func checkOrder(t *testing.T, dir string, ev []event, before map[string]string) {
	t.Helper()
	ev = writes(ev)
	doneAt := map[string]int{}
	lastPut := -1
	for i, e := range ev {
		if e.done {
			doneAt[e.method+" "+e.key] = i
			if e.method == http.MethodPut {
				lastPut = i
			}
		}
	}
	isPage := func(k string) bool { return strings.HasSuffix(k, ".html") }
	isEntry := func(k string) bool {
		return k == "index.html" || k == "feed.xml" || k == "sitemap.xml" || k == "search/index.js"
	}
	for i, e := range ev {
		if e.done {
			continue
		}
		if e.method == http.MethodDelete {
			if i < lastPut {
				t.Errorf("DELETE %s started before the last upload finished", e.key)
			}
			continue
		}
		for _, f := range ev[i+1:] {
			if !f.done || f.method != http.MethodPut {
				continue
			}
			switch {
			case isPage(e.key) && !isPage(f.key) && !isEntry(f.key):
				t.Errorf("page %s started before the file %s was up", e.key, f.key)
			case isEntry(e.key) && isPage(f.key) && !isEntry(f.key):
				t.Errorf("%s started before the page %s was up", e.key, f.key)
			case e.key == "index.html" && f.key != "index.html":
				t.Errorf("the home page started before %s was up", f.key)
			}
		}
		_, existed := before[e.key]
		if !isPage(e.key) || !existed && e.key != "index.html" {
			continue
		}
		for _, l := range pageLinks(t, dir, e.key) {
			if _, was := before[l]; was || l == e.key {
				continue
			}
			if at, up := doneAt["PUT "+l]; up && at < i || !isNewTarget(l, dir) {
				continue
			}
			t.Errorf("%s started going up before %s, which it links to, was up", e.key, l)
		}
	}
}

// isNewTarget: the key is a file of the built site.
func isNewTarget(key, dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "public", filepath.FromSlash(key)))
	return err == nil
}

// TestDeploy deploys the sample site to each storage's server on loopback
// (Versity's S3 gateway, fake-gcs-server, Azurite) and reads the bucket
// back through the storage's API after each step.
func TestDeploy(t *testing.T) { eachDriver(t, testDeploy) }

func testDeploy(t *testing.T, b *backend) {
	rec := newRecorder(t, b)
	u := b.url(t, rec.addr, "desk/")
	dir := sampleProject(t)
	ctx := context.Background()

	// A first deploy uploads every file, with its type and cache header.
	site := siteMD5s(t, dir)
	res, err := deploy.Deploy(ctx, options(dir, u))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) != len(site) || res.Unchanged != 0 || len(res.Deleted) != 0 {
		t.Errorf("first deploy: %d uploaded, %d deleted, %d unchanged; want %d uploaded", len(res.Uploaded), len(res.Deleted), res.Unchanged, len(site))
	}
	if got := bucketMD5s(t, u); !maps.Equal(got, site) {
		t.Errorf("after the first deploy the bucket holds %v, want the site's %d files", slices.Sorted(maps.Keys(got)), len(site))
	}
	checkOrder(t, dir, rec.take(), nil)
	checkHeaders(t, u, site)

	// A second uploads nothing and writes nothing.
	res, err = deploy.Deploy(ctx, options(dir, u))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploaded) != 0 || len(res.Deleted) != 0 || res.Unchanged != len(site) {
		t.Errorf("second deploy: %d uploaded, %d deleted, %d unchanged; want 0, 0, %d", len(res.Uploaded), len(res.Deleted), res.Unchanged, len(site))
	}
	if ev := rec.take(); len(ev) != 0 {
		t.Errorf("a deploy of an unchanged site wrote to the bucket: %v", ev)
	}

	// One new briefing uploads exactly the files whose bytes changed.
	writeFile(t, dir, secondName, secondBriefing)
	buildSite(t, dir)
	before, after := site, siteMD5s(t, dir)
	changed := diffKeys(before, after)
	res, err = deploy.Deploy(ctx, options(dir, u))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a new briefing: %d of %d files changed: %s", len(changed), len(after), strings.Join(changed, " "))
	if got := slices.Sorted(slices.Values(res.Uploaded)); !slices.Equal(got, changed) {
		t.Errorf("uploaded %q\nwant the changed files %q", got, changed)
	}
	if res.Unchanged != len(after)-len(changed) {
		t.Errorf("%d unchanged, want %d", res.Unchanged, len(after)-len(changed))
	}
	checkOrder(t, dir, rec.take(), before)
	if got := bucketMD5s(t, u); !maps.Equal(got, after) {
		t.Errorf("after the new briefing the bucket differs from the site: %v", diffKeys(got, after))
	}
	site = after

	// Removing it: --dry-run lists the deletions and changes nothing;
	// max_deletes refuses; --force deletes.
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(secondName))); err != nil {
		t.Fatal(err)
	}
	buildSite(t, dir)
	removed := slices.DeleteFunc(slices.Sorted(maps.Keys(site)), func(k string) bool { _, ok := siteMD5s(t, dir)[k]; return ok })
	var printed bytes.Buffer
	opts := options(dir, u)
	opts.DryRun, opts.Log = true, &printed
	res, err = deploy.Deploy(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Deleted, removed) || !strings.Contains(printed.String(), "would delete briefings/2026-01-09-grid-queues-set-the-pace/index.html\n") {
		t.Errorf("dry run: deletes %q, want %q; it printed:\n%s", res.Deleted, removed, printed.String())
	}
	if ev := rec.take(); len(ev) != 0 {
		t.Errorf("a dry run wrote to the bucket: %v", ev)
	}
	opts = options(dir, u)
	opts.MaxDeletes = len(removed) - 1
	_, err = deploy.Deploy(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "max_deletes") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("more deletions than max_deletes: %v", err)
	}
	if ev := rec.take(); len(ev) != 0 {
		t.Errorf("a refused deploy wrote to the bucket: %v", ev)
	}
	opts.Force = true
	res, err = deploy.Deploy(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(slices.Sorted(slices.Values(res.Deleted)), removed) {
		t.Errorf("--force deleted %q, want %q", res.Deleted, removed)
	}
	checkOrder(t, dir, rec.take(), site)
	site = siteMD5s(t, dir)
	if got := bucketMD5s(t, u); !maps.Equal(got, site) {
		t.Errorf("after the deletions the bucket differs from the site: %v", diffKeys(got, site))
	}

	// Interrupted midway, the site still works; the next deploy finishes.
	writeFile(t, dir, secondName, secondBriefing)
	buildSite(t, dir)
	cctx, cancel := context.WithCancel(ctx)
	rec.mu.Lock()
	rec.cancel, rec.cancelAfter, rec.puts = cancel, 4, 0
	rec.mu.Unlock()
	_, err = deploy.Deploy(cctx, options(dir, u))
	cancel()
	rec.mu.Lock()
	rec.cancel = nil
	rec.mu.Unlock()
	var stopped *deploy.Interrupted
	if !errors.As(err, &stopped) || !errors.Is(err, context.Canceled) {
		t.Fatalf("a deploy cancelled midway returned %v, want an Interrupted", err)
	}
	t.Logf("interrupted: %v", err)
	rec.take()
	checkLinksUp(t, dir, u)
	res, err = deploy.Deploy(ctx, options(dir, u))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the deploy after the interrupted one: %d uploaded, %d deleted, %d unchanged", len(res.Uploaded), len(res.Deleted), res.Unchanged)
	site = siteMD5s(t, dir)
	if got := bucketMD5s(t, u); !maps.Equal(got, site) {
		t.Errorf("after an interrupted deploy and another, the bucket differs from the site: %v", diffKeys(got, site))
	}
	if res, err = deploy.Deploy(ctx, options(dir, u)); err != nil || len(res.Uploaded)+len(res.Deleted) != 0 {
		t.Errorf("the deploy after that: %+v, %v; want nothing to do", res, err)
	}
}

// checkHeaders reads each object's Content-Type and Cache-Control back.
func checkHeaders(t *testing.T, u string, site map[string]string) {
	t.Helper()
	b := openBucket(t, u)
	for _, k := range slices.Sorted(maps.Keys(site)) {
		a, err := b.Attributes(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		if a.ContentType != deploy.ContentType(k) || a.CacheControl != deploy.CacheControl(k) {
			t.Errorf("%s: Content-Type %q, Cache-Control %q; want %q, %q", k, a.ContentType, a.CacheControl, deploy.ContentType(k), deploy.CacheControl(k))
		}
	}
	for k, want := range map[string][2]string{
		"index.html":              {"text/html; charset=utf-8", deploy.CacheShort},
		"feed.xml":                {"application/atom+xml; charset=utf-8", deploy.CacheShort},
		"sitemap.xml":             {"application/xml; charset=utf-8", deploy.CacheShort},
		"data/datasets.xlsx":      {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", deploy.CacheShort},
		"entities/g42/index.html": {"text/html; charset=utf-8", deploy.CacheShort},
		"tags/miners/index.html":  {"text/html; charset=utf-8", deploy.CacheShort},
		"briefings/" + sampleSlug + "/" + sampleSlug + "-1.csv": {"text/csv; charset=utf-8", deploy.CacheShort},
	} {
		a, err := b.Attributes(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		if a.ContentType != want[0] || a.CacheControl != want[1] {
			t.Errorf("%s: Content-Type %q, Cache-Control %q; want %q, %q", k, a.ContentType, a.CacheControl, want[0], want[1])
		}
	}
	var assets int
	for k := range site {
		if strings.HasPrefix(k, "assets/") && !strings.HasSuffix(k, ".txt") {
			assets++
			if a, err := b.Attributes(context.Background(), k); err != nil || a.CacheControl != deploy.CacheLong {
				t.Errorf("%s: Cache-Control %q (%v), want %q", k, a.CacheControl, err, deploy.CacheLong)
			}
		}
	}
	if assets == 0 {
		t.Error("the site has no assets/")
	}
}

const sampleSlug = "2026-01-02-miners-turn-ai-landlords"

// checkLinksUp: every page in the bucket links only to files of the site
// that are in the bucket, or that are not yet linked from a page a reader
// can reach (new pages are reached from pages that go up after them).
func checkLinksUp(t *testing.T, dir, u string) {
	t.Helper()
	in := bucketMD5s(t, u)
	b := openBucket(t, u)
	for k := range in {
		if !strings.HasSuffix(k, ".html") {
			continue
		}
		page, err := b.ReadAll(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		tmp := t.TempDir()
		if err := os.MkdirAll(filepath.Join(tmp, "public", filepath.Dir(filepath.FromSlash(k))), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, "public", filepath.FromSlash(k)), page, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, l := range pageLinks(t, tmp, k) {
			if _, ok := in[l]; !ok && isNewTarget(l, dir) && reachable(k, in, dir) {
				t.Errorf("after the interruption, %s in the bucket links to %s, which is not", k, l)
			}
		}
	}
}

// reachable: a page in the bucket is one a reader can reach when the home
// page links to it, through pages in the bucket.
func reachable(key string, in map[string]string, dir string) bool {
	return key != "" && in[key] != "" && (key == "index.html" || linkedFromOld(key, dir))
}

// linkedFromOld: the page was in the site before the new briefing (any
// page but the new briefing's own and its new tag's).
func linkedFromOld(key, dir string) bool {
	return !strings.Contains(key, "2026-01-09-grid-queues") && !strings.HasPrefix(key, "tags/grid/")
}

// TestForeign: a first deploy into a prefix that holds objects brief did
// not put there is refused, and --adopt takes over only those the site
// has files for.
func TestForeign(t *testing.T) { eachDriver(t, testForeign) }

func testForeign(t *testing.T, srv *backend) {
	u := srv.url(t, srv.addr, "other/")
	dir := sampleProject(t)
	ctx := context.Background()
	b := openBucket(t, u)
	for k, v := range map[string]string{"index.html": "someone else's page", "keep.txt": "not brief's"} {
		if err := b.WriteAll(ctx, k, []byte(v), nil); err != nil {
			t.Fatal(err)
		}
	}
	// Two files of the site already there, byte for byte: one with brief's
	// headers, one without.
	feed, err := os.ReadFile(filepath.Join(dir, "public", "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteAll(ctx, "feed.xml", feed, &blob.WriterOptions{ContentType: deploy.ContentType("feed.xml"), CacheControl: deploy.CacheControl("feed.xml")}); err != nil {
		t.Fatal(err)
	}
	sitemap, err := os.ReadFile(filepath.Join(dir, "public", "sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteAll(ctx, "sitemap.xml", sitemap, &blob.WriterOptions{ContentType: "text/xml"}); err != nil {
		t.Fatal(err)
	}
	_, err = deploy.Deploy(ctx, options(dir, u))
	if err == nil || !strings.Contains(err.Error(), "--adopt") || !strings.Contains(err.Error(), "holds 4 objects but no manifest") {
		t.Fatalf("a first deploy into a prefix with objects: %v", err)
	}
	if got := bucketMD5s(t, u); len(got) != 4 || got["index.html"] != md5hex([]byte("someone else's page")) {
		t.Errorf("the refused deploy changed the bucket: %v", got)
	}
	opts := options(dir, u)
	opts.Adopt = true
	res, err := deploy.Deploy(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	site := siteMD5s(t, dir)
	if res.Unchanged != 1 || len(res.Uploaded) != len(site)-1 || slices.Contains(res.Uploaded, "feed.xml") || !slices.Contains(res.Uploaded, "sitemap.xml") {
		t.Errorf("--adopt: %d unchanged, %d uploaded of %d; want feed.xml (same bytes and headers) kept, sitemap.xml (other headers) uploaded", res.Unchanged, len(res.Uploaded), len(site))
	}
	if a, err := b.Attributes(ctx, "sitemap.xml"); err != nil || a.ContentType != deploy.ContentType("sitemap.xml") {
		t.Errorf("sitemap.xml after --adopt: %v, %v", a, err)
	}
	got := bucketMD5s(t, u)
	if got["keep.txt"] != md5hex([]byte("not brief's")) {
		t.Errorf("--adopt touched keep.txt, which the site has no file for")
	}
	delete(got, "keep.txt")
	if !maps.Equal(got, site) {
		t.Errorf("after --adopt the bucket differs from the site: %v", diffKeys(got, site))
	}
	// Later deploys leave keep.txt alone too, and never delete it.
	if err := os.RemoveAll(filepath.Join(dir, "content", "briefings")); err != nil {
		t.Fatal(err)
	}
	buildSite(t, dir)
	opts.Adopt, opts.Force = false, true
	if _, err := deploy.Deploy(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if got := bucketMD5s(t, u); got["keep.txt"] == "" {
		t.Error("a deploy deleted keep.txt, which brief did not put there")
	}
}

// TestSecrets: an error from the storage for a wrong secret names neither
// key nor secret, and says where credentials come from.
func TestSecrets(t *testing.T) {
	eachDriver(t, func(t *testing.T, b *backend) {
		wrong, name := b.wrongSecret(t)
		if wrong == "" {
			t.Skip("the emulator takes no credentials")
		}
		dir := sampleProject(t)
		msg := deployInChild(t, options(dir, b.url(t, b.addr, "")))
		if msg == "" {
			t.Fatal("a deploy with a wrong secret succeeded")
		}
		t.Logf("wrong secret: %s", msg)
		for _, s := range []string{wrong, accessKey, azureAccount + ":"} {
			if strings.Contains(msg, s) {
				t.Errorf("the error prints %q: %s", s, msg)
			}
		}
		if !strings.Contains(msg, name) {
			t.Errorf("the error does not say where credentials come from (%s): %s", name, msg)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("the error spans lines: %s", msg)
		}
	})
}

// deployInChild deploys in a new process of the test binary, with the
// environment as the test set it (gocloud's Azure opener reads the
// credentials once a process), and returns the error's text, "" for none.
func deployInChild(t *testing.T, opts deploy.Options) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildDeploy$", "-test.count=1")
	cmd.Env = append(os.Environ(), "BRIEF_CHILD_DIR="+opts.Dir, "BRIEF_CHILD_URL="+opts.URL)
	out, err := cmd.CombinedOutput()
	_, msg, ok := strings.Cut(string(out), "deploy error<<")
	msg, _, ok2 := strings.Cut(msg, ">>")
	if err != nil || !ok || !ok2 {
		t.Fatalf("the child deploy: %v\n%s", err, out)
	}
	return msg
}

// TestChildDeploy is deployInChild's child.
func TestChildDeploy(t *testing.T) {
	dir := os.Getenv("BRIEF_CHILD_DIR")
	if dir == "" {
		t.Skip("deployInChild runs it")
	}
	opts := deploy.Options{Dir: dir, URL: os.Getenv("BRIEF_CHILD_URL"), MaxDeletes: 256, Retry: deploy.Retry{Attempts: 1}}
	_, err := deploy.Deploy(context.Background(), opts)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	fmt.Printf("deploy error<<%s>>\n", msg)
}

// TestGCSCredentials: without Application Default Credentials a gs://
// deploy stops and says where they come from; with a service account's key
// file that Google's token service (a stand-in on loopback) refuses, the
// error prints no part of the key. No emulator: nothing leaves loopback.
func TestGCSCredentials(t *testing.T) {
	dir := sampleProject(t)
	t.Setenv("STORAGE_EMULATOR_HOST", "")
	t.Setenv("STORAGE_EMULATOR_HOST_GRPC", "")
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(t.TempDir(), "none.json"))
	_, err := deploy.Deploy(context.Background(), options(dir, "gs://site"))
	if err == nil || !strings.Contains(err.Error(), "no Google Cloud credentials") || !strings.Contains(err.Error(), "GOOGLE_APPLICATION_CREDENTIALS") {
		t.Errorf("no credentials: %v", err)
	}

	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_client","error_description":"The OAuth client was not found."}`)
	}))
	defer tokens.Close()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	account, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "brief-test", "private_key_id": "0123456789abcdef",
		"private_key": pemKey, "client_email": "deploy@brief-test.iam.gserviceaccount.com",
		"client_id": "1234567890", "token_uri": tokens.URL + "/token",
	})
	file := filepath.Join(t.TempDir(), "account.json")
	if err := os.WriteFile(file, account, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", file)
	_, err = deploy.Deploy(context.Background(), options(dir, "gs://site"))
	if err == nil {
		t.Fatal("a deploy with refused credentials succeeded")
	}
	t.Logf("refused credentials: %v", err)
	body := strings.Split(pemKey, "\n")[1] // a line of the key's base64
	if strings.Contains(err.Error(), body) || strings.Contains(err.Error(), "PRIVATE KEY") {
		t.Errorf("the error prints the private key: %v", err)
	}
	if !strings.Contains(err.Error(), "GOOGLE_APPLICATION_CREDENTIALS") || strings.Contains(err.Error(), "\n") {
		t.Errorf("the error does not say where credentials come from, or spans lines: %v", err)
	}
}

// TestAzureSAS: with a SAS token whose signature Azurite refuses, the
// error prints no part of the token's signature.
func TestAzureSAS(t *testing.T) {
	b := azurite(t)
	const sig = "c2lnbmF0dXJlLW9mLXRoZS10ZXN0cw%3D%3D"
	t.Setenv("AZURE_STORAGE_KEY", "")
	t.Setenv("AZURE_STORAGE_SAS_TOKEN", "sv=2025-01-05&ss=b&srt=sco&sp=rwdlac&se=2099-01-01T00%3A00%3A00Z&spr=https%2Chttp&sig="+sig)
	dir := sampleProject(t)
	msg := deployInChild(t, options(dir, b.url(t, b.addr, "")))
	t.Logf("a refused SAS token: %s", msg)
	if msg == "" {
		t.Fatal("a deploy with a SAS token Azurite refuses succeeded")
	}
	for _, s := range []string{sig, "c2lnbmF0dXJlLW9mLXRoZS10ZXN0cw", "sig="} {
		if strings.Contains(msg, s) && !strings.Contains(msg, "sig=[redacted]") {
			t.Errorf("the error prints the signature (%q): %s", s, msg)
		}
	}
	if !strings.Contains(msg, "AZURE_STORAGE_SAS_TOKEN") {
		t.Errorf("the error does not say where credentials come from: %s", msg)
	}
}

// TestRetries: uploads the server refuses for a while (503) are tried
// again, and the deploy ends with the bucket equal to the site.
func TestRetries(t *testing.T) {
	eachDriver(t, func(t *testing.T, b *backend) {
		rec := newRecorder(t, b)
		rec.failPuts = b.attempts + 1 // brief's own retries must make up the difference
		u := b.url(t, rec.addr, "")
		dir := sampleProject(t)
		opts := options(dir, u)
		opts.Workers = 1
		if _, err := deploy.Deploy(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		if rec.failPuts != 0 {
			t.Errorf("%d refusals left: the deploy made fewer uploads than expected", rec.failPuts)
		}
		if got, site := bucketMD5s(t, u), siteMD5s(t, dir); !maps.Equal(got, site) {
			t.Errorf("after refused uploads the bucket differs from the site: %v", diffKeys(got, site))
		}
	})
}
