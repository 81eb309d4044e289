package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestCPUProfile: BRIEF_CPUPROFILE writes a CPU profile of the command (a
// gzip'd pprof file), and a profile that cannot be written is an error
// that names the variable.
func TestCPUProfile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cpu.prof")
	t.Setenv("BRIEF_CPUPROFILE", file)
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"version"}, &out, &errOut); err != nil {
		t.Fatalf("brief version: %v\n%s", err, errOut.String())
	}
	b, err := os.ReadFile(file)
	if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("the profile: %d bytes, %v (want a gzip'd pprof file)", len(b), err)
	}
	t.Setenv("BRIEF_CPUPROFILE", filepath.Join(t.TempDir(), "missing", "cpu.prof"))
	errOut.Reset()
	if err := Run(context.Background(), []string{"version"}, &out, &errOut); err == nil || !bytes.Contains(errOut.Bytes(), []byte("BRIEF_CPUPROFILE")) {
		t.Errorf("an unwritable profile: %v, %q", err, errOut.String())
	}
}

// TestTrace: BRIEF_TRACE writes an execution trace of the command (what
// scripts/phases.sh reads), and one that cannot be written is an error that
// names the variable.
func TestTrace(t *testing.T) {
	file := filepath.Join(t.TempDir(), "trace.out")
	t.Setenv("BRIEF_TRACE", file)
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"version"}, &out, &errOut); err != nil {
		t.Fatalf("brief version: %v\n%s", err, errOut.String())
	}
	if b, err := os.ReadFile(file); err != nil || !bytes.HasPrefix(b, []byte("go 1.")) {
		t.Errorf("the trace: %.20q, %v (want a Go execution trace)", b, err)
	}
	t.Setenv("BRIEF_TRACE", filepath.Join(t.TempDir(), "missing", "trace.out"))
	errOut.Reset()
	if err := Run(context.Background(), []string{"version"}, &out, &errOut); err == nil || !bytes.Contains(errOut.Bytes(), []byte("BRIEF_TRACE")) {
		t.Errorf("an unwritable trace: %v, %q", err, errOut.String())
	}
}
