package build

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestGoBuildID: the build ID read from the running binary is the one the
// Go tool reports, so the cache's salt changes with every binary.
func TestGoBuildID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the build ID is read from ELF binaries; elsewhere the binary is hashed")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatalf("go tool buildid: %v", err)
	}
	want := strings.TrimSpace(string(out))
	if got := goBuildID(exe); got != want {
		t.Errorf("goBuildID = %q, want %q", got, want)
	}
	if got := goBuildID("/bin/sh"); got != "" {
		t.Errorf("goBuildID of a binary Go did not link = %q", got)
	}
}
