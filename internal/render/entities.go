package render

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/brief-desk/brief/internal/chart"
	"github.com/brief-desk/brief/internal/dataset"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/view"
	"github.com/brief-desk/brief/internal/workbook"
)

// entityInfo is what an entity's page and the entities index show.
type entityInfo struct {
	ID, Name, Ticker string
	Aliases          []string
	Path             string // its page, from the site root
	Moves, Deals     []blockData
	Mentions         []mentionInfo
	LatestMove       string // "+10.8% on 2 January 2026", or ""
	DealCount        int
	Workbook         *download
}

type mentionInfo struct {
	Title, Path, Sentence string
	Date                  time.Time
}

// entityWorkbook is an entity's workbook, beside its page.
func entityWorkbook(id string) string { return "entities/" + id + "/" + id + ".xlsx" }

// entities are the entity pages, their workbooks and the index: an
// entity's outputs are keyed by exactly what they show (project.Entity.Key),
// so a briefing that mentions one entity rebuilds that entity's page only.
func (r *renderer) entities() []*Output {
	if len(r.p.Entities) == 0 {
		return nil
	}
	var out []*Output
	// The index shows each entity's names, latest move and deal count: its
	// key covers those, not the mentions. They are gathered once, here.
	index := key.New().Sum(r.site)
	var infos []*entityInfo
	for _, e := range r.p.Entities {
		info, _, _ := entityView(e, false, nil) // only a full view draws charts, which can fail
		infos = append(infos, info)
		index.Str(e.ID).Str(e.Name).Str(e.Ticker).Str(info.LatestMove).Int(info.DealCount)
	}
	// The index lists them by name, as a reader looks one up (the dataset
	// lists them in the desk's order).
	slices.SortStableFunc(infos, func(a, b *entityInfo) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
	})
	for _, e := range r.p.Entities {
		wb := r.entityWorkbook(e)
		rel := project.EntityPath(e.ID)
		k := key.New().Str(rel).Sum(r.site).Sum(e.Key).Done()
		out = append(out, wb, &Output{Path: rel, Stage: StagePages, Key: k, Sized: []string{wb.Path}, Make: func(sizes Sizes) ([]byte, error) {
			info, charts, err := entityView(e, true, r.palette())
			if err != nil {
				return nil, err
			}
			info.Workbook = newDownload(e.ID+".xlsx", sizes(entityWorkbook(e.ID))) // beside the page
			pg := &page{Site: r.p.Config, Canonical: r.p.Config.BaseURL + "entities/" + e.ID + "/", Entity: info, charts: charts}
			return r.pageBytes("entity.html", rel, pg)
		}})
	}
	out = append(out, &Output{Path: "entities/index.html", Stage: StagePages, Key: index.Str("entities/index.html").Done(),
		Make: func(Sizes) ([]byte, error) {
			pg := &page{Site: r.p.Config, Canonical: r.p.Config.BaseURL + "entities/", Entities: infos}
			return r.pageBytes("entities.html", "entities/index.html", pg)
		}})
	return out
}

// entityWorkbook is an entity's workbook: its moves and its deals.
func (r *renderer) entityWorkbook(e *project.Entity) *Output {
	rel := entityWorkbook(e.ID)
	return &Output{
		Path: rel, Stage: StageFiles, Key: key.New().Str(rel).Sum(r.site).Sum(e.WorkbookKey).Done(),
		Make: func(Sizes) ([]byte, error) {
			data, err := workbook.Bytes(func(out io.Writer) error {
				return workbook.Briefing(out, workbook.Info{
					SiteTitle: r.p.Config.Title, Author: r.p.Config.Author, Title: e.Name, Summary: "Moves and deals of " + e.Name,
					URL: r.p.Config.BaseURL + "entities/" + e.ID + "/", Date: workbookDate(e), Modified: r.opts.Epoch,
					Palette: r.palette(), Logo: r.logo(),
				}, append(append([]*view.View(nil), e.Moves...), e.Deals...), nil)
			})
			if err != nil {
				return nil, diag.Errorf(diag.Pos{File: e.Data.File}, "writing the workbook of %s: %w", e.ID, err)
			}
			return data, nil
		},
	}
}

// workbookDate dates an entity's workbook: the latest date of its moves
// and deals (not of the briefings that mention it, which the workbook does
// not show: a new mention leaves its bytes as they were); the start of
// 1970 when they have none.
func workbookDate(e *project.Entity) time.Time {
	var last time.Time
	for _, v := range append(append([]*view.View(nil), e.Moves...), e.Deals...) {
		if dc := v.Data.DateColumn(); dc != nil {
			for r := range v.Rows {
				if val := v.Value(r, dc); val.Type == dataset.Date && val.Date().After(last) {
					last = val.Date()
				}
			}
		}
	}
	if last.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return last
}

// entityView prepares an entity for its page (full: charts and tables) or
// for the index, its charts in the site's colours.
func entityView(e *project.Entity, full bool, colors []string) (*entityInfo, bool, error) {
	info := &entityInfo{ID: e.ID, Name: e.Name, Ticker: e.Ticker, Aliases: e.Aliases, Path: project.EntityPath(e.ID)}
	charts := false
	for i, v := range e.Moves {
		if n := len(v.Rows); n > 0 && info.LatestMove == "" {
			c, d := v.Data.Column("change_pct"), v.Data.DateColumn()
			info.LatestMove = c.FormatValue(v.Value(n-1, c)) + " on " + v.Value(n-1, d).Date().Format("2 January 2006")
		}
		if !full {
			continue
		}
		bd := newBlockData(v)
		bd.ID = fmt.Sprintf("moves-%d", i+1)
		c, err := chart.Build(v, bd.ID, colors)
		if err != nil {
			return nil, false, err
		}
		bd.Chart, bd.Alt, bd.Height, charts = template.JS(c.Payload), c.Alt, v.Chart.Height, true
		info.Moves = append(info.Moves, bd)
	}
	for i, v := range e.Deals {
		info.DealCount += len(v.Rows)
		if full {
			bd := newBlockData(v)
			bd.ID = fmt.Sprintf("deals-%d", i+1)
			info.Deals = append(info.Deals, bd)
		}
	}
	for _, m := range e.Mentions {
		info.Mentions = append(info.Mentions, mentionInfo{Title: m.Briefing.Title, Date: m.Briefing.Date,
			Path: "briefings/" + m.Briefing.Slug + "/index.html", Sentence: m.Sentence})
	}
	return info, charts, nil
}
