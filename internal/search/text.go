// Package search is the site's search index: the words of briefings,
// companies, topics and table rows, folded and stemmed, and the files a
// browser reads them from (an entry naming the parts, parts by term
// prefix, and the pages' texts for snippets), each a script that registers
// itself so that search works from file:// and any sub-path. The client,
// templates/assets/search.js, folds, splits and stems a query exactly as
// this package does (Fold, Words, Stem) and ranks as Search does.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// special are the letters that lower-casing and dropping marks leave as
// they are but that readers type as plain Latin letters. The client has the
// same table.
var special = map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ł': "l", 'þ': "th", 'ı': "i", '’': "'", '‘': "'"}

// foldRune is the folded form of a rune outside ASCII: lower-cased,
// decomposed (NFD) without its marks, or special's letters.
func foldRune(r rune) string {
	r = unicode.ToLower(r)
	if s, ok := special[r]; ok {
		return s
	}
	var b strings.Builder
	for _, c := range norm.NFD.String(string(r)) {
		if !unicode.Is(unicode.M, c) {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// folded caches foldRune for the letters of Latin-1 and Latin Extended-A,
// the ones outside ASCII that English and European text uses most.
var folded = func() []string {
	out := make([]string, 0x180-0x80)
	for r := rune(0x80); r < 0x180; r++ {
		out[r-0x80] = foldRune(r)
	}
	return out
}()

// Fold lower-cases s and drops its diacritics ("Énergie" -> "energie"),
// as the client's s.toLowerCase().normalize("NFD") without marks does.
// Dropping every mark makes folding rune by rune the same as decomposing
// the whole text.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		case r < 0x180:
			b.WriteString(folded[r-0x80])
		case r == '’' || r == '‘':
			b.WriteByte('\'')
		default:
			b.WriteString(foldRune(r))
		}
	}
	return b.String()
}

func isWord(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

func isLetter(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

func isDigitRune(r rune) bool {
	if r < 0x80 {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// at is the rune of s at i (utf8.RuneError past the end) and its size.
func at(s string, i int) (rune, int) {
	if i >= len(s) {
		return utf8.RuneError, 0
	}
	if c := s[i]; c < 0x80 {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// Words splits folded text into its words: runs of letters and digits,
// kept together across an apostrophe before a letter ("miner's", "8's")
// and a point or comma between digits ("7.5", "1,200"), with a trailing
// apostrophe after an s ("miners'"). Each word is given as found (a part
// of folded); Term makes it the indexed form.
func Words(folded string) []string {
	var out []string
	s := folded
	for i := 0; i < len(s); {
		r, n := at(s, i)
		if !isWord(r) {
			i += n
			continue
		}
		j, prev := i+n, r
		for j < len(s) {
			r, n := at(s, j)
			if isWord(r) {
				j, prev = j+n, r
				continue
			}
			next, m := at(s, j+n)
			if r == '\'' && m > 0 && isLetter(next) || (r == '.' || r == ',') && m > 0 && isDigitRune(prev) && isDigitRune(next) {
				j, prev = j+n+m, next
				continue
			}
			if r == '\'' && prev == 's' {
				j += n // "miners'"
			}
			break
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

// Possessive drops a word's possessive ending ("hut 8's" -> "8",
// "miners'" -> "miners") and the thousands commas of a number
// ("1,200" -> "1200").
func Possessive(w string) string {
	w = strings.TrimSuffix(w, "'s")
	w = strings.TrimSuffix(w, "'")
	if strings.Contains(w, ",") {
		w = strings.ReplaceAll(w, ",", "")
	}
	return w
}

// Stem makes an English plural singular: "companies" -> "company",
// "miners" -> "miner", "classes" -> "class", "watches" -> "watch"; words
// of fewer than four characters, words not ending in a letter and "s",
// words with a letter outside ASCII, and
// endings that are seldom plurals ("ss", "us", "is") are left alone. Index
// and query use it alike, so a word it gets wrong is still found.
func Stem(w string) string {
	n := len(w)
	if n < 4 || !isLetterByte(w[n-2]) || w[n-1] != 's' {
		return w
	}
	for i := range n {
		if w[i] >= 0x80 { // the client counts UTF-16 units: keep to ASCII, where both agree
			return w
		}
	}
	switch {
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"):
		return w[:n-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	}
	return w[:n-1]
}

func isLetterByte(b byte) bool { return b >= 'a' && b <= 'z' }

// Term is the indexed form of a word: without its possessive, singular.
func Term(word string) string { return Stem(Possessive(word)) }

// Terms are the indexed words of a text.
func Terms(text string) []string {
	words := Words(Fold(text))
	for i, w := range words {
		words[i] = Term(w)
	}
	return words
}

// Buckets are the parts a group's terms are split into, by their first
// character: a letter or digit, or "_" for any other.
var Buckets = func() []string {
	var out []string
	for c := '0'; c <= '9'; c++ {
		out = append(out, string(c))
	}
	for c := 'a'; c <= 'z'; c++ {
		out = append(out, string(c))
	}
	return append(out, "_")
}()

// BucketOf is the bucket of a term (or of a prefix of one).
func BucketOf(term string) string {
	if term == "" {
		return "_"
	}
	if c := term[0]; isDigit(c) || isLetterByte(c) {
		return term[:1]
	}
	return "_"
}
