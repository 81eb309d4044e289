package diag

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func TestError(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{Errorf(Pos{File: "data/x.toml", Line: 14, Col: 18}, "rows[3].v: want a number"), "data/x.toml:14:18: rows[3].v: want a number"},
		{Errorf(Pos{File: "site.toml", Line: 2}, "bad"), "site.toml:2: bad"},
		{Errorf(Pos{File: "templates"}, "bad"), "templates: bad"},
		{Errorf(Pos{}, "no place"), "no place"},
		{Errorf(Pos{File: "a", Line: 1, Col: 1}, "line\nbreak\tand\x01control"), `a:1:1: line\nbreak\tand\x01control`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	wrapped := Errorf(Pos{File: "a"}, "cannot read: %w", fs.ErrNotExist)
	if !errors.Is(wrapped, fs.ErrNotExist) {
		t.Error("%w cause is lost")
	}
}

func TestListSortsAndDeduplicates(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("empty list is an error")
	}
	l.Addf(Pos{File: "b.toml", Line: 2, Col: 1}, "two")
	l.Addf(Pos{File: "a.toml", Line: 10, Col: 1}, "ten")
	l.Addf(Pos{File: "a.toml", Line: 9, Col: 5}, "nine")
	var other List
	other.Addf(Pos{File: "a.toml", Line: 9, Col: 5}, "nine") // a duplicate
	l.Add(&other, nil, fmt.Errorf("plain"), errors.Join(Errorf(Pos{File: "c"}, "joined")))
	want := "plain\na.toml:9:5: nine\na.toml:10:1: ten\nb.toml:2:1: two\nc: joined"
	if got := l.Error(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if len(l.Unwrap()) != 5 {
		t.Errorf("Unwrap = %d errors", len(l.Unwrap()))
	}
}

func TestLineCol(t *testing.T) {
	src := []byte("ab\ncd\n\nef")
	for _, tt := range []struct{ off, line, col int }{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {7, 4, 1}, {9, 4, 3}, {99, 4, 3}} {
		if l, c := LineCol(src, tt.off); l != tt.line || c != tt.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

// TestLines: the line index gives every offset the position LineCol gives
// it, past the end and before the start too.
func TestLines(t *testing.T) {
	for _, src := range []string{"", "\n", "ab\ncd\n\nef", "ab\r\ncd\r\n", "\n\nx\n", "日本\n語"} {
		lines := NewLines([]byte(src))
		for off := -2; off <= len(src)+2; off++ {
			wl, wc := LineCol([]byte(src), off)
			if l, c := lines.LineCol(off); l != wl || c != wc {
				t.Errorf("%q at %d: Lines gives %d:%d, LineCol %d:%d", src, off, l, c, wl, wc)
			}
		}
	}
}

// TestCutWords: a message never holds more than MaxWord characters without
// a space, whatever a library quoted from the input.
func TestCutWords(t *testing.T) {
	long := strings.Repeat("é", MaxWord)
	tests := []struct{ in, want string }{
		{"short words stay", "short words stay"},
		{"key '" + long + "' has already been defined", "key '" + long[:len(long)-2] + "…" + " has already been defined"},
		{"a " + long + "xyz b", "a " + long + "… b"},
		{long + "x " + long + "y", long + "… " + long + "…"},
	}
	for _, tt := range tests {
		if got := Errorf(Pos{}, "%s", tt.in).Msg; got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}
