package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersion(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tc := range []struct {
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		{"v1.2.0", nil, "v1.2.0"},
		{"(devel)", nil, "devel (no VCS revision: built outside a clone, or with -buildvcs=false)"},
		{"", nil, "devel (no VCS revision: built outside a clone, or with -buildvcs=false)"},
		{"v0.0.0-20261201100000-3b578c6a1f2e+dirty", vcs("3b578c6a1f2e0123456789abcdef0123456789ab", "2026-12-01T10:00:00Z", "true"),
			"v0.0.0-20261201100000-3b578c6a1f2e+dirty (revision 3b578c6a1f2e, 2026-12-01T10:00:00Z, modified)"},
		{"(devel)", vcs("3b578c6a1f2e0123456789abcdef0123456789ab", "2026-12-01T10:00:00Z", "false"),
			"devel (revision 3b578c6a1f2e, 2026-12-01T10:00:00Z)"},
	} {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/brief-desk/brief", Version: tc.version}, Settings: tc.settings}
		if got := versionOf(bi); got != tc.want {
			t.Errorf("versionOf(%q, %v) = %q, want %q", tc.version, tc.settings, got, tc.want)
		}
	}
}
