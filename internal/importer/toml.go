package importer

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/brief-desk/brief/internal/tomlval"
)

// toml writes the dataset's text.
func (t *table) toml(name string, opts Options) []byte {
	var b bytes.Buffer
	put := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	put("# Imported from %s by brief import. Set the source to where the data comes from.", quoteComment(base))
	title := strings.TrimSuffix(base, path.Ext(base))
	if opts.Sheet != "" {
		title = opts.Sheet
	}
	put("title  = %s", quote(title))
	put("source = %s", quote(base))
	if opts.Kind != "" {
		put("kind   = %s", quote(string(opts.Kind)))
	}
	for _, c := range t.cols {
		if c.header == c.name && !c.pct || c.typ == tomlval.Empty {
			continue // nothing to say, or a column with no value (a dataset has no such column)
		}
		put("")
		put("[columns.%s]", c.name)
		if c.header != c.name {
			put("label = %s", quote(c.header))
		}
		if c.pct {
			put("format = \"percent\"")
		}
	}
	for r := range t.rows {
		put("")
		put("[[rows]]")
		for _, c := range t.cols {
			if v := c.values[r]; !v.IsEmpty() {
				put("%s = %s", c.name, literal(v))
			}
		}
	}
	return b.Bytes()
}

// literal writes a value as TOML: as Value.Literal does, but a number
// written with a fraction keeps one (35.0 stays a float).
func literal(v tomlval.Value) string {
	s := v.Literal()
	if v.Type == tomlval.Number && !v.Int && !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// quote writes a TOML basic string. Text has passed CheckText, so the only
// control characters are tab and line breaks, which strconv.Quote writes as
// TOML does.
func quote(s string) string { return strconv.Quote(s) }

func quoteComment(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }
