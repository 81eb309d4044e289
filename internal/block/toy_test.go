package block_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/sitetest"
	"github.com/brief-desk/brief/internal/tomlval"
	"github.com/brief-desk/brief/internal/view"
)

// toy is a kind of block made up here, in this one file: ```toy with
// word = "..." shows a one-row table of the word and its length, with a
// note under it. Registering it is all it takes for every output to show
// it: TestToyKind.
type toy struct {
	block.Base
	Word string
}

func init() {
	block.Register(block.Kind{Name: "toy", Parse: parseToy, Max: 3, Group: "toy blocks"})
}

func parseToy(p *block.Parser) block.Block {
	for _, k := range p.Keys() {
		if k != "word" {
			p.Addf(p.KeyAt(k), "%s", tomlval.UnknownKey(k, []string{"word"}, "keys"))
		}
	}
	t := &toy{Base: p.Base(false), Word: p.Str("word")}
	if t.Word == "" {
		p.Addf(p.Fence(), "missing word: add word = \"...\"")
	}
	if p.Failed() {
		return nil
	}
	return t
}

func (t *toy) Datasets() []string { return nil }

func (t *toy) Bind(c *block.Context) (block.Bound, error) {
	cols := dataset.Numbered(dataset.TextColumn("word", "Word"),
		&dataset.Column{Name: "letters", Label: "Letters", Type: dataset.Number, Format: dataset.FormatInteger, AllInt: true})
	d, err := dataset.New(dataset.Dataset{ID: "toy", Title: "Toy", Source: "the toy kind"}, dataset.KindTable, cols,
		[][]dataset.Value{{tomlval.StringValue(t.Word), tomlval.NumberValue(float64(len(t.Word)))}})
	if err != nil {
		return nil, err
	}
	v := &view.View{Kind: "toy", Title: "Toy of " + t.Word, Data: d, Columns: cols, Rows: []int{0}, AsOf: c.Date,
		Notes: []string{"A note under the toy block."}}
	return toyBound{v}, nil
}

type toyBound struct{ v *view.View }

func (b toyBound) Tables() []*view.View { return []*view.View{b.v} }

func (b toyBound) Render(w io.Writer, env *block.Env) error { return env.View(w, b.v) }

const toyProject = `
-- site.toml --
title = "Toys"
base_url = "https://example.com/"
-- content/briefings/week.md --
+++
title = "Week"
date = 2026-01-02
+++
Before the toy.

` + "```toy" + `
word = "zebra"
` + "```" + `

After the toy.
`

// TestToyKind: a kind of block registered in a test file, with no other
// file changed, appears in the page, the email (HTML and text), the
// workbook and the CSV file, and its note under it; and a second build,
// which decodes the parsed briefing from the disk cache, is the same.
func TestToyKind(t *testing.T) {
	dir := sitetest.MustBuild(t, toyProject)
	first := sitetest.Tree(t, filepath.Join(dir, "public"))
	page := sitetest.Read(t, dir, "briefings/week/index.html")
	for _, want := range []string{`class="block block-toy" id="toy-1"`, "Toy of zebra", "<td>zebra</td>", "A note under the toy block.", `href="week-1.csv"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if csv := sitetest.Read(t, dir, "briefings/week/week-1.csv"); !strings.Contains(csv, "zebra,5") {
		t.Errorf("CSV = %q, want the toy's row", csv)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "public/briefings/week/week.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "About|Toy of zebra|Sources" {
		t.Errorf("sheets = %s", got)
	}
	if rows, _ := f.GetRows("Toy of zebra"); len(rows) != 2 || rows[1][0] != "zebra" || rows[1][1] != "5" {
		t.Errorf("toy sheet = %q", rows)
	}

	e := build.NewEngine(build.Options{Src: dir})
	if _, err := e.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	mail, err := e.Email("week")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Toy of zebra", ">zebra</td>", "A note under the toy block."} {
		if !strings.Contains(string(mail.HTML), want) {
			t.Errorf("email HTML lacks %q", want)
		}
	}
	if want := "[Toy of zebra]\nWord | Letters\nzebra | 5\nA note under the toy block.\nSource: the toy kind"; !strings.Contains(mail.Text, want) {
		t.Errorf("email text lacks %q:\n%s", want, mail.Text)
	}
	if n := strings.Count(mail.Text, "[Toy of zebra]"); n != 1 {
		t.Errorf("the email's text holds the block %d times, want once:\n%s", n, mail.Text)
	}

	if err := os.RemoveAll(filepath.Join(dir, "public")); err != nil {
		t.Fatal(err)
	}
	if _, err := sitetest.Build(t, dir, build.Options{}); err != nil {
		t.Fatal(err)
	}
	if second := sitetest.Tree(t, filepath.Join(dir, "public")); len(second) != len(first) || second["briefings/week/index.html"] != first["briefings/week/index.html"] {
		t.Error("a build from the cache differs from the first")
	}
}

// TestToyKindErrors: the toy kind's problems are located like any other
// block's, and its cap is counted apart from the other kinds'.
func TestToyKindErrors(t *testing.T) {
	dir := sitetest.Write(t, strings.Replace(toyProject, `word = "zebra"`, `colour = "red"`, 1)+strings.Repeat("\n```toy\nword = \"w\"\n```\n", 3))
	_, err := sitetest.Build(t, dir, build.Options{})
	got := strings.Join(sitetest.Lines(err), "\n")
	for _, want := range []string{
		`content/briefings/week.md:8:1: toy block: unknown key "colour"; keys are word`,
		`content/briefings/week.md:7:1: toy block: missing word: add word = "..."`,
		`content/briefings/week.md:21:1: toy block: a briefing holds at most 3 toy blocks; split it into several briefings`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
}
