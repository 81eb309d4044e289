package preview_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/fixture"
	"github.com/brief-desk/brief/internal/preview"
	"github.com/brief-desk/brief/internal/publish"
	"github.com/brief-desk/brief/internal/sitetest"
)

// project is the desk fixture, shared with the build's tests.
var project = fixture.Archive("desk")

func opts(t *testing.T, dir string) build.Options {
	return build.Options{Src: dir}
}

// start runs a preview server with a watcher on the project; it stops with
// the test.
func start(t *testing.T, dir string) (*httptest.Server, *preview.Server) {
	t.Helper()
	srv := preview.New(opts(t, dir), io.Discard)
	srv.Rebuild(context.Background())
	w, err := preview.NewWatcher(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = w.Run(ctx, func(ch *build.Changes) { srv.RebuildAfter(ctx, ch) }); close(done) }()
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
		cancel()
		<-done
	})
	return ts, srv
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestServing(t *testing.T) {
	dir := sitetest.Write(t, project)
	ts, _ := start(t, dir)
	tests := []struct {
		path   string
		status int
		ctype  string
		body   string
	}{
		{"/", 200, "text/html; charset=utf-8", "Week two"},
		{"/index.html", 200, "text/html; charset=utf-8", `<script src="/__brief/reload.js"></script></body>`},
		{"/briefings/week-1/", 200, "text/html; charset=utf-8", "Prose with a"},
		{"/briefings/week-1/week-1.xlsx", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		{"/feed.xml", 200, "application/xml; charset=utf-8", "<feed"},
		{"/data/datasets.xlsx", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		{"/briefings/week-1", 301, "", ""},
		{"/briefings/", 404, "text/html; charset=utf-8", "Page not found"},
		{"/nope.html", 404, "text/html; charset=utf-8", "Page not found"},
		{"/../site.toml", 404, "", "Page not found"},
		{"/%2e%2e/site.toml", 404, "", "Page not found"},
		{"/briefings/%2e%2e/%2e%2e/site.toml", 404, "", "Page not found"},
		{"/..%2fsite.toml", 404, "", "Page not found"},
		{"/..%5csite.toml", 404, "", "Page not found"},
		{"/data/prices.toml", 404, "", "Page not found"},
		{"/site.toml", 404, "", "Page not found"},
		{"/__brief/reload.js", 200, "text/javascript; charset=utf-8", "EventSource"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", ts.URL+tt.path, nil)
		req.URL.RawPath = tt.path // keep the encoding as the attacker wrote it
		req.URL.Opaque = tt.path
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.path, resp.StatusCode, tt.status)
		}
		if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("%s: content type %q, want %q", tt.path, resp.Header.Get("Content-Type"), tt.ctype)
		}
		if !strings.Contains(string(b), tt.body) {
			t.Errorf("%s: body lacks %q", tt.path, tt.body)
		}
	}
	// The built site on disk never carries the reload client.
	if _, err := build.Build(context.Background(), opts(t, dir)); err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(filepath.Join(dir, "public"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), "__brief") {
				t.Errorf("%s contains the preview's reload client", p)
			}
		}
		return nil
	})
}

// sse reads server-sent events from the preview.
type sse struct {
	events chan [2]string
	cancel func()
}

func listen(t *testing.T, url string) *sse { return listenB(t, url) }

func httptestServer(t testing.TB, srv *preview.Server) string {
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.CloseClientConnections(); ts.Close() })
	return ts.URL
}

func listenB(t testing.TB, url string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", url+preview.Prefix+"events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &sse{events: make(chan [2]string, 16), cancel: cancel}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var name, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data += strings.TrimPrefix(line, "data: ")
			case line == "" && name != "":
				s.events <- [2]string{name, data}
				name, data = "", ""
			}
		}
	}()
	t.Cleanup(cancel)
	return s
}

func (s *sse) next(t *testing.T, want string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-s.events:
			if e[0] == want {
				return e[1]
			}
		case <-timeout:
			t.Fatalf("no %q event", want)
		}
	}
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEditBreakFix is the desk's day: edit a briefing and see it, break a
// dataset and see the located error over the last good site, fix it and see
// the error clear.
func TestEditBreakFix(t *testing.T) {
	dir := sitetest.Write(t, project)
	ts, _ := start(t, dir)
	events := listen(t, ts.URL)
	if got := events.next(t, "errors"); got != "[]" {
		t.Fatalf("initial state = %s", got)
	}

	write(t, dir, "content/briefings/week-1.md", "+++\ntitle = \"Week one, revised\"\ndate = 2026-01-08\n+++\nRevised text.\n")
	events.next(t, "reload")
	if _, _, body := get(t, ts.URL+"/briefings/week-1/"); !strings.Contains(body, "Revised text.") {
		t.Error("the edit does not show")
	}
	if _, _, body := get(t, ts.URL+"/"); !strings.Contains(body, "Week one, revised") {
		t.Error("the index does not list the new title")
	}

	write(t, dir, "data/prices.toml", "title = \"Prices\"\nsource = \"Exchange\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nclose = \"<b>ten</b>\"\n[[rows]]\ndate = 2026-01-02\nclose = 10\n")
	errs := events.next(t, "errors")
	if !strings.Contains(errs, `data/prices.toml:6:9: rows[0].close: want a number`) {
		t.Errorf("errors event = %s", errs)
	}
	status, _, body := get(t, ts.URL+"/briefings/week-2/")
	if status != 200 || !strings.Contains(body, "Week two") || !strings.Contains(body, "11.25") {
		t.Error("the last good site is not served while the build is broken")
	}
	// A page opened now gets the errors on connect.
	late := listen(t, ts.URL)
	if got := late.next(t, "errors"); !strings.Contains(got, "rows[0].close") {
		t.Errorf("late client errors = %s", got)
	}

	write(t, dir, "data/prices.toml", "title = \"Prices\"\nsource = \"Exchange\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nclose = 99.5\n")
	events.next(t, "reload")
	if _, _, body := get(t, ts.URL+"/briefings/week-2/"); !strings.Contains(body, "99.5") {
		t.Error("the fix does not show")
	}
	fresh := listen(t, ts.URL)
	if got := fresh.next(t, "errors"); got != "[]" {
		t.Errorf("errors after the fix = %s", got)
	}

	// A folder made later is watched, and editors' swap files are not.
	write(t, dir, "content/briefings/.week-1.md.swp", "junk")
	write(t, dir, "templates/partials/extra.html", `{{define "extra"}}x{{end}}`)
	events.next(t, "reload")
	write(t, dir, "templates/partials/extra.html", `{{define "extra"}}y{{end}}`)
	events.next(t, "reload")
}

// TestIncrementalMatchesBuild checks that the engine's incremental result is
// byte for byte what a full build writes, after each kind of change, each
// rebuild told only the paths changed, as the watcher tells it.
func TestIncrementalMatchesBuild(t *testing.T) {
	dir := sitetest.Write(t, project)
	eng := build.NewEngine(opts(t, dir))
	check := func(step string, changed ...string) {
		t.Helper()
		var ch *build.Changes
		if step != "first build" {
			ch = &build.Changes{Paths: map[string]bool{}}
			for _, p := range changed {
				ch.Paths[p] = true
			}
		}
		snap, err := eng.Rebuild(context.Background(), ch)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if _, err := build.Build(context.Background(), opts(t, dir)); err != nil {
			t.Fatal(err)
		}
		disk := map[string][]byte{}
		root := filepath.Join(dir, "public")
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(root, p)
				disk[filepath.ToSlash(rel)], _ = os.ReadFile(p)
			}
			return nil
		})
		delete(disk, publish.ManifestName) // only a folder on disk has one
		if !maps.EqualFunc(disk, snap.Files, func(a, b []byte) bool { return string(a) == string(b) }) {
			for name := range disk {
				if string(disk[name]) != string(snap.Files[name]) {
					t.Errorf("%s: %s differs from the full build", step, name)
				}
			}
			for name := range snap.Files {
				if _, ok := disk[name]; !ok {
					t.Errorf("%s: %s only in memory", step, name)
				}
			}
		}
	}
	check("first build")
	// Each edit keeps a chart somewhere, so that the other pages come from
	// the cache and a key that misses an input would show as a stale page.
	write(t, dir, "content/briefings/week-1.md", "+++\ntitle = \"Renamed\"\ndate = 2026-01-08\ntags = [\"other\"]\n+++\nNew.\n\n```chart\ndataset = \"prices\"\n```\n")
	check("briefing renamed, tag changed", "content/briefings/week-1.md")
	write(t, dir, "data/prices.toml", "title = \"Prices\"\nsource = \"Exchange\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nclose = 1\n[[rows]]\ndate = 2026-01-09\nclose = 2\n")
	check("dataset edited", "data/prices.toml")
	write(t, dir, "content/briefings/week-3.md", "+++\ntitle = \"Week three\"\ndate = 2026-01-22\n+++\n```table\ndataset = \"prices\"\n```\n")
	check("briefing added", "content/briefings/week-3.md")
	os.Remove(filepath.Join(dir, "content/briefings/week-2.md"))
	check("briefing removed", "content/briefings/week-2.md")
	// A derived dataset follows its source: the page quoting it shows the
	// source's edit, as a full build does.
	write(t, dir, "data/doubled.toml", "title = \"Doubled\"\nsource = \"Derived\"\nkind = \"series\"\nquery = \"SELECT date, close * 2 AS twice FROM prices ORDER BY date\"\n")
	write(t, dir, "content/briefings/week-4.md", "+++\ntitle = \"Week four\"\ndate = 2026-01-29\n+++\nTwice: {{ doubled.twice }}.\n\n```chart\ndataset = \"doubled\"\n```\n")
	check("derived dataset added", "data/doubled.toml", "content/briefings/week-4.md")
	quoted := func(want string) {
		t.Helper()
		snap, err := eng.Build(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if page := string(snap.Files["briefings/week-4/index.html"]); !strings.Contains(page, ">"+want+"</a>.") {
			t.Errorf("week 4 does not quote %s", want)
		}
	}
	quoted("4")
	write(t, dir, "data/prices.toml", "title = \"Prices\"\nsource = \"Exchange\"\nkind = \"series\"\n[[rows]]\ndate = 2026-01-01\nclose = 1\n[[rows]]\ndate = 2026-01-09\nclose = 2.5\n")
	check("derived dataset's source edited", "data/prices.toml")
	quoted("5")
	write(t, dir, "templates/briefing.html", `{{define "main"}}<p>{{.Briefing.Title}}</p>{{.Briefing.Body}}{{end}}`)
	check("template overridden", "templates/briefing.html")
	write(t, dir, "site.toml", "title = \"Renamed desk\"\nbase_url = \"https://example.org/\"\n")
	check("settings changed", "site.toml")
}

// TestLoad fetches pages from many clients while the site rebuilds a fixed
// number of times: no request fails and no page is ever torn. Only the test
// rebuilds (there is no watcher), so builds never overlap, and the clients
// run until the rebuilds are done, however slow the machine.
func TestLoad(t *testing.T) {
	dir := sitetest.Write(t, project)
	srv := preview.New(opts(t, dir), io.Discard)
	srv.Rebuild(context.Background())
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	const rebuilds = 20
	done := make(chan error, 1)
	go func() {
		for i := range rebuilds {
			text := "+++\ntitle = \"Week one\"\ndate = 2026-01-08\n+++\n" + strings.Repeat("Word ", 200+i) + "\n\n```chart\ndataset = \"prices\"\n```\n"
			if err := os.WriteFile(filepath.Join(dir, "content/briefings/week-1.md"), []byte(text), 0o644); err != nil {
				done <- err
				return
			}
			if !srv.Rebuild(context.Background()) {
				done <- fmt.Errorf("rebuild %d failed", i)
				return
			}
		}
		done <- nil
	}()
	var finished atomic.Bool
	var wg sync.WaitGroup
	var requests, failures atomic.Int64
	const clients = 16
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths := []string{"/", "/briefings/week-1/", "/briefings/week-2/", "/feed.xml", "/briefings/week-1/week-1.xlsx", "/__brief/email/week-1/"}
			for i := 0; i < len(paths) || !finished.Load(); i++ {
				p := paths[i%len(paths)]
				resp, err := http.Get(ts.URL + p)
				if err != nil {
					if failures.Add(1) <= 3 {
						t.Logf("%s: %v", p, err)
					}
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				requests.Add(1)
				torn := resp.Header.Get("Content-Length") != strconv.Itoa(len(b))
				if strings.HasSuffix(p, "/") && !strings.HasSuffix(strings.TrimSpace(string(b)), "</html>") {
					torn = true
				}
				if resp.StatusCode != 200 || torn {
					if failures.Add(1) <= 3 {
						t.Logf("%s: status %d, %d bytes, torn %v", p, resp.StatusCode, len(b), torn)
					}
				}
			}
		}()
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
	finished.Store(true)
	wg.Wait()
	if failures.Load() > 0 {
		t.Errorf("%d of %d requests failed or were torn", failures.Load(), requests.Load())
	}
	t.Logf("%d requests during %d rebuilds", requests.Load(), rebuilds)
}

// TestHostAndMethod: against DNS rebinding, only loopback names and IP
// addresses are answered, and nothing but GET and HEAD.
func TestHostAndMethod(t *testing.T) {
	dir := sitetest.Write(t, project)
	ts, srv := start(t, dir)
	srv.AllowHost("preview.internal")
	tests := []struct {
		method, host, path string
		want               int
	}{
		{"GET", "evil.example", "/", http.StatusForbidden},
		{"GET", "evil.example:8080", "/__brief/status", http.StatusForbidden},
		{"GET", "evil.example", "/__brief/events", http.StatusForbidden},
		{"GET", "localhost.evil.example", "/", http.StatusForbidden},
		{"GET", "localhost:8080", "/", http.StatusOK},
		{"GET", "LOCALHOST.", "/", http.StatusOK},
		{"GET", "app.localhost", "/", http.StatusOK},
		{"GET", "127.0.0.1:8080", "/", http.StatusOK},
		{"GET", "[::1]:8080", "/", http.StatusOK},
		{"GET", "192.168.1.5:8080", "/", http.StatusOK},
		{"GET", "preview.internal:8080", "/", http.StatusOK},
		{"HEAD", "localhost", "/__brief/status", http.StatusOK},
		{"POST", "localhost", "/__brief/status", http.StatusMethodNotAllowed},
		{"DELETE", "localhost", "/__brief/events", http.StatusMethodNotAllowed},
		{"PUT", "localhost", "/index.html", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, ts.URL+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tt.host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s with Host %q: status %d, want %d", tt.method, tt.path, tt.host, resp.StatusCode, tt.want)
		}
	}
}
