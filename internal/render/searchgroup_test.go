package render

import (
	"testing"

	"github.com/brief-desk/brief/internal/search"
)

// TestSearchGroupLetsGo: a group keeps its documents and index until the
// last of its parts and fragments is made, then lets them go.
func TestSearchGroupLetsGo(t *testing.T) {
	g := &searchGroup{index: search.New(nil), held: []*searchDoc{{doc: &search.Doc{}}, {doc: &search.Doc{}}}}
	g.left.Store(3)
	for made := 1; made <= 3; made++ {
		g.madeOne()
		kept := g.index != nil && g.held[0].doc != nil && g.held[1].doc != nil
		if want := made < 3; kept != want {
			t.Errorf("after %d of 3 outputs made: documents and index kept %v, want %v", made, kept, want)
		}
	}
}
