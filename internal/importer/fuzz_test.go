package importer

import (
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/dataset"
)

// FuzzImport imports arbitrary CSV under an arbitrary file name: no panic,
// every error located, and what it writes is a dataset brief reads (parsed
// by the dataset package, with its checks of text, columns and kinds), as
// the build reads data/<id>.toml.
func FuzzImport(f *testing.F) {
	f.Add("x", "date,v\n2026-01-02,1\n2026-01-09,2.5\n", "series")
	f.Add("x", "\xef\xbb\xbfa,b %\r\n\"1,200\",3%\r\nx,\r\n", "")
	f.Add("x", "date,ticker,change_pct\n01/02/2026,HUT,10.8%\n13/02/2026,X,-1\n", "moves")
	f.Add("x", "announced,company,counterparty\nJan 2, 2026,A,B\n", "deals")
	f.Add("bs\\x", "a\n1\n", "")
	f.Add("esc\x1b[31m\x7f\xff\u202e", "a\n1\n", "")
	f.Add("dir/\n", "a,b\n1\n", "")
	f.Fuzz(func(t *testing.T, base, src, kind string) {
		name := base + ".csv"
		out, err := Import(t.Context(), name, []byte(src), Options{ID: "x", Kind: dataset.Kind(kind)})
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !located(line, displayName(name)) && !strings.HasPrefix(line, "--") {
					t.Fatalf("error without a place: %q", line)
				}
			}
			return
		}
		if _, err := dataset.Parse("data/x.toml", out); err != nil {
			t.Fatalf("the import does not parse: %v\n%s", err, out)
		}
	})
}

// located reports whether line is "name:line:col: message".
func located(line, name string) bool {
	rest, ok := strings.CutPrefix(line, name+":")
	if !ok {
		return false
	}
	lc, msg, ok := strings.Cut(rest, ": ")
	l, c, ok2 := strings.Cut(lc, ":")
	return ok && ok2 && msg != "" && l != "" && c != "" && strings.Trim(l+c, "0123456789") == ""
}
