package tomlval

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/brief-desk/brief/internal/diag"
)

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// ValidID reports whether s may name a dataset, a column or a slug:
// lower-case letters, digits, '-' and '_', starting with a letter or digit,
// so that it is safe in a path and a URL.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// CheckURL accepts absolute http and https URLs only, so that a link from
// data can never run script.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an absolute http:// or https:// URL, got %s", diag.Quote(s))
	}
	return nil
}

// Describe names a decoded TOML value and its type for messages:
// `string "fifty"`, `number 5`, `date 2026-01-02`, `an array`, `a table`.
func Describe(x any) string {
	switch x := x.(type) {
	case string:
		return "string " + diag.Quote(x)
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	v, err := FromTOML(x)
	if err != nil {
		return fmt.Sprintf("%v", x)
	}
	return v.Describe()
}

// Text returns x as checked, trimmed text: an error says what x is when it
// is not a string, or what it holds that published text must not (see
// CheckText).
func Text(x any) (string, error) {
	s, ok := x.(string)
	if !ok {
		return "", fmt.Errorf("want a string, got %s", Describe(x))
	}
	if err := CheckText(s); err != nil {
		return "", err
	}
	return strings.TrimSpace(s), nil
}

// UnknownKey is the message for a key that is not one of known: it names
// the closest known key when one is close, and lists them all, as "<what>
// are a, b, c".
func UnknownKey(k string, known []string, what string) string {
	return fmt.Sprintf("unknown key %s%s; %s are %s", diag.Quote(k), Suggest(k, known), what, strings.Join(known, ", "))
}

// Suggest returns ` (did you mean "x"?)` for the closest known name, if any
// is close.
func Suggest(name string, known []string) string {
	best, bestD := "", max(1, len(name)/4)+1
	for _, k := range known {
		// Names that differ in length by bestD are that far apart at least.
		if abs(len(name)-len(k)) >= bestD {
			continue
		}
		if d := distance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the edit distance between two short names, counting a swap of
// two neighbouring letters as one edit (optimal string alignment).
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func abs(n int) int { return max(n, -n) }
