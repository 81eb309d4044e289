package content

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/brief-desk/brief/internal/diag"
)

// TestImages: every image of the prose is found at the place of its "![",
// in paragraphs, lists, quotes, tables and footnotes, by reference too; code
// is not prose.
func TestImages(t *testing.T) {
	src := "+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n" +
		"Text ![p](https://tracker.example/p.gif) and ![r](local.png \"t\").\n" + // line 5
		"\n" +
		"- item ![](//cdn.example/x.png)\n" + // line 7
		"\n" +
		"> ![d](data:image/png;base64,AAAA)\n" + // line 9
		"\n" +
		"| a | b |\n|---|---|\n| x | ![c](cell.png) |\n" + // line 13
		"\n" +
		"Ref ![ref][logo] and `![code](no.png)`.\n" + // line 15
		"\n" +
		"    ![indented](code.png)\n" +
		"\n" +
		"Note.[^1]\n" +
		"\n" +
		"[^1]: ![f](foot.png)\n" + // line 21
		"\n" +
		"[logo]: https://example.org/logo.png\n"
	b, err := Parse("content/briefings/t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	at := func(line, col int) diag.Pos { return diag.Pos{File: "content/briefings/t.md", Line: line, Col: col} }
	want := []Image{
		{at(5, 6), "https://tracker.example/p.gif"},
		{at(5, 46), "local.png"},
		{at(7, 8), "//cdn.example/x.png"},
		{at(9, 3), "data:image/png;base64,AAAA"},
		{at(13, 7), "cell.png"},
		{at(15, 5), "https://example.org/logo.png"},
		{at(21, 7), "foot.png"},
	}
	if diff := cmp.Diff(want, b.Images()); diff != "" {
		t.Errorf("Images (-want +got):\n%s", diff)
	}
	// A briefing from the cache parses its tree again: the same places.
	cached, err := b.Store([]byte(src)).Briefing([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, cached.Images()); diff != "" {
		t.Errorf("Images after the cache (-want +got):\n%s", diff)
	}
}

// TestEmailLinkStyles: with Styles, every link of the HTML gets the style
// of "a": written links, autolinks (<https://...>, <a@b>) and the URLs
// that GFM's linkify makes of bare text (https://..., www....).
func TestEmailLinkStyles(t *testing.T) {
	const style = "color:#0b5cad;"
	src := "+++\ntitle = \"T\"\ndate = 2026-01-02\n+++\n" +
		"A [link](https://example.org/a), <https://example.org/auto>, <desk@example.com>,\n" +
		"https://example.org/bare, www.example.org and desk2@example.com.\n\n" +
		"- [relative](other/) in a list\n"
	b, err := Parse("content/briefings/t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := b.Render(&out, Renderers{Styles: map[string]string{"a": style}}); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "a" {
			continue
		}
		got := map[string]string{}
		for _, a := range n.Attr {
			got[a.Key] = a.Val
		}
		links = append(links, got["href"])
		if got["style"] != style {
			t.Errorf("<a href=%q> has style %q, want %q", got["href"], got["style"], style)
		}
	}
	want := []string{"https://example.org/a", "https://example.org/auto", "mailto:desk@example.com",
		"https://example.org/bare", "http://www.example.org", "mailto:desk2@example.com", "other/"}
	if diff := cmp.Diff(want, links); diff != "" {
		t.Errorf("links (-want +got):\n%s\n%s", diff, out.String())
	}
	// The tree is left as it was: a render without styles has none.
	out.Reset()
	if err := b.Render(&out, Renderers{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "style=") {
		t.Errorf("a later render without styles has a style:\n%s", out.String())
	}
}
