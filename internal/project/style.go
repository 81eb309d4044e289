package project

import (
	"bytes"
	"fmt"
	"image/png"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	colorful "github.com/lucasb-eyer/go-colorful"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// Style is site.toml's [style]: the desk's house style. Empty fields keep
// brief's own.
type Style struct {
	Accent     string   // #rrggbb: links, the first chart series, the focus ring
	AccentDark string   // the accent on the dark theme: set, or Accent lightened until it reads
	Palette    []string // chart series colours, in order
	Logo       string   // a file name in templates/assets/
	LogoPNG    string   // the PNG for email and workbooks: Logo itself when it is one
	Font       string   // the commentary's type: "serif" (default) or "sans"
}

// The themes' page backgrounds, which the contrast rules are measured
// against (templates/assets/style.css).
const (
	LightBackground = "#fbfaf7"
	DarkBackground  = "#15171a"
)

// The contrast rules of WCAG 2: text 4.5:1, graphics 3:1.
const (
	textContrast    = 4.5
	graphicContrast = 3.0
	maxPalette      = 12
	maxLogo         = 512 << 10
)

var (
	styleKeys = []string{"accent", "accent_dark", "palette", "logo", "logo_png", "font"}
	hexColour = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

// Contrast is the WCAG contrast ratio of two #rrggbb colours, from 1 to 21.
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is WCAG's relative luminance of a #rrggbb colour.
func luminance(hex string) float64 {
	c, err := colorful.Hex(hex)
	if err != nil {
		return 0
	}
	r, g, b := c.LinearRgb()
	return 0.2126*r + 0.7152*g + 0.0722*b
}

// lightenFor mixes a colour with white (in CIE L*a*b*, so the hue holds)
// until it reaches the text contrast on the dark background.
func lightenFor(hex string) string {
	c, err := colorful.Hex(hex)
	if err != nil {
		return hex
	}
	white := colorful.Color{R: 1, G: 1, B: 1}
	for i := 0; i <= 100; i++ {
		out := c.BlendLab(white, float64(i)/100).Clamped().Hex()
		if Contrast(out, DarkBackground) >= textContrast {
			return out
		}
	}
	return "#ffffff"
}

// decodeStyle reads [style]; problems are added to errs at their place.
// fsys is the project, where the logo must be, in templates/assets/.
func decodeStyle(fsys fs.FS, st *Settings, errs *diag.List) Style {
	var s Style
	t, ok := st.Value("style").(map[string]any)
	if !ok {
		errs.Addf(st.At("style"), "style: want a table [style] with accent, accent_dark, palette, logo, logo_png or font, got %s", tomlval.Describe(st.Value("style")))
		return s
	}
	at := func(k string) diag.Pos { return st.At("style." + k) }
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if !slices.Contains(styleKeys, k) {
			errs.Addf(st.KeyAt("style."+k), "style: %s", tomlval.UnknownKey(k, styleKeys, "[style] keys"))
		}
	}
	text := func(k string) string {
		x, ok := t[k]
		if !ok {
			return ""
		}
		v, err := tomlval.Text(x)
		if err != nil {
			errs.Addf(at(k), "style.%s: %v", k, err)
		}
		return v
	}
	colour := func(k, v string, against []string, ratio float64, what string) string {
		if !hexColour.MatchString(v) {
			errs.Addf(at(k), "style.%s: want a colour such as \"#0b5cad\", got %s", k, diag.Quote(v))
			return ""
		}
		v = strings.ToLower(v)
		for _, bg := range against {
			if r := Contrast(v, bg); r < ratio {
				errs.Addf(at(k), "style.%s: %s has a contrast of %.2f:1 against the %s background %s; %s needs at least %.1f:1 (WCAG AA): choose a %s colour",
					k, v, r, theme(bg), bg, what, ratio, darker(bg))
				return ""
			}
		}
		return v
	}
	if v := text("accent"); v != "" {
		s.Accent = colour("accent", v, []string{LightBackground}, textContrast, "link text")
	}
	if v := text("accent_dark"); v != "" {
		s.AccentDark = colour("accent_dark", v, []string{DarkBackground}, textContrast, "link text")
	} else if s.Accent != "" {
		s.AccentDark = lightenFor(s.Accent)
	}
	if x, ok := t["palette"]; ok {
		list, isList := x.([]any)
		if !isList || len(list) == 0 || len(list) > maxPalette {
			errs.Addf(at("palette"), "style.palette: want a list of 1 to %d colours such as [\"#0b5cad\", \"#c2410c\"], got %s", maxPalette, tomlval.Describe(x))
		}
		for i, e := range list {
			k := fmt.Sprintf("palette[%d]", i)
			v, isText := e.(string)
			if !isText {
				errs.Addf(at(k), "style.%s: want a colour such as \"#0b5cad\", got %s", k, tomlval.Describe(e))
				continue
			}
			if c := colour(k, v, []string{LightBackground, DarkBackground}, graphicContrast, "a chart colour"); c != "" {
				s.Palette = append(s.Palette, c)
			}
		}
	}
	switch s.Font = text("font"); s.Font {
	case "", "serif", "sans":
	default:
		errs.Addf(at("font"), "style.font: want \"serif\" or \"sans\", got %s", diag.Quote(s.Font))
	}
	s.Logo, s.LogoPNG = text("logo"), text("logo_png")
	s.checkLogo(fsys, at, errs)
	return s
}

// checkLogo checks that the logo files are in templates/assets/, and that
// an SVG logo has its PNG; a PNG logo is its own.
func (s *Style) checkLogo(fsys fs.FS, at func(string) diag.Pos, errs *diag.List) {
	logo := func(k, name string, exts ...string) {
		if name == "" {
			return
		}
		if !slices.Contains(exts, strings.ToLower(path.Ext(name))) || strings.ContainsAny(name, `/\`) || !fs.ValidPath("templates/assets/"+name) {
			errs.Addf(at(k), "style.%s: want the name of a %s file in templates/assets/, such as \"logo%s\", got %s", k, strings.Join(exts, " or "), exts[0], diag.Quote(name))
			return
		}
		fi, err := fs.Stat(fsys, "templates/assets/"+name)
		switch {
		case err != nil || !fi.Mode().IsRegular():
			errs.Addf(at(k), "style.%s: templates/assets/%s does not exist; put the file there, or fix the name", k, diag.Cut(name))
		case fi.Size() > maxLogo:
			errs.Addf(at(k), "style.%s: templates/assets/%s has %d KB; a logo has at most %d KB (it goes into every email and workbook)", k, diag.Cut(name), fi.Size()>>10, maxLogo>>10)
		case strings.EqualFold(path.Ext(name), ".png"):
			if data, err := fs.ReadFile(fsys, "templates/assets/"+name); err == nil {
				if _, err := png.DecodeConfig(bytes.NewReader(data)); err != nil {
					errs.Addf(at(k), "style.%s: templates/assets/%s is not a PNG image (%v); export the logo as PNG", k, diag.Cut(name), err)
				}
			}
		}
	}
	logo("logo", s.Logo, ".png", ".svg")
	logo("logo_png", s.LogoPNG, ".png")
	switch {
	case strings.EqualFold(path.Ext(s.Logo), ".svg") && s.LogoPNG == "":
		errs.Addf(at("logo"), "style.logo: email clients and workbooks cannot show an SVG: add logo_png = \"...\", a PNG of the logo beside it in templates/assets/")
	case s.LogoPNG == "" && s.Logo != "":
		s.LogoPNG = s.Logo
	case s.LogoPNG != "" && s.Logo == "":
		errs.Addf(at("logo_png"), "style.logo_png: set logo too: logo_png is the PNG of the logo for email and workbooks")
	}
}

func theme(bg string) string {
	if bg == DarkBackground {
		return "dark"
	}
	return "light"
}

func darker(bg string) string {
	if bg == DarkBackground {
		return "lighter"
	}
	return "darker"
}
