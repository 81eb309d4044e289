package dataset

import (
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the dataset parser: it must never
// panic or hang, every error must carry a place, and a dataset it accepts
// must be consistent with its own column types.
func FuzzParse(f *testing.F) {
	f.Add([]byte(hashprice))
	f.Add([]byte(moves))
	f.Add([]byte("title = \"t\"\nsource = \"s\"\nrows = [{a = 1}, {a = \"x\"}]\n"))
	f.Add([]byte("title = \"t\"\nsource = \"s\"\n[columns.a]\nformat = \"usd\"\n[[rows]]\na = 1\n[[rows.sub]]\nb = 2\n"))
	f.Add([]byte("title = '''x'''\nsource = \"\"\"s\n\"\"\"\nkind = \"deals\"\n[[rows]]\nannounced = 2026-01-02\ncompany = \"c\"\ncounterparty = \"d\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse("data/x.toml", src)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "data/x.toml:") {
					t.Fatalf("error without a place: %q", line)
				}
			}
			return
		}
		for i, row := range d.rows {
			if len(row) != len(d.columns) {
				t.Fatalf("row %d has %d cells for %d columns", i, len(row), len(d.columns))
			}
			for _, c := range d.columns {
				if v := row[c.Index]; !v.IsEmpty() && v.Type != c.Type {
					t.Fatalf("row %d column %s: %v in a column of %v", i, c.Name, v.Type, c.Type)
				}
				_ = c.FormatValue(row[c.Index])
			}
		}
		if len(d.columns) == 0 {
			t.Fatal("a dataset without columns was accepted")
		}
		_ = d.Select(Query{Sort: d.columns[0], Desc: true, Limit: 3})
	})
}
