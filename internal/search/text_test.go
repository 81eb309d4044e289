package search_test

import (
	"slices"
	"testing"

	"github.com/brief-desk/brief/internal/search"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Énergie":               "energie",
		"Électricité de France": "electricite de france",
		"Straße":                "strasse",
		"Øresund Æther Łódź":    "oresund aether lodz",
		"HUT":                   "hut",
		"Hut 8’s":               "hut 8's",
		"São Paulo":             "sao paulo",
	} {
		if got := search.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Hut 8's campus", []string{"hut", "8's", "campus"}},
		{"the miners' leases", []string{"the", "miners'", "leases"}},
		{"a $7.0B lease", []string{"a", "7.0b", "lease"}},
		{"1,200 MW, 3 sites", []string{"1,200", "mw", "3", "sites"}},
		{"AI-hosting (G42 of Abu Dhabi).", []string{"ai", "hosting", "g42", "of", "abu", "dhabi"}},
		{"up 10%.", []string{"up", "10"}},
		{"don't 'quote'", []string{"don't", "quote"}},
		{"Énergie nucléaire", []string{"energie", "nucleaire"}},
		{"", nil},
	} {
		if got := search.Words(search.Fold(c.in)); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTerm(t *testing.T) {
	for in, want := range map[string]string{
		"companies": "company",
		"miners'":   "miner",
		"miner's":   "miner",
		"8's":       "8",
		"classes":   "class",
		"watches":   "watch",
		"boxes":     "box",
		"leases":    "lease",
		"gpus":      "gpus", // "us" is seldom a plural; typing "gpu" finds it as a prefix
		"business":  "business",
		"analysis":  "analysis",
		"status":    "status",
		"gas":       "gas", // too short to be a plural
		"h100s":     "h100s",
		"1,200":     "1200",
		"7.0b":      "7.0b",
		"oklo":      "oklo",
	} {
		if got := search.Term(in); got != want {
			t.Errorf("Term(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBucketOf(t *testing.T) {
	for in, want := range map[string]string{"oklo": "o", "8": "8", "g42": "g", "日本": "_", "": "_"} {
		if got := search.BucketOf(in); got != want {
			t.Errorf("BucketOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// ranked names the documents Search returns, and the unit of each.
func ranked(query string, groups [][]*search.Doc) []string {
	ixs := make([]*search.Index, len(groups))
	for i, g := range groups {
		ixs[i] = search.New(g)
	}
	var out []string
	for _, h := range search.Search(query, ixs) {
		d := groups[h.Group][h.Doc]
		out = append(out, d.Title+"#"+d.Units[h.Unit].Anchor)
	}
	return out
}

func briefing(title, date, body string, sections ...search.Unit) *search.Doc {
	d := &search.Doc{Kind: search.Briefing, Title: title, Date: date, Units: []search.Unit{{
		Text: body, Field: search.Body, Also: []search.Text{{Text: title, Field: search.Title}},
	}}}
	return &search.Doc{Kind: d.Kind, Title: d.Title, Date: d.Date, Units: append(d.Units, sections...)}
}

func section(anchor, heading, text string) search.Unit {
	return search.Unit{Anchor: anchor, Label: heading, Text: text, Field: search.Body, Also: []search.Text{{Text: heading, Field: search.Heading}}}
}

func company(name, ticker string) *search.Doc {
	return &search.Doc{Kind: search.Company, Title: name, Units: []search.Unit{{Text: ticker, Field: search.Name, Also: []search.Text{{Text: name, Field: search.Name}}}}}
}

func TestSearchRanking(t *testing.T) {
	site := []*search.Doc{company("Oklo", "OKLO"), company("Hut 8", "HUT"), company("Okta", ""),
		{Kind: search.TopicDoc, Title: "Nuclear", Units: []search.Unit{{Also: []search.Text{{Text: "Nuclear", Field: search.Topic}}}}}}
	y2026 := []*search.Doc{ // in date order, oldest first
		briefing("Power deals", "2026-01-05", "Leases signed.", section("hut", "Hut 8's campus", "Hut 8's campus hosts GPUs. Oklo was not part of it."),
			search.Unit{Anchor: "table-1", Label: "Leases", Text: "TeraWulf · G42 · 70", Field: search.Row}),
		briefing("Grid week", "2026-02-02", "Oklo again, and nuclear plans.", section("energie", "Énergie", "The Énergie plan.")),
	}
	y2025 := []*search.Doc{
		briefing("Reactors", "2025-03-01", "Oklo once, in passing."),
		briefing("Oklo and the small-reactor bet", "2025-06-02", "Small reactors."),
	}
	groups := [][]*search.Doc{site, y2026, y2025}
	for _, c := range []struct {
		q    string
		want []string
	}{
		// The company, the title, then the rest newest first.
		{"oklo", []string{"Oklo#", "Oklo and the small-reactor bet#", "Grid week#", "Power deals#hut", "Reactors#"}},
		// As it is typed: every company starting so, the better match first.
		{"ok", []string{"Oklo#", "Okta#", "Oklo and the small-reactor bet#", "Grid week#", "Power deals#hut", "Reactors#"}},
		// A word finished (a space after it) is no longer a prefix.
		{"okl ", nil},
		// Both words, and the unit where both are.
		{"hut 8", []string{"Hut 8#", "Power deals#hut"}},
		{"Hut 8's", []string{"Hut 8#", "Power deals#hut"}},
		{"G42", []string{"Power deals#table-1"}},
		{"energie", []string{"Grid week#energie"}},
		{"nuclear", []string{"Nuclear#", "Grid week#"}},
		// A finished word finds its plural, and titles rank by date.
		{"reactor ", []string{"Oklo and the small-reactor bet#", "Reactors#"}},
		{"reactors", []string{"Oklo and the small-reactor bet#", "Reactors#"}},
		{"?!", nil},
	} {
		if got := ranked(c.q, groups); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.q, got, c.want)
		}
	}
}
