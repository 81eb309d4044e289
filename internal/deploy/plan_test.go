package deploy

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestHeaders(t *testing.T) {
	for _, tc := range []struct{ key, typ, cache string }{
		{"index.html", "text/html; charset=utf-8", CacheShort},
		{"briefings/a/index.html", "text/html; charset=utf-8", CacheShort},
		{"assets/brief.cd5fb7cf.css", "text/css; charset=utf-8", CacheLong},
		{"assets/echarts.min.bc295a16.js", "text/javascript; charset=utf-8", CacheLong},
		{"search/index.js", "text/javascript; charset=utf-8", CacheShort},
		{"search/part-3.0123abcd.js", "text/javascript; charset=utf-8", CacheLong},
		{"feed.xml", "application/atom+xml; charset=utf-8", CacheShort},
		{"sitemap.xml", "application/xml; charset=utf-8", CacheShort},
		{"sitemap-2.xml", "application/xml; charset=utf-8", CacheShort},
		{"data/datasets.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", CacheShort},
		{"briefings/a/a-1.csv", "text/csv; charset=utf-8", CacheShort},
		{"briefings/a/a.pdf", "application/pdf", CacheShort},
		{"assets/logo.svg", "image/svg+xml", CacheShort},
		{"assets/logo.0a1b2c3d.png", "image/png", CacheLong},
		{"robots.txt", "text/plain; charset=utf-8", CacheShort},
		{"favicon.ico", "image/x-icon", CacheShort},
		{"data.json", "application/json", CacheShort},
		{"odd.bin", "application/octet-stream", CacheShort},
	} {
		if got := ContentType(tc.key); got != tc.typ {
			t.Errorf("ContentType(%s) = %q, want %q", tc.key, got, tc.typ)
		}
		if got := CacheControl(tc.key); got != tc.cache {
			t.Errorf("CacheControl(%s) = %q, want %q", tc.key, got, tc.cache)
		}
	}
}

func TestLinks(t *testing.T) {
	page := []byte(`<link rel="stylesheet" href="../../assets/brief.cd5fb7cf.css"><a href="../b/">b</a>
<a href="../../tags/x/#top">x</a><a href="https://example.com/">out</a><a href="mailto:a@b.c">m</a>
<img src="chart.png"><a href="/abs/">abs</a><a href="../../">home</a><a href="../../../up">up</a><a href="a.xlsx?v=1">w</a>`)
	got := links("briefings/a/index.html", page)
	want := []string{"assets/brief.cd5fb7cf.css", "briefings/a/a.xlsx", "briefings/a/chart.png", "briefings/b/index.html", "index.html", "tags/x/index.html"}
	if !slices.Equal(got, want) {
		t.Errorf("links:\n got %q\nwant %q", got, want)
	}
}

// TestWaves: files first, then pages after the new pages they link to,
// new pages that link to each other together, changed pages after them,
// entries last.
func TestWaves(t *testing.T) {
	graph := map[string][]string{
		"briefings/new/index.html": {"briefings/old/index.html", "tags/new/index.html", "assets/a.0123abcd.css"},
		"tags/new/index.html":      {"briefings/new/index.html"},
		"briefings/old/index.html": {"briefings/new/index.html"},
		"tags/index.html":          {"tags/new/index.html"},
		"index.html":               {"briefings/new/index.html"},
	}
	isNew := map[string]bool{"briefings/new/index.html": true, "tags/new/index.html": true, "briefings/new/new.xlsx": true}
	var up []file
	for _, k := range []string{"briefings/new/index.html", "briefings/new/new.xlsx", "briefings/old/index.html", "feed.xml", "index.html", "search/index.js", "tags/index.html", "tags/new/index.html"} {
		up = append(up, file{Key: k})
	}
	var got [][]string
	for _, w := range waves(up, func(k string) bool { return isNew[k] }, func(k string) []string { return graph[k] }) {
		var keys []string
		for _, f := range w {
			keys = append(keys, f.Key)
		}
		got = append(got, keys)
	}
	want := [][]string{
		{"briefings/new/new.xlsx"},
		{"briefings/new/index.html", "tags/new/index.html"},
		{"briefings/old/index.html", "tags/index.html"},
		{"feed.xml", "search/index.js"},
		{"index.html"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("waves:\n got %q\nwant %q", got, want)
	}
}

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"s3://bucket?region=eu-west-1", true},
		{"s3://bucket?endpoint=http://127.0.0.1:7070&use_path_style=true&prefix=desk/", true},
		{"file:///srv/www", true},
		{"", false},
		{"bucket", false},
		{"gs://bucket", true},
		{"gs://bucket?prefix=desk/", true},
		{"azblob://container", true},
		{"azblob://site?localemu=true&protocol=http&domain=127.0.0.1:10000", true},
		{"ftp://host/site", false},
		{"azblob://container?sig=hunter2secret", false},
		{"azblob://container?sv=2025-01-05&Signature=hunter2secret", false},
		{"gs://bucket?access_token=hunter2secret", false},
		{"gs://bucket?private_key_path=/home/me/hunter2secret.pem", false},
		{"s3://AKIAXXXX:hunter2secret@bucket", false},
		{"s3://bucket?endpoint=https://me:hunter2secret@host", false},
		{"s3://bucket?secret_key=hunter2secret", false},
	} {
		err := CheckURL(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("CheckURL(%q) = %v, want ok %v", tc.url, err, tc.ok)
		}
		if err != nil && containsAny(err.Error(), "hunter2secret", "AKIAXXXX") {
			t.Errorf("CheckURL(%q) prints the secret: %v", tc.url, err)
		}
	}
}

func containsAny(s string, subs ...string) bool {
	return slices.ContainsFunc(subs, func(sub string) bool { return strings.Contains(s, sub) })
}

// TestRedact: the secrets of the services' environment variables, as they
// are and as a URL escapes them, a SAS token's signature in any form, and a
// connection string's key never reach an error's text.
func TestRedact(t *testing.T) {
	t.Setenv("AZURE_STORAGE_SAS_TOKEN", "sv=2025-01-05&sp=rwdl&sig=hunter2sig%2Babc%3D")
	t.Setenv("AZURE_STORAGE_KEY", "aHVudGVyMmtleS8rPQ==")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "hunter2/aws+secret")
	for _, e := range []error{
		&url.Error{Op: "Put", URL: "https://acct.blob.core.windows.net/site/index.html?sv=2025-01-05&sp=rwdl&sig=hunter2sig%2Babc%3D", Err: errors.New("connection refused")},
		&url.Error{Op: "Get", URL: "https://acct.blob.core.windows.net/site?sig=hunter2sig+abc=&sv=2025-01-05", Err: errors.New("timeout")},
		errors.New("parsing DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=aHVudGVyMmtleS8rPQ==;EndpointSuffix=core.windows.net"),
		fmt.Errorf("key %s: bad", url.QueryEscape("aHVudGVyMmtleS8rPQ==")),
		fmt.Errorf("signing with %s: bad", url.PathEscape("hunter2/aws+secret")),
		errors.New("https://user:hunter2@example.com/x"),
	} {
		got := redact(e).Error()
		if containsAny(got, "hunter2", "aHVudGVyMmtleS8rPQ", "aHVudGVyMmtleS8r") {
			t.Errorf("redact(%q) = %q", e, got)
		}
		if !errors.Is(redact(e), e) {
			t.Errorf("redact(%q) does not unwrap to the error", e)
		}
	}
}
