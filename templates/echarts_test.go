package templates_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/brief-desk/brief/internal/sitetest"
)

// TestEChartsBundleIsBuilt checks that the committed ECharts bundle and its
// licenses are exactly what `make echarts` makes from package-lock.json, so
// that nobody edits them by hand. It needs `npm ci` (make test runs it).
func TestEChartsBundleIsBuilt(t *testing.T) {
	if _, err := os.Stat("../node_modules/.bin/esbuild"); err != nil {
		sitetest.SkipWithout(t, "esbuild", "run npm ci in the repository")
	}
	out := t.TempDir()
	cmd := exec.Command("bash", "../scripts/echarts/build.sh", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make echarts: %v\n%s", err, b)
	}
	for _, name := range []string{"echarts.min.js", "echarts.LICENSE.txt"} {
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("assets", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("templates/assets/%s is not what make echarts builds from package-lock.json (%d bytes, want %d): run make echarts", name, len(got), len(want))
		}
	}
}
