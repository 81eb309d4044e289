package render

import (
	"bytes"
	"fmt"
	"html/template"
	"mime"
	"path"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/key"
	"github.com/brief-desk/brief/internal/pdf"
	"github.com/brief-desk/brief/internal/project"
)

// Printer prints a page to PDF: a *pdf.Browser.
type Printer interface {
	Print(doc *pdf.Document) ([]byte, error)
}

// pdfVersion changes when what the PDF's bytes depend on changes outside
// the print rendering (its margins, running head, Info dictionary).
const pdfVersion = "pdf 1"

func pdfPath(slug string) string { return "briefings/" + slug + "/" + slug + ".pdf" }

// WantPDF says whether a plan prints each briefing: site.toml's [pdf]
// enabled (enabled) or --pdf, and not in the preview. A build that wants
// PDFs with no printer fails here, before anything is written; a build
// calls it with enabled false before it reads the project, for --pdf.
func WantPDF(enabled bool, opts Options) (bool, error) {
	if opts.NoPDF || !opts.PDF && !enabled {
		return false, nil
	}
	if opts.Printer == nil {
		err := opts.NoPrinter
		if err == nil {
			err = pdf.ErrNoBrowser
		}
		at := diag.Pos{File: "site.toml"}
		if opts.PDF {
			at = diag.Pos{}
		}
		return false, diag.Errorf(at, "%w", err)
	}
	return true, nil
}

// briefingPDF is briefing i's PDF: its print rendering (printBytes) printed.
// The key covers what that rendering holds (the site, the briefing and its
// data, its own summary) and the paper: not its neighbours, nor the sizes
// of its downloads, nor its own size, so a new briefing prints only itself.
func (r *renderer) briefingPDF(b *project.Briefing, i int) *Output {
	rel := pdfPath(b.Slug)
	k := key.New().Str(rel).Str(pdfVersion).Sum(r.site).Sum(b.Key).Str(b.Slug).Sum(r.before.hashes[i]).Str(r.p.Config.PDF.Paper)
	for _, l := range b.Links {
		k.Int(l.Start).Int(l.End).Str(l.Href).Str(l.Title)
	}
	page := r.infos[i].Path // read here: the lists' stage, which a print may outlast, writes r.infos
	return &Output{
		Path: rel, Stage: StageApart, Key: k.Done(),
		Make: func(Sizes) ([]byte, error) {
			html, err := r.printBytes(b, i)
			if err != nil {
				return nil, err
			}
			doc := &pdf.Document{
				Root: r.p.Config.BaseURL, Path: page, HTML: html, Files: r.assetFile,
				Title: b.Title, Author: r.p.Config.Author, Subject: b.Summary, Head: r.p.Config.Title,
				Date: b.Date, Stamp: b.Date, Paper: pdf.Paper(r.p.Config.PDF.Paper),
			}
			if !r.opts.Epoch.IsZero() {
				doc.Stamp = r.opts.Epoch
			}
			if name := r.p.Config.Style.Logo; name != "" {
				doc.Logo, doc.LogoType = r.theme.assets["assets/"+name], mime.TypeByExtension(path.Ext(name))
			}
			data, err := r.opts.Printer.Print(doc)
			if err != nil {
				return nil, diag.Errorf(diag.Pos{File: b.File}, "printing the PDF: %w", err)
			}
			return data, nil
		},
	}
}

// assetFile is a file of the site that a print rendering may load.
func (r *renderer) assetFile(rel string) ([]byte, bool) {
	if data, ok := r.theme.assets[rel]; ok {
		return data, true
	}
	if r.echarts != "" && rel == r.echarts {
		return r.p.ECharts.Data, true
	}
	return nil, false
}

// printBytes is the print rendering of briefing i: its page with the same
// template and styles, as its summary (no neighbours, topics that list no
// briefings, no download links whose sizes it would show), marked Print so
// the template leaves out the navigation and the PDF link, with the
// prose's web links numbered and listed at the end.
func (r *renderer) printBytes(b *project.Briefing, i int) ([]byte, error) {
	info := *r.before.infos[i]
	return r.briefingBytes(b, &info, make([]*download, len(b.Sources)), true)
}

// linkNotes numbers the web links of a page's prose, outside its blocks
// (whose sources the sources list gives): each link keeps its text and is
// followed by its note's number, the same for the same URL; the URLs are
// returned in order.
func linkNotes(body string) (template.HTML, []string) {
	z := html.NewTokenizer(strings.NewReader(body))
	var out bytes.Buffer
	var urls []string
	number := map[string]int{}
	figures, open := 0, ""
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		out.Write(z.Raw())
		name, _ := z.TagName()
		a := atom.Lookup(name)
		switch {
		case a == atom.Figure && tt == html.StartTagToken:
			figures++
		case a == atom.Figure && tt == html.EndTagToken:
			figures--
		case a == atom.A && tt == html.StartTagToken && figures == 0:
			open = ""
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" && (bytes.HasPrefix(v, []byte("http://")) || bytes.HasPrefix(v, []byte("https://"))) {
					open = string(v)
				}
				if !more {
					break
				}
			}
		case a == atom.A && tt == html.EndTagToken && open != "":
			n, ok := number[open]
			if !ok {
				urls = append(urls, open)
				n = len(urls)
				number[open] = n
			}
			fmt.Fprintf(&out, `<sup class="link-note">%d</sup>`, n)
			open = ""
		}
	}
	return template.HTML(out.String()), urls
}
