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

	"golang.org/x/text/unicode/norm"
)

// special are the letters that lower-casing and dropping marks leave as
// they are but that readers type as plain Latin letters. The client has the
// same table.
var special = strings.NewReplacer("ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "đ", "d", "ł", "l", "þ", "th", "ı", "i", "’", "'", "‘", "'")

// Fold lower-cases s and drops its diacritics ("Énergie" -> "energie"),
// as the client's s.toLowerCase().normalize("NFD") without marks does.
func Fold(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.M, r) {
			return -1
		}
		return r
	}, s)
	return special.Replace(s)
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// Words splits folded text into its words: runs of letters and digits,
// kept together across an apostrophe between letters ("miner's", "8's")
// and a point or comma between digits ("7.5", "1,200"), with a trailing
// apostrophe ("miners'"). Each word is given as found; Term makes it the
// indexed form.
func Words(folded string) []string {
	var out []string
	rs := []rune(folded)
	for i := 0; i < len(rs); {
		if !isWord(rs[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(rs) {
			switch {
			case isWord(rs[j]):
				j++
				continue
			case rs[j] == '\'' && j+1 < len(rs) && unicode.IsLetter(rs[j+1]):
				j++
				continue
			case (rs[j] == '.' || rs[j] == ',') && j+1 < len(rs) && unicode.IsDigit(rs[j-1]) && unicode.IsDigit(rs[j+1]):
				j++
				continue
			case rs[j] == '\'' && rs[j-1] == 's':
				j++ // "miners'"
			}
			break
		}
		out = append(out, string(rs[i:j]))
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
