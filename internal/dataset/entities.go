package dataset

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/brief-desk/brief/internal/diag"
)

// entityID is the form of an entity's id: the name of its page's folder.
var entityID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Entity is one row of an entities dataset.
type Entity struct {
	ID, Name, Ticker string
	Aliases          []string
	Row              int
}

// Terms are the names an entity goes by in prose: its name, ticker and
// aliases.
func (e *Entity) Terms() []string {
	out := []string{e.Name}
	if e.Ticker != "" {
		out = append(out, e.Ticker)
	}
	return append(out, e.Aliases...)
}

// Entities reads the rows of an entities dataset (nil for another kind).
func (d *Dataset) Entities() []*Entity {
	if d.kind != KindEntities {
		return nil
	}
	id, name, ticker, aliases := d.Column("id"), d.Column("name"), d.Column("ticker"), d.Column("aliases")
	out := make([]*Entity, len(d.rows))
	for r, row := range d.rows {
		e := &Entity{ID: row[id.Index].Str, Name: strings.TrimSpace(row[name.Index].Str), Row: r}
		if ticker != nil {
			e.Ticker = strings.TrimSpace(row[ticker.Index].Str)
		}
		if aliases != nil {
			for a := range strings.SplitSeq(row[aliases.Index].Str, ";") {
				if a = strings.TrimSpace(a); a != "" {
					e.Aliases = append(e.Aliases, a)
				}
			}
		}
		out[r] = e
	}
	return out
}

// checkEntities checks ids (slugs, unique) and that no name, ticker or
// alias names two entities (compared without case).
// MaxTermChars is the most characters an entity's name, ticker or alias
// has: mention search compares a term with the prose as far as they agree,
// at every word, so a term of thousands of characters made it quadratic.
const MaxTermChars = 200

func checkEntities(d *Dataset) []Problem {
	var out []Problem
	for _, name := range []string{"ticker", "aliases"} {
		if c := d.Column(name); c != nil && c.Type != String && c.Type != Empty {
			return []Problem{{Row: -1, Column: name, First: -1, Msg: fmt.Sprintf("column %s holds %ss; an entities dataset needs text in it", diag.Quote(name), c.Type)}}
		}
	}
	ids := map[string]int{}
	terms := map[string]int{} // lower-case term -> row
	for _, e := range d.Entities() {
		if e.ID == "" || e.Name == "" {
			continue // reported as missing
		}
		if !entityID.MatchString(e.ID) {
			out = append(out, Problem{Row: e.Row, Column: "id", First: -1,
				Msg: fmt.Sprintf("id %s is not a slug: use lower-case letters, digits and '-', starting with a letter or digit (it names the page's folder)", diag.Quote(e.ID))})
		} else if j, dup := ids[e.ID]; dup {
			out = append(out, Problem{Row: e.Row, Column: "id", First: j, Msg: fmt.Sprintf("id %s is already the id of %s; ids must be unique", diag.Quote(e.ID), FirstMark)})
		} else {
			ids[e.ID] = e.Row
		}
		cols := map[string]string{strings.ToLower(e.Name): "name", strings.ToLower(e.Ticker): "ticker"}
		seen := map[string]bool{}
		for _, t := range e.Terms() {
			k := strings.ToLower(t)
			if seen[k] {
				continue // an alias that repeats the entity's own name
			}
			if n := utf8.RuneCountInString(t); n > MaxTermChars {
				seen[k] = true
				col := cols[k]
				if col == "" {
					col = "aliases"
				}
				out = append(out, Problem{Row: e.Row, Column: col, First: -1,
					Msg: fmt.Sprintf("%s has %d characters; a name, ticker or alias has at most %d (mention search reads each as far as the prose matches it)", diag.Quote(t), n, MaxTermChars)})
				continue
			}
			seen[k] = true
			if j, dup := terms[k]; dup {
				col := cols[k]
				if col == "" {
					col = "aliases"
				}
				out = append(out, Problem{Row: e.Row, Column: col, First: j,
					Msg: fmt.Sprintf("%s already names the entity of %s; a name, ticker or alias must name one entity, or mentions and deals could not tell them apart", diag.Quote(t), FirstMark)})
				continue
			}
			terms[k] = e.Row
		}
	}
	return out
}
