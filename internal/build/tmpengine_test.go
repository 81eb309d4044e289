package build_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/gen"
)

func BenchmarkTmpEngine(b *testing.B) {
	dir := b.TempDir()
	if err := gen.Write(dir, 1000); err != nil {
		b.Fatal(err)
	}
	e := build.NewEngine(build.Options{Src: dir})
	if _, err := e.Build(context.Background()); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, "content/briefings/week-00500.md")
	orig, _ := os.ReadFile(file)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		os.WriteFile(file, append(append([]byte{}, orig...), fmt.Sprintf("\nEdit %d.\n", i)...), 0o644)
		if _, err := e.Build(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
