package chart_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/scaffold"
	"github.com/brief-desk/brief/internal/sitetest"
)

// widths are the screens every chart is checked on: two phones, a tablet
// and a laptop, in CSS pixels.
var widths = []int{360, 390, 768, 1366}

// drawnTexts lists, for every chart of the page, the texts ECharts drew:
// each text's string and the four corners of its glyphs' box (measured
// with the canvas' own measureText, so that descenders count), in the
// chart's pixels, and the chart's size. Texts hidden by hideOverlap or
// interval are not in the display list.
const drawnTexts = `(() => {
  const ctx = document.createElement('canvas').getContext('2d');
  return JSON.stringify(Array.from(document.querySelectorAll('.chart[data-option]')).map(el => {
    const chart = echarts.getInstanceByDom(el);
    if (!chart) { return {id: el.id, live: false}; }
    const texts = [];
    chart.getZr().storage.getDisplayList(true).forEach(d => {
      const s = d.style || {};
      if (d.type !== 'tspan' || d.invisible || s.opacity === 0 || !s.text || !String(s.text).trim()) { return; }
      ctx.font = s.font || '12px sans-serif';
      ctx.textAlign = s.textAlign || 'left';
      ctx.textBaseline = s.textBaseline || 'alphabetic';
      const m = ctx.measureText(String(s.text));
      const x = s.x || 0, y = s.y || 0;
      const l = x - m.actualBoundingBoxLeft, r = x + m.actualBoundingBoxRight;
      const t = y - m.actualBoundingBoxAscent, b = y + m.actualBoundingBoxDescent;
      const tr = d.transform || [1, 0, 0, 1, 0, 0];
      const pt = (px, py) => [tr[0] * px + tr[2] * py + tr[4], tr[1] * px + tr[3] * py + tr[5]];
      texts.push({text: String(s.text), font: ctx.font, corners: [pt(l, t), pt(r, t), pt(r, b), pt(l, b)]});
    });
    return {id: el.id, live: true, width: chart.getWidth(), height: chart.getHeight(), clientWidth: el.clientWidth, texts: texts};
  }));
})()`

type drawnChart struct {
	ID          string      `json:"id"`
	Live        bool        `json:"live"`
	Width       float64     `json:"width"`
	Height      float64     `json:"height"`
	ClientWidth float64     `json:"clientWidth"`
	Texts       []drawnText `json:"texts"`
}

type drawnText struct {
	Text    string        `json:"text"`
	Font    string        `json:"font"`
	Corners [4][2]float64 `json:"corners"`
}

// TestBrowserChartTexts opens every page with charts of the sample site and
// of the project brief init writes, at each of the widths, and reads back
// the texts ECharts drew: every text lies inside its canvas, glyphs and
// all, and no two texts overlap. BRIEF_SCREENSHOTS=dir saves each chart's
// figure there as a PNG, to look at.
func TestBrowserChartTexts(t *testing.T) {
	sitetest.Chromium(t)
	pages := sitePages(t)
	shots := os.Getenv("BRIEF_SCREENSHOTS")
	schemes := []string{"light"}
	if shots != "" {
		schemes = append(schemes, "dark") // the same texts, to look at
	}
	for _, scheme := range schemes {
		for _, w := range widths {
			checkWidth(t, pages, w, shots, scheme)
		}
	}
}

// checkWidth checks every page at a width, in a browser of its own (each
// has its time limit), and saves screenshots into shots when it is not
// empty.
func checkWidth(t *testing.T, pages []sitePage, w int, shots, scheme string) {
	p := sitetest.Browser(t)
	if _, err := chromedp.Call(p.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		t.Fatal(err)
	}
	scale := 1.0
	if shots != "" {
		scale = 2
	}
	_, err := chromedp.Call(p.Ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: int64(w), Height: 900, DeviceScaleFactor: scale, Mobile: w < 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range pages {
		p.Open(t, pg.url)
		charts := drawn(t, p)
		if len(charts) == 0 {
			t.Errorf("%s: no chart drawn", pg.name)
		}
		for _, c := range charts {
			where := fmt.Sprintf("%s at %d px, %s", pg.name, w, c.ID)
			for _, problem := range textProblems(c) {
				t.Errorf("%s: %s", where, problem)
			}
			if shots != "" {
				fig := strings.TrimSuffix(c.ID, "-chart")
				png, err := chromedp.Run(p.Ctx, chromedp.Screenshot(chromedp.ID(fig)))
				if err != nil {
					t.Fatal(err)
				}
				short := strings.NewReplacer("/index.html", "", "briefings/", "", "entities/", "", "/", "-").Replace(pg.name)
				name := fmt.Sprintf("%s-%s-%d-%s.png", short, fig, w, scheme)
				if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors at %d px:\n%s", w, strings.Join(errs, "\n"))
	}
}

type sitePage struct{ name, url string }

// sitePages builds the sample site (the repository's root is a project)
// and the starter project, and lists their pages that hold charts.
func sitePages(t *testing.T) []sitePage {
	t.Helper()
	root, _ := filepath.Abs("../..")
	starter := t.TempDir()
	if _, err := scaffold.Write(starter); err != nil {
		t.Fatal(err)
	}
	stress := sitetest.Write(t, stressProject())
	var out []sitePage
	for _, src := range []struct{ name, dir string }{{"sample", root}, {"init", starter}, {"stress", stress}} {
		dst := filepath.Join(t.TempDir(), "public")
		res, err := build.Build(context.Background(), build.Options{Src: src.dir, Out: dst})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Files {
			if !strings.HasSuffix(f, ".html") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dst, f))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), `class="chart"`) {
				u := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dst, f))}
				out = append(out, sitePage{src.name + "/" + f, u.String()})
			}
		}
	}
	return out
}

// stressProject is a project of charts that are hard to fit: a long daily
// series of two long-named columns (zoom slider, a legend of two rows on a
// phone), twelve long category names, a month of days, points over
// numbers.
func stressProject() string {
	var b strings.Builder
	b.WriteString("-- site.toml --\ntitle = \"Stress\"\n")
	b.WriteString("-- data/long.toml --\ntitle = \"Long\"\nsource = \"A source whose name is long enough to need more than one phone's width, and then some more words\"\nkind = \"series\"\n")
	b.WriteString("[columns.a]\nlabel = \"The first of two long-named series of values\"\nformat = \"usd\"\n[columns.b]\nlabel = \"The second of two long-named series of values\"\nformat = \"usd\"\n")
	for d := range 120 {
		date := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.DateOnly)
		fmt.Fprintf(&b, "[[rows]]\ndate = %s\na = %d.5\nb = %d.25\n", date, 900+d*7%130, 1000-d)
	}
	b.WriteString("-- data/cats.toml --\ntitle = \"Cats\"\nsource = \"Desk\"\n[columns.value]\nformat = \"percent\"\n")
	for i := range 12 {
		fmt.Fprintf(&b, "[[rows]]\nname = \"Category number %d with a long descriptive name\"\nvalue = %d.5\nshare = %d.0\n", i+1, i*3-10, i*i)
	}
	b.WriteString(`-- content/briefings/2026-01-02-stress.md --
+++
title = "Stress"
date = 2026-01-02
summary = "Charts that are hard to fit."
+++

Text.

` + "```chart" + `
dataset = "long"
title = "Two long series over four months, with a title long enough to wrap on a laptop's screen as well as a phone's"
subtitle = "And a subtitle that goes on for a while too, long enough to wrap"
mark_lines = [{ y = 1000.0, label = "A thousand, a level to watch" }, { x = 2025-10-15, label = "Mid-October" }]
` + "```" + `

` + "```chart" + `
dataset = "cats"
title = "Twelve long names"
type = "bar"
x = "name"
y = "value"
mark_lines = [{ y = 5.0, label = "Five" }]
` + "```" + `

` + "```chart" + `
dataset = "long"
title = "A month of days"
from = 2025-11-01
to = 2025-11-30
y = ["a"]
` + "```" + `

` + "```chart" + `
dataset = "cats"
title = "Points"
type = "scatter"
x = "share"
y = ["value"]
` + "```" + `
`)
	return b.String()
}

// drawn waits until every chart of the page is drawn at its element's
// width, and returns what it drew.
func drawn(t *testing.T, p *sitetest.Page) []drawnChart {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var charts []drawnChart
		if err := json.Unmarshal([]byte(sitetest.Eval[string](t, p, drawnTexts)), &charts); err != nil {
			t.Fatal(err)
		}
		ready := true
		for _, c := range charts {
			ready = ready && c.Live && c.Width == c.ClientWidth && len(c.Texts) > 0
		}
		if ready || time.Now().After(deadline) {
			return charts
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// textProblems says which texts of a chart leave its canvas and which two
// overlap.
func textProblems(c drawnChart) []string {
	var out []string
	if !c.Live {
		return []string{"not drawn"}
	}
	const slack = 0.5 // antialiasing, rounding
	for _, tx := range c.Texts {
		lo, hi := bounds(tx.Corners)
		if lo[0] < -slack || lo[1] < -slack || hi[0] > c.Width+slack || hi[1] > c.Height+slack {
			out = append(out, fmt.Sprintf("%q (%s) at (%.1f, %.1f)-(%.1f, %.1f) leaves the %.0f by %.0f canvas", tx.Text, tx.Font, lo[0], lo[1], hi[0], hi[1], c.Width, c.Height))
		}
	}
	for i, a := range c.Texts {
		for _, b := range c.Texts[i+1:] {
			if overlap(a.Corners, b.Corners, slack) {
				out = append(out, fmt.Sprintf("%q overlaps %q", a.Text, b.Text))
			}
		}
	}
	return out
}

func bounds(q [4][2]float64) (lo, hi [2]float64) {
	lo, hi = q[0], q[0]
	for _, p := range q[1:] {
		for k := range 2 {
			lo[k], hi[k] = min(lo[k], p[k]), max(hi[k], p[k])
		}
	}
	return lo, hi
}

// overlap reports whether two convex quadrilaterals (rotated text boxes)
// overlap by more than slack pixels, by the separating axis theorem.
func overlap(a, b [4][2]float64, slack float64) bool {
	for _, q := range [][4][2]float64{a, b} {
		for i := range 4 {
			p, r := q[i], q[(i+1)%4]
			n := [2]float64{r[1] - p[1], p[0] - r[0]} // an edge's normal
			l := n[0]*n[0] + n[1]*n[1]
			if l == 0 {
				continue
			}
			amin, amax := project(a, n)
			bmin, bmax := project(b, n)
			if min(amax, bmax)-max(amin, bmin) <= slack*math.Sqrt(l) {
				return false
			}
		}
	}
	return true
}

func project(q [4][2]float64, n [2]float64) (lo, hi float64) {
	vals := make([]float64, 4)
	for i, p := range q {
		vals[i] = p[0]*n[0] + p[1]*n[1]
	}
	return slices.Min(vals), slices.Max(vals)
}
