package importer

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlpos"
	"github.com/brief-desk/brief/internal/tomlval"
)

// `brief import --update` merges a file into an existing dataset. The
// dataset's text is edited, not rewritten: a changed cell's value is
// replaced where it stands, a cell that empties loses its line, a new cell
// goes in at its column's place in the row, a new row goes before the first
// row dated after it (so a series stays in date order) or at the end of the
// file, and a revision goes after its row. Comments, blank lines and the
// order of keys stay as they are.

// UpdateOptions say what dataset to update and how.
type UpdateOptions struct {
	Options             // ID, Sheet, Order and TmpDir; Kind is the dataset's own
	File      string    // the dataset's slash path, for messages: data/ID.toml
	Prune     bool      // remove the rows the file lacks
	On        time.Time // the day of the update (--on, or today)
	Published time.Time // the latest published briefing that shows the dataset; zero for none
}

// Result is what an update did.
type Result struct {
	Added, Revised, Unchanged, Missing int
	Pruned                             bool
	// Recorded is how many rows were given a revision, added or removed,
	// all dated On, because a published briefing could see them.
	Recorded int
	On       time.Time
	// Notes are cells a revision cannot record (a published briefing
	// showed them empty), at their place in the file.
	Notes []*diag.Error
	// Text is the dataset's new text; nil when nothing changed.
	Text []byte
}

// Summary is the line brief prints: "1 added, 2 revised, 50 unchanged, 0
// not in the file (kept)".
func (r *Result) Summary() string {
	what := "kept"
	if r.Pruned {
		what = "removed"
	}
	return fmt.Sprintf("%d added, %d revised, %d unchanged, %d not in the file (%s)", r.Added, r.Revised, r.Unchanged, r.Missing, what)
}

// fileRow is a row of the imported file, typed to the dataset's columns.
type fileRow struct {
	pos  diag.Pos              // its first cell
	vals map[int]tomlval.Value // by column Index; only the file's columns
	at   map[int]diag.Pos      // each cell's place
	key  string
	next int // a new row: the row it goes before, or -1 for the end
}

// dataRow is a [[rows]] table of the dataset file.
type dataRow struct {
	raw     map[string]any
	vals    []tomlval.Value // by column Index (current values)
	key     string
	date    time.Time // zero without a date column or value
	added   time.Time
	removed time.Time
}

// Update merges the file (name, data) into the dataset whose text is cur,
// and returns what changed and the new text. It writes nothing: the caller
// writes Result.Text, which dataset.Parse has read. Every problem is
// returned at once, at its place in the file or the dataset.
func Update(ctx context.Context, name string, data, cur []byte, opts UpdateOptions) (*Result, error) {
	if err := CheckID(opts.ID); err != nil {
		return nil, err
	}
	d, err := dataset.Parse(opts.File, cur)
	if err != nil {
		return nil, err
	}
	if q := d.Derivation(); q != nil {
		return nil, diag.Errorf(q.KeyPos, "%s is derived by a query and has no rows to update: import into the datasets its query reads", diag.Quote(opts.ID))
	}
	if len(cur) > 0 && cur[len(cur)-1] != '\n' {
		cur = append(slices.Clip(cur), '\n')
	}
	m, ix, se := tomlpos.Decode(cur)
	if se != nil { // dataset.Parse read it
		return nil, diag.Errorf(diag.Pos{File: opts.File, Line: se.Pos.Line, Col: se.Pos.Col}, "invalid TOML: %s", se.Msg)
	}
	u := &updater{d: d, ix: ix, ed: newEditor(cur), opts: opts, file: opts.File}
	if err := u.readDataset(m); err != nil {
		return nil, err
	}
	source := name
	name = displayName(name)
	ro := opts.Options
	ro.preferSheet = opts.ID
	cells, err := readRows(ctx, source, name, data, ro)
	if err != nil {
		return nil, err
	}
	rows, err := u.readFile(ctx, name, cells)
	if err != nil {
		return nil, err
	}
	res, err := u.merge(ctx, rows)
	if err != nil {
		return nil, err
	}
	if !u.ed.changed() {
		return res, nil
	}
	out, err := u.ed.apply()
	if err != nil {
		return nil, err
	}
	if _, err := dataset.Parse(opts.File, out); err != nil {
		return nil, fmt.Errorf("%s: the update would write a dataset brief cannot read, so nothing was written (please report this): %w", opts.File, err)
	}
	res.Text = out
	return res, nil
}

type updater struct {
	d     *dataset.Dataset
	ix    *tomlpos.Index
	ed    *editor
	opts  UpdateOptions
	file  string
	key   []*dataset.Column
	rows  []*dataRow
	byKey map[string]int
}

func (u *updater) at(path string) diag.Pos {
	p := u.ix.Find(path)
	return diag.Pos{File: u.file, Line: p.Line, Col: p.Col}
}

// keyColumns are the columns that identify a row: the dataset's key, else
// its kind's.
func keyColumns(d *dataset.Dataset) []string {
	if len(d.Key) > 0 {
		return d.Key
	}
	switch d.Kind() {
	case dataset.KindSeries:
		return []string{"date"}
	case dataset.KindMoves:
		return []string{"date", "ticker"}
	case dataset.KindDeals:
		return []string{"announced", "company", "counterparty"}
	case dataset.KindEntities:
		return []string{"id"}
	}
	return nil
}

// readDataset reads the dataset's rows as the file writes them, with their
// keys and histories.
func (u *updater) readDataset(m map[string]any) error {
	d := u.d
	names := keyColumns(d)
	if names == nil {
		return diag.Errorf(u.at("kind"), "%s is a table: brief import --update matches rows by key, so add key = [\"column\", ...] naming the columns that identify a row", u.file)
	}
	for _, n := range names {
		u.key = append(u.key, d.Column(n))
	}
	list, ok := m["rows"].([]map[string]any)
	if !ok || !u.ed.startsWith(u.ix, "rows[0]", "[[") {
		return diag.Errorf(u.at("rows"), "brief import --update edits [[rows]] tables: write rows = [...] as [[rows]] tables first")
	}
	hist := d.History()
	var errs diag.List
	u.byKey = map[string]int{}
	dc := d.DateColumn()
	for i, raw := range list {
		r := &dataRow{raw: raw, vals: make([]tomlval.Value, len(d.Columns()))}
		for _, c := range d.Columns() {
			if x, ok := raw[c.Name]; ok {
				r.vals[c.Index], _ = tomlval.FromTOML(x) // dataset.Parse read it
			}
		}
		if dc != nil && r.vals[dc.Index].Type == tomlval.Date {
			r.date = r.vals[dc.Index].Date()
		}
		if h := hist[i]; h != nil {
			r.added, r.removed = h.Added, h.Removed
		}
		if revs, ok := raw["revisions"].([]map[string]any); ok {
			for j := range revs {
				if !u.ed.startsWith(u.ix, fmt.Sprintf("rows[%d].revisions[%d]", i, j), "[[") {
					errs.Addf(u.at(fmt.Sprintf("rows[%d].revisions", i)), "brief import --update edits [[rows.revisions]] tables: write revisions = [...] as [[rows.revisions]] tables first")
				}
			}
		}
		r.key = rowKey(r.vals, u.key)
		if j, dup := u.byKey[r.key]; dup {
			errs.Addf(u.at(fmt.Sprintf("rows[%d]", i)), "rows[%d] has the same %s as rows[%d] (%s): brief import --update cannot tell them apart; set key = [...] to the columns that identify a row", i, keyNames(u.key), j, keyText(r.vals, u.key))
		}
		u.byKey[r.key] = i
		u.rows = append(u.rows, r)
	}
	return errs.Err()
}

func keyNames(cols []*dataset.Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, " and ")
}

// rowKey is a row's key as one string.
func rowKey(vals []tomlval.Value, key []*dataset.Column) string {
	var b strings.Builder
	for _, c := range key {
		v := vals[c.Index]
		b.WriteString(v.Type.String())
		b.WriteByte(0)
		b.WriteString(v.Literal())
		b.WriteByte(0)
	}
	return b.String()
}

// keyText is a row's key for messages: 2026-01-02, "HUT".
func keyText(vals []tomlval.Value, key []*dataset.Column) string {
	parts := make([]string, len(key))
	for i, c := range key {
		parts[i] = diag.Cut(vals[c.Index].Literal())
	}
	return strings.Join(parts, ", ")
}

// matchColumns maps the file's header to the dataset's columns: by id,
// else by label, case-insensitive, with a unit in parentheses taken off
// the header ("Hashrate (EH/s)" matches the label "Hashrate").
func (u *updater) matchColumns(name string, header []cell, data [][]cell) ([]*dataset.Column, error) {
	var errs diag.List
	cols := make([]*dataset.Column, len(header))
	first := map[*dataset.Column]diag.Pos{}
	for i, h := range header {
		text := strings.TrimSpace(h.text)
		if text == "" {
			if slices.ContainsFunc(data, func(row []cell) bool { return i < len(row) && strings.TrimSpace(row[i].text) != "" }) {
				errs.Addf(h.pos, "this column has values but no header: name it after one of the dataset's columns (%s)", diag.Names(u.d.ColumnNames()))
			}
			continue
		}
		c := u.column(text)
		if c == nil {
			errs.Addf(h.pos, "column %s: %s has no such column (its columns are %s); add the column to the dataset first, or leave it out of the file", diag.Quote(text), u.file, diag.Names(u.d.ColumnNames()))
			continue
		}
		if p, dup := first[c]; dup {
			errs.Addf(h.pos, "column %s is the dataset's column %s again (first at %d:%d): leave one of them out", diag.Quote(text), diag.Quote(c.Name), p.Line, p.Col)
			continue
		}
		first[c] = h.pos
		cols[i] = c
	}
	for _, k := range u.key {
		if _, ok := first[k]; !ok && errs.Len() == 0 {
			errs.Addf(diag.Pos{File: name, Line: 1, Col: 1}, "the file has no column %s, which identifies the dataset's rows (its key is %s)", diag.Quote(k.Name), keyNames(u.key))
		}
	}
	return cols, errs.Err()
}

// column finds the dataset's column a header names.
func (u *updater) column(header string) *dataset.Column {
	label, _ := splitUnit(header)
	tests := []func(c *dataset.Column) bool{
		func(c *dataset.Column) bool { return strings.EqualFold(c.Name, label) || c.Name == columnName(label) },
		func(c *dataset.Column) bool { return strings.EqualFold(c.Name, header) || c.Name == columnName(header) },
		func(c *dataset.Column) bool { return strings.EqualFold(c.Label, label) },
		func(c *dataset.Column) bool {
			return strings.EqualFold(c.Label, header) || strings.EqualFold(c.Header(), header)
		},
	}
	for _, test := range tests {
		if i := slices.IndexFunc(u.d.Columns(), test); i >= 0 {
			return u.d.Columns()[i]
		}
	}
	return nil
}

// readFile types the file's rows to the dataset's columns and keys them.
func (u *updater) readFile(ctx context.Context, name string, rows [][]cell) ([]*fileRow, error) {
	for len(rows) > 0 && blank(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	if len(rows) == 0 {
		return nil, diag.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "the file is empty: brief import needs a header row, then a row per record")
	}
	header, data := rows[0], rows[1:]
	if len(data) == 0 {
		// Every row would be "not in the file": refused, not pruned.
		return nil, diag.Errorf(header[0].pos, "the file has a header but no rows")
	}
	cols, err := u.matchColumns(name, header, data)
	if err != nil {
		return nil, err
	}
	var errs diag.List
	orders := u.dateOrders(cols, data)
	var out []*fileRow
	first := map[string]int{}
	for _, row := range data {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(row) > len(cols) {
			errs.Addf(row[len(cols)].pos, "this row has %d cells, the header %d: remove the extra cells or name them in the header", len(row), len(cols))
			continue
		}
		fr := &fileRow{pos: row[0].pos, vals: map[int]tomlval.Value{}, at: map[int]diag.Pos{}}
		bad := false
		for i, c := range cols {
			if c == nil {
				continue
			}
			cl := cell{pos: diag.Pos{File: name, Line: row[0].pos.Line, Col: i + 1}}
			if i < len(row) {
				cl = row[i]
			}
			v, err := parseAs(cl, orders[i], c)
			if err != nil {
				errs.Addf(cl.pos, "%v", err)
				bad = true
				continue
			}
			fr.vals[c.Index], fr.at[c.Index] = v, cl.pos
		}
		if bad {
			continue
		}
		vals := make([]tomlval.Value, len(u.d.Columns()))
		for ci, v := range fr.vals {
			vals[ci] = v
		}
		for _, k := range u.key {
			if vals[k.Index].IsEmpty() {
				errs.Addf(fr.at[k.Index], "missing %s, which identifies a row of the dataset (its key is %s)", diag.Quote(k.Name), keyNames(u.key))
				bad = true
			}
		}
		if bad {
			continue
		}
		fr.key = rowKey(vals, u.key)
		if j, dup := first[fr.key]; dup {
			errs.Addf(fr.pos, "a second row for %s (the first is on line %d): the file has one row per %s", keyText(vals, u.key), j, keyNames(u.key))
			continue
		}
		first[fr.key] = fr.pos.Line
		out = append(out, fr)
	}
	return out, errs.Err()
}

// dateOrders is, for each date column of the file, how it writes n/n/yyyy
// dates.
func (u *updater) dateOrders(cols []*dataset.Column, data [][]cell) []order {
	orders := make([]order, len(cols))
	for i, c := range cols {
		if c == nil || c.Type != tomlval.Date {
			continue
		}
		column := make([]cell, 0, len(data))
		for _, row := range data {
			if i < len(row) {
				column = append(column, row[i])
			}
		}
		orders[i] = orderOf(column, u.opts.Order)
	}
	return orders
}

// parseAs reads a cell as a value of the column's type: text as it is,
// anything else as import reads it (n/a and the like as empty).
func parseAs(cl cell, o order, c *dataset.Column) (tomlval.Value, error) {
	s := strings.TrimSpace(cl.text)
	if c.Type == tomlval.String && !cl.date && !cl.pct {
		if s == "" || isMissing(s) {
			return tomlval.Value{}, nil
		}
		if err := tomlval.CheckText(s); err != nil {
			return tomlval.Value{}, err
		}
		return tomlval.StringValue(s), nil
	}
	v, _, err := parseCell(cl, o)
	if err != nil {
		return v, err
	}
	if !v.IsEmpty() && v.Type != c.Type {
		return v, fmt.Errorf("want %s: column %s of the dataset holds %ss; got %s", c.Type.Noun(), diag.Quote(c.Name), c.Type, v.Describe())
	}
	return v, nil
}

// inWindow reports whether a published briefing could see a row dated
// date: one dated on or after it (any, for a dataset without dates).
func (u *updater) inWindow(date time.Time) bool {
	p := u.opts.Published
	return !p.IsZero() && (u.d.DateColumn() == nil || date.IsZero() || !date.After(p))
}

// seen reports whether a published briefing saw the row as it stands.
func (u *updater) seen(r *dataRow) bool {
	return u.inWindow(r.date) && (r.added.IsZero() || !r.added.After(u.opts.Published))
}

// day is the day a revision, added or removed carries: the later of --on
// and the day after the latest published briefing.
func (u *updater) day() time.Time {
	on := u.opts.On
	if p := u.opts.Published; !p.IsZero() && !on.After(p) {
		on = p.AddDate(0, 0, 1)
	}
	return on
}

// merge plans the edits.
func (u *updater) merge(ctx context.Context, rows []*fileRow) (*Result, error) {
	res := &Result{Pruned: u.opts.Prune, On: u.day()}
	var errs diag.List
	inFile := map[int]bool{}
	var added []*fileRow
	for _, fr := range rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		i, ok := u.byKey[fr.key]
		if !ok {
			added = append(added, fr)
			continue
		}
		inFile[i] = true
		r := u.rows[i]
		if !r.removed.IsZero() {
			if !r.removed.After(u.opts.Published) {
				errs.Addf(fr.pos, "this row (%s) was removed from the dataset on %s, and published briefings have shown it gone: to bring it back, edit %s by hand", keyText(r.vals, u.key), r.removed.Format(time.DateOnly), u.file)
				continue
			}
			u.ed.deleteLines(u.keyLines(i, "removed"))
		}
		changed := u.revise(i, fr, res)
		switch {
		case !r.removed.IsZero():
			res.Added++ // back
		case changed:
			res.Revised++
		default:
			res.Unchanged++
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	deleted := map[int]bool{}
	for i, r := range u.rows {
		if inFile[i] || !r.removed.IsZero() {
			continue
		}
		res.Missing++
		if !u.opts.Prune {
			continue
		}
		if u.seen(r) {
			u.ed.insert(u.ownEnd(i), fmt.Sprintf("removed = %s\n", res.On.Format(time.DateOnly)))
			res.Recorded++
			continue
		}
		deleted[i] = true
		u.deleteRow(i)
	}
	u.sortAdded(added)
	u.place(added)
	u.add(added, res)
	return res, u.checkKind(rows, added, deleted)
}

// revise edits row i to the file's values, recording the old ones in a
// revision when a published briefing saw them. It reports a change.
func (u *updater) revise(i int, fr *fileRow, res *Result) bool {
	r := u.rows[i]
	var changed []*dataset.Column
	for _, c := range u.d.Columns() {
		if v, ok := fr.vals[c.Index]; ok && !v.Equal(r.vals[c.Index]) && !(v.IsEmpty() && r.vals[c.Index].IsEmpty()) {
			changed = append(changed, c)
		}
	}
	if len(changed) == 0 {
		return false
	}
	record := u.seen(r)
	prefix := fmt.Sprintf("rows[%d]", i)
	// A revision dated after the latest published briefing already holds
	// what briefings saw: a further change adds to it, or takes back what
	// it records.
	var open map[string]any
	openPath := ""
	if revs, ok := r.raw["revisions"].([]map[string]any); ok && record && len(revs) > 0 {
		if on, ok := revs[len(revs)-1]["on"].(time.Time); ok && on.After(u.opts.Published) {
			open, openPath = revs[len(revs)-1], fmt.Sprintf("%s.revisions[%d]", prefix, len(revs)-1)
		}
	}
	var recorded []string
	var emptied []string // cells the published briefings saw empty
	var undone []string  // the open revision's lines taken back
	for _, c := range changed {
		old, now := r.vals[c.Index], fr.vals[c.Index]
		path := prefix + "." + c.Name
		switch {
		case !record:
		case hasKey(open, c.Name):
			if was, _ := tomlval.FromTOML(open[c.Name]); was.Equal(now) {
				undone = append(undone, c.Name)
			}
		case old.IsEmpty() && open == nil:
			emptied = append(emptied, strconv.Quote(c.Name))
		case old.IsEmpty():
			res.Notes = append(res.Notes, diag.Errorf(fr.at[c.Index], "%s was empty in a briefing published by %s, and this row already has a revision dated after it: add %s to its empty = [...] by hand, or that briefing will show the new value", diag.Quote(c.Name), u.opts.Published.Format(time.DateOnly), diag.Quote(c.Name)))
		default:
			recorded = append(recorded, fmt.Sprintf("%s = %s\n", c.Name, u.ed.text(u.valueSpan(path))))
		}
		text := cellLiteral(c, now)
		if slices.Contains(undone, c.Name) {
			text = u.ed.text(u.valueSpan(openPath + "." + c.Name)) // as the file wrote it
		}
		switch {
		case old.IsEmpty():
			u.ed.insert(u.columnPlace(i, c), fmt.Sprintf("%s = %s\n", c.Name, text))
		case now.IsEmpty():
			u.ed.deleteLines(u.lines(path))
		default:
			start, end := u.valueSpan(path)
			u.ed.replace(start, end, text)
		}
	}
	switch {
	case open != nil && len(recorded) == 0 && len(undone) == len(open)-1:
		// Every cell the revision records is back: it goes.
		start := u.ed.lineStart(u.ed.off(u.ix.Find(openPath)))
		u.ed.deleteLines(start, u.revisionEnd(openPath))
		u.ed.deleteBlankBefore(start)
	case open != nil:
		for _, k := range undone {
			u.ed.deleteLines(u.lines(openPath + "." + k))
		}
		if len(recorded) > 0 {
			u.ed.insert(u.revisionEnd(openPath), strings.Join(recorded, ""))
		}
	case len(recorded) > 0 || len(emptied) > 0:
		if len(emptied) > 0 {
			recorded = append(recorded, "empty = ["+strings.Join(emptied, ", ")+"]\n")
		}
		u.ed.insert(u.rowEnd(i), fmt.Sprintf("\n[[rows.revisions]]\non = %s\n%s", res.On.Format(time.DateOnly), strings.Join(recorded, "")))
	}
	if open != nil || len(recorded) > 0 {
		res.Recorded++
	}
	return true
}

// cellLiteral writes a value of column c: a whole number in a column of
// fractions keeps a fraction (53.0), as the rest of the column does.
func cellLiteral(c *dataset.Column, v tomlval.Value) string {
	if v.Type == tomlval.Number && v.Int && !c.AllInt {
		v.Int = false
	}
	return literal(v)
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// place sets where each new row goes: before the first row dated after
// it, or at the end of the file (-1). (A binary search over the latest
// date so far: the first row dated after a day is the first at which the
// latest date so far is after it.)
func (u *updater) place(rows []*fileRow) {
	dc := u.d.DateColumn()
	latest := make([]time.Time, len(u.rows))
	var last time.Time
	for i, r := range u.rows {
		if r.date.After(last) {
			last = r.date
		}
		latest[i] = last
	}
	for _, fr := range rows {
		fr.next = -1
		if dc == nil || fr.vals[dc.Index].Type != tomlval.Date {
			continue
		}
		date := fr.vals[dc.Index].Date()
		if i, _ := slices.BinarySearchFunc(latest, date, func(t, d time.Time) int {
			if t.After(d) {
				return 1
			}
			return -1
		}); i < len(latest) {
			fr.next = i
		}
	}
}

// sortAdded puts the new rows in date order (file order without dates).
func (u *updater) sortAdded(rows []*fileRow) {
	dc := u.d.DateColumn()
	if dc == nil {
		return
	}
	slices.SortStableFunc(rows, func(a, b *fileRow) int { return a.vals[dc.Index].Compare(b.vals[dc.Index]) })
}

// add writes the new rows, each before the first row dated after it, or
// at the end of the file.
func (u *updater) add(rows []*fileRow, res *Result) {
	dc := u.d.DateColumn()
	for _, fr := range rows {
		var b strings.Builder
		b.WriteString("[[rows]]\n")
		for _, c := range u.d.Columns() {
			if v := fr.vals[c.Index]; !v.IsEmpty() {
				fmt.Fprintf(&b, "%s = %s\n", c.Name, cellLiteral(c, v))
			}
		}
		var date time.Time
		if dc != nil && fr.vals[dc.Index].Type == tomlval.Date {
			date = fr.vals[dc.Index].Date()
		}
		if u.inWindow(date) {
			fmt.Fprintf(&b, "added = %s\n", res.On.Format(time.DateOnly))
			res.Recorded++
		}
		res.Added++
		next := fr.next
		if next < 0 {
			u.ed.insert(len(u.ed.src), "\n"+b.String())
			continue
		}
		at := u.ed.leadingComments(u.ed.lineStart(u.ed.off(u.ix.Find(fmt.Sprintf("rows[%d]", next)))))
		u.ed.insert(at, b.String()+"\n")
	}
}

// checkKind checks the rows the update writes, in the order it writes
// them, against the dataset's kind (a series' dates in order, one move per
// day and ticker, the columns every row needs), as dataset.Parse will:
// a problem is placed at the file's cell when the row comes from the file.
func (u *updater) checkKind(rows, added []*fileRow, deleted map[int]bool) error {
	d := u.d
	cols := make([]*dataset.Column, len(d.Columns()))
	for i, c := range d.Columns() {
		cc := *c
		cols[i] = &cc
	}
	byKey := map[string]*fileRow{}
	for _, fr := range rows {
		byKey[fr.key] = fr
	}
	type origin struct {
		fr  *fileRow
		row int
	}
	var vals [][]tomlval.Value
	var from []origin
	put := func(fr *fileRow, base []tomlval.Value, row int) {
		v := slices.Clone(base)
		if fr != nil {
			for ci, x := range fr.vals {
				v[ci] = x
			}
		}
		vals, from = append(vals, v), append(from, origin{fr, row})
	}
	empty := make([]tomlval.Value, len(cols))
	before := map[int][]*fileRow{}
	for _, fr := range added {
		before[fr.next] = append(before[fr.next], fr)
	}
	for i, r := range u.rows {
		for _, fr := range before[i] {
			put(fr, empty, -1)
		}
		if !deleted[i] {
			put(byKey[r.key], r.vals, i)
		}
	}
	for _, fr := range before[-1] {
		put(fr, empty, -1)
	}
	nd, err := dataset.New(dataset.Dataset{ID: d.ID}, d.Kind(), cols, vals)
	if err != nil {
		return err
	}
	var errs diag.List
	for _, pr := range dataset.CheckKind(nd) {
		if pr.Row < 0 {
			errs.Addf(u.at("kind"), "%s", pr.Msg)
			continue
		}
		o := from[pr.Row]
		pos := u.at(fmt.Sprintf("rows[%d]", o.row))
		if o.fr != nil {
			pos = o.fr.pos
			if c := d.Column(pr.Column); c != nil {
				if p, ok := o.fr.at[c.Index]; ok {
					pos = p
				}
			}
		}
		msg := pr.Msg
		if pr.First >= 0 {
			first := "a row of " + u.file
			if f := from[pr.First]; f.fr != nil {
				first = fmt.Sprintf("on line %d", f.fr.pos.Line)
			}
			msg = strings.Replace(msg, dataset.FirstMark, first, 1)
		}
		errs.Addf(pos, "%s", msg)
	}
	return errs.Err()
}

// valueSpan is where path's value is in the text.
func (u *updater) valueSpan(path string) (int, int) {
	p, _ := u.ix.Lookup(path)
	start := u.ed.off(p)
	return start, tokenEnd(u.ed.src, start)
}

// lines is the span of the lines that hold path's key and value.
func (u *updater) lines(path string) (int, int) {
	_, end := u.valueSpan(path)
	return u.ed.lineStart(u.ed.off(u.ix.Key(path))), u.ed.nextLine(end)
}

// keyLines is lines for a key of row i.
func (u *updater) keyLines(i int, key string) (int, int) {
	return u.lines(fmt.Sprintf("rows[%d].%s", i, key))
}

// ownKeys are row i's own keys (not its revisions), in file order.
func (u *updater) ownKeys(i int) []string {
	var keys []string
	for k := range u.rows[i].raw {
		if k != "revisions" {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		return u.ed.off(u.ix.Find(fmt.Sprintf("rows[%d].%s", i, a))) - u.ed.off(u.ix.Find(fmt.Sprintf("rows[%d].%s", i, b)))
	})
	return keys
}

// ownEnd is the start of the line after row i's last own key.
func (u *updater) ownEnd(i int) int {
	keys := u.ownKeys(i)
	if len(keys) == 0 {
		return u.ed.nextLine(u.ed.off(u.ix.Find(fmt.Sprintf("rows[%d]", i))))
	}
	_, end := u.keyLines(i, keys[len(keys)-1])
	return end
}

// columnPlace is where a new cell of column c goes in row i: after the
// row's last cell of an earlier column, so the columns keep their order.
func (u *updater) columnPlace(i int, c *dataset.Column) int {
	keys := u.ownKeys(i)
	at := -1
	for _, k := range keys {
		col := u.d.Column(k)
		if col != nil && col.Index < c.Index {
			_, at = u.keyLines(i, k)
		}
	}
	if at >= 0 {
		return at
	}
	for _, k := range keys {
		if u.d.Column(k) != nil {
			start, _ := u.keyLines(i, k)
			return start
		}
	}
	return u.ownEnd(i)
}

// revisionEnd is the start of the line after the revision at path
// ("rows[3].revisions[0]").
func (u *updater) revisionEnd(path string) int {
	end := u.ed.nextLine(u.ed.off(u.ix.Find(path)))
	for k := range u.revision(path) {
		_, e := u.lines(path + "." + k)
		end = max(end, e)
	}
	return end
}

// revision is the table at path.
func (u *updater) revision(path string) map[string]any {
	var i, j int
	fmt.Sscanf(path, "rows[%d].revisions[%d]", &i, &j)
	return u.rows[i].raw["revisions"].([]map[string]any)[j]
}

// rowEnd is the start of the line after row i's last line (its revisions
// included).
func (u *updater) rowEnd(i int) int {
	end := u.ownEnd(i)
	if revs, ok := u.rows[i].raw["revisions"].([]map[string]any); ok {
		for j := range revs {
			end = max(end, u.revisionEnd(fmt.Sprintf("rows[%d].revisions[%d]", i, j)))
		}
	}
	return end
}

// deleteRow removes row i's lines (its header to its last line) and the
// blank line before it; comments stay.
func (u *updater) deleteRow(i int) {
	start := u.ed.lineStart(u.ed.off(u.ix.Find(fmt.Sprintf("rows[%d]", i))))
	u.ed.deleteLines(start, u.rowEnd(i))
	u.ed.deleteBlankBefore(start)
}

// editor edits a text at byte offsets of the original.
type editor struct {
	src   []byte
	lines []int // the offset of each line's start
	edits []edit
	crlf  bool // the file ends its lines with CR LF: so do the new ones
}

type edit struct {
	start, end int
	text       string
	seq        int
}

func newEditor(src []byte) *editor {
	e := &editor{src: src, lines: []int{0}, crlf: bytes.Contains(src, []byte("\r\n"))}
	for i, c := range src {
		if c == '\n' {
			e.lines = append(e.lines, i+1)
		}
	}
	return e
}

func (e *editor) off(p tomlpos.Pos) int {
	if p.Line < 1 || p.Line > len(e.lines) {
		return len(e.src)
	}
	return min(e.lines[p.Line-1]+p.Col-1, len(e.src))
}

func (e *editor) startsWith(ix *tomlpos.Index, path, prefix string) bool {
	p, ok := ix.Lookup(path)
	return ok && bytes.HasPrefix(e.src[e.off(p):], []byte(prefix))
}

func (e *editor) lineStart(off int) int {
	return bytes.LastIndexByte(e.src[:off], '\n') + 1
}

// nextLine is the start of the line after the one holding off.
func (e *editor) nextLine(off int) int {
	i := bytes.IndexByte(e.src[off:], '\n')
	if i < 0 {
		return len(e.src)
	}
	return off + i + 1
}

func (e *editor) text(start, end int) string { return string(e.src[start:end]) }

func (e *editor) replace(start, end int, text string) {
	e.edits = append(e.edits, edit{start, end, text, len(e.edits)})
}

func (e *editor) insert(at int, text string) { e.replace(at, at, text) }

func (e *editor) deleteLines(start, end int) { e.replace(start, end, "") }

// deleteBlankBefore deletes the blank line before off, if there is one.
func (e *editor) deleteBlankBefore(off int) {
	if off >= 1 && e.src[off-1] == '\n' {
		prev := e.lineStart(off - 1)
		if len(bytes.TrimSpace(e.src[prev:off])) == 0 && prev < off {
			e.replace(prev, off, "")
		}
	}
}

// leadingComments is the start of the comment lines right above the line
// at off: they belong to the row below them.
func (e *editor) leadingComments(off int) int {
	for off > 0 {
		prev := e.lineStart(off - 1)
		line := bytes.TrimSpace(e.src[prev : off-1])
		if len(line) == 0 || line[0] != '#' {
			break
		}
		off = prev
	}
	return off
}

func (e *editor) changed() bool { return len(e.edits) > 0 }

// apply makes the edited text; edits at one place go in the order made.
func (e *editor) apply() ([]byte, error) {
	edits := slices.Clone(e.edits)
	slices.SortStableFunc(edits, func(a, b edit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		// Insertions before a deletion or replacement at the same place.
		ai, bi := a.start == a.end, b.start == b.end
		switch {
		case ai && !bi:
			return -1
		case bi && !ai:
			return 1
		}
		return a.seq - b.seq
	})
	var b bytes.Buffer
	at := 0
	for _, ed := range edits {
		if ed.start < at {
			return nil, fmt.Errorf("import --update: two edits overlap at byte %d (please report this)", ed.start)
		}
		b.Write(e.src[at:ed.start])
		text := ed.text
		if e.crlf {
			text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")
		}
		b.WriteString(text)
		at = ed.end
	}
	b.Write(e.src[at:])
	return b.Bytes(), nil
}

// tokenEnd is the end of the TOML value that starts at i: a string (basic,
// literal or multi-line), or a number, date, time or boolean.
func tokenEnd(src []byte, i int) int {
	if i >= len(src) {
		return i
	}
	q := src[i]
	if q == '"' || q == '\'' {
		if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
			for j := i + 3; j < len(src); j++ {
				if q == '"' && src[j] == '\\' {
					j++
					continue
				}
				if src[j] == q && j+2 < len(src) && src[j+1] == q && src[j+2] == q {
					j += 3
					for j < len(src) && src[j] == q {
						j++
					}
					return j
				}
			}
			return len(src)
		}
		for j := i + 1; j < len(src) && src[j] != '\n'; j++ {
			if q == '"' && src[j] == '\\' {
				j++
				continue
			}
			if src[j] == q {
				return j + 1
			}
		}
		return len(src)
	}
	j := i
	for j < len(src) {
		c := src[j]
		if c == ' ' && j-i == 10 && src[i+4] == '-' && src[i+7] == '-' && j+1 < len(src) && src[j+1] >= '0' && src[j+1] <= '9' {
			j++
			continue
		}
		if strings.IndexByte(",]}# \t\r\n", c) >= 0 {
			break
		}
		j++
	}
	return j
}
