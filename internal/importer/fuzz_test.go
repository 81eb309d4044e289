package importer

import (
	"regexp"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/dataset"
)

var locatedLine = regexp.MustCompile(`^x\.csv:\d+:\d+: \S`)

// FuzzImport imports arbitrary CSV: no panic, every error located, and what
// it writes is a dataset brief reads.
func FuzzImport(f *testing.F) {
	f.Add("date,v\n2026-01-02,1\n2026-01-09,2.5\n", "series")
	f.Add("\xef\xbb\xbfa,b %\r\n\"1,200\",3%\r\nx,\r\n", "")
	f.Add("date,ticker,change_pct\n01/02/2026,HUT,10.8%\n13/02/2026,X,-1\n", "moves")
	f.Add("announced,company,counterparty\nJan 2, 2026,A,B\n", "deals")
	f.Fuzz(func(t *testing.T, src, kind string) {
		out, err := Import("x.csv", []byte(src), Options{ID: "x", Kind: dataset.Kind(kind)})
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !locatedLine.MatchString(line) && !strings.HasPrefix(line, "--") {
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
