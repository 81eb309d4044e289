// Package view holds what is drawn from the data: a View is the rows and
// columns a block shows (a table, or a chart with its axes), and a Figure an
// inline value looked up as of the briefing's date. The chart, workbook, CSV
// and page renderers all draw from a View, so they always show the same
// rows. Package block binds blocks to views; this package binds inline
// values (BindFigure).
package view

import (
	"fmt"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
)

// View is a block bound to its data.
type View struct {
	Kind     string // the block's kind ("chart", "table", "changes"): its id and sheet name
	Index    int    // the block's index in its briefing
	Title    string
	Subtitle string
	Data     *dataset.Dataset
	Columns  []*dataset.Column // what the table, the chart's fallback and the sheet show
	Rows     []int             // row indices into Data, in display order
	AsOf     time.Time
	Chart    *Chart // how a chart draws; nil for a table
	// Notes are shown under the block in every output: the Note of each
	// of its Revisions.
	Notes     []string
	Revisions []Revision
	// Cells, when not nil, holds the cells shown in a format other than
	// their column's: Cells[r][i] for row r of Rows and column i of
	// Columns, nil for the column's own. A series changes table has a row
	// per number column of the series, each in that column's format.
	Cells [][]*Cell
}

// Cell is how a cell shows its number when not as its column does.
type Cell struct {
	Format dataset.Format
	Signed bool // a gain shows its plus sign, as a change does
}

// Format is the format of cell (r, i), row r of Rows and column i of
// Columns, and whether a gain shows its plus sign.
func (v *View) Format(r, i int) (dataset.Format, bool) {
	if v.Cells != nil {
		if c := v.Cells[r][i]; c != nil {
			return c.Format, c.Signed
		}
	}
	return v.Columns[i].Format, false
}

// Text is cell (r, i) as the page, the email and the text show it.
func (v *View) Text(r, i int) string {
	val := v.Value(r, v.Columns[i])
	f, signed := v.Format(r, i)
	s := dataset.FormatValue(f, val)
	if signed && val.Type == dataset.Number {
		s = Signed(s, val.Num)
	}
	return s
}

// Chart is what only a chart view has.
type Chart struct {
	Type   ChartType
	Height int // pixels
	X      *dataset.Column
	Y      []*dataset.Column
	Marks  []Mark
}

// Mark is a labelled reference line.
type Mark struct {
	Y     *float64
	X     *dataset.Value
	Label string
}

// Revision is a value a briefing shows that its source revised after the
// briefing's date: the briefing keeps what it published and says so.
type Revision struct {
	Dataset   string // the dataset's id
	Column    string // the column's label
	Row       string // the row: its date (Dated), or its first text cell
	Dated     bool
	On        time.Time // the day of the first revision after the briefing
	Published string    // as the briefing shows it
	Current   string    // as it is now
}

// Note is the revision as a reader sees it under a block: "Revised on 9
// January 2026: $38.50 (published: $38.00), Hashprice on 2025-12-01".
func (r Revision) Note() string {
	s := fmt.Sprintf("Revised on %s: %s (published: %s), %s", r.On.Format("2 January 2006"), r.Current, r.Published, r.Column)
	switch {
	case r.Dated:
		s += " on " + r.Row
	case r.Row != "":
		s += ", " + r.Row
	}
	return s
}

// ChartType is how a chart draws its series.
type ChartType string

// The chart types a block may ask for.
const (
	ChartLine    ChartType = "line"
	ChartBar     ChartType = "bar"
	ChartArea    ChartType = "area"
	ChartScatter ChartType = "scatter"
)

// ChartTypes lists them, for checks and messages.
var ChartTypes = []ChartType{ChartLine, ChartBar, ChartArea, ChartScatter}

// DefaultHeight is a chart's height when the block gives none.
const DefaultHeight = 380

// Value is the cell of row r (an index into Rows) in column c.
func (v *View) Value(r int, c *dataset.Column) dataset.Value {
	return v.Data.Value(v.Rows[r], c)
}

// Find returns the dataset with the id, or nil.
type Find func(id string) *dataset.Dataset

// String names the view for messages and logs.
func (v *View) String() string {
	return fmt.Sprintf("%s %d of %s (%d rows)", v.Kind, v.Index, v.Data.ID, len(v.Rows))
}
