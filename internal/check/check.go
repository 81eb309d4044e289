// Package check is what is behind `brief check`: the project built in
// memory (package build), then what a build does not refuse but is
// probably wrong: links of the site that do not resolve, figures typed in
// the prose that no value of the briefing's data matches, stale data (the
// latest briefing quoting a dataset not updated since the one before),
// datasets no briefing uses and briefings without a block.
package check

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/project"
)

// Options say what to check: the project, as a build of it would be, and
// how strictly.
type Options struct {
	build.Options
	// Strict makes errors of the warnings about the data: figures typed
	// in the prose that match no value of the data, and stale data.
	Strict bool
}

// Result is what a check found, when it found no error.
type Result struct {
	Files    []string // every file a build would write, slash paths, sorted
	Warnings []*diag.Error
}

// Check loads the project and renders it into memory, so that template
// errors are found too, then checks every link; nothing in the project
// changes.
func Check(ctx context.Context, opts Options) (*Result, error) {
	p, site, err := build.InMemory(ctx, opts.Options)
	if err != nil {
		return nil, err
	}
	if err := checkLinks(p, opts.Src, site.Files); err != nil {
		return nil, err
	}
	typed := append(checkTyped(p), checkStale(p)...)
	if opts.Strict && len(typed) > 0 {
		var errs diag.List
		for _, e := range typed {
			errs.Add(e)
		}
		return nil, &errs
	}
	files := slices.Sorted(maps.Keys(site.Files))
	return &Result{Files: files, Warnings: append(append(site.Warnings, lint(p)...), typed...)}, nil
}

// checkLinks reports every link of the built site that does not resolve, at
// the place in the briefing or template that wrote it.
func checkLinks(p *project.Project, src string, files map[string][]byte) error {
	pages := map[string]*project.Briefing{}
	for _, b := range p.Briefings {
		pages["briefings/"+b.Slug+"/index.html"] = b
	}
	var errs diag.List
	type source struct {
		text  []byte
		lines *diag.Lines
	}
	sources := map[string]source{} // each briefing read and its lines indexed once
	for _, bl := range brokenLinks(files) {
		b := pages[bl.Page]
		if b == nil {
			errs.Addf(diag.Pos{File: "templates", Line: 1, Col: 1}, "%s: link %s does not resolve in the built site", bl.Page, bl.Problem)
			continue
		}
		pos := diag.Pos{File: b.File, Line: 1, Col: 1}
		s, ok := sources[b.File]
		if !ok {
			if text, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(b.File))); err == nil {
				s = source{text, diag.NewLines(text)}
			}
			sources[b.File] = s
		}
		if i := bytes.Index(s.text, []byte(bl.Link)); i >= 0 {
			pos.Line, pos.Col = s.lines.LineCol(i)
		}
		errs.Addf(pos, "link %s does not resolve in the built site (from %s); fix the link or remove it", bl.Problem, bl.Page)
	}
	return errs.Err()
}

// lint finds what is legal but probably not meant: datasets that no
// briefing uses, and briefings without a single chart or table.
func lint(p *project.Project) []*diag.Error {
	used := map[string]bool{}
	var warns []*diag.Error
	for _, b := range p.All {
		for _, v := range b.Views {
			used[v.Data.ID] = true
		}
		if len(b.Views) == 0 { // numbers blocks alone show no rows
			warns = append(warns, diag.Errorf(diag.Pos{File: b.File, Line: 1, Col: 1}, "this briefing has no chart or table block: its numbers are not backed by data"))
		}
	}
	for _, b := range p.All {
		for _, f := range b.Figures {
			used[f.Data.ID] = true // an inline value uses its dataset too
		}
	}
	for _, e := range p.Entities {
		used[e.Data.ID] = true // the company pages use it
	}
	// A dataset that a used derived dataset's query reads is used.
	for more := true; more; {
		more = false
		for id, reads := range p.Reads {
			for _, r := range reads {
				if used[id] && !used[r] {
					used[r], more = true, true
				}
			}
		}
	}
	for _, d := range p.Datasets {
		if !used[d.ID] {
			warns = append(warns, diag.Errorf(diag.Pos{File: d.File, Line: 1, Col: 1}, "no briefing uses this dataset"))
		}
	}
	return warns
}
