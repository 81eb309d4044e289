package project

import (
	"maps"
	"slices"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// PDF is site.toml's [pdf]: the PDF edition of each briefing.
type PDF struct {
	Enabled bool   // print every briefing (also: brief build --pdf)
	Paper   string // "a4" (default) or "letter"
}

var (
	pdfKeys = []string{"enabled", "paper"}
	papers  = []string{"a4", "letter"}
)

// decodePDF reads [pdf].
func decodePDF(st *Settings, errs *diag.List) PDF {
	p := PDF{Paper: "a4"}
	t, ok := st.Value("pdf").(map[string]any)
	if !ok {
		errs.Addf(st.At("pdf"), "pdf: want a table [pdf] with enabled and paper, got %s", tomlval.Describe(st.Value("pdf")))
		return p
	}
	for _, k := range slices.Sorted(maps.Keys(t)) {
		at := st.At("pdf." + k)
		switch k {
		case "enabled":
			b, ok := t[k].(bool)
			if !ok {
				errs.Addf(at, "pdf.enabled: want true or false, got %s", tomlval.Describe(t[k]))
			}
			p.Enabled = b
		case "paper":
			s, ok := t[k].(string)
			if !ok || !slices.Contains(papers, s) {
				errs.Addf(at, "pdf.paper: want \"a4\" or \"letter\", got %s", tomlval.Describe(t[k]))
				continue
			}
			p.Paper = s
		default:
			errs.Addf(st.KeyAt("pdf."+k), "pdf: %s", tomlval.UnknownKey(k, pdfKeys, "[pdf] keys"))
		}
	}
	return p
}
