package project

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDeployConfig(t *testing.T) {
	for _, tc := range []struct {
		toml    string
		want    Deploy
		wantErr string
	}{
		{"", Deploy{MaxDeletes: DefaultMaxDeletes}, ""},
		{"[deploy]\nurl = \"s3://b?region=eu-west-1\"\n", Deploy{URL: "s3://b?region=eu-west-1", MaxDeletes: DefaultMaxDeletes}, ""},
		{"[deploy]\nurl = \"file:///srv/www\"\nmax_deletes = 0\n", Deploy{URL: "file:///srv/www", MaxDeletes: 0}, ""},
		{"[deploy]\nmax_deletes = \"ten\"\n", Deploy{}, "site.toml:2:15: deploy.max_deletes: want a whole number, 0 or more, got"},
		{"[deploy]\nmax_deletes = -1\n", Deploy{}, "site.toml:2:15: deploy.max_deletes: want a whole number"},
		{"[deploy]\nurl = 3\n", Deploy{}, "site.toml:2:7: deploy.url:"},
		{"[deploy]\nbucket = \"x\"\n", Deploy{}, "site.toml:2:1: deploy: unknown key"},
		{"deploy = \"s3://b\"\n", Deploy{}, "site.toml:1:10: deploy: want a table [deploy]"},
	} {
		c, err := LoadConfig(fstest.MapFS{"site.toml": {Data: []byte(tc.toml)}})
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want %q", tc.toml, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.toml, err)
			continue
		}
		if c.Deploy != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.toml, c.Deploy, tc.want)
		}
	}
}
