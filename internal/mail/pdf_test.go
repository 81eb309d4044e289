package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	brmail "github.com/brief-desk/brief/internal/mail"
	"github.com/brief-desk/brief/internal/pdf"
	"github.com/brief-desk/brief/internal/sitetest"
)

// sampleCopy copies the sample project's inputs into a new folder, with
// old replaced by new in mail.toml.
func sampleCopy(t *testing.T, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"content", "data", "templates"} {
		if err := os.CopyFS(filepath.Join(dir, name), os.DirFS(filepath.Join(sample(t), name))); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"site.toml", "mail.toml"} {
		data, err := os.ReadFile(filepath.Join(sample(t), name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sitetest.Edit(t, dir, "mail.toml", old, new)
	return dir
}

// TestSendPDFToMailpit: attach = ["xlsx", "pdf"] in mail.toml, or --pdf,
// attaches the briefing's PDF, byte for byte the one the site publishes,
// and the email says so; attach = ["pdf"] attaches the PDF alone.
func TestSendPDFToMailpit(t *testing.T) {
	exe := sitetest.Chromium(t)
	smtpURL, api := mailpit(t)
	browser := pdf.New(context.Background(), exe)
	defer browser.Close()
	const slug = "2026-01-02-miners-turn-ai-landlords"
	for _, tt := range []struct {
		name, attach string
		flag         bool
		want         []string
	}{
		{"mail.toml", `attach = ["xlsx", "pdf"]`, false, []string{slug + ".xlsx", slug + ".pdf"}},
		{"--pdf", ``, true, []string{slug + ".xlsx", slug + ".pdf"}},
		{"pdf only", `attach = ["pdf"]`, false, []string{slug + ".pdf"}},
	} {
		dir := sampleCopy(t, `reply_to = "desk@example.com"`, "reply_to = \"desk@example.com\"\n"+tt.attach)
		m, err := brmail.Prepare(context.Background(), brmail.Options{Src: dir, To: []string{"reader@example.com"}, PDF: tt.flag, Printer: browser})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if _, err := brmail.Send(context.Background(), brmail.Server{URL: smtpURL}, m); err != nil {
			t.Fatal(err)
		}
		var list struct{ Messages []struct{ ID string } }
		getJSON(t, api+"/api/v1/messages?limit=1", &list)
		var msg struct {
			HTML        string
			Attachments []struct{ FileName, ContentType, PartID string }
		}
		id := list.Messages[0].ID
		getJSON(t, api+"/api/v1/message/"+id, &msg)
		var names []string
		for _, a := range msg.Attachments {
			names = append(names, a.FileName)
			if !strings.HasSuffix(a.FileName, ".pdf") {
				continue
			}
			if a.ContentType != brmail.TypePDF {
				t.Errorf("%s: the PDF's type is %s", tt.name, a.ContentType)
			}
			resp, err := http.Get(api + "/api/v1/message/" + id + "/part/" + a.PartID)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			out := filepath.Join(t.TempDir(), "public")
			if _, err := build.Build(context.Background(), build.Options{Src: dir, Out: out, PDF: true, Printer: browser}); err != nil {
				t.Fatal(err)
			}
			site, err := os.ReadFile(filepath.Join(out, "briefings", slug, slug+".pdf"))
			if err != nil || !bytes.Equal(got, site) || !bytes.HasPrefix(got, []byte("%PDF-")) {
				t.Errorf("%s: the attached PDF (%d bytes) is not the site's (%d bytes, %v)", tt.name, len(got), len(site), err)
			}
		}
		if strings.Join(names, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: attachments %v, want %v", tt.name, names, tt.want)
		}
		if !strings.Contains(msg.HTML, "the briefing is attached as "+slug+".pdf, ready to print") {
			t.Errorf("%s: the email does not say the PDF is attached", tt.name)
		}
	}
}

// TestPDFWithoutBrowserMail: --pdf without a browser fails with what to
// install; without --pdf no browser is needed, whatever site.toml says.
func TestPDFWithoutBrowserMail(t *testing.T) {
	dir := sampleCopy(t, "", "")
	sitetest.Edit(t, dir, "site.toml", `author      = "Sector desk"`, "author      = \"Sector desk\"\n[pdf]\nenabled = true")
	_, err := brmail.Prepare(context.Background(), brmail.Options{Src: dir, PDF: true, NoPrinter: pdf.ErrNoBrowser})
	if err == nil || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Errorf("--pdf without a browser: %v", err)
	}
	if _, err := brmail.Prepare(context.Background(), brmail.Options{Src: dir, NoPrinter: pdf.ErrNoBrowser}); err != nil {
		t.Errorf("no PDF attached, no browser needed: %v", err)
	}
}

// TestAttachSetting: attach lists what the message carries, each error at
// its place.
func TestAttachSetting(t *testing.T) {
	for _, tt := range []struct{ value, want string }{
		{``, "[xlsx]"},
		{`attach = ["pdf", "xlsx"]`, "[pdf xlsx]"},
		{`attach = []`, "[]"},
		{`attach = ["docx"]`, `mail.toml:3:10: attach: must be a list of "xlsx" and "pdf", such as ["xlsx", "pdf"], got`},
		{`attach = ["pdf", "pdf"]`, `mail.toml:3:10: attach: must be a list`},
		{`attach = "pdf"`, `mail.toml:3:10: attach: must be a list`},
	} {
		dir := sitetest.Write(t, "-- mail.toml --\nfrom = \"d@example.com\"\nto = [\"a@example.com\"]\n"+tt.value+"\n")
		c, err := brmail.LoadConfig(os.DirFS(dir))
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = fmt.Sprint(c.Attach)
		}
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: got %s, want %s", tt.value, got, tt.want)
		}
	}
}
