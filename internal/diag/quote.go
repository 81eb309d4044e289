package diag

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxQuote is how many characters of the input a message quotes: a longer
// name, value or expression is cut, with an ellipsis, so that a message
// stays a short line however long what it quotes.
const MaxQuote = 80

// Cut is s for a message: its first MaxQuote characters, and "…" when
// there are more.
func Cut(s string) string {
	n := 0
	for i := range s {
		if n == MaxQuote {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Quote is s for a message, cut as Cut does, in double quotes with Go's
// escapes, as %q writes it.
func Quote(s string) string { return strconv.Quote(Cut(s)) }

// MaxNames is how many names a message lists.
const MaxNames = 30

// Names lists names for a message, "a, b, c", each cut (Cut): past
// MaxNames, the first of them and how many more there are.
func Names(names []string) string {
	var b strings.Builder
	for i, n := range names {
		if i == MaxNames {
			fmt.Fprintf(&b, " and %d more", len(names)-MaxNames)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Cut(n))
	}
	return b.String()
}
