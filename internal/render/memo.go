package render

import (
	"bytes"
	"sync"

	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/search"
)

// Memo keeps, between plans of one process (the preview), each briefing's
// search document by the key its index fragment is made from (the
// briefing's key and slug), so that a save indexes the briefing saved, not
// every briefing of its year again. It holds the documents of the last
// plan's site only. A nil Memo keeps nothing; it is safe for concurrent
// use.
type Memo struct {
	mu   sync.Mutex
	docs map[key.Hash]*search.Doc
	// echarts and echartsSum are the last ECharts file hashed and its hash:
	// comparing a megabyte costs a twelfth of hashing it again on every
	// save.
	echarts    []byte
	echartsSum key.Hash
}

// sum is the hash of data, the ECharts file, from the memo when it is the
// file hashed last.
func (m *Memo) sum(data []byte) key.Hash {
	if m == nil {
		return key.Of(data)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.echarts == nil || !bytes.Equal(m.echarts, data) {
		m.echarts, m.echartsSum = data, key.Of(data)
	}
	return m.echartsSum
}

func (m *Memo) doc(k key.Hash) (*search.Doc, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.docs[k]
	return d, ok
}

func (m *Memo) put(k key.Hash, d *search.Doc) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.docs == nil {
		m.docs = map[key.Hash]*search.Doc{}
	}
	m.docs[k] = d
}

// keep forgets the documents of briefings the site no longer has as they
// were.
func (m *Memo) keep(keys map[key.Hash]bool) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.docs {
		if !keys[k] {
			delete(m.docs, k)
		}
	}
}
