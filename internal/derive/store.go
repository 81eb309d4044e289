package derive

import (
	"encoding/binary"
	"encoding/gob"
	"errors"
	"math"
	"slices"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/key"
)

// raw is a query's result as SQLite gave it (numbers, text, empty; dates
// where a column holds them, read from their text), or a
// reference to the first head rows of the result under the key of: a past
// result that is the start of a later one is kept that way, so that an
// archive of weekly results costs one copy of the rows, not one per week.
type raw struct {
	names []string
	rows  [][]dataset.Value
	of    key.Hash
	head  int
	d     *dataset.Dataset // a reference resolved to its dataset's head
	// part is a result the preview's memo keeps as the first head rows
	// of the result under of, then tail (Engine.memoPut); never in the
	// records, and made whole by Engine.memoGet.
	part bool
	tail [][]dataset.Value
}

// stored is a raw result as the records keep it: a compact encoding of its
// own (a result may hold a million cells, which gob would describe one by
// one).
type stored []byte

func init() { gob.RegisterName("derived", stored(nil)) }

const (
	tagFull = 1
	tagRef  = 2

	cellNull  = 0
	cellInt   = 1
	cellFloat = 2
	cellText  = 3
	cellDate  = 4 // days since 1970-01-01
)

func (r *raw) encode() stored {
	if r.head > 0 || r.of != (key.Hash{}) {
		b := append([]byte{tagRef}, r.of[:]...)
		return binary.AppendUvarint(b, uint64(r.head))
	}
	b := []byte{tagFull}
	b = binary.AppendUvarint(b, uint64(len(r.names)))
	for _, n := range r.names {
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
	}
	b = binary.AppendUvarint(b, uint64(len(r.rows)))
	for _, row := range r.rows {
		for _, v := range row {
			switch {
			case v.Type == dataset.Number && v.Int && v.Num == math.Trunc(v.Num) && math.Abs(v.Num) < 1<<53:
				b = append(b, cellInt)
				b = binary.AppendVarint(b, int64(v.Num))
			case v.Type == dataset.Number:
				b = append(b, cellFloat)
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Num))
			case v.Type == dataset.Date:
				b = append(b, cellDate)
				b = binary.AppendVarint(b, int64(v.Num))
			case v.Type == dataset.String:
				b = append(b, cellText)
				b = binary.AppendUvarint(b, uint64(len(v.Str)))
				b = append(b, v.Str...)
			default:
				b = append(b, cellNull)
			}
		}
	}
	return b
}

var errCorrupt = errors.New("derived result record is corrupt")

func decode(b stored) (*raw, error) {
	if len(b) == 0 {
		return nil, errCorrupt
	}
	switch b[0] {
	case tagRef:
		b = b[1:]
		if len(b) < len(key.Hash{}) {
			return nil, errCorrupt
		}
		r := &raw{}
		copy(r.of[:], b)
		n, k := binary.Uvarint(b[len(r.of):])
		if k <= 0 || n > uint64(MaxRows) {
			return nil, errCorrupt
		}
		r.head = int(n)
		return r, nil
	case tagFull:
		d := &decoder{b: b[1:]}
		r := d.full()
		if d.bad || len(d.b) != 0 {
			return nil, errCorrupt
		}
		return r, nil
	}
	return nil, errCorrupt
}

// decoder reads a full result; bad says the bytes were not one.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uvarint(most uint64) uint64 {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > most {
		d.bad = true
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *decoder) str() string {
	n := d.uvarint(uint64(len(d.b)))
	if d.bad {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) full() *raw {
	ncol := d.uvarint(dataset.MaxColumns)
	r := &raw{names: make([]string, ncol)}
	for i := range r.names {
		r.names[i] = d.str()
	}
	nrow := d.uvarint(uint64(MaxRows))
	if d.bad || ncol == 0 && nrow > 0 || nrow*ncol > uint64(len(d.b)) {
		d.bad = true
		return nil
	}
	r.rows = make([][]dataset.Value, nrow)
	cells := make([]dataset.Value, nrow*ncol)
	for i := range r.rows {
		row := cells[uint64(i)*ncol : uint64(i+1)*ncol : uint64(i+1)*ncol]
		for c := range row {
			row[c] = d.cell()
		}
		r.rows[i] = row
	}
	return r
}

func (d *decoder) cell() dataset.Value {
	if d.bad || len(d.b) == 0 {
		d.bad = true
		return dataset.Value{}
	}
	t := d.b[0]
	d.b = d.b[1:]
	switch t {
	case cellNull:
		return dataset.Value{}
	case cellInt:
		n, k := binary.Varint(d.b)
		if k <= 0 {
			d.bad = true
			return dataset.Value{}
		}
		d.b = d.b[k:]
		return dataset.Value{Type: dataset.Number, Num: float64(n), Int: true}
	case cellFloat:
		if len(d.b) < 8 {
			d.bad = true
			return dataset.Value{}
		}
		v := dataset.Value{Type: dataset.Number, Num: math.Float64frombits(binary.LittleEndian.Uint64(d.b))}
		d.b = d.b[8:]
		return v
	case cellText:
		return dataset.Value{Type: dataset.String, Str: d.str()}
	case cellDate:
		n, k := binary.Varint(d.b)
		if k <= 0 {
			d.bad = true
			return dataset.Value{}
		}
		d.b = d.b[k:]
		return dataset.Value{Type: dataset.Date, Num: float64(n)}
	}
	d.bad = true
	return dataset.Value{}
}

// resolve makes a result read back usable: a reference resolved to the
// head of the result it points to (moved to the current result where the
// two agree, so that old weeks' references move to the newest copy), or
// nil when that result is gone.
func (e *Engine) resolve(id string, k key.Hash, r *raw) *raw {
	if r.of == (key.Hash{}) {
		return r
	}
	if cur := e.current[id]; cur != nil && r.of == e.curKey[id] && r.head <= cur.Len() {
		return &raw{of: r.of, head: r.head, d: cur}
	}
	base := e.fullOf(id, r.of)
	if base == nil || r.head > base.Len() {
		return nil
	}
	if cur := e.current[id]; cur != nil && r.head <= e.common(id, r.of, base) {
		moved := &raw{of: e.curKey[id], head: r.head}
		e.put(k, moved)
		moved.d = cur
		return moved
	}
	e.put(k, r)
	return &raw{of: r.of, head: r.head, d: base}
}

// bare is r without what ties it to one engine, for the preview's memo.
func (r *raw) bare() *raw {
	return &raw{names: r.names, rows: r.rows, of: r.of, head: r.head}
}

// record reads and decodes the record under k, once per build: the
// records hand a value over on its first Get, and a result may be asked
// for twice in one build (a briefing dated on last week's newest row asks
// for last week's current result, which the references of older weeks
// read too), so what was read is kept for the second asker. Reading holds
// the engine's lock: a record is read once, and most are references of a
// few bytes.
func (e *Engine) record(k key.Hash) *raw {
	if e.recs == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if r, read := e.read[k]; read {
		return r
	}
	var r *raw
	if v, ok := e.recs.Get(k); ok {
		if b, ok := v.(stored); ok {
			if d, err := decode(b); err == nil {
				r = d
			}
		}
	}
	e.read[k] = r // nil too: there is none, and the next asker need not look
	return r
}

// fullOf is the typed full result under k (an earlier build's current
// result that references point to), read once per build.
func (e *Engine) fullOf(id string, k key.Hash) *dataset.Dataset {
	e.mu.Lock()
	d, ok := e.olds[k]
	e.mu.Unlock()
	if ok {
		return d
	}
	r := e.memoGet(k)
	if r == nil {
		r = e.record(k)
	}
	if r != nil && r.of == (key.Hash{}) {
		e.put(k, r) // still referenced: keep it
		d, _ = e.defs[id].Result(r.names, cloneRows(r.rows), e.dates[id], e.current[id])
	}
	e.mu.Lock()
	e.olds[k] = d
	e.mu.Unlock()
	return d
}

// common is how many first rows an earlier full result and the current
// result share, once per earlier result.
func (e *Engine) common(id string, k key.Hash, old *dataset.Dataset) int {
	e.mu.Lock()
	n, ok := e.prefix[k]
	e.mu.Unlock()
	if ok {
		return n
	}
	cur := e.current[id]
	n = 0
	if slices.Equal(old.ColumnNames(), cur.ColumnNames()) {
		cols := cur.Columns()
		for n < min(old.Len(), cur.Len()) && slices.EqualFunc(cols, cols, func(c, _ *dataset.Column) bool { return same(old.Value(n, c), cur.Value(n, c)) }) {
			n++
		}
	}
	e.mu.Lock()
	e.prefix[k] = n
	e.mu.Unlock()
	return n
}

func same(x, y dataset.Value) bool {
	return x.Type == y.Type && x.Str == y.Str && math.Float64bits(x.Num) == math.Float64bits(y.Num) && x.Int == y.Int && x.Bool == y.Bool
}

func cloneRows(rows [][]dataset.Value) [][]dataset.Value {
	out := make([][]dataset.Value, len(rows))
	for i, row := range rows {
		out[i] = slices.Clone(row)
	}
	return out
}

func (e *Engine) put(k key.Hash, r *raw) {
	if e.recs != nil {
		e.recs.Put(k, r.encode())
	}
}

// keep puts a result the query gave in the records: as a reference to the
// current result when it is that result's start, else whole.
func (e *Engine) keep(id string, k key.Hash, r *raw) {
	cur, ck := e.curRaw[id], e.curKey[id]
	if cur != nil && k != ck && len(r.rows) > 0 && len(r.rows) <= len(cur.rows) && slices.Equal(r.names, cur.names) {
		prefix := true
		for i, row := range r.rows {
			if !slices.EqualFunc(row, cur.rows[i], same) {
				prefix = false
				break
			}
		}
		if prefix {
			ref := &raw{of: ck, head: len(r.rows)}
			e.put(k, ref)
			r.of, r.head, r.d, r.names, r.rows = ck, len(r.rows), e.current[id], nil, nil
			return
		}
	}
	e.put(k, r)
}
