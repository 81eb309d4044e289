package project

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPDFSettings: site.toml's [pdf], its defaults, and every mistake at
// its place.
func TestPDFSettings(t *testing.T) {
	for _, tt := range []struct{ toml, want string }{
		{``, "{false a4}"},
		{"[pdf]\nenabled = true\n", "{true a4}"},
		{"[pdf]\nenabled = true\npaper = \"letter\"\n", "{true letter}"},
		{"[pdf]\npaper = \"A3\"\n", `site.toml:3:9: pdf.paper: want "a4" or "letter", got`},
		{"[pdf]\nenabled = \"yes\"\n", `site.toml:3:11: pdf.enabled: want true or false, got`},
		{"[pdf]\nenable = true\n", `site.toml:3:1: pdf: unknown key "enable"`},
		{"pdf = true\n", `site.toml:2:7: pdf: want a table [pdf] with enabled and paper, got`},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "site.toml"), []byte("title = \"Desk\"\n"+tt.toml), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig(os.DirFS(dir))
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = fmt.Sprint(c.PDF)
		}
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%q: got %s, want %s", tt.toml, got, tt.want)
		}
	}
}
