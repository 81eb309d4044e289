package derive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/tomlval"
)

// conn is one in-memory database: the datasets' states loaded once each
// (tables in main, named by internal names a query cannot read), and, for
// the run at hand, a temporary view or table per dataset id holding what a
// briefing of that date sees.
type conn struct {
	db     *sqlite3.Conn
	user   bool            // the authorizer holds the query to its rules
	ids    map[string]bool // dataset ids: the names a query may read
	reads  []string        // what the query being prepared reads
	denied string          // what the authorizer refused, for the message
	tables map[*dataset.Dataset]string
	temps  map[string]string // dataset id -> "view" or "table" made for it
}

// internal names the tables of the datasets' states: a query reading one
// directly (not through its dataset's view) is refused.
const internal = "brief_state_"

func openConn(ids []string) (*conn, error) {
	db, err := sqlite3.OpenFlags(":memory:", sqlite3.OPEN_READWRITE|sqlite3.OPEN_CREATE|sqlite3.OPEN_MEMORY|sqlite3.OPEN_NOFOLLOW)
	if err != nil {
		return nil, fmt.Errorf("open the query database: %w", err)
	}
	c := &conn{db: db, ids: map[string]bool{}, tables: map[*dataset.Dataset]string{}, temps: map[string]string{}}
	for _, id := range ids {
		c.ids[id] = true
	}
	db.Limit(sqlite3.LIMIT_ATTACHED, 0)
	for _, cfg := range []struct {
		op sqlite3.DBConfig
		on bool
	}{
		{sqlite3.DBCONFIG_DEFENSIVE, true},
		{sqlite3.DBCONFIG_ENABLE_LOAD_EXTENSION, false},
		{sqlite3.DBCONFIG_TRUSTED_SCHEMA, false},
		{sqlite3.DBCONFIG_ENABLE_TRIGGER, false},
	} {
		if _, err := db.Config(cfg.op, cfg.on); err != nil {
			db.Close()
			return nil, fmt.Errorf("set up the query database: %w", err)
		}
	}
	if err := db.SetAuthorizer(c.authorize); err != nil {
		db.Close()
		return nil, fmt.Errorf("set up the query database: %w", err)
	}
	return c, nil
}

func (c *conn) close() { c.db.Close() }

// refusedFunctions read or write files, or load code; SQLite as built here
// has none of them but load_extension, and the list stands guard should a
// build add one.
var refusedFunctions = map[string]bool{"load_extension": true, "readfile": true, "writefile": true, "edit": true, "fts3_tokenizer": true, "fsdir": true}

// authorize is SQLite's authorizer: brief's own statements pass; a query
// may only select, read the datasets (the internal tables only through
// their views) and call functions that touch no file.
func (c *conn) authorize(action sqlite3.AuthorizerActionCode, a3, a4, schema, inner string) sqlite3.AuthorizerReturnCode {
	if !c.user {
		return sqlite3.AUTH_OK
	}
	switch action {
	case sqlite3.AUTH_SELECT, sqlite3.AUTH_RECURSIVE:
		return sqlite3.AUTH_OK
	case sqlite3.AUTH_READ:
		// The states' tables are read through the views named by dataset
		// ids. A query naming one directly never runs: every query is
		// first prepared on a database that has none (Engine.plan).
		if inner == "" && strings.HasPrefix(a3, "sqlite_") {
			c.deny("reading " + a3)
			return sqlite3.AUTH_DENY
		}
		for _, name := range []string{a3, inner} {
			if c.ids[name] && !slices.Contains(c.reads, name) {
				c.reads = append(c.reads, name)
			}
		}
		return sqlite3.AUTH_OK
	case sqlite3.AUTH_FUNCTION:
		if refusedFunctions[strings.ToLower(a4)] {
			c.deny(a4 + "()")
			return sqlite3.AUTH_DENY
		}
		return sqlite3.AUTH_OK
	}
	c.deny(cmp.Or(actionNames[action], "that statement"))
	return sqlite3.AUTH_DENY
}

// deny records the first thing the authorizer refused, for the message.
func (c *conn) deny(what string) {
	if c.denied == "" {
		c.denied = what
	}
}

var actionNames = map[sqlite3.AuthorizerActionCode]string{
	sqlite3.AUTH_PRAGMA: "PRAGMA", sqlite3.AUTH_ATTACH: "ATTACH", sqlite3.AUTH_DETACH: "DETACH",
	sqlite3.AUTH_INSERT: "INSERT", sqlite3.AUTH_UPDATE: "UPDATE", sqlite3.AUTH_DELETE: "DELETE",
	sqlite3.AUTH_TRANSACTION: "a transaction", sqlite3.AUTH_SAVEPOINT: "SAVEPOINT",
	sqlite3.AUTH_ANALYZE: "ANALYZE", sqlite3.AUTH_REINDEX: "REINDEX", sqlite3.AUTH_ALTER_TABLE: "ALTER TABLE",
	sqlite3.AUTH_CREATE_TABLE: "CREATE TABLE", sqlite3.AUTH_CREATE_TEMP_TABLE: "CREATE TABLE",
	sqlite3.AUTH_CREATE_VIEW: "CREATE VIEW", sqlite3.AUTH_CREATE_TEMP_VIEW: "CREATE VIEW",
	sqlite3.AUTH_CREATE_INDEX: "CREATE INDEX", sqlite3.AUTH_CREATE_TEMP_INDEX: "CREATE INDEX",
	sqlite3.AUTH_CREATE_TRIGGER: "CREATE TRIGGER", sqlite3.AUTH_CREATE_TEMP_TRIGGER: "CREATE TRIGGER",
	sqlite3.AUTH_CREATE_VTABLE: "CREATE VIRTUAL TABLE",
	sqlite3.AUTH_DROP_TABLE:    "DROP TABLE", sqlite3.AUTH_DROP_TEMP_TABLE: "DROP TABLE",
	sqlite3.AUTH_DROP_VIEW: "DROP VIEW", sqlite3.AUTH_DROP_TEMP_VIEW: "DROP VIEW",
	sqlite3.AUTH_DROP_INDEX: "DROP INDEX", sqlite3.AUTH_DROP_TEMP_INDEX: "DROP INDEX",
	sqlite3.AUTH_DROP_TRIGGER: "DROP TRIGGER", sqlite3.AUTH_DROP_TEMP_TRIGGER: "DROP TRIGGER",
	sqlite3.AUTH_DROP_VTABLE: "DROP TABLE",
}

// ident quotes a name for SQL; names are dataset ids and column names,
// which hold no quote, but quoting them all the same costs nothing.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// queryError is a problem with a query, at a byte offset of its text
// (-1: the whole query).
type queryError struct {
	msg    string
	offset int
}

func (e *queryError) Error() string { return e.msg }

// missingTable is a query naming a table that does not exist (yet).
type missingTable struct {
	queryError
	name string
}

// prepared is what preparing a query told: the datasets it reads and the
// names of its result's columns.
type prepared struct {
	reads []string
	names []string
}

// declare makes a temporary table named id with the columns, for plan.
func (c *conn) declare(id string, cols []string) error {
	q := make([]string, len(cols))
	for i, n := range cols {
		q[i] = ident(n)
	}
	if len(q) == 0 {
		q = []string{ident("_")}
	}
	return c.db.Exec("DROP TABLE IF EXISTS temp." + ident(id) + "; CREATE TEMP TABLE " + ident(id) + "(" + strings.Join(q, ", ") + ")")
}

// prepare compiles a query under the authorizer, as one read-only SELECT.
func (c *conn) prepare(q *dataset.Derivation, ids []string) (*prepared, error) {
	stmt, err := c.compile(q.Query, ids)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	p := &prepared{reads: sortedCopy(c.reads)}
	for i := range stmt.ColumnCount() {
		p.names = append(p.names, stmt.ColumnName(i))
	}
	return p, nil
}

// compile prepares text as the query, with the authorizer on, and checks
// that it is one statement that only reads.
func (c *conn) compile(text string, ids []string) (*sqlite3.Stmt, error) {
	c.user, c.reads, c.denied = true, nil, ""
	defer func() { c.user = false }()
	stmt, tail, err := c.db.PrepareFlags(text, 0)
	if err != nil {
		return nil, c.explain(err, text, ids)
	}
	if stmt == nil {
		return nil, &queryError{msg: "the query holds no statement: write a SELECT over the other datasets", offset: -1}
	}
	if rest, _, err := c.db.Prepare(tail); rest != nil || err != nil {
		if rest != nil {
			rest.Close()
		}
		stmt.Close()
		return nil, &queryError{msg: "write one SELECT statement: more follows the first", offset: len(text) - len(tail)}
	}
	if !stmt.ReadOnly() || stmt.ColumnCount() == 0 {
		stmt.Close()
		return nil, &queryError{msg: "write one SELECT statement: a derived dataset's query only reads the datasets", offset: -1}
	}
	return stmt, nil
}

// explain makes SQLite's error a message a desk can act on, at the
// offset SQLite gives.
func (c *conn) explain(err error, text string, ids []string) error {
	var se *sqlite3.Error
	if !errors.As(err, &se) {
		return &queryError{msg: err.Error(), offset: -1}
	}
	off := -1
	if tail := se.SQL(); tail != "" && strings.HasSuffix(text, tail) {
		off = len(text) - len(tail)
	}
	msg := strings.TrimPrefix(se.Error(), "sqlite3: ")
	if i := strings.Index(msg, ": "); i >= 0 {
		msg = msg[i+2:] // "SQL logic error: no such table: x" -> "no such table: x"
	}
	switch {
	case c.denied != "" && errors.Is(err, sqlite3.AUTH):
		return &queryError{msg: fmt.Sprintf("%s is not allowed: a derived dataset's query only selects from the datasets", c.denied), offset: off}
	case strings.HasPrefix(msg, "no such table: "):
		name := strings.TrimPrefix(msg, "no such table: ")
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		return &missingTable{queryError{msg: fmt.Sprintf("no dataset %s%s; datasets are %s", diag.Quote(name), tomlval.Suggest(name, ids), diag.Names(ids)), offset: off}, name}
	case strings.HasPrefix(msg, "no such column: "):
		return &queryError{msg: msg + " (a table's columns are its dataset's column names)", offset: off}
	}
	return &queryError{msg: msg, offset: off}
}

// load makes a table of a dataset's state once per database.
func (c *conn) load(d *dataset.Dataset) (string, error) {
	if name, ok := c.tables[d]; ok {
		return name, nil
	}
	name := fmt.Sprintf("%s%d", internal, len(c.tables))
	if err := c.fill("main."+ident(name), d.ColumnNames(), d.Len(), func(r int, col int) dataset.Value {
		return d.Value(r, d.Columns()[col])
	}); err != nil {
		return "", err
	}
	if dc := d.DateColumn(); dc != nil {
		// The as-of cut and the usual ORDER BY date read this index, not
		// every row and a sort.
		if err := c.db.Exec("CREATE INDEX main." + ident(name+"_date") + " ON " + ident(name) + "(" + ident(dc.Name) + ")"); err != nil {
			return "", err
		}
	}
	c.tables[d] = name
	return name, nil
}

// fill creates table (a qualified name) with the columns and inserts n
// rows of cell values, in one transaction. Numbers go in as REAL, so that
// dividing two whole numbers never truncates; dates as YYYY-MM-DD text.
func (c *conn) fill(table string, cols []string, n int, cell func(r, col int) dataset.Value) error {
	q := make([]string, len(cols))
	marks := make([]string, len(cols))
	for i, name := range cols {
		q[i], marks[i] = ident(name), "?"
	}
	if err := c.db.Exec("CREATE TABLE " + table + "(" + strings.Join(q, ", ") + ")"); err != nil {
		return err
	}
	if n == 0 || len(cols) == 0 {
		return nil
	}
	if err := c.db.Exec("BEGIN"); err != nil {
		return err
	}
	ins, _, err := c.db.Prepare("INSERT INTO " + table + " VALUES (" + strings.Join(marks, ", ") + ")")
	if err != nil {
		c.db.Exec("ROLLBACK")
		return err
	}
	defer ins.Close()
	for r := range n {
		for i := range cols {
			if err := bind(ins, i+1, cell(r, i)); err != nil {
				c.db.Exec("ROLLBACK")
				return err
			}
		}
		if err := ins.Exec(); err != nil {
			c.db.Exec("ROLLBACK")
			return err
		}
	}
	return c.db.Exec("COMMIT")
}

func bind(s *sqlite3.Stmt, i int, v dataset.Value) error {
	switch v.Type {
	case dataset.Number:
		return s.BindFloat(i, v.Num)
	case dataset.String:
		return s.BindText(i, v.Str)
	case dataset.Date:
		return s.BindText(i, v.Date().Format(time.DateOnly))
	case dataset.Bool:
		if v.Bool {
			return s.BindInt(i, 1)
		}
		return s.BindInt(i, 0)
	}
	return s.BindNull(i)
}

// stage makes the temporary view of a dataset's state as of day (zero:
// every row), named by the dataset's id.
func (c *conn) stage(id string, d *dataset.Dataset, day time.Time) error {
	tbl, err := c.load(d)
	if err != nil {
		return err
	}
	cols := make([]string, len(d.Columns()))
	for i, n := range d.ColumnNames() {
		cols[i] = ident(n)
	}
	where := ""
	if dc := d.DateColumn(); dc != nil && !day.IsZero() {
		where = fmt.Sprintf(" WHERE %s <= '%s'", ident(dc.Name), day.Format(time.DateOnly))
		if d.Undated() > 0 { // rows without a date are seen on every date
			where = fmt.Sprintf(" WHERE %s IS NULL OR %s <= '%s'", ident(dc.Name), ident(dc.Name), day.Format(time.DateOnly))
		}
	}
	if len(cols) == 0 {
		cols = []string{"NULL AS " + ident("_")}
	}
	return c.db.Exec(c.drop(id) + "CREATE TEMP VIEW " + ident(id) + " AS SELECT " + strings.Join(cols, ", ") + " FROM main." + ident(tbl) + where)
}

// drop is the statement that removes what stands for id in temp.
func (c *conn) drop(id string) string {
	kind := c.temps[id]
	switch kind {
	case "view":
		return "DROP VIEW temp." + ident(id) + "; "
	case "table":
		return "DROP TABLE temp." + ident(id) + "; "
	}
	// plan's declared tables, on the database plan used
	return "DROP TABLE IF EXISTS temp." + ident(id) + "; "
}

// run runs id's query as of day: every table it reads staged as of day
// (derived ones from sources), then the query under the authorizer, the
// time limit and the row limit.
func (c *conn) run(ctx context.Context, e *Engine, id string, day time.Time, sources map[string]*dataset.Dataset) (*raw, error) {
	hint := 0 // rows the result may have: as many as its largest table, often
	for _, s := range e.reads[id] {
		if d := sources[s]; d != nil {
			hint = max(hint, d.Len())
			if err := c.db.Exec(c.drop(s)); err != nil {
				return nil, err
			}
			cols := d.ColumnNames()
			if err := c.fill("temp."+ident(s), cols, d.Len(), func(r, col int) dataset.Value { return d.Value(r, d.Columns()[col]) }); err != nil {
				return nil, err
			}
			c.temps[s] = "table"
			continue
		}
		st := stateOf(e.bases[s], day)
		hint = max(hint, st.Seen(day))
		if err := c.stage(s, st, day); err != nil {
			return nil, err
		}
		c.temps[s] = "view"
	}
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	old := c.db.SetInterrupt(tctx)
	defer c.db.SetInterrupt(old)
	q := e.defs[id].Derivation()
	stmt, err := c.compile(q.Query, e.ids)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	c.user = true
	defer func() { c.user = false }()
	r := &raw{rows: make([][]dataset.Value, 0, min(hint, MaxRows))}
	n := stmt.ColumnCount()
	dates := make([]bool, n) // columns whose text is read as dates here, without a string each
	for i := range n {
		r.names = append(r.names, stmt.ColumnName(i))
		dates[i] = e.isDate(id, r.names[i])
	}
	// Cells are allocated in blocks, rows cut from them: a result of a
	// million cells is a few allocations, not one per row, so the
	// collector has little to do while SQLite runs.
	var block []dataset.Value
	for stmt.Step() {
		if len(r.rows) == MaxRows {
			return nil, &queryError{msg: fmt.Sprintf("the query gives more than %s rows: a dataset holds at most that many; aggregate or filter", dataset.FormatValue(dataset.FormatInteger, tomlval.NumberValue(float64(MaxRows)))), offset: -1}
		}
		if len(block) < n {
			block = make([]dataset.Value, n*max(64, min(4096, hint-len(r.rows))))
		}
		row := block[:n:n]
		block = block[n:]
		for i := range n {
			v, err := c.cell(stmt, i, dates[i])
			if err != nil {
				return nil, &queryError{msg: fmt.Sprintf("row %d, column %s: %v", len(r.rows)+1, diag.Quote(r.names[i]), err), offset: -1}
			}
			row[i] = v
		}
		r.rows = append(r.rows, row)
	}
	if err := stmt.Err(); err != nil {
		if tctx.Err() != nil && ctx.Err() == nil {
			return nil, &queryError{msg: fmt.Sprintf("the query ran longer than %s and was stopped", Timeout), offset: -1}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, c.explain(err, q.Query, e.ids)
	}
	return r, nil
}

// cell reads a result's cell: INTEGER and REAL as numbers, TEXT as text
// (or, in a column of dates, as a date when it is one: YYYY-MM-DD), NULL
// as empty.
func (c *conn) cell(stmt *sqlite3.Stmt, i int, date bool) (dataset.Value, error) {
	switch stmt.ColumnType(i) {
	case sqlite3.INTEGER:
		return dataset.Value{Type: dataset.Number, Num: float64(stmt.ColumnInt64(i)), Int: true}, nil
	case sqlite3.FLOAT:
		f := stmt.ColumnFloat(i)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return dataset.Value{}, fmt.Errorf("the query gives %v; a dataset's numbers are finite", f)
		}
		return dataset.Value{Type: dataset.Number, Num: f}, nil
	case sqlite3.TEXT:
		if date {
			if d, ok := isoDate(stmt.ColumnRawText(i)); ok {
				return tomlval.DateValue(d), nil
			}
		}
		return dataset.Value{Type: dataset.String, Str: stmt.ColumnText(i)}, nil
	case sqlite3.BLOB:
		return dataset.Value{}, errors.New("the query gives a blob; give numbers, text or dates")
	}
	return dataset.Value{}, nil
}

// isoDate reads YYYY-MM-DD, a valid day, without allocating.
func isoDate(b []byte) (time.Time, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return time.Time{}, false
	}
	num := func(s []byte) int {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(b[:4]), num(b[5:7]), num(b[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // 31 February
	}
	return t, true
}

func sortedCopy(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}
