package block

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"time"

	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/tomlval"
	"github.com/brief-desk/brief/internal/view"
)

// Numbers is a ```numbers block: a row of key-number cards.
type Numbers struct {
	Base
	Cards []*Card
}

// Card is one headline figure: an inline value, with an optional change
// (another inline value, shown green up and red down) and a note.
type Card struct {
	Label  string
	Value  *expr.Inline
	Change *expr.Inline // nil without one
	Note   string
	Pos    diag.Pos // the [[card]] header
}

// MaxNumbers is the most numbers blocks a briefing holds. Far more than a
// page shows, it keeps a hostile briefing cheap to refuse.
const MaxNumbers = 100

var cardKeys = []string{"label", "value", "change", "note"}

func init() {
	Register(Kind{Name: "numbers", Parse: parseNumbers, Max: MaxNumbers, Group: "numbers blocks"})
}

// Datasets names the datasets of the cards' values and changes.
func (n *Numbers) Datasets() []string {
	var ids []string
	for _, c := range n.Cards {
		ids = append(ids, c.Value.Dataset)
		if c.Change != nil {
			ids = append(ids, c.Change.Dataset)
		}
	}
	return ids
}

// parseNumbers reads a numbers block's TOML; its card expressions become
// inline values of the briefing.
func parseNumbers(p *Parser) Block {
	for _, k := range p.Keys() {
		if k != "card" {
			p.Addf(p.KeyAt(k), "%s", tomlval.UnknownKey(k, []string{"card"}, "keys"))
		}
	}
	cards, ok := p.Map()["card"].([]map[string]any)
	if !ok || len(cards) == 0 {
		p.Addf(p.Fence(), "a numbers block needs [[card]] tables, each with label and value = \"dataset.column\"")
		return nil
	}
	n := &Numbers{Base: p.Base(true)}
	for i, c := range cards {
		path := fmt.Sprintf("card[%d]", i)
		card := &Card{Pos: p.At(path)}
		for _, k := range sortedKeys(c) {
			if !slices.Contains(cardKeys, k) {
				p.Addf(p.KeyAt(path+"."+k), "%s: %s", path, tomlval.UnknownKey(k, cardKeys, "card keys"))
			}
		}
		text := func(k string, required bool) string {
			x, ok := c[k]
			if !ok {
				if required {
					p.Addf(card.Pos, "%s: missing %s", path, k)
				}
				return ""
			}
			s, err := tomlval.Text(x)
			if err != nil {
				p.Errorf(path+"."+k, "%s.%s: %v", path, k, err)
			}
			return s
		}
		card.Label, card.Note = text("label", true), text("note", false)
		for _, k := range []string{"value", "change"} {
			if e := text(k, k == "value"); e != "" {
				in := p.Inline(e, path+"."+k, "numbers block: "+path+"."+k)
				if k == "value" {
					card.Value = in
				} else {
					card.Change = in
				}
			}
		}
		n.Cards = append(n.Cards, card)
	}
	if p.Failed() {
		return nil
	}
	return n
}

// boundNumbers is a numbers block with its cards' figures.
type boundNumbers struct {
	n       *Numbers
	figures []*view.Figure
}

// Bind finds the cards' figures, bound with the briefing's inline values,
// and gives each value its sparkline.
func (n *Numbers) Bind(c *Context) (Bound, error) {
	for _, card := range n.Cards {
		f := c.Figures[card.Value.Index]
		if f == nil {
			continue // its error is reported
		}
		var since time.Time
		if card.Change != nil && c.Figures[card.Change.Index] != nil {
			since = c.Figures[card.Change.Index].Base
		}
		f.AddSpark(since, c.Date)
	}
	return &boundNumbers{n: n, figures: c.Figures}, nil
}

func (b *boundNumbers) Tables() []*view.View { return nil }

// Render writes the cards: as the "cards" template on a page, "email-cards"
// in an email, and a list in text.
func (b *boundNumbers) Render(w io.Writer, env *Env) error {
	if env.Output == Text {
		for _, c := range b.n.Cards {
			line := c.Label + ": " + b.figures[c.Value.Index].Text + unitOf(b.figures[c.Value.Index])
			if c.Change != nil {
				line += " (" + b.figures[c.Change.Index].Text + ")"
			}
			if c.Note != "" {
				line += ", " + c.Note
			}
			if _, err := fmt.Fprintln(w, "* "+line); err != nil {
				return err
			}
		}
		return nil
	}
	cards, spark, err := b.cards(env.Figure)
	if err != nil {
		return err
	}
	if env.Output == Email {
		return env.Template(w, "email-cards", cards)
	}
	if spark && env.Charts != nil {
		env.Charts()
	}
	return env.Template(w, "cards", cards)
}

// unitOf is what a card shows after its value: a space and the column's
// unit, when the value is in the column's own units and its format does
// not already say them ($, %).
func unitOf(f *view.Figure) string {
	in := f.Inline
	if in.Column == "" || in.Func == expr.FuncChange || in.Func == expr.FuncCount || len(in.Dir) > 0 {
		return ""
	}
	c := f.Data.Column(in.Column)
	if c == nil || c.Unit == "" || c.Type != dataset.Number {
		return ""
	}
	switch c.Format {
	case dataset.FormatUSD, dataset.FormatUSDCompact, dataset.FormatPercent:
		return ""
	}
	return "\u00a0" + c.Unit
}

// cardData is what the "cards" and "email-cards" templates receive for one
// card.
type cardData struct {
	Label, Note string
	Value       template.HTML // the figure element
	Change      template.HTML // the change's figure element, or ""
	Direction   string        // up, down or flat
	Arrow       string        // ▲, ▼ or ▬: the change's direction without colour
	Spark       string        // the sparkline's values as JSON, or ""
	SparkAlt    string
}

// cards prepares the cards, their figures written by fig; spark reports a
// sparkline, which needs the chart scripts.
func (b *boundNumbers) cards(fig func(io.Writer, *view.Figure) error) (cards []cardData, spark bool, err error) {
	for _, c := range b.n.Cards {
		f := b.figures[c.Value.Index]
		var value bytes.Buffer
		if err := fig(&value, f); err != nil {
			return nil, false, err
		}
		if u := unitOf(f); u != "" {
			value.WriteString(`<span class="card-unit">` + template.HTMLEscapeString(u) + `</span>`)
		}
		cd := cardData{Label: c.Label, Note: c.Note, Value: template.HTML(value.String())}
		if c.Change != nil {
			ch := b.figures[c.Change.Index]
			var change bytes.Buffer
			if err := fig(&change, ch); err != nil {
				return nil, false, err
			}
			cd.Change, cd.Direction, cd.Arrow = template.HTML(change.String()), "flat", "▬"
			if x := ch.Value; x.Type == dataset.Number && x.Num > 0 {
				cd.Direction, cd.Arrow = "up", "▲"
			} else if x.Type == dataset.Number && x.Num < 0 {
				cd.Direction, cd.Arrow = "down", "▼"
			}
		}
		if f.Spark != nil {
			js, err := json.Marshal(f.Spark.Values)
			if err != nil {
				return nil, false, err
			}
			cd.Spark, cd.SparkAlt, spark = string(js), f.Spark.Alt, true
		}
		cards = append(cards, cd)
	}
	return cards, spark, nil
}
