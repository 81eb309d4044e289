package pdf_test

import (
	"context"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/pdf"
)

// TestPrintMedia: a page loads as it prints, with print styles and at the
// paper's width less the margins, so that its charts are laid out for the
// sheet before they are drawn; a tab set up for one paper is set up again
// for the other.
func TestPrintMedia(t *testing.T) {
	b := pdf.New(context.Background(), printer(t))
	defer b.Close()
	for _, tt := range []struct {
		paper pdf.Paper
		want  string
	}{{"", "print=true width=659"}, {pdf.Letter, "print=true width=681"}, {pdf.A4, "print=true width=659"}} {
		data, err := b.Print(&pdf.Document{Path: "a/index.html", Paper: tt.paper,
			HTML: []byte(`<!DOCTYPE html><html><body><p id=x></p><script>document.getElementById('x').textContent = 'print=' + matchMedia('print').matches + ' width=' + innerWidth;</script></body></html>`)})
		if err != nil {
			t.Fatal(err)
		}
		if got := pdfText(t, data); !strings.Contains(got, tt.want) {
			t.Errorf("paper %q: the page saw %q, want %q", tt.paper, strings.TrimSpace(got), tt.want)
		}
	}
}
