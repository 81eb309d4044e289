package render

import "testing"

// SetSitemapLimits lowers the sitemap's per-file limits for the length of a
// test, so that a small site shows what a site over 50,000 URLs gets.
func SetSitemapLimits(t testing.TB, urls, bytes int) {
	oldURLs, oldBytes := sitemapMaxURLs, sitemapMaxBytes
	sitemapMaxURLs, sitemapMaxBytes = urls, bytes
	t.Cleanup(func() { sitemapMaxURLs, sitemapMaxBytes = oldURLs, oldBytes })
}
