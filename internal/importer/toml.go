package importer

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/brief-desk/brief/internal/tomlval"
)

// toml writes the dataset's text. name is the file's slash path: its base
// names the source, and the title unless a sheet does.
func (t *table) toml(ctx context.Context, name string, opts Options) ([]byte, error) {
	var b bytes.Buffer
	put := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	base := cleanText(path.Base(name))
	put("# Imported from %s by brief import. Set the source to where the data comes from.", base)
	title := strings.TrimSuffix(base, path.Ext(base))
	if opts.Sheet != "" {
		title = cleanText(opts.Sheet)
	}
	put("title  = %s", quote(cmp.Or(strings.TrimSpace(title), opts.ID)))
	put("source = %s", quote(cmp.Or(strings.TrimSpace(base), opts.ID)))
	if opts.Kind != "" {
		put("kind   = %s", quote(string(opts.Kind)))
	}
	for _, c := range t.cols {
		if c.label == c.name && c.unit == "" && !c.pct || c.typ == tomlval.Empty {
			continue // nothing to say, or a column with no value (a dataset has no such column)
		}
		put("")
		put("[columns.%s]", c.name)
		if c.label != c.name {
			put("label = %s", quote(c.label))
		}
		if c.unit != "" {
			put("unit = %s", quote(c.unit))
		}
		if c.pct {
			put("format = \"percent\"")
		}
	}
	for r := range t.rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		put("")
		put("[[rows]]")
		for _, c := range t.cols {
			if v := c.values[r]; !v.IsEmpty() {
				put("%s = %s", c.name, literal(v))
			}
		}
	}
	return b.Bytes(), nil
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

// cleanText makes a file or sheet name fit a dataset's text and a TOML
// comment: each character CheckText refuses (control characters,
// bidirectional overrides, bytes that are not UTF-8), and each line break
// and tab, becomes a space. (The name is a placeholder that the user is told
// to check; what it held is in the messages, quoted.)
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || tomlval.CheckText(string(r)) != nil {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
