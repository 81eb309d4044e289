package render

import (
	"fmt"
	"strings"
	"testing"
)

// TestSplitSitemapAtProtocolLimits splits the 100,053 URLs of a site of
// 100,000 briefings at the protocol's real limits, and URLs long enough to
// pass 50 MiB before 50,000 (cut at a lowered size, checked against the
// bytes each file really takes).
func TestSplitSitemapAtProtocolLimits(t *testing.T) {
	urls := make([]sitemapURL, 100_053)
	for i := range urls {
		urls[i] = sitemapURL{Loc: fmt.Sprintf("https://example.org/briefings/b%06d/", i), LastMod: "2026-01-02"}
	}
	var sizes []int
	for _, f := range splitSitemap(urls) {
		sizes = append(sizes, len(f))
	}
	if fmt.Sprint(sizes) != "[50000 50000 53]" {
		t.Errorf("100,053 URLs split into files of %v, want [50000 50000 53]", sizes)
	}

	SetSitemapLimits(t, 50_000, 20_000)
	urls = urls[:0]
	for i := range 300 {
		// Escaped characters take more room in the file than in the URL.
		urls = append(urls, sitemapURL{Loc: "https://example.org/?a=1&b=" + strings.Repeat("x&", i%50), LastMod: "2026-01-02"})
	}
	total := 0
	for _, f := range splitSitemap(urls) {
		data, err := marshalXML(urlset{URLs: f})
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > sitemapMaxBytes {
			t.Errorf("a file of %d URLs takes %d bytes, over the limit of %d", len(f), len(data), sitemapMaxBytes)
		}
		if len(data) < sitemapMaxBytes-600 && total+len(f) < len(urls) {
			t.Errorf("a file of %d bytes was cut well before the limit of %d", len(data), sitemapMaxBytes)
		}
		total += len(f)
	}
	if total != len(urls) {
		t.Errorf("the files hold %d URLs, want %d", total, len(urls))
	}
}
