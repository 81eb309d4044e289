package tomlpos

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestDepth(t *testing.T) {
	deep := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	tests := []struct {
		name string
		src  string
		want string // error position and message start; "" for none
	}{
		{"dataset", "title = \"a.b[c]{d}\" # x.y[[[\n[columns.usd]\nformat = 'usd'\n[[rows]]\ndate = 2026-01-02\nv = 1.5\n", ""},
		{"block", "dataset = \"x\"\nwhere = { date = 2026-01-02, t = [\"A\", \"B\"] }\nmark_lines = [{ y = 35.0, label = \"a\" }]\n", ""},
		{"multi-line strings", "a = \"\"\"\n[[[[\n\"\"\"\nb = '''\n{{{{'''\nc = \"\\\"[\"\n", ""},
		{"arrays at the limit", "a = " + deep("[", "]", 64), ""},
		{"arrays too deep", "a = " + deep("[", "]", 20000), "1:69: nested more than 64 levels"},
		{"inline tables too deep", "where = " + strings.Repeat("{ a = ", 5000) + "1" + strings.Repeat(" }", 5000), "1:"},
		{"dotted key too deep", strings.Repeat("a.", 100000) + "a = 1", "1:"},
		{"header too deep", "[" + strings.Repeat("a.", 100) + "a]\n", "1:"},
		{"mixed", "x = [" + strings.Repeat("{ a = [", 40) + "]", "1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := Decode([]byte(tt.src))
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s", took)
			}
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %s", err.Msg)
				}
				return
			}
			se := err
			if se == nil {
				t.Fatal("no error")
			}
			got := fmt.Sprintf("%d:%d: %s", se.Pos.Line, se.Pos.Col, se.Msg)
			if !strings.HasPrefix(got, tt.want) || !strings.Contains(se.Msg, "nested more than 64 levels") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
