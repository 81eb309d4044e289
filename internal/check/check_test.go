package check_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/check"
)

// TestSampleFiguresCheck: brief check finds every figure typed in the
// sample briefing in its data, and catches one changed in its last digit.
func TestSampleFiguresCheck(t *testing.T) {
	root, _ := filepath.Abs("../..")
	res, err := check.Check(context.Background(), check.Options{Options: build.Options{Src: root}, Strict: true})
	if err != nil {
		t.Fatalf("the sample's typed figures: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("warning: %v", w)
	}
	// A copy with "a fall of around 35%" made exact, then one digit off.
	dir := t.TempDir()
	for _, name := range []string{"site.toml", "data", "content"} {
		if err := os.CopyFS(filepath.Join(dir, name), os.DirFS(filepath.Join(root, name))); err != nil && name != "site.toml" {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(root, "site.toml"))
	os.WriteFile(filepath.Join(dir, "site.toml"), b, 0o644)
	page := filepath.Join(dir, "content/briefings/2026-01-02-miners-turn-ai-landlords.md")
	for _, tt := range []struct {
		typed string
		ok    bool
	}{{"a fall of 36.4%", true}, {"a fall of 36.5%", false}, {"a fall of 36.3%", false}} {
		src, _ := os.ReadFile(filepath.Join(root, "content/briefings/2026-01-02-miners-turn-ai-landlords.md"))
		os.WriteFile(page, []byte(strings.Replace(string(src), "a fall of around 35%", tt.typed, 1)), 0o644)
		_, err := check.Check(context.Background(), check.Options{Options: build.Options{Src: dir}, Strict: true})
		if (err == nil) != tt.ok {
			t.Errorf("%q: err = %v", tt.typed, err)
		}
	}
}
