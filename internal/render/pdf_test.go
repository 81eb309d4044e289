package render

import (
	"slices"
	"testing"
)

// TestLinkNotes: the print rendering numbers the prose's web links, the
// same number for the same URL, and leaves alone links to the site's own
// pages, links inside blocks (their sources list them) and anchors.
func TestLinkNotes(t *testing.T) {
	tests := []struct {
		name, body, want string
		urls             []string
	}{
		{"none", `<p>Plain <a href="#sources-title" class="figure">$35</a> and <a href="../../entities/x/index.html">X</a>.</p>`,
			`<p>Plain <a href="#sources-title" class="figure">$35</a> and <a href="../../entities/x/index.html">X</a>.</p>`, nil},
		{"numbered", `<p>See <a href="https://a.example/">A</a>, <a href="http://b.example/x?y=1&amp;z=2">B <em>b</em></a> and <a href="https://a.example/">A again</a>.</p>`,
			`<p>See <a href="https://a.example/">A</a><sup class="link-note">1</sup>, <a href="http://b.example/x?y=1&amp;z=2">B <em>b</em></a><sup class="link-note">2</sup> and <a href="https://a.example/">A again</a><sup class="link-note">1</sup>.</p>`,
			[]string{"https://a.example/", "http://b.example/x?y=1&z=2"}},
		{"in a block", `<figure class="block"><p class="block-source">Source: <a href="https://src.example/">S</a></p></figure><p><a href="https://c.example/">C</a></p>`,
			`<figure class="block"><p class="block-source">Source: <a href="https://src.example/">S</a></p></figure><p><a href="https://c.example/">C</a><sup class="link-note">1</sup></p>`,
			[]string{"https://c.example/"}},
	}
	for _, tt := range tests {
		got, urls := linkNotes(tt.body)
		if string(got) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
		if !slices.Equal(urls, tt.urls) {
			t.Errorf("%s: urls %q, want %q", tt.name, urls, tt.urls)
		}
	}
}
