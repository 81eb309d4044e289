package tomlpos

import "fmt"

// MaxDepth is how deeply TOML may nest: arrays, inline tables and the parts
// of dotted keys and table headers together. Real settings, datasets and
// blocks nest three or four deep; without a limit a 40 KB file of nested
// arrays takes gigabytes to decode.
const MaxDepth = 64

// checkDepth refuses TOML that nests deeper than MaxDepth, in one linear
// pass that understands just enough of the syntax (strings, comments, keys
// and values) to count levels: what is left is for the parser to judge.
// (long: one loop over the bytes whose states, a string, a comment, a key,
// a header, share the position and the stack; split, they would pass them
// all around.)
func checkDepth(src []byte) *SyntaxError {
	type level struct {
		add    int  // depth this level added
		inline bool // an inline table (keys follow '{' and ','), not an array
	}
	var stack []level
	depth := 0
	key := true // reading a key, not a value
	parts := 1  // parts of the key read so far
	header := 0 // inside a [table] header: its opening brackets
	line, col := 1, 0
	tooDeep := func() *SyntaxError {
		return &SyntaxError{Pos: Pos{line, max(col, 1)}, Msg: fmt.Sprintf("nested more than %d levels deep (arrays, inline tables and dotted keys together); brief reads at most %d", MaxDepth, MaxDepth)}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		col++
		switch c {
		case '\n':
			line, col = line+1, 0
			if len(stack) == 0 {
				key, parts, header = true, 1, 0
			}
		case '#':
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			// Skip a string; multi-line ones may hold newlines.
			quote := c
			multi := i+2 < len(src) && src[i+1] == quote && src[i+2] == quote
			if multi {
				i += 2
			}
			for i++; i < len(src); i++ {
				b := src[i]
				if b == '\n' {
					line, col = line+1, 0
				} else {
					col++
				}
				if b == '\\' && quote == '"' {
					i++
					col++
					continue
				}
				if b != quote {
					continue
				}
				if !multi {
					break
				}
				if i+2 < len(src) && src[i+1] == quote && src[i+2] == quote {
					// up to two more quotes may belong to the string
					for i+3 < len(src) && src[i+3] == quote {
						i++
					}
					i += 2
					break
				}
			}
		case '.':
			if key || header > 0 {
				parts++
				if depth+parts > MaxDepth {
					return tooDeep()
				}
			}
		case '=':
			if key && header == 0 {
				key = false
			}
		case '[':
			if key && len(stack) == 0 {
				header++ // [table] or [[array of tables]]
				continue
			}
			if depth+1 > MaxDepth {
				return tooDeep()
			}
			stack = append(stack, level{add: 1})
			depth++
		case '{':
			add := parts
			if depth+add > MaxDepth {
				return tooDeep()
			}
			stack = append(stack, level{add: add, inline: true})
			depth += add
			key, parts = true, 1
		case ',':
			if n := len(stack); n > 0 && stack[n-1].inline {
				key, parts = true, 1
			}
		case ']', '}':
			if header > 0 && c == ']' {
				header--
				continue
			}
			if n := len(stack); n > 0 {
				depth -= stack[n-1].add
				stack = stack[:n-1]
			}
			if n := len(stack); n > 0 && stack[n-1].inline {
				key = false // after a value inside an inline table: ',' or '}'
			}
		}
	}
	return nil
}
