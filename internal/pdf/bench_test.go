package pdf_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/brief-desk/brief/internal/build"
	"github.com/brief-desk/brief/internal/gen"
	"github.com/brief-desk/brief/internal/pdf"
)

// recorder is a printer that keeps the documents a build gives it, and
// prints them with next, or as a placeholder when next is nil.
type recorder struct {
	next *pdf.Browser
	docs []*pdf.Document
}

func (r *recorder) Print(doc *pdf.Document) ([]byte, error) {
	r.docs = append(r.docs, doc)
	if r.next == nil {
		return []byte("%PDF-1.4 placeholder " + doc.Path), nil
	}
	return r.next.Print(doc)
}

// BenchmarkPrintBriefing prints the sample briefing once the browser runs:
// its print rendering loaded, four charts drawn as SVG, printed, the Info
// dictionary written.
func BenchmarkPrintBriefing(b *testing.B) {
	browser := pdf.New(context.Background(), printer(b))
	defer browser.Close()
	rec := &recorder{next: browser}
	if _, err := build.Build(context.Background(), build.Options{Src: "../..", Out: filepath.Join(b.TempDir(), "public"), PDF: true, Printer: rec}); err != nil {
		b.Fatal(err)
	}
	doc := rec.docs[0]
	cpu := cpuClock()
	defer func() { reportCPU(b, cpu) }()
	for b.Loop() {
		if _, err := browser.Print(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWeeklyPublishPDF is the weekly publish of a generated archive
// of 1,000 briefings (one new briefing, cache warm), without PDFs and with:
// each build with PDFs has its own browser, as brief build does, and
// prints only the new briefing; with no new briefing it prints nothing and
// never starts the browser. The archive's PDFs in the cache are
// placeholders printed by the cold build: what matters is that they are
// not printed again.
func BenchmarkWeeklyPublishPDF(b *testing.B) {
	exe := printer(b)
	const n = 1000
	for _, withPDF := range []bool{false, true} {
		src := b.TempDir()
		if err := gen.Write(src, n); err != nil {
			b.Fatal(err)
		}
		opts := build.Options{Future: true, Src: src, Out: filepath.Join(b.TempDir(), "public"), CacheDir: filepath.Join(b.TempDir(), "cache"), PDF: withPDF}
		if withPDF {
			opts.Printer = &recorder{}
		}
		if _, err := build.Build(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("pdf=%v/briefings=%d", withPDF, n), func(b *testing.B) {
			cpu := cpuClock()
			defer func() { reportCPU(b, cpu) }()
			for i := 0; b.Loop(); i++ {
				name := filepath.Join(src, "content/briefings", fmt.Sprintf("zz-new-%d.md", i))
				text := fmt.Sprintf("+++\ntitle = \"New %d\"\ndate = %s\n+++\nNew.\n\n```chart\ndataset = \"moves\"\n```\n", i, gen.Start.AddDate(0, 0, 7*n+i).Format("2006-01-02"))
				if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
					b.Fatal(err)
				}
				var browser *pdf.Browser
				if withPDF {
					browser = pdf.New(context.Background(), exe)
					opts.Printer = browser
				}
				_, err := build.Build(context.Background(), opts)
				if browser != nil {
					browser.Close()
					if browser.Printed() != 1 {
						b.Fatalf("printed %d PDFs, want 1", browser.Printed())
					}
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("pdf=%v/briefings=%d/no-change", withPDF, n), func(b *testing.B) {
			cpu := cpuClock()
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				var browser *pdf.Browser
				if withPDF {
					browser = pdf.New(context.Background(), exe)
					opts.Printer = browser
				}
				_, err := build.Build(context.Background(), opts)
				if browser != nil {
					browser.Close()
					if browser.Printed() != 0 {
						b.Fatalf("printed %d PDFs, want none", browser.Printed())
					}
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
