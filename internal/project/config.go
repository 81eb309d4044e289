package project

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/tomlpos"
	"github.com/brief-desk/brief/internal/tomlval"
)

// Config is site.toml. Every key has a default.
type Config struct {
	Title       string
	Description string
	BaseURL     string // absolute, ends in '/'
	Language    string
	Author      string
	EChartsURL  string // load ECharts from this URL instead of a local copy
	Style       Style  // [style]: the house style
	PDF         PDF    // [pdf]: the PDF edition
	Deploy      Deploy // [deploy]: where brief deploy uploads the site

	baseURLSet bool
	hash       key.Hash // of site.toml's bytes
}

// DefaultBaseURL is used when site.toml gives no base_url; the build warns.
const DefaultBaseURL = "http://localhost:8080/"

var configKeys = []string{"title", "description", "base_url", "language", "author", "echarts_url", "style", "pdf", "deploy"}

// LoadConfig reads site.toml from the project, if there is one.
func LoadConfig(fsys fs.FS) (*Config, error) {
	c := &Config{Title: "Briefings", Language: "en", BaseURL: DefaultBaseURL, PDF: PDF{Paper: "a4"}, Deploy: Deploy{MaxDeletes: DefaultMaxDeletes}}
	const file = "site.toml"
	src, err := fs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	var errs diag.List
	if err != nil {
		errs.Addf(diag.Pos{File: file}, "cannot read site settings: %v", err)
		return nil, &errs
	}
	c.hash = key.Of(src)
	st := DecodeSettings(file, src, configKeys, &errs)
	at := st.At
	for _, k := range st.Keys {
		if k == "style" {
			c.Style = decodeStyle(fsys, st, &errs)
			continue
		}
		if k == "pdf" {
			c.PDF = decodePDF(st, &errs)
			continue
		}
		if k == "deploy" {
			c.Deploy = decodeDeploy(st, &errs)
			continue
		}
		s, err := tomlval.Text(st.Value(k))
		if err != nil {
			errs.Addf(at(k), "%s: %v", k, err)
			continue
		}
		switch k {
		case "title":
			if s == "" {
				errs.Addf(at(k), "title must not be empty")
			}
			c.Title = s
		case "description":
			c.Description = s
		case "base_url":
			if err := c.SetBaseURL(s); err != nil {
				errs.Addf(at(k), "base_url: %v", err)
			}
		case "language":
			if s == "" {
				errs.Addf(at(k), "language must not be empty; use a tag such as \"en\"")
			}
			c.Language = s
		case "author":
			c.Author = s
		case "echarts_url":
			if err := tomlval.CheckURL(s); err != nil || !strings.HasPrefix(s, "https://") {
				errs.Addf(at(k), "echarts_url: want an absolute https:// URL of echarts.min.js, got %q", s)
			}
			c.EChartsURL = s
		}
	}
	if errs.Len() > 0 {
		return nil, &errs
	}
	return c, nil
}

// Settings is a settings file (site.toml, mail.toml) decoded: its known
// keys, each with its value and position.
type Settings struct {
	Keys []string // the known keys it sets, sorted
	file string
	m    map[string]any
	ix   *tomlpos.Index
}

// DecodeSettings decodes a settings file whose keys must be among known;
// invalid TOML and unknown keys are added to errs at their position.
func DecodeSettings(file string, src []byte, known []string, errs *diag.List) *Settings {
	m, ix, se := tomlpos.Decode(src)
	st := &Settings{file: file, m: m, ix: ix}
	if se != nil {
		errs.Addf(diag.Pos{File: file, Line: se.Pos.Line, Col: se.Pos.Col}, "invalid TOML: %s", se.Msg)
		return st
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(known, k) {
			kp := ix.Key(k)
			errs.Addf(diag.Pos{File: file, Line: kp.Line, Col: kp.Col}, "%s", tomlval.UnknownKey(k, known, file+" keys"))
			continue
		}
		st.Keys = append(st.Keys, k)
	}
	return st
}

// Value is the value of a key.
func (st *Settings) Value(k string) any { return st.m[k] }

// At is where a key's value is.
func (st *Settings) At(k string) diag.Pos {
	p := st.ix.Find(k)
	return diag.Pos{File: st.file, Line: p.Line, Col: p.Col}
}

// KeyAt is where a key (a dotted path) is written.
func (st *Settings) KeyAt(k string) diag.Pos {
	p := st.ix.Key(k)
	return diag.Pos{File: st.file, Line: p.Line, Col: p.Col}
}

// SetBaseURL checks and sets the absolute URL the site is published at.
func (c *Config) SetBaseURL(s string) error {
	if err := tomlval.CheckURL(s); err != nil {
		return err
	}
	// Pages' addresses are made by appending paths: a query, a fragment or
	// a user name would end up in the middle of every one.
	if u, _ := url.Parse(s); u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("want the address of the site's folder, without a query (?), fragment (#) or user name, got %q", s)
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	c.BaseURL, c.baseURLSet = s, true
	return nil
}

// Hash is the hash of site.toml's bytes (zero without one).
func (c *Config) Hash() key.Hash { return c.hash }

// BaseURLSet reports whether the base URL came from site.toml or a flag.
func (c *Config) BaseURLSet() bool { return c.baseURLSet }
