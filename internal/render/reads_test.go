package render

import (
	"html/template"
	"testing"
)

// TestFieldsRead: a field is read wherever a template names it, in any
// action, branch, chain, variable or template it calls; printing the
// value around it does not read it.
func TestFieldsRead(t *testing.T) {
	for _, tc := range []struct {
		text string
		read bool
	}{
		{`{{range .Tags}}{{.Briefings}}{{end}}`, true},
		{`{{range .Tags}}{{len .Briefings}}{{end}}`, true},
		{`{{with $t := index .Tags 0}}{{$t.Briefings}}{{end}}`, true},
		{`{{(index .Tags 0).Briefings}}`, true},
		{`{{if .X}}{{else}}{{range .Tags}}{{range .Briefings}}x{{end}}{{end}}{{end}}`, true},
		{`{{define "t"}}{{.Briefings}}{{end}}{{template "t" .}}`, true},
		{`{{range .Tags}}{{.}} {{.Name}}{{end}}{{printf "%v" .Tags}}`, false},
		{`<script>var tags = {{.Tags}};</script> Briefings`, false},
		{`{{define "u"}}{{.Briefings}}{{end}}{{.Name}}`, false}, // never called
	} {
		set := template.Must(template.New("").Parse(tc.text))
		roots := []string{"", "missing"}
		if got := fieldsRead(set, roots...)["Briefings"]; got != tc.read {
			t.Errorf("%s: reads Briefings %v, want %v", tc.text, got, tc.read)
		}
		if roots[0] != "" || roots[1] != "missing" {
			t.Fatalf("fieldsRead changed its roots: %q", roots)
		}
	}
}
