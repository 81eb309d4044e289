package mail_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	brmail "github.com/brief-desk/brief/internal/mail"
	"github.com/brief-desk/brief/internal/sitetest"
)

// mailpit starts a real SMTP server (sitetest.Mailpit) and returns its
// SMTP URL and its API's base URL.
func mailpit(t *testing.T, args ...string) (smtpURL, api string) {
	t.Helper()
	addr, api := sitetest.Mailpit(t, args...)
	return "smtp://" + addr, api
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}

// TestSendToMailpit sends the sample briefing through a real SMTP server
// and reads it back through Mailpit's API: recipients, subject, the
// attachment, the inline images, and Mailpit's HTML compatibility score.
func TestSendToMailpit(t *testing.T) {
	smtpURL, api := mailpit(t)
	m, err := brmail.Prepare(context.Background(), brmail.Options{Src: sample(t), To: []string{"reader@example.com", "Second Reader <second@example.com>"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := brmail.Send(context.Background(), brmail.Server{URL: smtpURL}, m); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Messages []struct{ ID string }
	}
	getJSON(t, api+"/api/v1/messages", &list)
	if len(list.Messages) != 1 {
		t.Fatalf("Mailpit holds %d messages", len(list.Messages))
	}
	var msg struct {
		Subject     string
		To          []struct{ Address string }
		Attachments []struct {
			FileName, ContentType string
			Size                  int
		}
		Inline []struct{ FileName, ContentID, ContentType string }
	}
	getJSON(t, api+"/api/v1/message/"+list.Messages[0].ID, &msg)
	if msg.Subject != "Miners turn AI landlords (2 January 2026)" {
		t.Errorf("subject %q", msg.Subject)
	}
	if len(msg.To) != 2 || msg.To[0].Address != "reader@example.com" || msg.To[1].Address != "second@example.com" {
		t.Errorf("to %+v", msg.To)
	}
	if len(msg.Attachments) != 1 || msg.Attachments[0].FileName != "2026-01-02-miners-turn-ai-landlords.xlsx" || msg.Attachments[0].ContentType != brmail.TypeXLSX {
		t.Errorf("attachments %+v", msg.Attachments)
	}
	if len(msg.Inline) != 5 || msg.Inline[0].ContentID != "chart-1.png@brief" || msg.Inline[0].ContentType != "image/png" {
		t.Errorf("inline images %+v", msg.Inline)
	}
	resp, err := http.Get(api + "/api/v1/message/" + list.Messages[0].ID + "/raw")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.HasSuffix(raw, m.Bytes) {
		t.Errorf("Mailpit's copy (%d bytes, %v) does not end with the message's bytes (%d)", len(raw), err, len(m.Bytes))
	}
	var check struct{ Total struct{ Supported float64 } }
	getJSON(t, api+"/api/v1/message/"+list.Messages[0].ID+"/html-check", &check)
	t.Logf("Mailpit HTML check: %.1f%% supported", check.Total.Supported)
	if check.Total.Supported < 85 {
		t.Errorf("Mailpit's HTML check gives %.1f%% supported, want at least 85%%", check.Total.Supported)
	}
}

// TestSendFailures: a refused recipient sends nothing and names the
// address; a server that is down says so.
func TestSendFailures(t *testing.T) {
	smtpURL, api := mailpit(t, "--smtp-allowed-recipients", `@example\.com$`)
	m, err := brmail.Prepare(context.Background(), brmail.Options{Src: sample(t), To: []string{"reader@example.com", "someone@elsewhere.test"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = brmail.Send(context.Background(), brmail.Server{URL: smtpURL}, m)
	if err == nil || !strings.Contains(err.Error(), "refused a recipient, so nothing was sent") || !strings.Contains(err.Error(), "someone@elsewhere.test") {
		t.Errorf("refused recipient: %v", err)
	}
	var list struct{ Messages []struct{ ID string } }
	getJSON(t, api+"/api/v1/messages", &list)
	if len(list.Messages) != 0 {
		t.Errorf("Mailpit received %d messages; a refused recipient must stop the send", len(list.Messages))
	}
	down := "smtp://" + sitetest.FreeAddr(t) // nothing listens there now
	if _, err := brmail.Send(context.Background(), brmail.Server{URL: down}, m); err == nil || !strings.Contains(err.Error(), "cannot be reached") {
		t.Errorf("server down: %v", err)
	}
	for _, tt := range []struct{ url, want string }{
		{"", "no mail server: set BRIEF_SMTP_URL"},
		{"http://x.example", "write smtp://user@host:587"},
		{"smtp://u:secret@x.example", "put it in BRIEF_SMTP_PASSWORD"},
	} {
		_, err := brmail.Send(context.Background(), brmail.Server{URL: tt.url}, m)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: %v", tt.url, err)
		}
	}
}

// TestSendBadCertificate: a server whose TLS certificate is not trusted is
// refused, with what to check.
func TestSendBadCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := selfSigned(t, dir)
	smtpURL, _ := mailpit(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-starttls")
	m, err := brmail.Prepare(context.Background(), brmail.Options{Src: sample(t), To: []string{"reader@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = brmail.Send(context.Background(), brmail.Server{URL: smtpURL}, m)
	if err == nil || !strings.Contains(err.Error(), "TLS certificate is not valid") {
		t.Errorf("bad certificate: %v", err)
	}
}

// TestSendTLS: a send over STARTTLS and over smtps:// (TLS from the
// start) to a server whose certificate is trusted, logging in with the
// user of BRIEF_SMTP_URL and the password given apart.
func TestSendTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := selfSigned(t, dir)
	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pemBytes)
	m, err := brmail.Prepare(context.Background(), brmail.Options{Src: sample(t), To: []string{"reader@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, scheme, flag string }{
		{"STARTTLS", "smtp", "--smtp-require-starttls"},
		{"smtps", "smtps", "--smtp-require-tls"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			smtpURL, api := mailpit(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, tt.flag, "--smtp-auth-accept-any")
			u := tt.scheme + "://desk@" + strings.TrimPrefix(smtpURL, "smtp://")
			srv := brmail.Server{URL: u, Password: "secret", TLS: &tls.Config{RootCAs: roots}}
			if _, err := brmail.Send(context.Background(), srv, m); err != nil {
				t.Fatal(err)
			}
			var list struct{ Messages []struct{ ID string } }
			getJSON(t, api+"/api/v1/messages", &list)
			if len(list.Messages) != 1 {
				t.Errorf("Mailpit holds %d messages", len(list.Messages))
			}
		})
	}
}

// selfSigned writes a certificate for 127.0.0.1 that no one trusts.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
