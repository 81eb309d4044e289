// Package diag holds the one error type that every layer of brief uses: an
// error that names a place in a project file, printed as file:line:col: message,
// and a List that gathers every problem of a build so that they are reported
// together, sorted by place.
package diag

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Pos is a place in a project file. File is slash-separated and relative to the
// project directory; Line and Col count from 1, and 0 means unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats the position as file:line:col, leaving out unknown parts.
func (p Pos) String() string {
	switch {
	case p.Line <= 0:
		return p.File
	case p.Col <= 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// Error is a problem at a place.
type Error struct {
	Pos Pos
	Msg string
	Err error // the underlying cause, if any; reachable with errors.Is/As
}

// Errorf makes an Error at pos. The format may use %w to wrap a cause. Line
// breaks and other control characters in the message (from a library, or
// quoted from the input) are escaped, so that every error is one line, and
// a run of more than MaxWord characters without a space is cut, so that
// the line stays short whatever a library quotes from the input (the
// callers cut what they quote themselves to fewer: Quote).
func Errorf(pos Pos, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Pos: pos, Msg: cutWords(oneLine(err.Error())), Err: errors.Unwrap(err)}
}

// Line is a message that is not located (a usage error, a library's
// error) made as Errorf makes a located one: one line, its runs of more
// than MaxWord characters without a space cut.
func Line(msg string) string { return cutWords(oneLine(msg)) }

// MaxWord is the most characters a message holds without a space.
const MaxWord = 200

// cutWords cuts each run of more than MaxWord characters without a space
// after its first MaxWord, with an ellipsis.
func cutWords(s string) string {
	var b strings.Builder
	run, cut := 0, false
	for i, r := range s {
		if r == ' ' {
			run = 0
		} else if run++; run > MaxWord {
			if !cut {
				b.Grow(len(s))
				b.WriteString(s[:i])
				cut = true
			}
			if run == MaxWord+1 {
				b.WriteString("…")
			}
			continue
		}
		if cut {
			b.WriteRune(r)
		}
	}
	if !cut {
		return s
	}
	return b.String()
}

func oneLine(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (e *Error) Error() string {
	if e.Pos.File == "" {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// List collects errors. The zero value is ready to use. It is not safe for
// concurrent use; merge per-goroutine lists instead.
type List struct {
	errs []*Error
}

// Add appends errors. A *List or a joined error is flattened; an error without a
// place is kept with an empty position.
func (l *List) Add(errs ...error) {
	for _, err := range errs {
		if err == nil {
			continue
		}
		var other *List
		if errors.As(err, &other) && other != l {
			l.errs = append(l.errs, other.errs...)
			continue
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			l.Add(j.Unwrap()...)
			continue
		}
		var e *Error
		if errors.As(err, &e) {
			l.errs = append(l.errs, e)
			continue
		}
		l.errs = append(l.errs, &Error{Msg: err.Error(), Err: err})
	}
}

// Addf adds an Error at pos.
func (l *List) Addf(pos Pos, format string, args ...any) {
	l.errs = append(l.errs, Errorf(pos, format, args...))
}

// Len is the number of errors.
func (l *List) Len() int { return len(l.errs) }

// Errors returns the errors sorted by file, line and column, with exact
// duplicates removed.
func (l *List) Errors() []*Error {
	out := slices.Clone(l.errs)
	slices.SortStableFunc(out, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
	return slices.CompactFunc(out, func(a, b *Error) bool {
		return a.Pos == b.Pos && a.Msg == b.Msg
	})
}

// Err returns the list as an error, or nil when it is empty.
func (l *List) Err() error {
	if l.Len() == 0 {
		return nil
	}
	return l
}

// Error prints one error a line, sorted.
func (l *List) Error() string {
	var b strings.Builder
	for i, e := range l.Errors() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap exposes the errors to errors.Is and errors.As.
func (l *List) Unwrap() []error {
	errs := l.Errors()
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}

// LineCol converts a byte offset in src to a 1-based line and column. Columns
// count bytes, as editors that show byte columns and most compilers do. It
// reads src up to off: for more than a few offsets in one file, use Lines.
func LineCol(src []byte, off int) (line, col int) {
	off = max(0, min(off, len(src)))
	line = 1 + bytes.Count(src[:off], []byte{'\n'})
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return line, off - start + 1
}

// Lines indexes where the lines of a file start, so that each offset
// converts to a line and column by a binary search: made once a file, it
// keeps the cost of positions linear in the file's size however many
// positions are asked for.
type Lines struct {
	starts []int // the offset of each line's first byte; starts[0] is 0
	size   int
}

// NewLines indexes the lines of src.
func NewLines(src []byte) *Lines {
	l := &Lines{starts: []int{0}, size: len(src)}
	for off := 0; ; {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return l
		}
		off += i + 1
		l.starts = append(l.starts, off)
	}
}

// LineCol is the 1-based line and column of a byte offset, as the function
// LineCol gives them for the indexed file.
func (l *Lines) LineCol(off int) (line, col int) {
	off = max(0, min(off, l.size))
	// The line is the last one that starts at or before off.
	line, found := slices.BinarySearch(l.starts, off)
	if !found {
		line--
	}
	return line + 1, off - l.starts[line] + 1
}

// Offset is the byte offset of a 1-based line and column, or -1 where the
// file has no such line.
func (l *Lines) Offset(line, col int) int {
	if line < 1 || line > len(l.starts) || col < 1 {
		return -1
	}
	return min(l.starts[line-1]+col-1, l.size)
}
