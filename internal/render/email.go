package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/brief-desk/brief/internal/block"
	"github.com/brief-desk/brief/internal/chart"
	"github.com/brief-desk/brief/internal/content"
	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/expr"
	"github.com/brief-desk/brief/internal/project"
	"github.com/brief-desk/brief/internal/view"
)

// Email is a briefing made for email: its HTML (inline styles, charts as
// images by Content-ID), its plain text, the chart images and the
// briefing's workbook, the same bytes the site publishes.
type Email struct {
	Title, Summary string
	Date           time.Time
	URL            string // the briefing's page on base_url
	HTML           []byte
	Text           string
	Images         []Image
	Workbook       []byte
	WorkbookName   string // its file name
	PDF            []byte // the briefing's PDF, when asked for (Attach)
	PDFName        string
}

// Attach says what an email carries besides its charts' images: the
// briefing's workbook (when it has one), its PDF.
type Attach struct{ Workbook, PDF bool }

// Image is a chart drawn as a PNG for an email.
type Image struct {
	CID  string // Content-ID, without angle brackets: "chart-1.png@brief"
	Name string // file name: "chart-1.png"
	PNG  []byte
	Alt  string
}

// emailStyles are the inline styles of the commentary's elements.
var emailStyles = map[string]string{
	"h2":         "margin:28px 0 8px 0;font-family:Arial,Helvetica,sans-serif;font-size:20px;line-height:1.3;color:#1d1d1f;",
	"h3":         "margin:22px 0 6px 0;font-family:Arial,Helvetica,sans-serif;font-size:17px;line-height:1.3;color:#1d1d1f;",
	"p":          "margin:0 0 14px 0;",
	"blockquote": "margin:0 0 14px 0;padding:2px 0 2px 14px;border-left:3px solid #dedbd2;color:#33363c;",
	"ul":         "margin:0 0 14px 0;padding-left:22px;",
	"ol":         "margin:0 0 14px 0;padding-left:22px;",
	"li":         "margin:0 0 4px 0;",
	"a":          "color:#0b5cad;",
	"code":       "font-family:Menlo,Consolas,monospace;font-size:14px;background-color:#f2f0ea;",
	"table":      "border-collapse:collapse;margin:0 0 14px 0;font-family:Arial,Helvetica,sans-serif;font-size:14px;",
	"th":         "padding:4px 6px;border-bottom:2px solid #1d1d1f;text-align:left;",
	"td":         "padding:4px 6px;border-bottom:1px solid #dedbd2;",
	"hr":         "border:0;border-top:1px solid #dedbd2;margin:20px 0;",
	"footnotes":  "margin:20px 0 0 0;font-family:Arial,Helvetica,sans-serif;font-size:13px;line-height:1.5;color:#5b5e66;",
	"footnote":   "margin:0 0 4px 0;",
}

// NewEmail makes the email of briefing b of project p, with what attach
// says. It renders the site's plan to take the briefing's workbook and PDF
// from it, so the attachments are byte for byte the ones the site
// publishes; the PDF is printed only when attached (opts.Printer), whatever
// site.toml's [pdf] says. Images in the prose are refused, each at its
// place: the email's only images are its charts.
func NewEmail(p *project.Project, b *project.Briefing, opts Options, attach Attach) (*Email, error) {
	if err := emailImages(b); err != nil {
		return nil, err
	}
	opts.PDF, opts.NoPDF = attach.PDF, !attach.PDF
	pl, err := New(p, opts)
	if err != nil {
		return nil, err
	}
	var workbook, pdf []byte
	for _, o := range pl.Outputs {
		var dst *[]byte
		switch {
		case o.Path == workbookPath(b.Slug) && attach.Workbook:
			dst = &workbook
		case o.Path == pdfPath(b.Slug):
			dst = &pdf
		default:
			continue
		}
		if *dst, err = o.Make(func(string) int { return 0 }); err != nil {
			return nil, err
		}
	}
	return newEmail(p, b, workbook, pdf)
}

// NewEmailWith is NewEmail with the briefing's workbook given (nil for a
// briefing without one), as a preview that has built the site holds it:
// no plan is made, and no workbook.
func NewEmailWith(p *project.Project, b *project.Briefing, workbook []byte) (*Email, error) {
	return newEmail(p, b, workbook, nil)
}

func newEmail(p *project.Project, b *project.Briefing, workbook, pdf []byte) (*Email, error) {
	if err := b.Bind(); err != nil {
		return nil, err
	}
	if err := emailImages(b); err != nil {
		return nil, err
	}
	e := &Email{Title: b.Title, Summary: b.Summary, Date: b.Date, URL: p.Config.BaseURL + "briefings/" + b.Slug + "/",
		Workbook: workbook, PDF: pdf}
	if workbook != nil {
		e.WorkbookName = b.Slug + ".xlsx"
	}
	if pdf != nil {
		e.PDFName = b.Slug + ".pdf"
	}
	base, err := url.Parse(e.URL)
	if err != nil {
		return nil, err
	}
	r := &renderer{p: p}
	if r.theme, err = loadTheme(p.Templates); err != nil {
		return nil, err
	}
	if err := e.html(r, b, base); err != nil {
		return nil, diag.Errorf(diag.Pos{File: b.File}, "rendering the email: %w", err)
	}
	var text bytes.Buffer
	if err := b.Text(&text, textRenderers(b, base)); err != nil {
		return nil, diag.Errorf(diag.Pos{File: b.File}, "rendering the email's text: %w", err)
	}
	e.Text = text.String() + "\n\nRead it on the web: " + e.URL + "\n"
	return e, nil
}

// html renders the HTML part and draws the charts.
func (e *Email) html(r *renderer, b *project.Briefing, base *url.URL) error {
	tmpl := r.theme.pages["briefing.html"]
	var body bytes.Buffer
	env := &block.Env{
		Output:   block.Email,
		Template: tmpl.ExecuteTemplate,
		View: func(out io.Writer, v *view.View) error {
			bd := emailBlock{blockData: newBlockData(v)}
			bd.Cards = len(bd.Rows) > 0 && !fitsPhone(bd.blockData)
			if v.Chart != nil {
				png, err := chart.Image(v, "png", r.palette())
				if err != nil {
					return err
				}
				name := fmt.Sprintf("chart-%d.png", v.Index+1)
				img := Image{CID: name + "@brief", Name: name, PNG: png, Alt: chart.Alt(v)}
				e.Images = append(e.Images, img)
				bd.Image, bd.Alt = img.CID, img.Alt
			}
			return tmpl.ExecuteTemplate(out, "email-block", bd)
		},
		Figure: func(w io.Writer, f *view.Figure) error {
			_, err := io.WriteString(w, template.HTMLEscapeString(f.Text))
			return err
		},
	}
	logoCID := ""
	if logo := r.logo(); logo != nil {
		logoCID = "logo@brief"
		e.Images = append(e.Images, Image{CID: logoCID, Name: "logo.png", PNG: logo, Alt: r.p.Config.Title})
	}
	styles := emailStyles
	if a := r.accent(); a != defaultAccent {
		styles = maps.Clone(emailStyles)
		styles["a"] = "color:" + a + ";"
	}
	err := b.Render(&body, content.Renderers{
		Styles: styles, Base: base,
		Block: func(out io.Writer, blk block.Block) error { return b.Bound[blk.Index()].Render(out, env) },
		Inline: func(out io.Writer, in *expr.Inline) error {
			if err := env.Figure(out, b.Figures[in.Index]); err != nil {
				return err
			}
			return writeRevised(out, b.Figures[in.Index], `<span style="font-size:13px;color:#5b5e66;">`, `</span>`)
		},
	})
	if err != nil {
		return err
	}
	var page bytes.Buffer
	err = tmpl.ExecuteTemplate(&page, "email", map[string]any{
		"Site": r.p.Config, "Title": e.Title, "Summary": e.Summary, "Date": e.Date, "URL": e.URL,
		"Workbook": e.WorkbookName, "PDF": e.PDFName, "Body": template.HTML(body.String()), // goldmark escapes text and drops raw HTML
		"Accent": r.accent(), "Logo": logoCID,
	})
	e.HTML = page.Bytes()
	return err
}

// emailBlock is a block in an email: its table, or its chart's image.
type emailBlock struct {
	blockData
	Image string // the chart image's Content-ID
	Cards bool   // each row a card of "header: value" lines, for a table a phone cannot hold
}

// emailPhone is the width, in CSS pixels, of the email's text column on a
// phone 390 px wide: the message's margins (8 px) and padding (24 px) on
// each side, and its border.
const emailPhone = 324

// fitsPhone estimates whether a table fits the email's text column on a
// phone, at its narrowest: Arial at 13 px, about 7.5 px a character (8 in
// a bold header), a number on one line, text wrapped at its spaces but no
// narrower than ten characters, 12 px of padding a column. Mail clients
// ignore the style sheets that could let a table scroll or change its
// layout on a phone, so a table that does not fit is written as cards,
// which fit any width and show every column.
func fitsPhone(bd blockData) bool {
	width := 0.0
	for i, h := range bd.Headers {
		w := float64(longestWord(h.Label)) * 8
		for _, row := range bd.Rows {
			c := row[i]
			n := utf8.RuneCountInString(c.Text)
			if !c.Numeric {
				n = min(n, max(longestWord(c.Text), 10))
			}
			w = max(w, float64(n)*7.5)
		}
		width += w + 12
	}
	return width <= emailPhone
}

// longestWord is the length, in characters, of the longest word of s.
func longestWord(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		n = max(n, utf8.RuneCountInString(w))
	}
	return n
}

// textRenderers write blocks, cards and figures as plain text.
func textRenderers(b *project.Briefing, base *url.URL) content.Renderers {
	env := &block.Env{
		Output: block.Text,
		View: func(out io.Writer, v *view.View) error {
			fmt.Fprintf(out, "[%s]\n", v.Title)
			if v.Chart != nil {
				fmt.Fprintf(out, "%s\n", chart.Alt(v))
			} else {
				bd := newBlockData(v)
				var head []string
				for _, h := range bd.Headers {
					head = append(head, h.Label)
				}
				fmt.Fprintf(out, "%s\n", strings.Join(head, " | "))
				for _, row := range bd.Rows {
					var cells []string
					for _, c := range row {
						cells = append(cells, c.Text)
					}
					fmt.Fprintf(out, "%s\n", strings.Join(cells, " | "))
				}
			}
			for _, n := range v.Notes {
				fmt.Fprintf(out, "%s\n", n)
			}
			_, err := fmt.Fprintf(out, "Source: %s", v.Data.Source)
			return err
		},
		Figure: func(w io.Writer, f *view.Figure) error {
			_, err := io.WriteString(w, f.Text)
			return err
		},
	}
	return content.Renderers{
		Base:  base,
		Block: func(out io.Writer, blk block.Block) error { return b.Bound[blk.Index()].Render(out, env) },
		Inline: func(out io.Writer, in *expr.Inline) error {
			if err := env.Figure(out, b.Figures[in.Index]); err != nil {
				return err
			}
			return writeRevised(out, b.Figures[in.Index], "", "")
		},
	}
}
