package content

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/expr"
)

const briefing = `+++
title   = "Miners turn AI landlords"
date    = 2026-01-02
summary = "Hashprice fell 35%."
tags    = ["miners", "AI hosting", "miners"]
+++

## The numbers

Miners "rallied" -- see below.<script>alert(1)</script>

` + "```chart" + `
dataset = "miner_moves"
title   = "First trading day of 2026"
where   = { date = 2026-01-02, ticker = ["HUT", "CLSK"] }
sort    = "-change_pct"
mark_lines = [{ y = 10.0, label = "10%" }]
` + "```" + `

- a list item

  ` + "```table" + `
  dataset = "lease_deals"
  columns = ["company", "value_usd"]
  ` + "```" + `

` + "```go" + `
fmt.Println("code stays code")
` + "```" + `
`

func TestParseBriefing(t *testing.T) {
	b, err := Parse("content/briefings/2026-01-02-miners.md", []byte(briefing))
	if err != nil {
		t.Fatal(err)
	}
	if b.Slug != "2026-01-02-miners" || b.Title != "Miners turn AI landlords" || !b.Date.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("got slug %q title %q date %v", b.Slug, b.Title, b.Date)
	}
	if got := strings.Join(b.Tags, "|"); got != "miners|AI hosting" {
		t.Errorf("tags = %q", got)
	}
	if len(b.Blocks()) != 2 {
		t.Fatalf("blocks = %d", len(b.Blocks()))
	}
	c := b.Blocks()[0].(*block.Selection)
	if c.Fence.Line != 12 || c.Fence.Col != 1 || c.Dataset != "miner_moves" || c.Sort != "change_pct" || !c.Desc || len(c.Where) != 2 || len(c.Marks) != 1 || *c.Marks[0].Y != 10 {
		t.Errorf("chart block = %+v", c)
	}
	if p := c.KeyPos("sort"); p.Line != 16 || p.Col != 11 {
		t.Errorf("sort at %v, want 16:11", p)
	}
	tb := b.Blocks()[1].(*block.Selection)
	if tb.Fence.Line != 22 || tb.Fence.Col != 3 || tb.Kind() != "table" || len(tb.Columns) != 2 {
		t.Errorf("table block = %+v", tb)
	}
	var out bytes.Buffer
	err = b.Render(&out, Renderers{Block: func(w io.Writer, bl block.Block) error {
		_, err := fmt.Fprintf(w, "[%s %d]", bl.Kind(), bl.Index())
		return err
	}, Inline: func(w io.Writer, in *expr.Inline) error {
		_, err := fmt.Fprintf(w, "<%s>", in.Expr)
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	html := out.String()
	for _, want := range []string{`<h2 id="the-numbers">The numbers</h2>`, "[chart 0]", "[table 1]", "&ldquo;rallied&rdquo; &ndash;", `<code class="language-go">`} {
		if !strings.Contains(html, want) {
			t.Errorf("body lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Errorf("raw HTML passed through:\n%s", html)
	}
}

func TestParseErrors(t *testing.T) {
	front := "+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n"
	fence := func(kind, body string) string { return front + "\n```" + kind + "\n" + body + "```\n" }
	tests := []struct {
		name, file, src string
		want            []string
	}{
		{"no front matter", "content/briefings/a.md", "# Hello\n", []string{"content/briefings/a.md:1:1: missing front matter: start the file with a line +++, then title = \"...\" and date = 2026-01-02, then a closing +++"}},
		{"unclosed", "content/briefings/a.md", "+++\ntitle = \"T\"\ndate = 2026-01-02\n\nBody text.\n", []string{"content/briefings/a.md:1:1: front matter opened with +++ on line 1 is never closed: add a line +++ after the last key"}},
		{"front syntax", "content/briefings/a.md", "+++\ntitle = \"T\ndate = 2026-01-02\n+++\n", []string{"content/briefings/a.md:2:11: front matter: invalid TOML: strings cannot contain newlines"}},
		{"front unknown and missing", "content/briefings/a.md", "+++\ntitel = \"T\"\n+++\n", []string{
			`content/briefings/a.md:1:1: front matter: a briefing needs a date: add date = 2026-01-02`,
			`content/briefings/a.md:1:1: front matter: a briefing needs a title: add title = "..."`,
			`content/briefings/a.md:2:1: front matter: unknown key "titel" (did you mean "title"?); keys are title, date, summary, tags, draft, slug`}},
		{"bad types", "content/briefings/a.md", "+++\ntitle = 1\ndate = \"2026-01-02\"\ndraft = \"no\"\ntags = \"x\"\n+++\n", []string{
			`content/briefings/a.md:2:9: front matter: title: want a string, got number 1`,
			`content/briefings/a.md:3:8: front matter: date: want a date such as 2026-01-02, got string "2026-01-02"`,
			`content/briefings/a.md:4:9: front matter: draft: want true or false, got string "no"`,
			`content/briefings/a.md:5:8: front matter: tags: want a list of strings such as ["miners"], got string "x"`}},
		{"bad slug", "content/briefings/Hello World.md", front, []string{`content/briefings/Hello World.md:1:1: invalid slug "Hello World": a briefing's page name uses lower-case letters, digits, '-' and '_' (rename the file or set slug = "...")`}},
		{"slug traversal", "content/briefings/a.md", "+++\ntitle = \"T\"\ndate = 2026-01-02\nslug = \"../../etc\"\n+++\n", []string{`content/briefings/a.md:4:8: invalid slug "../../etc": a briefing's page name uses lower-case letters, digits, '-' and '_' (rename the file or set slug = "...")`}},
		{"empty tag", "content/briefings/a.md", "+++\ntitle = \"T\"\ndate = 2026-01-02\ntags = [\"../\"]\n+++\n", []string{`content/briefings/a.md:4:9: front matter: tags[0]: "../" has no letters or digits to name its page`}},
		{"block syntax", "content/briefings/a.md", fence("chart", "dataset = \"x\"\ntitle = \n"), []string{"content/briefings/a.md:8:9: chart block: invalid TOML: expected value but found '\\n' instead"}},
		{"block missing dataset", "content/briefings/a.md", fence("table", "title = \"x\"\n"), []string{"content/briefings/a.md:6:1: table block: missing dataset: add dataset = \"<id>\", the name of a file in data/ without .toml"}},
		{"block unknown key", "content/briefings/a.md", fence("chart", "dataset = \"x\"\nsrot = \"-y\"\n"), []string{`content/briefings/a.md:8:1: chart block: unknown key "srot" (did you mean "sort"?); keys are dataset, title, subtitle, where, from, to, sort, limit, columns, type, x, y, mark_lines, height`}},
		{"chart key in table", "content/briefings/a.md", fence("table", "dataset = \"x\"\ny = \"v\"\n"), []string{"content/briefings/a.md:8:1: table block: \"y\" applies to chart blocks only; use ```chart, or remove it"}},
		{"block bad values", "content/briefings/a.md", fence("chart", "dataset = \"x\"\ntype = \"pie\"\nlimit = 0\nfrom = \"2026\"\nwhere = { t = [] }\nmark_lines = [{ label = \"x\" }]\n"), []string{
			`content/briefings/a.md:8:8: chart block: type: unknown chart type "pie"; use line, bar, area or scatter`,
			`content/briefings/a.md:9:9: chart block: limit: want a whole number from 1 to 1000000, got number 0`,
			`content/briefings/a.md:10:8: chart block: from: want a date such as 2026-01-02, got string "2026"`,
			`content/briefings/a.md:11:15: chart block: where.t: the list is empty, so no row could match`,
			`content/briefings/a.md:12:15: chart block: mark_lines[0]: give exactly one of y (a value) or x (a date or category)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if lines[i] != w {
					t.Errorf("error %d:\n got %s\nwant %s", i, lines[i], w)
				}
			}
		})
	}
}

func TestTagSlug(t *testing.T) {
	for _, tt := range []struct{ tag, want, legacy string }{
		{"AI hosting", "ai-hosting", "ai-hosting"},
		{"../../x", "x", "x"},
		{"  ", "", ""},
		{"a--b", "a-b", "a-b"},
		{"S&P 500", "s-p-500", "s-p-500"},
		{"a_b @home", "a-b-home", "a-b-home"},
		{"Über uns", "uber-uns", "ber-uns"},
		{"Énergie", "energie", "nergie"},
		{"Café", "cafe", "caf"},
		{"日本", "ri-ben", ""},
		{"Москва", "moskva", ""},
		{"🚀", "", ""},
		{strings.Repeat("日本", 40), strings.TrimSuffix(strings.Repeat("ri-ben-", 40)[:80], "-"), ""},
	} {
		if got := TagSlug(tt.tag); got != tt.want {
			t.Errorf("TagSlug(%q) = %q, want %q", tt.tag, got, tt.want)
		}
		if got := LegacyTagSlug(tt.tag); got != tt.legacy {
			t.Errorf("LegacyTagSlug(%q) = %q, want %q", tt.tag, got, tt.legacy)
		}
	}
	// A tag of printable ASCII keeps the page name it always had: only
	// tags with other letters move (and get a redirect).
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, 1+r.IntN(12))
		for i := range b {
			b[i] = byte(' ' + r.IntN('~'-' '+1))
		}
		if tag := string(b); TagSlug(tag) != LegacyTagSlug(tag) {
			t.Errorf("TagSlug(%q) = %q, but its page was %q", tag, TagSlug(tag), LegacyTagSlug(tag))
		}
	}
}

// TestMaxBlocks: a briefing with more blocks than a workbook should carry is
// refused at the first block too many; numbers blocks have no sheet and do
// not count.
func TestMaxBlocks(t *testing.T) {
	var b strings.Builder
	b.WriteString("+++\ntitle = \"Many\"\ndate = 2026-01-02\n+++\n")
	b.WriteString("\n```numbers\n[[card]]\nlabel = \"n\"\nvalue = \"d | count\"\n```\n")
	for range block.MaxTables + 1 {
		b.WriteString("\n```table\ndataset = \"d\"\n```\n")
	}
	_, err := Parse("content/briefings/many.md", []byte(b.String()))
	want := fmt.Sprintf("content/briefings/many.md:%d:1: table block: a briefing holds at most 200 chart and table blocks (its workbook has a sheet for each); split it into several briefings", 12+4*block.MaxTables)
	if fmt.Sprint(err) != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ title, want string }{
		{"Miners turn AI landlords", "miners-turn-ai-landlords"},
		{`Miners "turn" AI landlords`, "miners-turn-ai-landlords"},
		{"Ünïcödé – café", "unicode-cafe"},
		{"日本語のタイトル", "ri-ben-yu-notaitoru"},
		{"M&A in 2026", "m-and-a-in-2026"},
		{"***", ""},
		{strings.Repeat("long ", 20), "long-long-long-long-long-long-long-long-long-long-long-long"},
	}
	for _, tt := range tests {
		if got := Slugify(tt.title); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

// TestTreeDropped: a briefing's markdown tree is not kept once nothing
// uses it (a build of 10,000 briefings held every tree to the end), and
// one parsed again renders the same, with the same blocks.
func TestTreeDropped(t *testing.T) {
	b, err := Parse("content/briefings/2026-01-02-miners.md", []byte(briefing))
	if err != nil {
		t.Fatal(err)
	}
	blocks := b.Blocks()
	r := Renderers{
		Block: func(w io.Writer, blk block.Block) error {
			_, err := fmt.Fprintf(w, "[%s %d]", blk.Kind(), blk.Index())
			return err
		},
		Inline: func(w io.Writer, in *expr.Inline) error { return nil },
	}
	var first, again bytes.Buffer
	if err := b.Render(&first, r); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	if b.doc.Value() != nil {
		t.Fatal("the tree is still held after its render")
	}
	if err := b.Render(&again, r); err != nil {
		t.Fatal(err)
	}
	if first.String() != again.String() || !strings.Contains(first.String(), "[chart 0]") {
		t.Errorf("rendered again:\n%s\nfirst:\n%s", again.String(), first.String())
	}
	if got := b.Blocks(); &got[0] != &blocks[0] {
		t.Error("parsing the tree again replaced the briefing's blocks")
	}
	runtime.GC()
	runtime.GC()
	if b.doc.Value() != nil {
		t.Error("the tree parsed again is still held after its render")
	}
}
