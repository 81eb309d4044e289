package mail_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	brmail "github.com/brief-desk/brief/internal/mail"
	"github.com/brief-desk/brief/internal/render"
)

// TestAddresses: what goes into From and To is ASCII and fits on lines of
// at most 998 characters; what cannot is refused, with why.
func TestAddresses(t *testing.T) {
	long := strings.Repeat("N", 2000)
	tests := []struct {
		name, from, to string
		header, err    string // the To or From header's value, or the error
	}{
		{"long name", long + " <desk@example.com>", "a@example.com", "", "name is 2000 characters"},
		{"long spaced name", strings.Repeat("Ab ", 700) + "<desk@example.com>", "a@example.com", "", "name is 2099 characters"},
		{"comma in name", "desk@example.com", `"Doe, John" <j@x.example>`, `"Doe, John" <j@x.example>`, ""},
		{"IDN domain", "desk@example.com", "Jörg <j@bücher.example>", "=?utf-8?q?J=C3=B6rg?= <j@xn--bcher-kva.example>", ""},
		{"IDN sender", "desk@bücher.example", "a@example.com", "<a@example.com>", ""},
		{"non-ASCII local part", "desk@example.com", "jörg@example.com", "", "jörg@example.com: the part before the @ is not ASCII"},
		{"bad IDN", "desk@example.com", "a@xn--a.example", "", "not a valid domain"},
		{"long address", "desk@example.com", strings.Repeat("a", 100_000), "", `"` + strings.Repeat("a", 80) + `…" is not an email address`},
		{"long local part", "desk@example.com", strings.Repeat("a", 250) + "@example.com", "", "the address is 262 characters long, over the 254 that SMTP allows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &brmail.Config{From: tt.from, To: []string{tt.to}, Subject: "{title}"}
			e := &render.Email{Title: "T", Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), URL: "https://x.example/b/", HTML: []byte("<p>x</p>"), Text: "x"}
			m, err := brmail.Compose(c, "Desk", e, brmail.Stamp{})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			head := m.Bytes[:bytes.Index(m.Bytes, []byte("\r\n\r\n"))]
			for _, line := range strings.Split(string(head), "\r\n") {
				if len(line) > 998 {
					t.Errorf("a header line of %d characters", len(line))
				}
			}
			for _, b := range head {
				if b >= 0x80 {
					t.Fatalf("a non-ASCII byte in the header:\n%s", head)
				}
			}
			h, _ := parse(t, m.Bytes)
			if got := h.Header.Get("To"); got != tt.header {
				t.Errorf("To = %q, want %q", got, tt.header)
			}
		})
	}
}
