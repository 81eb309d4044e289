package pdf

import (
	"crypto/rand"
	"encoding/hex"
	"mime"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// server serves the documents being printed from memory, on a loopback
// address only, under a prefix no one can guess: the page at its path and
// the files it loads, nothing else. Documents of one site (the same Site
// key) share their files' addresses, so the browser's cache keeps the chart
// library between pages.
type server struct {
	ln     net.Listener
	srv    *http.Server
	secret string
	mu     sync.Mutex
	docs   map[string]*Document // by site key and path
}

func newServer() (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{ln: ln, docs: map[string]*Document{}, secret: random()}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // ends with Close
	return s, nil
}

// add serves doc until the returned func is called, and returns its URL.
func (s *server) add(doc *Document) (string, func()) {
	site := doc.Site
	s.mu.Lock()
	if site == "" || strings.Contains(site, "/") || s.docs[site+"/"+doc.Path] != nil {
		site = random() // its own files' addresses, not cached with others'
	}
	id := site + "/" + doc.Path
	s.docs[id] = doc
	s.mu.Unlock()
	u := "http://" + s.ln.Addr().String() + "/" + s.secret + "/" + id
	return u, func() {
		s.mu.Lock()
		delete(s.docs, id)
		s.mu.Unlock()
	}
}

func random() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	secret, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	site, rel, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	doc := s.docs[site+"/"+rel]
	if doc == nil { // a file the page loads: any document of its site serves it
		for id, d := range s.docs {
			if strings.HasPrefix(id, site+"/") {
				doc = d
				break
			}
		}
	}
	s.mu.Unlock()
	if secret != s.secret || doc == nil {
		http.NotFound(w, r)
		return
	}
	var data []byte
	ok := false
	if rel == doc.Path {
		data, ok = doc.HTML, true
	} else if doc.Files != nil {
		data, ok = doc.Files(rel)
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(rel))
	if rel == doc.Path || ct == "" && strings.HasSuffix(rel, ".html") {
		ct = "text/html; charset=utf-8"
	}
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if rel == doc.Path {
		w.Header().Set("Cache-Control", "no-store")
	} else {
		w.Header().Set("Cache-Control", "max-age=3600") // named by their content
	}
	w.Write(data) //nolint:errcheck // the browser went away
}

func (s *server) close() { s.srv.Close() }
