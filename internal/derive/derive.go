// Package derive runs the queries of derived datasets (docs/format.md,
// "Derived datasets"): SQL over the other datasets on an embedded SQLite
// (github.com/ncruces/go-sqlite3, SQLite translated to Go: no cgo), as of
// each briefing's date. Every other dataset is a table named by its id,
// holding the rows a briefing of that date sees (revisions undone); a
// derived dataset's result is typed and checked as a file's rows are
// (dataset.Result) and found as of a date through dataset.Derive, so that
// blocks, inline values and checks ask dataset.On as for any dataset.
//
// A query runs once per distinct input: its key covers the query and the
// rows each table held (a hash of each table's rows in the order dates
// reveal them, so a briefing a week older than the next row sees the same
// key). Results are kept in the build's records under that key; a past
// result that is the start of the current one is kept as a reference to it.
//
// The query is locked down by SQLite's authorizer and limits, not by
// reading its text: only SELECT and reads of the datasets; no ATTACH, no
// PRAGMA, no writes, no transactions, no load_extension; at most MaxRows
// rows and Timeout.
package derive

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
)

// The limits of one run of a query.
var (
	Timeout = 10 * time.Second
	MaxRows = 1_000_000
)

// version is in every key: a change to how results are made or kept
// changes it.
const version = "derive 1"

// Records keeps results between builds (project.Records).
type Records interface {
	Get(k key.Hash) (any, bool)
	Put(k key.Hash, v any)
	Keep(k key.Hash) (any, bool)
}

// Engine computes the derived datasets of one loaded project.
type Engine struct {
	ctx    context.Context
	defs   map[string]*dataset.Dataset // derived datasets' definitions, by id
	bases  map[string]*dataset.Dataset // the other datasets, by id
	ids    []string                    // every dataset id, sorted
	order  []string                    // derived ids, each after those it reads
	reads  map[string][]string         // derived id -> the dataset ids its query reads, sorted
	dates  map[string]map[string]bool  // derived id -> names of its tables' date columns
	recs   Records
	memo   *Memo
	pool   chan *conn
	nconns int

	mu      sync.Mutex
	snaps   map[key.Hash]*snap
	chains  map[*dataset.Dataset][]key.Hash
	hashing map[*dataset.Dataset]chan struct{} // states being hashed: closed when done (seenHash)
	current map[string]*dataset.Dataset
	curKey  map[string]key.Hash
	curRaw  map[string]*raw
	olds    map[key.Hash]*dataset.Dataset // earlier full results that references point to
	read    map[key.Hash]*raw             // records read this build (nil: none under that key)
	prefix  map[key.Hash]int              // how many first rows each shares with the current result
	kept    map[key.Hash]typedResult      // past results typed from their rows, for the memo
	keys    map[idDay]key.Hash            // keys made (keyOf)
	slots   chan struct{}                 // one for each database in use
	opened  int
	closing bool // Release was called: a database is closed when its run ends, not pooled
	runs    int  // queries run (Runs)
	hashed  int  // timelines hashed (Hashed)
	failed  map[string]bool
	errs    diag.List
	seen    map[string]bool // error messages reported, so a problem of many snapshots is said once
}

// snap is one computation of a derived dataset for a key: done closes when
// d (or the failure) is known.
type snap struct {
	done chan struct{}
	d    *dataset.Dataset
	raw  *raw
	ok   bool
}

// Memo keeps raw results between loads of one process (the preview), by
// key, up to memoCells cells (then it starts again). A result that shares
// most of its first rows with the current result is kept as those rows'
// count and its own tail (memoPut): with revised rows every past result
// differs from the current one near its end, and kept whole they
// overflowed the memo, so that each save ran every past query again. Safe
// for concurrent use; one load at a time uses it (the preview builds one
// at a time).
type Memo struct {
	mu    sync.Mutex
	m     map[key.Hash]*raw
	cells int
	// chains are the timeline hashes of the dataset states the last load
	// used (seenHash): a dataset whose file did not change is the same
	// value in the next load (package project's memo), and so are its
	// past states, so a save hashes no row it hashed before.
	chains map[*dataset.Dataset][]key.Hash
	// typed are the past results the last load typed from their rows
	// (those whose last rows differ from the current result's, as a row
	// revised after their date makes them), by key: remade from the rows
	// above, each save cloned and typed a few hundred thousand rows again.
	// Only those the last load used are kept.
	typed map[key.Hash]typedResult
	// live is the engine of the load under way: a result the memo keeps
	// finds itself as of a date through it (Memo.at), so that it holds on
	// neither to the engine that made it nor to that engine's load.
	live *Engine
}

// typedResult is a past result as typed, with what typing it read: the
// derived dataset's definition and the current result's key (a past
// result keeps the current one's column types).
type typedResult struct {
	def *dataset.Dataset
	cur key.Hash
	d   *dataset.Dataset
}

// at is the derived dataset id as of day, through the load under way.
func (m *Memo) at(id string, day time.Time) *dataset.Dataset {
	m.mu.Lock()
	e := m.live
	m.mu.Unlock()
	return e.at(id, day)
}

func (m *Memo) setLive(e *Engine) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.live = e
}

// typedOf is the typed result the last load kept under k, if it was typed
// as e would type it.
func (m *Memo) typedOf(e *Engine, id string, k key.Hash) *dataset.Dataset {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.typed[k]
	if !ok || t.def != e.defs[id] || t.cur != e.curKey[id] {
		return nil
	}
	return t.d
}

// keepTyped keeps the typed results a load used, and only those.
func (m *Memo) keepTyped(typed map[key.Hash]typedResult) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.typed = maps.Clone(typed)
}

// memoCells bounds the memo: about 80 MB of cells. A query whose past
// results are not the start of the current one keeps a copy per
// snapshot, and a preview of a long archive would otherwise hold them all.
const memoCells = 2 << 20

// chain returns the timeline hashes of st kept from the last load.
func (m *Memo) chain(st *dataset.Dataset) ([]key.Hash, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.chains[st]
	return c, ok
}

// keepChains keeps the timeline hashes a load used, and only those: the
// states of datasets that changed are let go.
func (m *Memo) keepChains(chains map[*dataset.Dataset][]key.Hash) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := map[*dataset.Dataset][]key.Hash{}
	maps.Copy(e, chains)
	m.chains = e
}

func (m *Memo) get(k key.Hash) *raw {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[k]
}

func (m *Memo) put(k key.Hash, r *raw) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := r.cells()
	if old, ok := m.m[k]; ok {
		m.cells -= old.cells() // replaced
	}
	if m.m == nil || m.cells+n > memoCells {
		m.m, m.cells = map[key.Hash]*raw{}, 0
	}
	m.m[k] = r
	m.cells += n
}

// cells is how many cells r holds.
func (r *raw) cells() int { return (len(r.rows) + len(r.tail)) * len(r.names) }

// Cells is how many cells the memo holds (tests and measures).
func (m *Memo) Cells() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cells
}

// memoGet is the memo's result under k, with a tail kept against the
// result whose first rows it shares made whole again; nil when there is
// none, or when that result is gone from the memo.
func (e *Engine) memoGet(k key.Hash) *raw {
	r := e.memo.get(k)
	if r == nil || !r.part {
		return r
	}
	base := e.memo.get(r.of)
	if base == nil || base.part || base.of != (key.Hash{}) || r.head > len(base.rows) || !slices.Equal(base.names, r.names) {
		return nil
	}
	rows := make([][]dataset.Value, 0, r.head+len(r.tail))
	rows = append(append(rows, base.rows[:r.head]...), r.tail...) // typed clones them
	return &raw{names: r.names, rows: rows}
}

// memoPut keeps a result in the memo: when at least half of it is the
// current result's first rows, as their count and its own tail.
func (e *Engine) memoPut(id string, k key.Hash, r *raw) {
	cur, ck := e.curRaw[id], e.curKey[id]
	if r.of == (key.Hash{}) && cur != nil && cur.of == (key.Hash{}) && k != ck && slices.Equal(r.names, cur.names) {
		n := 0
		for n < min(len(r.rows), len(cur.rows)) && slices.EqualFunc(r.rows[n], cur.rows[n], same) {
			n++
		}
		if n > 0 && n < len(r.rows) && n >= len(r.rows)-n {
			e.memo.put(k, &raw{names: r.names, of: ck, head: n, tail: r.rows[n:], part: true})
			return
		}
	}
	e.memo.put(k, r.bare())
}

// New finds the derived datasets among sets, the tables each query reads
// (SQLite names them as it prepares the query), their order, and each
// one's result over the current data. It returns sets with every derived
// dataset replaced by its result (those that failed left out) and the ids
// of those that failed; Err has the problems, located at the queries, and
// err is the context's or a database that would not open. failed are datasets that
// did not parse (a query reading one fails without repeating its errors).
// Release its databases when the project is loaded.
func New(ctx context.Context, sets []*dataset.Dataset, failed map[string]bool, recs Records, memo *Memo) (*Engine, []*dataset.Dataset, map[string]bool, error) {
	e := &Engine{ctx: ctx, defs: map[string]*dataset.Dataset{}, bases: map[string]*dataset.Dataset{},
		reads: map[string][]string{}, dates: map[string]map[string]bool{}, recs: recs, memo: memo,
		snaps: map[key.Hash]*snap{}, chains: map[*dataset.Dataset][]key.Hash{}, hashing: map[*dataset.Dataset]chan struct{}{}, current: map[string]*dataset.Dataset{},
		curKey: map[string]key.Hash{}, curRaw: map[string]*raw{}, olds: map[key.Hash]*dataset.Dataset{}, prefix: map[key.Hash]int{}, read: map[key.Hash]*raw{},
		kept: map[key.Hash]typedResult{}, keys: map[idDay]key.Hash{}, failed: map[string]bool{}, seen: map[string]bool{}}
	if memo != nil {
		memo.setLive(e)
	}
	for _, d := range sets {
		if d.Derivation() != nil {
			e.defs[d.ID] = d
		} else {
			e.bases[d.ID] = d
		}
		e.ids = append(e.ids, d.ID)
	}
	for id := range failed {
		e.ids = append(e.ids, id)
	}
	slices.Sort(e.ids)
	e.ids = slices.Compact(e.ids)
	if len(e.defs) == 0 {
		return e, sets, nil, nil
	}
	e.nconns = max(1, min(runtime.GOMAXPROCS(0), 8))
	e.pool, e.slots = make(chan *conn, e.nconns), make(chan struct{}, e.nconns)
	c, err := e.conn()
	if err != nil {
		return nil, nil, nil, err
	}
	e.plan(c, failed)
	e.putConn(c)
	for _, id := range e.order {
		if e.failed[id] || slices.ContainsFunc(e.reads[id], func(s string) bool { return e.failed[s] }) {
			e.failed[id] = true
			continue
		}
		s := e.compute(id, time.Time{})
		if !s.ok {
			e.failed[id] = true
			continue
		}
		e.current[id], e.curRaw[id] = s.d, s.raw
		e.curKey[id] = e.key(id, time.Time{})
	}
	if err := ctx.Err(); err != nil {
		e.Release()
		return nil, nil, nil, err
	}
	out := make([]*dataset.Dataset, 0, len(sets))
	for _, d := range sets {
		if d.Derivation() == nil {
			out = append(out, d)
		} else if cur := e.current[d.ID]; cur != nil {
			out = append(out, cur)
		}
	}
	return e, out, maps.Clone(e.failed), nil
}

// Known is the key of the result of a derived dataset as of a date, as an
// earlier build made it (KeyAt).
type Known struct {
	ID  string
	Day time.Time
	Key key.Wire // in one piece: the records keep it (key.Wire)
}

// KeyAt is the key of the result of id as of day, which the records keep
// it under: a binding notes the keys of the results it shows, so that a
// build that takes the binding from the records keeps them (Keep), and
// finds them if it binds the briefing, without hashing the tables' rows.
func (e *Engine) KeyAt(id string, day time.Time) Known {
	return Known{ID: id, Day: day, Key: e.keyOf(id, day)}
}

// Keep takes the keys of results as of dates this build does not compute
// (those of briefings whose bindings came from the records, bound only if
// a file of theirs is made), and keeps in the records, for the next
// build, the results under them and those their references point to,
// without reading them: records a build does not use are let go. The
// caller vouches for the keys: the records of the bindings that noted
// them are under keys that cover the datasets they read.
func (e *Engine) Keep(known []Known) {
	seen := map[key.Hash]bool{}
	for _, kn := range known {
		if _, ok := e.defs[kn.ID]; !ok || kn.Day.IsZero() {
			continue
		}
		e.mu.Lock()
		e.keys[idDay{kn.ID, kn.Day}] = kn.Key
		e.mu.Unlock()
		for k := kn.Key; e.recs != nil && !seen[k]; {
			seen[k] = true
			v, ok := e.recs.Keep(k)
			b, _ := v.(stored)
			if !ok || len(b) == 0 || b[0] != tagRef {
				break
			}
			r, err := decode(b)
			if err != nil {
				break
			}
			k = r.of
		}
	}
}

// Reads are the dataset ids a derived dataset's query reads.
func (e *Engine) Reads(id string) []string { return e.reads[id] }

// Order is the derived datasets' ids, each after those it reads.
func (e *Engine) Order() []string { return e.order }

// Need computes, in parallel, every derived dataset in need as of each of
// its dates (the dates of the briefings that show it), so that binding
// finds them made. It returns the ids that failed (Err has the problems);
// err is the context's.
func (e *Engine) Need(ctx context.Context, need map[string][]time.Time) (map[string]bool, error) {
	type task struct {
		id  string
		day time.Time
	}
	var tasks []task
	keys := map[key.Hash]bool{}
	for _, id := range slices.Sorted(maps.Keys(need)) {
		if e.current[id] == nil {
			continue
		}
		for _, day := range need[id] {
			k := e.keyOf(id, day)
			if !keys[k] {
				keys[k] = true
				tasks = append(tasks, task{id, day})
			}
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.nconns)
	for _, t := range tasks {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			e.at(t.id, t.day)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.failed), nil
}

// Runs is how many times a query ran in this engine: the rest came from
// the records or the memo (what the cache tests and measures count).
func (e *Engine) Runs() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runs
}

// Hashed is how many dataset states' timelines this engine hashed: the
// rest came from the memo (what the tests count).
func (e *Engine) Hashed() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hashed
}

// Err is every problem found so far (a snapshot that binding asked for
// and Need did not make is computed then, and its problems added here).
func (e *Engine) Err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.errs.Err()
}

// Release closes the engine's databases. The engine stays usable: a
// result asked for later (a check of an unusual date) opens one again,
// closed when its run ends, as is one still running now.
func (e *Engine) Release() {
	if e == nil {
		return
	}
	e.memo.keepChains(e.chains)
	e.mu.Lock()
	e.memo.keepTyped(e.kept)
	e.closing = true
	e.mu.Unlock()
	if e.pool == nil {
		return
	}
	for {
		select {
		case c := <-e.pool:
			e.close(c)
		default:
			return
		}
	}
}

// putConn returns c to the pool after a run, or closes it once Release was
// called: an engine kept with its project (the preview keeps each load's)
// keeps no database open. (Pooled under the lock that Release takes to
// say so, so that no database reaches the pool after Release drained it.)
func (e *Engine) putConn(c *conn) {
	defer func() { <-e.slots }()
	e.mu.Lock()
	if !e.closing {
		e.pool <- c // never blocks: at most nconns databases exist
		e.mu.Unlock()
		return
	}
	e.mu.Unlock()
	e.close(c)
}

func (e *Engine) close(c *conn) {
	c.close()
	e.mu.Lock()
	e.opened--
	e.mu.Unlock()
}

// Open is how many of the engine's databases are open (what the tests
// check of Release).
func (e *Engine) Open() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.opened
}

// at is the derived dataset id as of day: its result over the tables as
// they stood then. A failure leaves an empty dataset of the current
// result's columns (its problem is reported).
func (e *Engine) at(id string, day time.Time) *dataset.Dataset {
	cur := e.current[id]
	if day.IsZero() {
		return cur
	}
	k := e.keyOf(id, day)
	if k == e.curKey[id] {
		return cur // the tables hold every row: the current result
	}
	s := e.computeKey(id, day, k)
	if !s.ok {
		return e.head(id, cur, 0)
	}
	return s.d
}

// compute is the derived dataset id as of day (zero: now).
func (e *Engine) compute(id string, day time.Time) *snap {
	return e.computeKey(id, day, e.key(id, day))
}

// computeKey computes a result once per key: from this build's
// snapshots, the preview's memo, the records, or by running the query.
func (e *Engine) computeKey(id string, day time.Time, k key.Hash) *snap {
	e.mu.Lock()
	s, ok := e.snaps[k]
	if ok {
		e.mu.Unlock()
		<-s.done
		return s
	}
	s = &snap{done: make(chan struct{})}
	e.snaps[k] = s
	e.mu.Unlock()
	defer close(s.done)
	if d := e.memo.typedOf(e, id, k); d != nil && !day.IsZero() {
		e.keepTyped(id, k, d)
		s.d, s.ok = d, true
		return s
	}
	r, probs := e.result(id, day, k)
	if len(probs) > 0 {
		e.fail(id, day, probs)
		return s
	}
	if r == nil {
		return s // reported
	}
	d, probs := e.typed(id, r)
	if len(probs) > 0 {
		e.fail(id, day, probs)
		return s
	}
	if r.d == nil && !day.IsZero() {
		e.keepTyped(id, k, d)
	}
	s.d, s.raw, s.ok = d, r, true
	return s
}

// keepTyped notes a past result typed from its rows, for the memo.
func (e *Engine) keepTyped(id string, k key.Hash, d *dataset.Dataset) {
	if e.memo == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.kept[k] = typedResult{def: e.defs[id], cur: e.curKey[id], d: d}
}

// typed makes a raw result the derived dataset, typed as the current
// result is (a result that is the start of another shares its rows),
// finding itself as of a date through the engine.
func (e *Engine) typed(id string, r *raw) (*dataset.Dataset, []string) {
	if r.d != nil {
		return e.head(id, r.d, r.head), nil
	}
	d, probs := e.defs[id].Result(r.names, cloneRows(r.rows), e.dates[id], e.current[id])
	if d != nil {
		e.derive(id, d)
	}
	return d, probs
}

// head is the first n rows of d, finding itself as of a date through the
// engine.
func (e *Engine) head(id string, d *dataset.Dataset, n int) *dataset.Dataset {
	h := d.Head(n)
	e.derive(id, h)
	return h
}

func (e *Engine) derive(id string, d *dataset.Dataset) {
	at := e.at
	if e.memo != nil {
		at = e.memo.at // d may outlive this load in the memo
	}
	d.Derive(func(day time.Time) *dataset.Dataset { return at(id, day) })
}

// fail reports problems of the result of id as of day (zero: now), each
// once however many dates show it.
func (e *Engine) fail(id string, day time.Time, probs []string) {
	when := ""
	if !day.IsZero() {
		when = " as of " + day.Format(time.DateOnly)
	}
	pos := e.defs[id].Derivation().KeyPos
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failed[id] = true
	for _, p := range probs {
		if e.seen[id+"\x00"+p] {
			continue
		}
		e.seen[id+"\x00"+p] = true
		e.errs.Add(diag.Errorf(pos, "query%s: %s", when, p))
	}
}

// key is the key of id's result as of day (zero: now): the query, and the
// rows of every table it reads as they stood on day.
// idDay names a derived dataset as of a date.
type idDay struct {
	id  string
	day time.Time
}

// keyOf is key, made once per engine.
func (e *Engine) keyOf(id string, day time.Time) key.Hash {
	e.mu.Lock()
	k, ok := e.keys[idDay{id, day}]
	e.mu.Unlock()
	if !ok {
		k = e.key(id, day)
		e.mu.Lock()
		e.keys[idDay{id, day}] = k
		e.mu.Unlock()
	}
	return k
}

func (e *Engine) key(id string, day time.Time) key.Hash {
	q := e.defs[id].Derivation()
	k := key.New().Str(version).Str(id).Str(q.Query)
	for _, s := range e.reads[id] {
		k.Str(s)
		if _, derived := e.defs[s]; derived {
			k.Sum(e.key(s, day))
		} else {
			k.Sum(e.seenHash(e.bases[s], day))
		}
	}
	return k.Done()
}

// stateOf is a dataset as it stood on day (zero: now).
func stateOf(d *dataset.Dataset, day time.Time) *dataset.Dataset {
	if day.IsZero() {
		return d
	}
	return d.On(day).Dataset
}

// seenHash is the hash of the rows of d a query as of day sees: the prefix
// of its state's timeline that Seen counts. A state's timeline is hashed
// once, however many runs ask for it at the same time: the others wait.
func (e *Engine) seenHash(d *dataset.Dataset, day time.Time) key.Hash {
	st := stateOf(d, day)
	e.mu.Lock()
	chain, ok := e.chains[st]
	for !ok && e.hashing[st] != nil {
		wait := e.hashing[st]
		e.mu.Unlock()
		<-wait
		e.mu.Lock()
		chain, ok = e.chains[st]
	}
	if ok {
		e.mu.Unlock()
		return chain[st.Seen(day)]
	}
	done := make(chan struct{})
	e.hashing[st] = done
	e.mu.Unlock()
	chain, ok = e.memo.chain(st)
	if !ok {
		chain = timelineHashes(st)
	}
	e.mu.Lock()
	if !ok {
		e.hashed++
	}
	e.chains[st] = chain
	delete(e.hashing, st)
	e.mu.Unlock()
	close(done)
	return chain[st.Seen(day)]
}

// timelineHashes are the hashes of every prefix of d's timeline: the
// first is of its columns, each next one of the one before and a row.
func timelineHashes(d *dataset.Dataset) []key.Hash {
	k := key.New().Str(version).Str(d.ID)
	for _, c := range d.Columns() {
		k.Str(c.Name).Int(int(c.Type))
	}
	tl := d.Timeline()
	out := make([]key.Hash, 1, len(tl)+1)
	out[0] = k.Done()
	for _, r := range tl {
		k := key.New().Sum(out[len(out)-1])
		for _, c := range d.Columns() {
			v := d.Value(r, c)
			k.Int(int(v.Type)).Str(v.Str).U64(math.Float64bits(v.Num))
		}
		out = append(out, k.Done())
	}
	return out
}

// cycle finds the cycle among derived datasets that wait on one another
// (each waits on the one in waits): the ids of one cycle, in order.
func cycle(waits map[string]string) []string {
	for _, start := range slices.Sorted(maps.Keys(waits)) {
		seen := map[string]int{}
		var path []string
		for id := start; ; id = waits[id] {
			if i, ok := seen[id]; ok {
				return path[i:]
			}
			if _, ok := waits[id]; !ok {
				break
			}
			seen[id] = len(path)
			path = append(path, id)
		}
	}
	return nil
}

// plan prepares every query on c, whose tables are the other datasets
// (empty: only their columns matter), to learn what each reads and the
// columns it gives; a query that names a derived dataset not yet planned
// waits for it. What is left waiting is a cycle.
func (e *Engine) plan(c *conn, failed map[string]bool) {
	for _, id := range slices.Sorted(maps.Keys(e.bases)) {
		d := e.bases[id]
		if err := c.declare(id, d.ColumnNames()); err != nil {
			e.fail(id, time.Time{}, []string{err.Error()})
		}
	}
	pending := slices.Sorted(maps.Keys(e.defs))
	for len(pending) > 0 {
		waits := map[string]string{}
		var next []string
		progress := false
		for _, id := range pending {
			q := e.defs[id].Derivation()
			p, err := c.prepare(q, e.ids)
			if err != nil {
				var missing *missingTable
				if errors.As(err, &missing) {
					switch t := missing.name; {
					case e.defs[t] != nil && slices.Contains(pending, t) && !e.failed[t]:
						waits[id] = t
						next = append(next, id)
						continue
					case failed[t] || e.failed[t]:
						e.failed[id] = true // the table's own problems are reported
						progress = true
						continue
					}
				}
				e.reportAt(id, err)
				progress = true
				continue
			}
			if dup := duplicate(p.names); dup != "" {
				e.reportAt(id, &queryError{msg: fmt.Sprintf("two result columns are named %s: give one another name with AS", diag.Quote(dup)), offset: -1})
				continue
			}
			e.reads[id] = p.reads
			e.dates[id] = e.datesOf(p.reads)
			if err := c.declare(id, p.names); err != nil {
				e.reportAt(id, err)
				continue
			}
			e.order = append(e.order, id)
			progress = true
		}
		if !progress {
			ring := cycle(waits)
			files := make([]string, len(ring))
			for i, id := range ring {
				files[i] = e.defs[id].File
			}
			for _, id := range ring {
				e.failed[id] = true
				e.errs.Add(diag.Errorf(e.defs[id].Derivation().KeyPos,
					"query: derived datasets read one another in a cycle (%s, and back): a derived dataset may read derived datasets only in one direction", strings.Join(files, " -> ")))
			}
			for _, id := range next {
				e.failed[id] = true // waits on the cycle
			}
			return
		}
		pending = next
	}
}

// isDate says a result column of id holds dates (dataset.Result's rule):
// declared so, required so by the kind, or named like a date column of a
// table the query reads.
func (e *Engine) isDate(id, name string) bool {
	def := e.defs[id]
	if dc, ok := def.Derivation().Columns[name]; ok && dc.Type != dataset.Empty {
		return dc.Type == dataset.Date
	}
	return e.dates[id][name] || dataset.DateRequired(def.Kind(), name)
}

// duplicate is a name that comes twice in names, or "".
func duplicate(names []string) string {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return n
		}
		seen[n] = true
	}
	return ""
}

// datesOf are the names of the date columns of the tables a query reads:
// a result column named like one holds dates.
func (e *Engine) datesOf(reads []string) map[string]bool {
	dates := map[string]bool{}
	for _, s := range reads {
		if src := e.bases[s]; src != nil {
			for _, col := range src.Columns() {
				if col.Type == dataset.Date {
					dates[col.Name] = true
				}
			}
			continue
		}
		for n := range e.dates[s] {
			dates[n] = true
		}
		for n, dc := range e.defs[s].Derivation().Columns {
			if dc.Type == dataset.Date {
				dates[n] = true
			}
		}
	}
	return dates
}

// reportAt reports a prepare or run error of id's query at its place.
func (e *Engine) reportAt(id string, err error) {
	q := e.defs[id].Derivation()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failed[id] = true
	var pe *queryError
	if errors.As(err, &pe) {
		pos := q.KeyPos
		if pe.offset >= 0 {
			pos = q.At(pe.offset)
		}
		e.errs.Add(diag.Errorf(pos, "query: %s", pe.msg))
		return
	}
	e.errs.Add(diag.Errorf(q.KeyPos, "query: %v", err))
}

// result is the raw result of id as of day under key k: from the
// preview's memo, the records, or a run of the query.
func (e *Engine) result(id string, day time.Time, k key.Hash) (*raw, []string) {
	r := e.memoGet(k)
	inMemo := r != nil
	if r == nil {
		r = e.record(k)
	}
	if r != nil {
		if r = e.resolve(id, k, r); r != nil {
			if !inMemo { // kept already: putting it again would compare it with the current result row by row
				e.memoPut(id, k, r)
			}
			return r, nil
		}
	}
	// The derived tables it reads first, so that no run holds a database
	// while it waits for another.
	sources := map[string]*dataset.Dataset{}
	for _, s := range e.reads[id] {
		if e.defs[s] != nil {
			d := e.at(s, day)
			if e.isFailed(s) {
				return nil, []string{fmt.Sprintf("it reads %s, which has problems", diag.Quote(s))}
			}
			sources[s] = d
		}
	}
	c, err := e.conn()
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer e.putConn(c)
	e.mu.Lock()
	e.runs++
	e.mu.Unlock()
	r, err = c.run(e.ctx, e, id, day, sources)
	if err != nil {
		e.reportAt(id, withWhen(err, day))
		return nil, nil
	}
	e.keep(id, k, r)
	e.memoPut(id, k, r)
	return r, nil
}

// conn takes a database once fewer than nconns are in use: an idle one
// from the pool, or a new one. putConn gives it back.
func (e *Engine) conn() (*conn, error) {
	e.slots <- struct{}{}
	select {
	case c := <-e.pool:
		return c, nil
	default:
	}
	c, err := openConn(e.ids)
	if err != nil {
		<-e.slots
		return nil, err
	}
	e.mu.Lock()
	e.opened++
	e.mu.Unlock()
	return c, nil
}

func (e *Engine) isFailed(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.failed[id]
}

// withWhen adds the date a run was for to its message.
func withWhen(err error, day time.Time) error {
	var pe *queryError
	if day.IsZero() || !errors.As(err, &pe) {
		return err
	}
	return &queryError{msg: "as of " + day.Format(time.DateOnly) + ": " + pe.msg, offset: pe.offset}
}
