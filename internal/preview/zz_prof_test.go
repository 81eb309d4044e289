package preview_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"testing"
	"time"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/preview"
)

func TestZZPreviewProf(t *testing.T) {
	if os.Getenv("ZZ_PREV") == "" {
		t.Skip()
	}
	dir := t.TempDir()
	gen.Write(dir, 1000)
	srv := preview.New(build.Options{Src: dir}, io.Discard)
	srv.Rebuild(context.Background())
	file := filepath.Join(dir, "content/briefings/week-00500.md")
	orig, _ := os.ReadFile(file)
	f, _ := os.Create("/tmp/prev.prof")
	pprof.StartCPUProfile(f)
	var ds []time.Duration
	for i := 0; i < 200; i++ {
		text := append([]byte{}, orig...)
		text = append(text, fmt.Sprintf("\nEdit %d.\n", i)...)
		os.WriteFile(file, text, 0o644)
		st := time.Now()
		srv.Rebuild(context.Background())
		ds = append(ds, time.Since(st))
	}
	pprof.StopCPUProfile()
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	t.Log(ds[20], ds[100], ds[180])
}
