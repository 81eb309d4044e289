package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/golden"
	"github.com/brief-desk/brief/internal/tomlval"
)

// TestImages draws each kind of chart as PNG and SVG: the PNG decodes to
// the image size, is not blank, shows the series' colours (moves in green
// and red), and the same view gives the same bytes. The SVGs are golden
// files (PNG text rendering varies too much to compare pixels).
func TestImages(t *testing.T) {
	y := 35.0
	x := tomlval.DateValue(time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name   string
		src    string
		block  block.Selection
		colors []string
	}{
		{"series-line", series, block.Selection{Dataset: "hashprice", Y: []string{"usd_per_ph_day"}, Marks: []block.MarkLine{{Y: &y, Label: "Early January: $35"}, {X: &x, Label: "Record"}}}, []string{Palette[0]}},
		{"moves-bar", moves, block.Selection{Dataset: "moves"}, []string{ColorUp, ColorDown}},
		{"deals-bar", deals, block.Selection{Dataset: "deals"}, []string{Palette[0]}},
		{"series-area-two", series, block.Selection{Dataset: "hashprice", Type: "area"}, []string{Palette[0], Palette[1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := bind(t, tt.src, tt.block)
			b, err := Image(v, "png", nil)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if sz := img.Bounds().Size(); sz.X != ImageWidth || sz.Y != ImageHeight {
				t.Errorf("size %v", sz)
			}
			for _, c := range tt.colors {
				if n := count(img, c); n < 100 {
					t.Errorf("colour %s: %d pixels, want a series drawn in it", c, n)
				}
			}
			if dir := os.Getenv("BRIEF_KEEP_IMAGES"); dir != "" { // to look at them
				_ = os.WriteFile(filepath.Join(dir, tt.name+".png"), b, 0o644)
			}
			if again, _ := Image(v, "png", nil); !bytes.Equal(again, b) {
				t.Error("the same view gave a different PNG")
			}
			svg, err := Image(v, "svg", nil)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.name+".svg"), svg)
		})
	}
	if _, err := Image(bind(t, series, block.Selection{Dataset: "hashprice"}), "gif", nil); err == nil {
		t.Error("an unknown format gave no error")
	}
}

// count is the number of pixels of colour hex (within a small distance).
func count(img image.Image, hex string) int {
	var want color.RGBA
	for i, p := range []*uint8{&want.R, &want.G, &want.B} {
		var x uint8
		for _, ch := range hex[1+2*i : 3+2*i] {
			x <<= 4
			switch {
			case ch >= '0' && ch <= '9':
				x |= uint8(ch - '0')
			default:
				x |= uint8(ch-'a') + 10
			}
		}
		*p = x
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, want.R) && near(g>>8, want.G) && near(bl>>8, want.B) {
				n++
			}
		}
	}
	return n
}

func near(a uint32, b uint8) bool { return a+6 >= uint32(b) && a <= uint32(b)+6 }

// TestImageTexts lays out images of every kind, with long names, many
// categories, short and long date spans and a single value, and checks the
// box of every text drawn: inside the image, clear of every other text, no
// smaller than MinTextPx when the email shows the image EmailWidth pixels
// wide, and neither the title nor the source (the email's HTML shows them).
func TestImageTexts(t *testing.T) {
	y, y2 := 35.0, 55.0
	x := tomlval.DateValue(time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC))
	long := `title = "Levels"
source = "Desk"
[columns.usd]
format = "usd"
unit = "USD"
[[rows]]
level = "All-time high, October 2025, the highest close the coin has ever made"
usd = 126210
[[rows]]
level = "Miners' collective break-even"
usd = 90000
[[rows]]
level = "Early January 2026 (about 30% below the high)"
usd = 88347
`
	var many strings.Builder
	many.WriteString("title = \"Many\"\nsource = \"Desk\"\nkind = \"series\"\n")
	for d := range 40 {
		fmt.Fprintf(&many, "[[rows]]\ndate = %s\nvalue = %d\nother = %d\n", time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.DateOnly), 900+d*3, 1000-d)
	}
	tests := []struct {
		name  string
		src   string
		block block.Selection
	}{
		{"series-line", series, block.Selection{Dataset: "hashprice", Y: []string{"usd_per_ph_day"}, Marks: []block.MarkLine{{Y: &y, Label: "Early January: $35"}, {Y: &y2, Label: "Q3"}, {X: &x, Label: "Record"}}}},
		{"series-area-two", series, block.Selection{Dataset: "hashprice", Type: "area"}},
		{"moves-bar", moves, block.Selection{Dataset: "moves"}},
		{"moves-single", moves, block.Selection{Dataset: "moves", Limit: 1}},
		{"deals-bar", deals, block.Selection{Dataset: "deals"}},
		{"long-names", long, block.Selection{Dataset: "levels", Type: "bar", X: "level", Y: []string{"usd"}}},
		{"days-two", many.String(), block.Selection{Dataset: "many"}},
		{"days-bars", many.String(), block.Selection{Dataset: "many", Type: "bar", Y: []string{"value"}}},
		{"scatter", table, block.Selection{Dataset: "levels", Type: "scatter", X: "share", Y: []string{"usd"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Describe(bind(t, tt.src, tt.block))
			c := draw(s, "svg")
			if len(c.texts) == 0 {
				t.Fatal("no text drawn")
			}
			for i, a := range c.texts {
				b := a.Box
				if b.Left < 0 || b.Top < 0 || b.Right > ImageWidth || b.Bottom > ImageHeight {
					t.Errorf("%q at %v leaves the %d by %d image", a.Text, b, ImageWidth, ImageHeight)
				}
				if px := a.Px * EmailWidth / ImageWidth; px < MinTextPx {
					t.Errorf("%q is %.1f px at %d px wide", a.Text, px, EmailWidth)
				}
				if a.Text == s.Title || a.Text == s.Source {
					t.Errorf("the image draws %q, which the email shows", a.Text)
				}
				for _, o := range c.texts[i+1:] {
					if b.Left < o.Box.Right && o.Box.Left < b.Right && b.Top < o.Box.Bottom && o.Box.Top < b.Bottom {
						t.Errorf("%q %v overlaps %q %v", a.Text, b, o.Text, o.Box)
					}
				}
			}
			if dir := os.Getenv("BRIEF_KEEP_IMAGES"); dir != "" {
				b, _ := c.p.Bytes()
				_ = os.WriteFile(filepath.Join(dir, "texts-"+tt.name+".svg"), b, 0o644)
				png, _ := DrawSpec(s, "png")
				_ = os.WriteFile(filepath.Join(dir, "texts-"+tt.name+".png"), png, 0o644)
			}
		})
	}
}
