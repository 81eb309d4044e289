package mail_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	brmail "github.com/brief-desk/brief/internal/mail"
	"github.com/brief-desk/brief/internal/render"
	"github.com/brief-desk/brief/internal/sitetest"
)

// part is one MIME part of a parsed message, its children for multiparts.
type part struct {
	Type     string
	Header   map[string][]string
	Body     []byte
	Children []*part
}

// parse reads a message back with net/mail and mime/multipart, decoding
// each leaf's transfer encoding.
func parse(t *testing.T, raw []byte) (*mail.Message, *part) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return m, readPart(t, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Header, m.Body)
}

func readPart(t *testing.T, ctype, enc string, h map[string][]string, body io.Reader) *part {
	t.Helper()
	media, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("content type %q: %v", ctype, err)
	}
	p := &part{Type: media, Header: h}
	if strings.HasPrefix(media, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			c, err := r.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			p.Children = append(p.Children, readPart(t, c.Header.Get("Content-Type"), c.Header.Get("Content-Transfer-Encoding"), c.Header, c))
		}
		return p
	}
	raw, _ := io.ReadAll(body)
	switch strings.ToLower(enc) {
	case "base64":
		dec, err := io.ReadAll(base64Reader(raw))
		if err != nil {
			t.Fatal(err)
		}
		p.Body = dec
	case "quoted-printable":
		dec, err := io.ReadAll(qpReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		p.Body = dec
	default:
		p.Body = raw
	}
	return p
}

func sample(t *testing.T) string {
	t.Helper()
	root, _ := filepath.Abs("../..")
	return root
}

// TestMessageStructure: the sample briefing's email, read back part by
// part: mixed > related > alternative (text, then HTML), the chart images
// by Content-ID, every cid: of the HTML resolving, and the workbook
// attached byte for byte as the site publishes it.
func TestMessageStructure(t *testing.T) {
	msg, err := brmail.Prepare(context.Background(), brmail.Options{Src: sample(t)})
	if err != nil {
		t.Fatal(err)
	}
	h, root := parse(t, msg.Bytes)
	for k, want := range map[string]string{
		"Subject": "Miners turn AI landlords (2 January 2026)", "From": `"Sector desk" <desk@example.com>`,
		"To": "<clients@example.com>", "Reply-To": "<desk@example.com>", "Date": "Fri, 02 Jan 2026 00:00:00 +0000",
	} {
		if got := h.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !regexp.MustCompile(`^<[0-9a-f]{32}@example\.com>$`).MatchString(h.Header.Get("Message-ID")) {
		t.Errorf("Message-ID = %q", h.Header.Get("Message-ID"))
	}
	if root.Type != "multipart/mixed" || len(root.Children) != 2 {
		t.Fatalf("top part %s with %d parts", root.Type, len(root.Children))
	}
	related, attachment := root.Children[0], root.Children[1]
	if related.Type != "multipart/related" || related.Children[0].Type != "multipart/alternative" {
		t.Fatalf("want related > alternative, got %s > %s", related.Type, related.Children[0].Type)
	}
	alt := related.Children[0].Children
	if len(alt) != 2 || alt[0].Type != "text/plain" || alt[1].Type != "text/html" {
		t.Fatalf("alternative parts: %v", []string{alt[0].Type, alt[1].Type})
	}
	text, html := string(alt[0].Body), string(alt[1].Body)
	for _, want := range []string{"Hut 8 on the day: +10.8%", "It slid from roughly $55.00 in the third quarter", "Read it on the web: https://briefings.example.com/briefings/2026-01-02-miners-turn-ai-landlords/", "Hut 8 | Fluidstack | Google | $7.0B"} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<link", "<style", "src=\"http"} {
		if strings.Contains(html, bad) {
			t.Errorf("the HTML holds %q", bad)
		}
	}
	if strings.Contains(text, "&") {
		t.Error("the text part holds HTML entities")
	}
	cids := regexp.MustCompile(`src="cid:([^"]+)"`).FindAllStringSubmatch(html, -1)
	images := related.Children[1:]
	if len(cids) != 5 || len(images) != 5 {
		t.Fatalf("%d cid references and %d images, want one per chart (5)", len(cids), len(images))
	}
	for i, img := range images {
		if img.Type != "image/png" || !bytes.HasPrefix(img.Body, []byte("\x89PNG")) {
			t.Errorf("image %d: %s", i, img.Type)
		}
		if id := mail.Header(img.Header).Get("Content-ID"); id != "<"+cids[i][1]+">" {
			t.Errorf("image %d: Content-ID %q, html refers to %q", i, id, cids[i][1])
		}
	}
	if len(html) > brmail.MaxHTML {
		t.Errorf("HTML is %d bytes", len(html))
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Options{Src: sample(t), Out: out}); err != nil {
		t.Fatal(err)
	}
	site, _ := os.ReadFile(filepath.Join(out, "briefings/2026-01-02-miners-turn-ai-landlords/2026-01-02-miners-turn-ai-landlords.xlsx"))
	if attachment.Type != brmail.TypeXLSX || !bytes.Equal(attachment.Body, site) {
		t.Errorf("the attachment (%s, %d bytes) is not the site's workbook (%d bytes)", attachment.Type, len(attachment.Body), len(site))
	}
	again, err := brmail.Prepare(context.Background(), brmail.Options{Src: sample(t)})
	if err != nil || !bytes.Equal(again.Bytes, msg.Bytes) {
		t.Error("the same briefing gave a different message")
	}
}

// TestHostileTitles: a title never adds a header, and long, non-ASCII and
// right-to-left subjects survive RFC 2047 encoding.
func TestHostileTitles(t *testing.T) {
	tests := []struct{ name, title, want string }{
		{"crlf", "Week\r\nBcc: evil@example.com", "Week Bcc: evil@example.com"},
		{"script", "</script><script>alert(1)</script>", "</script><script>alert(1)</script>"},
		{"long", strings.Repeat("Hashprice falls ", 32), strings.TrimSpace(strings.Repeat("Hashprice falls ", 32))},
		{"rtl", "تحليل سوق التعدين \u200f— Café", "تحليل سوق التعدين \u200f— Café"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &brmail.Config{From: "Désk Ünïcode <desk@example.com>", To: []string{"a@example.com"}, Subject: "{title}"}
			e := &render.Email{Title: tt.title, Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), URL: "https://x.example/b/", HTML: []byte("<p>x</p>"), Text: "x"}
			m, err := brmail.Compose(c, "Desk", e, brmail.Stamp{})
			if err != nil {
				t.Fatal(err)
			}
			h, _ := parse(t, m.Bytes)
			if got := h.Header.Get("Bcc"); got != "" {
				t.Errorf("a Bcc header appeared: %q", got)
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(h.Header.Get("Subject"))
			if err != nil || subject != tt.want {
				t.Errorf("subject = %q (%v), want %q", subject, err, tt.want)
			}
			from, err := h.Header.AddressList("From")
			if err != nil || from[0].Name != "Désk Ünïcode" {
				t.Errorf("from = %v (%v)", from, err)
			}
			for _, line := range strings.Split(string(m.Bytes[:bytes.Index(m.Bytes, []byte("\r\n\r\n"))]), "\r\n") {
				if len(line) > 998 {
					t.Errorf("a header line of %d characters", len(line))
				}
			}
		})
	}
}

// TestErrors: what a user gets wrong, said with what to do.
func TestErrors(t *testing.T) {
	e := &render.Email{Title: "T", URL: "https://x.example/", HTML: []byte("x")}
	tests := []struct {
		name string
		c    *brmail.Config
		want string
	}{
		{"no sender", &brmail.Config{To: []string{"a@example.com"}}, "no sender: set from in mail.toml"},
		{"no recipient", &brmail.Config{From: "d@example.com"}, "no recipient: set to or bcc in mail.toml, or give --to"},
		{"bad address", &brmail.Config{From: "d@example.com", To: []string{"not an address"}}, `"not an address" is not an email address`},
	}
	for _, tt := range tests {
		if _, err := brmail.Compose(tt.c, "Desk", e, brmail.Stamp{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
	big := &render.Email{Title: "T", URL: "https://x.example/", HTML: bytes.Repeat([]byte("x"), brmail.MaxHTML+1)}
	if _, err := brmail.Compose(&brmail.Config{From: "d@example.com", To: []string{"a@example.com"}}, "Desk", big, brmail.Stamp{}); err == nil || !strings.Contains(err.Error(), "Gmail would cut it off") {
		t.Errorf("large HTML: %v", err)
	}
	dir := sitetest.Write(t, "-- mail.toml --\nfrom = \"d@example.com\"\nto = [\"a@example.com\"]\ncc = []\n")
	fsys := os.DirFS(dir)
	if _, err := brmail.LoadConfig(fsys); err == nil || !strings.Contains(err.Error(), "mail.toml:3:1: unknown key \"cc\"") {
		t.Errorf("unknown key: %v", err)
	}
}

// TestElements: every element of the commentary reaches both parts of the
// email: headings, lists, quotes, tables, code, links (made absolute) and
// footnotes, each HTML element with its inline style.
func TestElements(t *testing.T) {
	dir := sitetest.Write(t, `
-- site.toml --
title = "Desk"
base_url = "https://example.org/desk/"
-- mail.toml --
from = "d@example.com"
to = ["a@example.com"]
-- content/briefings/w1.md --
+++
title = "Week one"
date = 2026-01-08
+++
## A heading

A paragraph with a [relative link](../w0/) and `+"`code`"+` and a note.[^1]

- first item
- second item

> A quote.

| Item | Value |
| --- | ---: |
| one | 1.5 |

[^1]: The note's text.
`)
	m, err := brmail.Prepare(context.Background(), brmail.Options{Src: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, root := parse(t, m.Bytes)
	var alt []*part
	var find func(p *part)
	find = func(p *part) {
		if p.Type == "multipart/alternative" {
			alt = p.Children
		}
		for _, c := range p.Children {
			find(c)
		}
	}
	find(root)
	text, html := strings.ReplaceAll(string(alt[0].Body), "\r\n", "\n"), string(alt[1].Body)
	for _, want := range []string{"A heading\n=========", "relative link <https://example.org/desk/briefings/w0/>", "- first item", "> A quote.", "one | 1.5", "a note.[1]", "[1] The note’s text."} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{`<h2 id="a-heading" style="`, `<a href="https://example.org/desk/briefings/w0/" style="color:#0b5cad;">`, `<ul style=`, `<li style=`, `<blockquote style=`, `<table style=`, `<td style=`, `<code style=`, `<div class="footnotes" role="doc-endnotes" style=`, "The note&rsquo;s text."} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

// TestDate: a message written to a file is dated by the briefing, or by
// SOURCE_DATE_EPOCH when it is set, and named the same each time; a message
// being sent is dated when it is sent, whatever the epoch, and its
// Message-ID is new each time. The Message-ID is on the sender's domain.
func TestDate(t *testing.T) {
	c := &brmail.Config{From: "Desk <d@desk.example>", To: []string{"a@example.com"}, Subject: brmail.DefaultSubject}
	e := &render.Email{Title: "T", Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), URL: "https://x.example/", HTML: []byte("x")}
	epoch, sent := time.Unix(1767571200, 0), time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	idRE := regexp.MustCompile(`^<[0-9a-f]{32}@desk\.example>$`)
	uniqueRE := regexp.MustCompile(`^<[0-9a-f]{32}\.[0-9a-f]{32}@desk\.example>$`)
	for _, tt := range []struct {
		st   brmail.Stamp
		date string
		id   *regexp.Regexp
		same bool // the same bytes when composed again
	}{
		{brmail.Stamp{}, "Fri, 02 Jan 2026 00:00:00 +0000", idRE, true},
		{brmail.Stamp{Epoch: epoch}, "Mon, 05 Jan 2026 00:00:00 +0000", idRE, true},
		{brmail.Stamp{Epoch: epoch, Sent: sent}, "Wed, 02 Dec 2026 09:30:00 +0000", uniqueRE, false},
	} {
		m, err := brmail.Compose(c, "Desk", e, tt.st)
		if err != nil {
			t.Fatal(err)
		}
		again, err := brmail.Compose(c, "Desk", e, tt.st)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := parse(t, m.Bytes)
		h2, _ := parse(t, again.Bytes)
		if h.Header.Get("Date") != tt.date {
			t.Errorf("%+v: Date %q, want %q", tt.st, h.Header.Get("Date"), tt.date)
		}
		if id := h.Header.Get("Message-ID"); !tt.id.MatchString(id) {
			t.Errorf("%+v: Message-ID %q", tt.st, id)
		}
		if same := h.Header.Get("Message-ID") == h2.Header.Get("Message-ID"); same != tt.same {
			t.Errorf("%+v: the Message-ID of a second message is the same: %v, want %v", tt.st, same, tt.same)
		}
		if tt.same && !bytes.Equal(m.Bytes, again.Bytes) {
			t.Errorf("%+v: the same input gave different bytes", tt.st)
		}
	}
}
