package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
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
			b, err := Image(v, "png")
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
			if again, _ := Image(v, "png"); !bytes.Equal(again, b) {
				t.Error("the same view gave a different PNG")
			}
			svg, err := Image(v, "svg")
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.name+".svg"), svg)
		})
	}
	if _, err := Image(bind(t, series, block.Selection{Dataset: "hashprice"}), "gif"); err == nil {
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
