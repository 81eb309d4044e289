package project

import (
	"math"
	"testing"

	"github.com/brief-desk/brief/internal/chart"
)

func TestContrast(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#777777", "#ffffff", 4.48}, // the classic grey that just fails AA
		{"#0b5cad", LightBackground, 6.39},
	}
	for _, tt := range tests {
		if got := Contrast(tt.a, tt.b); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("Contrast(%s, %s) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestLightenFor: an accent without accent_dark is lightened just enough
// to read on the dark theme, keeping its hue.
func TestLightenFor(t *testing.T) {
	for _, c := range []string{"#0b5cad", "#c2410c", "#000000", "#15803d"} {
		got := lightenFor(c)
		if r := Contrast(got, DarkBackground); r < textContrast {
			t.Errorf("lightenFor(%s) = %s: contrast %.2f on the dark theme, want at least %.1f", c, got, r, textContrast)
		}
		if r := Contrast(got, DarkBackground); r > textContrast+1.5 && c != "#000000" {
			t.Errorf("lightenFor(%s) = %s: contrast %.2f, lightened far more than needed", c, got, r)
		}
	}
}

// TestDefaultPalette: brief's own series colours meet the rule it holds a
// desk's palette to (3:1 against both themes).
func TestDefaultPalette(t *testing.T) {
	for i, c := range chart.Palette {
		for _, bg := range []string{LightBackground, DarkBackground} {
			if r := Contrast(c, bg); r < graphicContrast {
				t.Errorf("chart.Palette[%d] %s: contrast %.2f against %s", i, c, r, bg)
			}
		}
	}
}
