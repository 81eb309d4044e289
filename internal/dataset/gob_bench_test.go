package dataset_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/gen"
)

// BenchmarkGobDecode decodes the largest dataset of a generated project of
// 1,000 briefings (its moves: 8,000 rows) as the build cache does.
func BenchmarkGobDecode(b *testing.B) {
	dir := b.TempDir()
	if err := gen.WriteWithEntities(dir, 1000); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, "data", "moves.toml")
	src, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	d, err := dataset.Parse("data/moves.toml", src)
	if err != nil {
		b.Fatal(err)
	}
	data, err := d.GobEncode()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var got dataset.Dataset
		if err := got.GobDecode(data); err != nil {
			b.Fatal(err)
		}
	}
}
