package build_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
)

func TestZZProf(t *testing.T) {
	dir := os.Getenv("ZZ_DIR")
	if dir == "" {
		t.Skip()
	}
	opts := build.Options{Src: filepath.Join(dir, "src"), Out: filepath.Join(dir, "out"), CacheDir: filepath.Join(dir, "src/.brief-cache")}
	f, _ := os.Create("/tmp/zz.prof")
	defer pprof.StopCPUProfile()
	for i := 0; i < 21; i++ {
		if i == 1 {
			pprof.StartCPUProfile(f)
		}
		name := filepath.Join(opts.Src, "content/briefings", fmt.Sprintf("zz-p-%d-%d.md", i, time.Now().UnixNano()))
		os.WriteFile(name, []byte(fmt.Sprintf("+++\ntitle = \"P %d\"\ndate = %s\n+++\nNew.\n\n```chart\ndataset = \"moves\"\n```\n", i, time.Date(2031, 1, 1+7*i, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))), 0o644)
		st := time.Now()
		if _, err := build.Build(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		t.Log(time.Since(st))
	}
}
