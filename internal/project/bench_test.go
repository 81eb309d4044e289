package project_test

import (
	"context"
	"testing"

	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/project"
)

// BenchmarkLoad reads and binds a generated project of 1,000 briefings with
// cards and inline values (no cache): the part of a cold build that the
// datasets' revisions and the as-of rule touch. Results are in
// docs/performance.md.
func BenchmarkLoad(b *testing.B) {
	src := b.TempDir()
	if err := gen.WriteWithCards(src, 1000); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := project.Load(context.Background(), project.Options{Src: src, Future: true}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
