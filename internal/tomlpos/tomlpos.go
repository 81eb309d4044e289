// Package tomlpos decodes TOML with BurntSushi/toml and keeps what that library
// does not: the line and column of every key's value, including each element of
// an array of tables, so that a bad cell in the fourth [[rows]] is reported at
// its own line rather than at the last one.
//
// Paths name values the way error messages do: "title", "columns.usd.format",
// "rows[3]" (the header of the fourth [[rows]]), "rows[3].date",
// "mark_lines[0].y".
package tomlpos

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Pos is a 1-based line and byte column.
type Pos struct{ Line, Col int }

// Index maps value paths to positions.
type Index struct {
	pos  map[string]Pos
	keys map[string]Pos // where each key itself starts
}

// SyntaxError is a TOML syntax error with its place.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string { return e.Msg }

// Decode parses src into a generic map and indexes the positions of its
// values. Every error is a syntax error with its place.
func Decode(src []byte) (map[string]any, *Index, *SyntaxError) {
	if err := checkDepth(src); err != nil {
		return nil, nil, err
	}
	var m map[string]any
	if _, err := toml.Decode(string(src), &m); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, nil, &SyntaxError{Pos: Pos{pe.Position.Line, max(pe.Position.Col, 1)}, Msg: lowerFirst(pe.Message)}
		}
		return nil, nil, &SyntaxError{Pos: Pos{1, 1}, Msg: err.Error()}
	}
	return m, Build(src), nil
}

func lowerFirst(s string) string {
	if s == "" || strings.HasPrefix(s, "TOML") {
		return s
	}
	// Keep acronyms and proper nouns: only lower a capital followed by a lower-case letter.
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// Lookup returns the position recorded for path.
func (ix *Index) Lookup(path string) (Pos, bool) {
	if ix == nil {
		return Pos{}, false
	}
	p, ok := ix.pos[path]
	return p, ok
}

// Key returns where the key of path starts (its name, not its value), or
// the position of its value or nearest ancestor when the key was not written
// as key = value.
func (ix *Index) Key(path string) Pos {
	if ix != nil {
		if p, ok := ix.keys[path]; ok {
			return p
		}
	}
	return ix.Find(path)
}

// Find returns the position of path, or of its nearest recorded ancestor, or 1:1.
func (ix *Index) Find(path string) Pos {
	for path != "" {
		if p, ok := ix.Lookup(path); ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return Pos{1, 1}
}

// Build indexes src, which must be valid TOML (Decode checks that first). The
// scanner is forgiving: on input it does not understand it stops and keeps what
// it has found.
func Build(src []byte) *Index {
	s := &scanner{src: src, line: 1, col: 1, ix: &Index{pos: map[string]Pos{}, keys: map[string]Pos{}}, arrays: map[string]int{}}
	s.document()
	return s.ix
}

type scanner struct {
	src       []byte
	off       int
	line, col int
	ix        *Index
	arrays    map[string]int // array-of-tables path -> elements seen
	table     string         // current table path
}

func (s *scanner) peek(n int) byte {
	if s.off+n < len(s.src) {
		return s.src[s.off+n]
	}
	return 0
}

func (s *scanner) next() {
	if s.off >= len(s.src) {
		return
	}
	if s.src[s.off] == '\n' {
		s.line++
		s.col = 1
	} else {
		s.col++
	}
	s.off++
}

func (s *scanner) eof() bool { return s.off >= len(s.src) }

func (s *scanner) here() Pos { return Pos{s.line, s.col} }

// space skips blanks, and with newlines also newlines and comments.
func (s *scanner) space(newlines bool) {
	for !s.eof() {
		switch c := s.peek(0); {
		case c == ' ' || c == '\t' || c == '\r':
			s.next()
		case c == '#':
			for !s.eof() && s.peek(0) != '\n' {
				s.next()
			}
		case c == '\n' && newlines:
			s.next()
		default:
			return
		}
	}
}

func (s *scanner) record(path string, p Pos) {
	if _, ok := s.ix.pos[path]; !ok {
		s.ix.pos[path] = p
	}
}

func (s *scanner) document() {
	for {
		s.space(true)
		if s.eof() {
			return
		}
		start := s.here()
		switch {
		case s.peek(0) == '[' && s.peek(1) == '[':
			s.next()
			s.next()
			parts, ok := s.keyParts()
			if !ok {
				return
			}
			path := s.resolve(parts)
			n := s.arrays[path]
			s.arrays[path] = n + 1
			s.table = fmt.Sprintf("%s[%d]", path, n)
			s.record(s.table, start)
			s.record(path, start)
			s.skipLine()
		case s.peek(0) == '[':
			s.next()
			parts, ok := s.keyParts()
			if !ok {
				return
			}
			s.table = s.resolve(parts)
			s.record(s.table, start)
			s.skipLine()
		default:
			if !s.keyValue(s.table) {
				return
			}
		}
	}
}

// resolve maps header key parts to a path, replacing each prefix that is an
// array of tables with its current element.
func (s *scanner) resolve(parts []string) string {
	path := ""
	for i, p := range parts {
		path = join(path, p)
		if i < len(parts)-1 {
			if n, ok := s.arrays[path]; ok {
				path = fmt.Sprintf("%s[%d]", path, n-1)
			}
		}
	}
	return path
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func (s *scanner) skipLine() {
	for !s.eof() && s.peek(0) != '\n' {
		s.next()
	}
}

// keyParts reads a dotted key up to '=' or ']' (consuming a closing ']' or ']]').
func (s *scanner) keyParts() ([]string, bool) {
	var parts []string
	for {
		s.space(false)
		switch c := s.peek(0); {
		case c == '"' || c == '\'':
			str, ok := s.str()
			if !ok {
				return nil, false
			}
			parts = append(parts, str)
		case isBare(c):
			start := s.off
			for !s.eof() && isBare(s.peek(0)) {
				s.next()
			}
			parts = append(parts, string(s.src[start:s.off]))
		default:
			return nil, false
		}
		s.space(false)
		switch s.peek(0) {
		case '.':
			s.next()
		case '=':
			s.next()
			return parts, true
		case ']':
			s.next()
			if s.peek(0) == ']' {
				s.next()
			}
			return parts, true
		default:
			return nil, false
		}
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (s *scanner) keyValue(prefix string) bool {
	start := s.here()
	parts, ok := s.keyParts()
	if !ok {
		return false
	}
	path := prefix
	for _, p := range parts {
		path = join(path, p)
	}
	if _, seen := s.ix.keys[path]; !seen {
		s.ix.keys[path] = start
	}
	s.space(false)
	return s.value(path)
}

func (s *scanner) value(path string) bool {
	s.record(path, s.here())
	switch c := s.peek(0); c {
	case '"', '\'':
		_, ok := s.str()
		return ok
	case '{':
		s.next()
		for {
			s.space(false)
			if s.peek(0) == '}' {
				s.next()
				return true
			}
			if !s.keyValue(path) {
				return false
			}
			s.space(false)
			if s.peek(0) == ',' {
				s.next()
			}
		}
	case '[':
		s.next()
		for i := 0; ; i++ {
			s.space(true)
			if s.peek(0) == ']' {
				s.next()
				return true
			}
			if s.eof() || !s.value(path+"["+strconv.Itoa(i)+"]") {
				return false
			}
			s.space(true)
			if s.peek(0) == ',' {
				s.next()
			}
		}
	default:
		start := s.off
		for !s.eof() {
			c := s.peek(0)
			if c == ' ' && isDateStart(s.src[start:s.off]) && s.peek(1) >= '0' && s.peek(1) <= '9' {
				s.next() // date and time separated by a space
				continue
			}
			if c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '#' {
				break
			}
			s.next()
		}
		return s.off > start
	}
}

func isDateStart(tok []byte) bool {
	return len(tok) == 10 && tok[4] == '-' && tok[7] == '-'
}

// str reads a basic, literal or multi-line string and returns its raw content
// (escapes are not decoded: keys with escapes are rare and only used as names).
func (s *scanner) str() (string, bool) {
	q := s.peek(0)
	multi := s.peek(1) == q && s.peek(2) == q
	if multi {
		s.next()
		s.next()
		s.next()
	} else {
		s.next()
	}
	start := s.off
	for !s.eof() {
		c := s.peek(0)
		if c == '\\' && q == '"' {
			s.next()
			s.next()
			continue
		}
		if c == q {
			if !multi {
				str := string(s.src[start:s.off])
				s.next()
				return str, true
			}
			if s.peek(1) == q && s.peek(2) == q {
				// A multi-line string may end with up to two extra quotes.
				for s.peek(3) == q {
					s.next()
				}
				str := string(s.src[start:s.off])
				s.next()
				s.next()
				s.next()
				return str, true
			}
		}
		if c == '\n' && !multi {
			return "", false
		}
		s.next()
	}
	return "", false
}
