package preview_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"strings"
	"testing"

	"golang.org/x/net/html"

	brmail "github.com/brief-desk/brief/internal/mail"
	"github.com/brief-desk/brief/internal/sitetest"
)

// message is the email of a briefing as brief mail composes it: its HTML
// part and its inline images by Content-ID.
type message struct {
	html   []byte
	images map[string][]byte // Content-ID without brackets -> bytes
}

// composed runs brief mail's own composition for slug and reads the
// message back with the standard library.
func composed(t *testing.T, dir, slug string) message {
	t.Helper()
	m, err := brmail.Prepare(context.Background(), brmail.Options{Src: dir, Briefing: slug,
		From: "Desk <desk@example.com>", To: []string{"reader@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Bytes))
	if err != nil {
		t.Fatal(err)
	}
	out := message{images: map[string][]byte{}}
	var walk func(ctype string, body io.Reader, cid, enc string)
	walk = func(ctype string, body io.Reader, cid, enc string) {
		mt, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextPart() // decodes quoted-printable itself
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header.Get("Content-Type"), p, p.Header.Get("Content-Id"), p.Header.Get("Content-Transfer-Encoding"))
			}
		}
		if strings.EqualFold(enc, "base64") {
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case mt == "text/html":
			// A text part travels with CRLF line ends (RFC 2045's
			// canonical form); the HTML brief made has LF.
			out.html = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		case mt == "image/png":
			out.images[strings.Trim(cid, "<>")] = data
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Body, "", msg.Header.Get("Content-Transfer-Encoding"))
	if out.html == nil || len(out.images) == 0 {
		t.Fatalf("the message has no HTML part or no image: %d images", len(out.images))
	}
	return out
}

// view is what the preview must show of the message: its HTML with each
// cid: reference to one of its images replaced by the image as a data:
// URL, and the reload client.
func (m message) view(t *testing.T) string {
	t.Helper()
	v := string(m.html)
	for cid, data := range m.images {
		if !strings.Contains(v, `src="cid:`+cid+`"`) {
			t.Errorf("the message's HTML does not show its image %s", cid)
		}
		v = strings.ReplaceAll(v, "cid:"+cid, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(data))
	}
	if strings.Contains(v, "cid:") {
		t.Error("the message's HTML names an image it does not hold")
	}
	return strings.Replace(v, "</body>", `<script src="/__brief/reload.js"></script></body>`, 1)
}

// imageSources lists the src of every <img> of a page.
func imageSources(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var srcs []string
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "img" {
			for _, a := range n.Attr {
				if a.Key == "src" {
					srcs = append(srcs, a.Val)
				}
			}
		}
	}
	return srcs
}

// TestEmailView: a briefing's preview page links to its email; the email
// view is the HTML part that brief mail sends, byte for byte, but for its
// cid: images, which are the message's own images as data: URLs, plus the
// reload client; it follows an edit of the briefing.
func TestEmailView(t *testing.T) {
	dir := sitetest.Write(t, project)
	ts, _ := start(t, dir)
	events := listen(t, ts.URL)
	events.next(t, "errors")

	_, _, page := get(t, ts.URL+"/briefings/week-1/")
	if !strings.Contains(page, `<a id="brief-email" href="/__brief/email/week-1/"`) {
		t.Fatal("the briefing's preview page has no link to its email")
	}
	if _, _, home := get(t, ts.URL+"/"); strings.Contains(home, `id="brief-email"`) {
		t.Error("the home page links to an email")
	}

	status, h, view := get(t, ts.URL+"/__brief/email/week-1/")
	if status != 200 || h.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("email view: status %d, type %q", status, h.Get("Content-Type"))
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src data:") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("email view's policy = %q", csp)
	}
	if want := composed(t, dir, "week-1").view(t); view != want {
		t.Errorf("the email view is not the message's HTML with its images inline:\n got %d bytes\nwant %d bytes", len(view), len(want))
	}
	srcs := imageSources(t, view)
	if len(srcs) != 2 {
		t.Errorf("the view shows %d images, want the 2 charts", len(srcs))
	}
	for _, src := range srcs {
		b64, ok := strings.CutPrefix(src, "data:image/png;base64,")
		data, err := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil {
			t.Fatalf("image %.40s... is not a PNG data: URL", src)
		}
		if cfg, err := png.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.Width < 500 {
			t.Errorf("image: %v, %d px wide", err, cfg.Width)
		}
	}

	// Live: an edit of the briefing shows in its email view.
	write(t, dir, "content/briefings/week-1.md", "+++\ntitle = \"Week one\"\ndate = 2026-01-08\n+++\nRevised for the inbox, see <https://example.org/auto>.\n\n```chart\ndataset = \"prices\"\n```\n")
	events.next(t, "reload")
	_, _, view = get(t, ts.URL+"/__brief/email/week-1/")
	if !strings.Contains(view, "Revised for the inbox") || strings.Contains(view, "Prose with a") {
		t.Error("the email view does not follow the edit")
	}
	if !strings.Contains(view, `<a href="https://example.org/auto" style="color:#0b5cad;">`) {
		t.Error("the autolink lacks the email's link style")
	}
	if got := len(imageSources(t, view)); got != 1 {
		t.Errorf("after the edit the view shows %d images, want 1", got)
	}
	if view != composed(t, dir, "week-1").view(t) {
		t.Error("after the edit the view is not the message's HTML")
	}

	// An image that brief mail refuses: the view lists the error at its
	// place, as text; the page itself still builds.
	write(t, dir, "content/briefings/week-1.md", "+++\ntitle = \"Week one\"\ndate = 2026-01-08\n+++\nTracked ![<b>p</b>](https://tracker.example/p.gif).\n")
	events.next(t, "reload")
	status, _, view = get(t, ts.URL+"/__brief/email/week-1/")
	if status != http.StatusInternalServerError || !strings.Contains(view, "content/briefings/week-1.md:5:9: the email cannot show the remote image https://tracker.example/p.gif") {
		t.Errorf("email view of a refused image: status %d\n%s", status, view)
	}
	if strings.Contains(view, "<b>p</b>") || len(imageSources(t, view)) != 0 {
		t.Error("the error page shows markup or an image from the briefing")
	}
	if status, _, _ := get(t, ts.URL+"/briefings/week-1/"); status != 200 {
		t.Errorf("the page: status %d", status)
	}
}

// TestEmailViewPaths: the email view answers only for a briefing of the
// site; any other path under it is the 404 page, however it is encoded; the
// host check and the method check hold.
func TestEmailViewPaths(t *testing.T) {
	dir := sitetest.Write(t, project)
	ts, _ := start(t, dir)
	tests := []struct {
		method, host, path string
		want               int
	}{
		{"GET", "localhost", "/__brief/email/week-2/", 200},
		{"HEAD", "localhost", "/__brief/email/week-2/", 200},
		{"GET", "evil.example", "/__brief/email/week-2/", http.StatusForbidden},
		{"GET", "localhost.evil.example:8080", "/__brief/email/week-1/", http.StatusForbidden},
		{"POST", "localhost", "/__brief/email/week-2/", http.StatusMethodNotAllowed},
		{"GET", "localhost", "/__brief/email/week-3/", 404}, // a draft, not in the site
		{"GET", "localhost", "/__brief/email/nope/", 404},
		{"GET", "localhost", "/__brief/email/week-2", 404},
		{"GET", "localhost", "/__brief/email/week-2/x", 404},
		{"GET", "localhost", "/__brief/email/", 404},
		{"GET", "localhost", "/__brief/email/../../site.toml", 404},
		{"GET", "localhost", "/__brief/email/%2e%2e/", 404},
		{"GET", "localhost", "/__brief/email/..%2f..%2fsite.toml/", 404},
		{"GET", "localhost", "/__brief/email/week-2%2f..%2f..%2fsite.toml/", 404},
		{"GET", "localhost", "/__brief/email/week-2%00/", 404},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, ts.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = tt.path // as the attacker wrote it
		req.Host = tt.host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s with Host %q: status %d, want %d", tt.method, tt.path, tt.host, resp.StatusCode, tt.want)
		}
		if tt.want == 404 && (strings.Contains(string(body), "title = ") || !strings.Contains(string(body), "Page not found")) {
			t.Errorf("%s: not the 404 page", tt.path)
		}
	}
}
