// Package preview is `brief serve`: it builds a project in memory, serves it
// over HTTP on loopback, watches the project's files, rebuilds when they
// change (reusing what did not), and tells open pages to reload through
// Server-Sent Events. A failed rebuild keeps the last good site and shows
// every error in an overlay on every page; the server never stops for bad
// input.
package preview

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/diag"
)

// Prefix is where the preview's own endpoints live; no site file can be there.
const Prefix = "/__brief/"

// state is one published result: the last good site and the errors of the
// last build, if it failed.
type state struct {
	files   map[string][]byte
	errors  []string // empty when the last build succeeded
	version int64
}

// Server serves the latest good build and pushes reloads.
type Server struct {
	engine *build.Engine
	log    io.Writer

	cur atomic.Pointer[state]

	// buildMu orders the engine's work: a rebuild (up to publishing its
	// result) and the making of an email view, which renders a briefing's
	// markdown tree that the pages share.
	buildMu sync.Mutex
	emails  emailCache

	mu      sync.Mutex
	clients map[chan event]struct{}
	version int64

	hosts []string // host names answered besides loopback names and IP addresses
}

type event struct {
	name string
	data string
}

// New makes a server for the project. log receives one line per rebuild.
func New(opts build.Options, log io.Writer) *Server {
	opts.Future, opts.MarkScheduled = true, true // a scheduled briefing is previewed, marked so
	s := &Server{engine: build.NewEngine(opts), log: log, clients: map[chan event]struct{}{}}
	s.cur.Store(&state{files: map[string][]byte{}})
	return s
}

// Rebuild builds the project and publishes the result: a new site, or the
// errors over the last good one. It reports whether the build succeeded.
func (s *Server) Rebuild(ctx context.Context) bool { return s.RebuildAfter(ctx, nil) }

// RebuildAfter is Rebuild after changes, what the watcher saw change since
// the last rebuild (nil: anything may have; build.Engine.Rebuild).
func (s *Server) RebuildAfter(ctx context.Context, changes *build.Changes) bool {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	snap, err := s.engine.Rebuild(ctx, changes)
	prev := s.cur.Load()
	s.mu.Lock()
	s.version++
	version := s.version
	s.mu.Unlock()
	if err != nil {
		var msgs []string
		var list *diag.List
		if errors.As(err, &list) {
			for _, e := range list.Errors() {
				msgs = append(msgs, e.Error())
			}
		} else {
			msgs = []string{err.Error()}
		}
		s.cur.Store(&state{files: prev.files, errors: msgs, version: version})
		fmt.Fprintf(s.log, "rebuild failed: %d %s\n", len(msgs), plural(len(msgs), "error", "errors"))
		for _, m := range msgs {
			fmt.Fprintf(s.log, "  %s\n", m)
		}
		payload, _ := json.Marshal(msgs)
		s.broadcast(event{"errors", string(payload)})
		return false
	}
	s.cur.Store(&state{files: snap.Files, version: version})
	for _, w := range snap.Warnings {
		fmt.Fprintf(s.log, "  warning: %s\n", w.Error())
	}
	fmt.Fprintf(s.log, "rebuilt in %s: %d files\n", snap.Elapsed.Round(time.Millisecond), len(snap.Files))
	s.broadcast(event{"reload", fmt.Sprint(version)})
	return true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (s *Server) broadcast(e event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.clients {
		select {
		case c <- e:
		default: // a slow client misses an event; it gets the state on reconnect
		}
	}
}

// AllowHost makes the server answer requests for a host name other than
// localhost: the host of --addr, when it is a name.
func (s *Server) AllowHost(name string) {
	if name != "" && net.ParseIP(name) == nil {
		s.hosts = append(s.hosts, strings.ToLower(strings.TrimSuffix(name, ".")))
	}
}

// hostAllowed reports whether a request's Host may be answered. Against DNS
// rebinding (a page on evil.example whose name resolves to 127.0.0.1), only
// names that cannot be rebound are answered: IP addresses, localhost and
// *.localhost, and the names given to AllowHost.
func (s *Server) hostAllowed(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	switch {
	case host == "":
		return false
	case net.ParseIP(host) != nil:
		return true
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return true
	}
	return slices.Contains(s.hosts, host)
}

// Handler serves the site and the preview endpoints. It does not use
// http.ServeMux for site paths, which would redirect /../x to /x: a path with
// a ".." segment gets the 404 page.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hostAllowed(r.Host) {
			http.Error(w, "brief serve answers only requests for localhost or an IP address (the Host header names another host); open http://127.0.0.1 or http://localhost", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		switch r.URL.Path {
		case Prefix + "events":
			s.events(w, r)
		case Prefix + "status":
			st := s.cur.Load()
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			_ = json.NewEncoder(w).Encode(struct {
				Version int64    `json:"version"`
				Errors  []string `json:"errors"`
			}{st.version, append([]string{}, st.errors...)})
		case Prefix + "reload.js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = io.WriteString(w, reloadJS)
		default:
			if strings.HasPrefix(r.URL.Path, emailPrefix) {
				s.email(w, r)
				return
			}
			s.file(w, r)
		}
	})
}

// contentTypes fixes the types the preview must get right whatever the
// machine's MIME tables say.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".xml":  "application/xml; charset=utf-8",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
}

func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// resolve maps a request path to a file of the site. It refuses any path
// with a ".." segment, a backslash or a NUL (decoded or not), and never
// touches the file system: the site is a map in memory, so nothing outside it
// can be reached, symlinks included.
func resolve(files map[string][]byte, r *http.Request) (name string, redirect bool, ok bool) {
	raw := r.URL.EscapedPath()
	p, err := url.PathUnescape(raw)
	if err != nil || strings.ContainsAny(p, "\\\x00") {
		return "", false, false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return "", false, false
		}
	}
	name = strings.TrimPrefix(path.Clean("/"+p), "/")
	if strings.HasSuffix(p, "/") || name == "" {
		name = path.Join(name, "index.html")
	}
	if _, ok := files[name]; ok {
		return name, false, true
	}
	if _, ok := files[path.Join(name, "index.html")]; ok {
		return name, true, true // a folder without its slash
	}
	return "", false, false
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	st := s.cur.Load()
	name, redirect, ok := resolve(st.files, r)
	if redirect {
		http.Redirect(w, r, "/"+name+"/", http.StatusMovedPermanently)
		return
	}
	status := http.StatusOK
	data := st.files[name]
	if !ok {
		status, name = http.StatusNotFound, "404.html"
		data = st.files[name]
		if data == nil {
			data = []byte("<!DOCTYPE html><title>Not found</title><h1>Not found</h1>")
			if len(st.files) == 0 {
				data = []byte("<!DOCTYPE html><title>No site yet</title><h1>The site has not built yet</h1><p>Fix the errors shown and save.</p>")
			}
		}
	}
	if strings.HasSuffix(name, ".html") {
		data = inject(data, emailLink(name))
	}
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// inject adds the reload client to a page, after extra (HTML of the
// preview's own, or ""). Built sites never contain them.
func inject(page []byte, extra string) []byte {
	tag := extra + `<script src="` + Prefix + `reload.js"></script>`
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(append([]byte{}, page...), tag...)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

// events streams "reload" and "errors" events; a new client first gets the
// current state, so a page opened while the build is broken shows the errors.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	c := make(chan event, 8)
	s.mu.Lock()
	s.clients[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
	}()
	st := s.cur.Load()
	payload, _ := json.Marshal(st.errors)
	if st.errors == nil {
		payload = []byte("[]")
	}
	writeEvent(w, event{"errors", string(payload)})
	flusher.Flush()
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case e := <-c:
			writeEvent(w, e)
			flusher.Flush()
		case <-ping.C:
			_, _ = io.WriteString(w, ": ping\n\n")
			flusher.Flush()
		}
	}
}

func writeEvent(w io.Writer, e event) {
	fmt.Fprintf(w, "event: %s\n", e.name)
	for _, line := range strings.Split(e.data, "\n") {
		fmt.Fprintf(w, "data: %s\n", line)
	}
	_, _ = io.WriteString(w, "\n")
}

// Listen opens the address, with a clear error when it is taken.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, errAddrInUse) || strings.Contains(err.Error(), "address already in use") {
			return nil, fmt.Errorf("cannot listen on %s: the port is in use by another program; stop it or pass --addr with another port, such as --addr 127.0.0.1:8081", addr)
		}
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	return ln, nil
}

// Run serves until ctx is cancelled, then shuts down cleanly.
func (s *Server) Run(ctx context.Context, ln net.Listener, w *Watcher) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if w != nil {
		go func() { errc <- w.Run(ctx, func(ch *build.Changes) { s.RebuildAfter(ctx, ch) }) }()
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}
