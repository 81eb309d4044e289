package render

import (
	"encoding/hex"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/templates"
)

// pageNames are the layouts that make one kind of page each; every other
// *.html file (base.html, partials.html and a project's own) is shared.
var pageNames = []string{"index.html", "archive.html", "briefing.html", "tag.html", "tags.html", "404.html", "entity.html", "entities.html"}

// theme is the parsed layouts and the assets, with a project's overrides.
type theme struct {
	pages  map[string]*template.Template
	assets map[string][]byte // output path under public/ -> bytes
	css    string            // output path of the stylesheet
	js     string            // output path of the chart script
	search string            // output path of the search box's script
	hash   key.Hash          // of every template and asset, built-in or not
	// reads are, for each page, the names of the fields and methods its
	// templates read (fieldsRead): what a page's key must cover.
	reads map[string]map[string]bool
}

// pageEntries are the templates a page executes: its layout ("base"),
// and the blocks' own ("block", and "cards" from package block).
var pageEntries = []string{"base", "block", "cards"}

var funcs = template.FuncMap{
	"date":    func(t time.Time) string { return t.Format("2 January 2006") },
	"isodate": func(t time.Time) string { return t.Format(time.DateOnly) },
	"tagsOf": func(p *page, b *briefingInfo) map[string]any {
		return map[string]any{"Root": p.Root, "Tags": b.Tags}
	},
}

// lastTheme is the theme parsed last and what it was parsed from: the
// preview builds the same theme again on every save, and parsing every
// template took a tenth of a rebuild. A theme is not changed once made.
var lastTheme struct {
	sync.Mutex
	from key.Hash
	t    *theme
}

// PrepareTheme parses the theme a project's templates make, for the
// next New to find ready: a build calls it (in a goroutine) as soon as the
// templates are read, so that the parse runs while the data loads. An
// error is New's to report.
func PrepareTheme(overrides map[string][]byte) { _, _ = loadTheme(overrides) }

// loadTheme parses the built-in templates, replaced file by file by the
// project's (project.Project.Templates: paths below templates/), or returns
// the theme parsed last from the same files.
func loadTheme(overrides map[string][]byte) (*theme, error) {
	k := key.New()
	for _, rel := range slices.Sorted(maps.Keys(overrides)) {
		k.Str(rel).Str(string(overrides[rel]))
	}
	from := k.Done()
	lastTheme.Lock()
	defer lastTheme.Unlock()
	if lastTheme.t != nil && lastTheme.from == from {
		return lastTheme.t, nil
	}
	t, err := parseTheme(overrides)
	if err == nil {
		for name, set := range t.pages {
			t.reads[name] = fieldsRead(set, pageEntries...)
		}
		lastTheme.from, lastTheme.t = from, t
	}
	return t, err
}

// parseTheme parses the theme.
func parseTheme(overrides map[string][]byte) (*theme, error) {
	var errs diag.List
	files := map[string][]byte{} // name -> source
	origin := map[string]string{}
	_ = fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (!strings.HasSuffix(p, ".html") && !strings.HasPrefix(p, "assets/")) {
			return err
		}
		src, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		files[p], origin[p] = src, path.Join("(built-in)", p)
		return nil
	})
	for rel, src := range overrides {
		files[rel], origin[rel] = src, path.Join("templates", rel)
	}

	common := template.New("").Funcs(funcs)
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !strings.HasSuffix(name, ".html") || strings.Contains(name, "/") || slices.Contains(pageNames, name) {
			continue
		}
		if _, err := common.New(name).Parse(string(files[name])); err != nil {
			errs.Add(templateError(origin[name], err))
		}
	}
	t := &theme{pages: map[string]*template.Template{}, assets: map[string][]byte{}, reads: map[string]map[string]bool{}}
	k := key.New()
	for _, name := range names {
		k.Str(name).Str(string(files[name]))
	}
	t.hash = k.Done()
	for _, name := range pageNames {
		set, err := common.Clone()
		if err != nil {
			errs.Add(templateError(origin[name], err))
			continue
		}
		if _, err := set.New(name).Parse(string(files[name])); err != nil {
			errs.Add(templateError(origin[name], err))
			continue
		}
		if set.Lookup("base") == nil {
			errs.Addf(diag.Pos{File: origin["base.html"]}, "no template named \"base\": base.html must {{define \"base\"}}")
			continue
		}
		t.pages[name] = set
	}
	for _, name := range names {
		if !strings.HasPrefix(name, "assets/") {
			continue
		}
		out := name
		switch name {
		case "assets/brief.css":
			out = hashed(name, files[name])
			t.css = out
		case "assets/brief.js":
			out = hashed(name, files[name])
			t.js = out
		case "assets/search.js":
			out = hashed(name, files[name])
			t.search = out
		case project.EChartsOverride, project.EChartsLicense:
			continue // published with ECharts, when a page needs it
		}
		t.assets[out] = files[name]
	}
	if errs.Len() > 0 {
		return nil, &errs
	}
	return t, nil
}

// hashed puts a short content hash into a file name, so that hosts may cache
// it for ever: assets/brief.css -> assets/brief.3f2a9c1e.css.
func hashed(name string, data []byte) string { return hashedName(name, key.Of(data)) }

// hashedName is hashed, given the hash of the file's bytes.
func hashedName(name string, sum key.Hash) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
}

// templateParseError matches html/template's "template: name:line:col:
// message" (the column is not always there).
var templateParseError = regexp.MustCompile(`^template: [^:]+:(\d+):(?:(\d+):)? (.*)$`)

// templateError places a template's parse error at its line and column.
func templateError(file string, err error) *diag.Error {
	m := templateParseError.FindStringSubmatch(err.Error())
	if m == nil {
		return diag.Errorf(diag.Pos{File: file}, "%v", err)
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	return diag.Errorf(diag.Pos{File: file, Line: line, Col: max(col, 1)}, "template: %s", m[3])
}
