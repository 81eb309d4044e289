package content

import (
	"fmt"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/block"
)

// TestMaxInlines: a briefing with more inline values than its "Quoted
// figures" sheet should carry is refused once, at the first value too
// many, whether it is in the prose or a card's.
func TestMaxInlines(t *testing.T) {
	front := "+++\ntitle = \"Many\"\ndate = 2026-01-02\n+++\n"
	prose := strings.Repeat("A {{ d.v }} b.\n", MaxInlines)
	card := "\n```numbers\n[[card]]\nlabel = \"n\"\nvalue = \"d | count\"\n```\n"
	msg := fmt.Sprintf("a briefing holds at most %d inline values, in its prose and its cards (each is a row of its workbook's \"Quoted figures\" sheet); split it into several briefings", MaxInlines)
	tests := []struct{ name, src, want string }{
		{"prose", front + prose + "C {{ d.w }} and {{ d.x }}.\n", fmt.Sprintf("content/briefings/many.md:%d:3: inline value: %s", 5+MaxInlines, msg)},
		{"unclosed count too", front + prose + "C {{ d.w and {{ d.x\n", fmt.Sprintf("content/briefings/many.md:%d:3: inline value: %s", 5+MaxInlines, msg)},
		{"card", front + prose + card + card, fmt.Sprintf("content/briefings/many.md:%d:9: numbers block: card[0].value: %s", 5+MaxInlines+4, msg)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("content/briefings/many.md", []byte(tt.src))
			if fmt.Sprint(err) != tt.want {
				t.Errorf("got  %.300v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestMaxNumbers: more numbers blocks than a page should show are refused
// at the first one too many.
func TestMaxNumbers(t *testing.T) {
	var b strings.Builder
	b.WriteString("+++\ntitle = \"Many\"\ndate = 2026-01-02\n+++\n")
	for range block.MaxNumbers + 2 {
		b.WriteString("\n```numbers\n[[card]]\nlabel = \"n\"\nvalue = \"d | count\"\n```\n")
	}
	_, err := Parse("content/briefings/many.md", []byte(b.String()))
	want := fmt.Sprintf("content/briefings/many.md:%d:1: numbers block: a briefing holds at most %d numbers blocks; split it into several briefings", 6+6*block.MaxNumbers, block.MaxNumbers)
	if fmt.Sprint(err) != want {
		t.Errorf("got  %.300v\nwant %s", err, want)
	}
}

// TestPositionsLinear: the parser reads a briefing's bytes a bounded number
// of times to place its blocks, inline values, cards and typed figures, and
// to find where each {{ closes, however many there are; before, each
// position was counted from the start of the body, so the work grew with
// the square of the briefing's size.
func TestPositionsLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("+++\ntitle = \"Big\"\ndate = 2026-01-02\n+++\n")
	for i := range MaxInlines - block.MaxNumbers {
		fmt.Fprintf(&b, "Item %d is {{ d.v }}, up 35%% on $7 billion.\n\n", i)
	}
	for range block.MaxNumbers {
		b.WriteString("```numbers\n[[card]]\nlabel = \"n\"\nvalue = \"d | count\"\n```\n\n")
	}
	for range block.MaxTables {
		b.WriteString("```table\ndataset = \"d\"\n```\n\n")
	}
	b.WriteString(strings.Repeat("{{ ", 20_000) + "\n")
	src := []byte(b.String())
	var read int
	scanned = func(n int) { read += n }
	defer func() { scanned = nil }()
	_, err := Parse("content/briefings/big.md", src)
	if read > 2*len(src) {
		t.Errorf("Parse read %d bytes to place what a briefing of %d bytes holds; want at most twice its size", read, len(src))
	}
	if err == nil || !strings.Contains(err.Error(), "inline value: a briefing holds at most") {
		t.Errorf("got %.300v", err)
	}

	bf, err := Parse("content/briefings/big.md", src[:len(src)-60_001])
	if err != nil {
		t.Fatalf("%.300v", err)
	}
	read = 0
	if got := len(bf.TypedFigures()); got < 2*(MaxInlines-block.MaxNumbers) {
		t.Fatalf("%d typed figures", got)
	}
	if read > len(src) {
		t.Errorf("TypedFigures read %d bytes to place the figures of a briefing of %d bytes; want at most its size", read, len(src))
	}
}

// TestLongQuotesCut: a message quotes at most diag.MaxQuote characters
// of what it names (a library's message at most diag.MaxWord without a
// space), however long the expression, key or value is; before, a 100 KB
// expression came back in full, in every message about it.
func TestLongQuotesCut(t *testing.T) {
	long := strings.Repeat("x", 100_000)
	cut := strings.Repeat("x", 80) + "…"
	front := "+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n"
	fence := func(body string) string { return front + "```chart\ndataset = \"d\"\n" + body + "```\n" }
	tests := []struct{ name, src, want string }{
		{"inline expression", front + "A {{ " + long + " }}.\n", "5:3: inline value {{ " + cut + " }}: name a column, such as {{ " + cut + ".COLUMN }}; only | count takes a whole dataset"},
		{"inline function", front + "A {{ d.v | " + long + " }}.\n", "5:3: inline value {{ d.v | " + strings.Repeat("x", 74) + "… }}: unknown function \"" + cut + "\"; functions are change, delta, max, min, sum, mean, first, last, count, abs, round, dir"},
		{"inline filter", front + "A {{ d.v " + long + " }}.\n", "5:3: inline value {{ d.v " + strings.Repeat("x", 76) + "… }}: \"" + cut + "\" is neither a [column=value] filter nor an @date"},
		{"chart type", fence("type = \"" + long + "\"\n"), "7:8: chart block: type: unknown chart type \"" + cut + "\"; use line, bar, area or scatter"},
		{"unknown key", fence(long + " = 1\n"), "7:1: chart block: unknown key \"" + cut + "\"; keys are dataset, title, subtitle, where, from, to, sort, limit, columns, type, x, y, mark_lines, height"},
		{"a date", fence("from = \"" + long + "\"\n"), "7:8: chart block: from: want a date such as 2026-01-02, got string \"" + cut + "\""},
		{"slug", "+++\ntitle = \"T\"\ndate = 2026-01-02\nslug = \"" + long + "\"\n+++\n", "4:8: slug \"" + cut + "\" is too long for a page name: at most 100 characters (rename the file or set slug = \"...\")"},
		{"library message", fence(long + " = 1\n" + long + " = 2\n"), "8:100006: chart block: invalid TOML: key '" + strings.Repeat("x", 199) + "… has already been defined."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("content/briefings/a.md", []byte(tt.src))
			if want := "content/briefings/a.md:" + tt.want; fmt.Sprint(err) != want {
				t.Errorf("got  %.400v\nwant %s", err, want)
			}
		})
	}
}
