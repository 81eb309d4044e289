package block

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/tomlval"
	"github.com/brief-desk/brief/internal/view"
)

// Selection is a ```chart, ```table or ```changes block: rows of one
// dataset and how to show them. Keys left out are zero; Bind fills in the
// defaults of the dataset's kind.
type Selection struct {
	Base
	Dataset  string
	Title    string
	Subtitle string
	Type     view.ChartType // "" for the kind's default
	X        string         // column
	Y        []string       // columns
	Where    []expr.Where
	From, To time.Time
	Sort     string // column name, without the '-'
	Desc     bool
	Limit    int
	Columns  []string
	Marks    []MarkLine
	Height   int // pixels; 0 for the default
}

// MarkLine is a labelled reference line at a y value or an x value (a date
// or a category).
type MarkLine struct {
	Y     *float64
	X     *tomlval.Value
	Label string
	Pos   diag.Pos
}

// MaxTables is the most chart, table and changes blocks a briefing holds:
// each is a sheet of its workbook, and excelize's cost per sheet table
// grows with the number of tables before it.
const MaxTables = 200

const tablesGroup = "chart and table blocks (its workbook has a sheet for each)"

var (
	commonKeys = []string{"dataset", "title", "subtitle", "where", "from", "to", "sort", "limit", "columns"}
	chartKeys  = []string{"type", "x", "y", "mark_lines", "height"}
	// A changes block's window is fixed: from the previous briefing to this one.
	changesKeys = []string{"dataset", "title", "subtitle", "where", "columns", "limit"}
)

func init() {
	Register(Kind{Name: "chart", Parse: func(p *Parser) Block { return parseSelection(p, true) }, Max: MaxTables, Group: tablesGroup})
	Register(Kind{Name: "table", Parse: func(p *Parser) Block { return parseSelection(p, false) }, Max: MaxTables, Group: tablesGroup})
	Register(Kind{Name: "changes", Parse: func(p *Parser) Block { return parseSelection(p, false) }, Max: MaxTables, Group: tablesGroup})
}

// Datasets names the block's dataset.
func (s *Selection) Datasets() []string { return []string{s.Dataset} }

// parseSelection reads a chart, table or changes block.
func parseSelection(p *Parser, chart bool) Block {
	m := p.Map()
	b := &Selection{Base: p.Base(chart)}
	checkKeys(p, b.Name)
	b.Dataset = p.Str("dataset")
	if b.Dataset == "" && m["dataset"] == nil {
		p.Addf(p.Fence(), "missing dataset: add dataset = \"<id>\", the name of a file in data/ without .toml")
	}
	b.Title = p.Str("title")
	b.Subtitle = p.Str("subtitle")
	b.Type = view.ChartType(p.Str("type"))
	if b.Type != "" && !slices.Contains(view.ChartTypes, b.Type) {
		p.Errorf("type", "type: unknown chart type %s; use line, bar, area or scatter", diag.Quote(string(b.Type)))
	}
	b.X = p.Str("x")
	b.Y = p.Strs("y")
	b.Columns = p.Strs("columns")
	if s := p.Str("sort"); s != "" {
		b.Sort, b.Desc = strings.TrimPrefix(s, "-"), strings.HasPrefix(s, "-")
	}
	b.From, b.To = p.Date("from"), p.Date("to")
	if !b.From.IsZero() && !b.To.IsZero() && b.To.Before(b.From) {
		p.Errorf("to", "to: %s is before from %s", b.To.Format(time.DateOnly), b.From.Format(time.DateOnly))
	}
	b.Limit = p.Integer("limit", 1, 1_000_000)
	b.Height = p.Integer("height", 120, 2000)
	b.Where = p.Where()
	b.Marks = markLines(p)
	if p.Failed() {
		return nil
	}
	return b
}

// checkKeys reports unknown keys, and chart keys in a table block.
func checkKeys(p *Parser, kind string) {
	known := slices.Concat(commonKeys, chartKeys)
	if kind == "changes" {
		known = changesKeys
	}
	for _, k := range p.Keys() {
		switch {
		case kind == "changes" && !slices.Contains(changesKeys, k):
			p.Addf(p.KeyAt(k), "%s", tomlval.UnknownKey(k, known, "a changes block's keys"))
		case slices.Contains(commonKeys, k), kind == "chart" && slices.Contains(chartKeys, k):
		case slices.Contains(chartKeys, k):
			p.Addf(p.KeyAt(k), "%s applies to chart blocks only; use ```chart, or remove it", diag.Quote(k))
		default:
			p.Addf(p.KeyAt(k), "%s", tomlval.UnknownKey(k, known, "keys"))
		}
	}
}

// markLines reads the list of reference lines.
func markLines(p *Parser) []MarkLine {
	list, ok := p.Tables("mark_lines")
	if !ok {
		p.Errorf("mark_lines", "mark_lines: want a list such as [{ y = 35.0, label = \"Early January\" }], got %s", tomlval.Describe(p.Map()["mark_lines"]))
	}
	var out []MarkLine
	for i, t := range list {
		out = append(out, markLine(p, fmt.Sprintf("mark_lines[%d]", i), t))
	}
	return out
}

func markLine(p *Parser, path string, t map[string]any) MarkLine {
	ml := MarkLine{Pos: p.At(path)}
	for _, k := range sortedKeys(t) {
		kp := p.At(path + "." + k)
		switch k {
		case "label":
			s, err := tomlval.Text(t[k])
			if err != nil {
				p.Addf(kp, "%s.label: %v", path, err)
			}
			ml.Label = s
		case "y":
			v, err := tomlval.FromTOML(t[k])
			if err != nil || v.Type != tomlval.Number {
				p.Addf(kp, "%s.y: want a number, got %s", path, tomlval.Describe(t[k]))
				continue
			}
			ml.Y = &v.Num
		case "x":
			v, err := tomlval.FromTOML(t[k])
			if err != nil {
				p.Addf(kp, "%s.x: %v", path, err)
				continue
			}
			ml.X = &v
		default:
			p.Addf(p.KeyAt(path+"."+k), "%s: unknown key %s; a mark line has y or x, and label", path, diag.Quote(k))
		}
	}
	if (ml.Y == nil) == (ml.X == nil) {
		p.Addf(ml.Pos, "%s: give exactly one of y (a value) or x (a date or category)", path)
	}
	return ml
}
