package workbook

import (
	"archive/zip"
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/view"
)

// TestHouseStyle: a workbook draws its native charts in the site's series
// colours and puts the logo on its cover.
func TestHouseStyle(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 96, 24))
	for x := range 96 {
		for y := range 24 {
			img.Set(x, y, color.RGBA{0x0b, 0x5c, 0xad, 0xff})
		}
	}
	var logo bytes.Buffer
	if err := png.Encode(&logo, img); err != nil {
		t.Fatal(err)
	}
	m := parse(t, "moves", moves)
	views := []*view.View{bind(t, m, block.Selection{Base: block.Base{Name: "chart"}, Title: "Moves"})}
	data, err := Bytes(func(w io.Writer) error {
		return Briefing(w, Info{SiteTitle: "Desk", Title: "T", Date: asOf, Palette: []string{"#1f6fd1", "#c2410c"}, Logo: logo.Bytes()}, views, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	pics, err := f.GetPictures("About", "D1")
	if err != nil || len(pics) != 1 || !bytes.Equal(pics[0].File, logo.Bytes()) {
		t.Errorf("the cover's D1 holds %d pictures (%v), want the logo", len(pics), err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var chart string
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			chart += string(b)
		}
	}
	if !strings.Contains(chart, `1F6FD1`) && !strings.Contains(chart, `1f6fd1`) {
		t.Error("the native chart does not use the palette's first colour")
	}
	if _, err := Bytes(func(w io.Writer) error {
		return Briefing(w, Info{Title: "T", Date: asOf, Logo: []byte("not a png")}, views, nil)
	}); err == nil || !strings.Contains(err.Error(), "not a PNG") {
		t.Errorf("a broken logo: err = %v", err)
	}
}
