package render

import (
	"fmt"
	"maps"
	"strings"

	"github.com/brief-desk/brief/internal/chart"

	"github.com/brief-desk/brief/internal/project"
)

// houseCSS is the stylesheet's addition for site.toml's [style]: the
// accent on both themes, the commentary's type and the logo's size. It is
// appended to brief.css, so the site keeps one stylesheet (and one
// request); nil without a style.
func houseCSS(s project.Style) []byte {
	var b strings.Builder
	if s.Accent != "" {
		fmt.Fprintf(&b, ":root { --accent: %s; }\n", s.Accent)
		fmt.Fprintf(&b, "@media (prefers-color-scheme: dark) { :root { --accent: %s; } }\n", s.AccentDark)
		b.WriteString("@media print { :root { --accent: #000; } }\n")
	}
	if s.Font == "sans" {
		b.WriteString(":root { --font-body: var(--font-ui); }\n")
	}
	if s.Logo != "" {
		b.WriteString(".site-logo { display: block; height: 2.5rem; width: auto; max-width: 12rem; margin: 0 0 .5rem; }\n")
	}
	if b.Len() == 0 {
		return nil
	}
	return []byte("\n/* [style] in site.toml */\n" + b.String())
}

// withStyle is the theme with the house style appended to its stylesheet,
// under the stylesheet's new hashed name.
func (t *theme) withStyle(s project.Style) *theme {
	css := houseCSS(s)
	if css == nil || t.css == "" {
		return t
	}
	out := *t
	out.assets = maps.Clone(t.assets)
	data := append(append([]byte(nil), t.assets[t.css]...), css...)
	delete(out.assets, t.css)
	out.css = hashed("assets/brief.css", data)
	out.assets[out.css] = data
	return &out
}

// palette is the series colours of every chart, on the page, in the email's
// images and in the workbooks: [style] palette, or brief's own.
func (r *renderer) palette() []string {
	if p := r.p.Config.Style.Palette; len(p) > 0 {
		return p
	}
	return chart.Palette
}

// logo is the PNG of the house logo for email and workbooks, or nil.
func (r *renderer) logo() []byte {
	if name := r.p.Config.Style.LogoPNG; name != "" {
		return r.theme.assets["assets/"+name]
	}
	return nil
}

// defaultAccent is brief's own accent (brief.css's --accent).
const defaultAccent = "#0b5cad"

// accent is the links' colour: [style] accent, or brief's own.
func (r *renderer) accent() string {
	if a := r.p.Config.Style.Accent; a != "" {
		return a
	}
	return defaultAccent
}
