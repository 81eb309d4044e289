package preview

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/diag"
)

// emailPrefix is where the email of a briefing is shown:
// /__brief/email/<slug>/.
const emailPrefix = Prefix + "email/"

// emailPolicy lets the email view load nothing but its own inline images
// (data: URLs) and the reload client: a remote image, which the email would
// refuse anyway, could not load here either.
const emailPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'"

// emailView is an email as the preview shows it: its HTML, with its images
// inlined, or the reason it cannot be made.
type emailView struct {
	html   []byte
	errors []string
}

// emailCache keeps the email views of one build: a reload of the view, or
// another tab, does not draw the charts again.
type emailCache struct {
	version int64
	views   map[string]*emailView
}

// emailSlug reads the slug of an email view's path; ok is false for any
// other path under emailPrefix.
func emailSlug(p string) (slug string, ok bool) {
	rest, found := strings.CutPrefix(p, emailPrefix)
	slug, slash := strings.CutSuffix(rest, "/")
	if !found || !slash || slug == "" || strings.ContainsAny(slug, "/\\\x00") || slug == "." || slug == ".." {
		return "", false
	}
	return slug, true
}

// email serves the email of a briefing of the current site: the HTML that
// brief mail sends, its cid: images as data: URLs, with the reload client,
// so that it follows every save like the pages.
func (s *Server) email(w http.ResponseWriter, r *http.Request) {
	slug, ok := emailSlug(r.URL.Path)
	st := s.cur.Load()
	if _, page := st.files["briefings/"+slug+"/index.html"]; !ok || !page {
		s.file(w, r) // the 404 page
		return
	}
	v := s.emailView(slug)
	status, body := http.StatusOK, v.html
	if v.errors != nil {
		status, body = http.StatusInternalServerError, emailErrorPage(slug, v.errors)
	}
	body = inject(body, "")
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", emailPolicy)
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// emailView makes the email of slug from the last good build, or takes it
// from the cache of this build.
func (s *Server) emailView(slug string) *emailView {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	// Rebuild publishes under buildMu: this version is the engine's.
	if version := s.cur.Load().version; s.emails.version != version || s.emails.views == nil {
		s.emails = emailCache{version: version, views: map[string]*emailView{}}
	}
	if v, ok := s.emails.views[slug]; ok {
		return v
	}
	v := &emailView{}
	e, err := s.engine.Email(slug)
	if err != nil {
		var list *diag.List
		switch {
		case errors.As(err, &list):
			for _, e := range list.Errors() {
				v.errors = append(v.errors, e.Error())
			}
		case errors.Is(err, build.ErrNoBriefing):
			v.errors = []string{fmt.Sprintf("the last good build has no briefing %q", slug)}
		default:
			v.errors = []string{err.Error()}
		}
	} else {
		v.html = e.Inlined()
	}
	s.emails.views[slug] = v
	return v
}

// emailErrorPage says why the email of slug cannot be made, every error
// as text.
func emailErrorPage(slug string, errs []string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>The email of %s cannot be made</title>\n</head>\n<body style=\"font:15px/1.5 system-ui,sans-serif;margin:2rem;\">\n", html.EscapeString(slug))
	fmt.Fprintf(&b, "<h1 style=\"font-size:20px;\">brief mail would refuse the email of %s</h1>\n<ol style=\"font-family:ui-monospace,Menlo,Consolas,monospace;\">\n", html.EscapeString(slug))
	for _, e := range errs {
		fmt.Fprintf(&b, "<li style=\"margin:.35rem 0;white-space:pre-wrap;\">%s</li>\n", html.EscapeString(e))
	}
	b.WriteString("</ol>\n<p>Fix them and save: this page follows.</p>\n</body>\n</html>\n")
	return b.Bytes()
}

// emailLink is what a briefing's page in the preview gets besides the
// reload client: a link to its email.
func emailLink(name string) string {
	rest, ok := strings.CutPrefix(name, "briefings/")
	slug, page := strings.CutSuffix(rest, "/index.html")
	if !ok || !page || slug == "" || strings.Contains(slug, "/") {
		return ""
	}
	href := emailPrefix + url.PathEscape(slug) + "/"
	return `<a id="brief-email" href="` + html.EscapeString(href) + `" style="position:fixed;right:12px;bottom:12px;z-index:2147483646;padding:6px 12px;border-radius:6px;background:#1d1d1f;color:#fff;font:600 13px/1.4 system-ui,sans-serif;text-decoration:none;box-shadow:0 1px 4px rgba(0,0,0,.3);">Email view</a>`
}
