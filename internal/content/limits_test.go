package content

import (
	"fmt"
	"strings"
	"testing"
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
	for range MaxNumbers + 2 {
		b.WriteString("\n```numbers\n[[card]]\nlabel = \"n\"\nvalue = \"d | count\"\n```\n")
	}
	_, err := Parse("content/briefings/many.md", []byte(b.String()))
	want := fmt.Sprintf("content/briefings/many.md:%d:1: numbers block: a briefing holds at most %d numbers blocks; split it into several briefings", 6+6*MaxNumbers, MaxNumbers)
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
	for i := range MaxInlines - MaxNumbers {
		fmt.Fprintf(&b, "Item %d is {{ d.v }}, up 35%% on $7 billion.\n\n", i)
	}
	for range MaxNumbers {
		b.WriteString("```numbers\n[[card]]\nlabel = \"n\"\nvalue = \"d | count\"\n```\n\n")
	}
	for range MaxBlocks {
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
	if got := len(bf.TypedFigures()); got < 2*(MaxInlines-MaxNumbers) {
		t.Fatalf("%d typed figures", got)
	}
	if read > len(src) {
		t.Errorf("TypedFigures read %d bytes to place the figures of a briefing of %d bytes; want at most its size", read, len(src))
	}
}
