package content

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/expr"
)

// FuzzParse feeds arbitrary bytes to the briefing parser (front matter,
// markdown and blocks): it must never panic or hang, every error must carry a
// place, and a briefing it accepts must render.
func FuzzParse(f *testing.F) {
	f.Add([]byte(briefing))
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\nA {{ d.v [t=\"x y\"] @2026-01-01 | change 2025-01-01 }} and `{{ x }}` \\{{ y }} {{ d | count }}\n\n```numbers\n[[card]]\nlabel = \"L\"\nvalue = \"d.v | max\"\nchange = \"d.v | delta 2025-01-01\"\n```\n\n```changes\ndataset = \"d\"\nlimit = 3\n```\n"))
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n"))
	f.Add([]byte("+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n- a\n\n  ```chart\n  dataset = \"x\"\n  where = { a = [1, \"b\"] }\n  ```\n"))
	f.Add([]byte("+++\r\ntitle = \"T\"\r\ndate = 2026-01-02\r\n+++\r\n~~~table\r\ndataset = \"x\"\r\n~~~\r\n"))
	f.Add([]byte("+++\ntitle = \"T\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		b, err := Parse("content/briefings/a.md", src)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "content/briefings/a.md:") {
					t.Fatalf("error without a place: %q", line)
				}
			}
			return
		}
		err = b.Render(io.Discard, Renderers{Block: func(w io.Writer, bl block.Block) error {
			_, err := fmt.Fprint(w, bl.Datasets())
			return err
		}, Inline: func(w io.Writer, in *expr.Inline) error {
			_, err := io.WriteString(w, in.Expr)
			return err
		}})
		if err != nil {
			t.Fatal(err)
		}
	})
}
