package workbook

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Sizes in pixels at 100%, as Excel lays a sheet out with its default font
// (Calibri 11): what a sheet's printed shape is estimated from.
const (
	headerHeight = 40  // the header row: 30 points
	rowHeight    = 20  // a row: 15 points
	chartWidth   = 720 // a native chart
	chartHeight  = 400
	defaultWidth = 9.140625 // Excel's default column width, in characters
)

// columnPixels is the width in pixels of a column w characters wide.
func columnPixels(w float64) float64 { return math.Trunc(w*7 + 5) }

// printSetup makes a sheet print as a report does: one page wide (as many
// tall as it needs), landscape when what it holds is wider than tall, and,
// when it has a header row, that row at the top of every printed page.
// width and height are the sheet's content in pixels. It runs before the
// sheet's stream writer is made, which writes the sheet's properties first.
func (b *book) printSetup(sheet string, width, height float64, header bool) error {
	fit := true
	if err := b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	orientation := "portrait"
	if width > height {
		orientation = "landscape"
	}
	wide, tall := 1, 0 // one page wide, as many tall as it takes
	if err := b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Orientation: &orientation, FitToWidth: &wide, FitToHeight: &tall,
	}); err != nil {
		return err
	}
	if err := b.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: "&L&8" + footerText(sheet) + "&R&8&P / &N",
	}); err != nil {
		return err
	}
	if !header {
		return nil
	}
	return b.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: quote(sheet) + "!$1:$1", Scope: sheet,
	})
}

// footerText makes a sheet name safe in a header or footer, where "&"
// starts a code.
func footerText(s string) string { return strings.ReplaceAll(s, "&", "&&") }

// tableSize is the size in pixels of a sheet of rows under a header row,
// in columns of the widths (in characters; those past the fitted ones
// have Excel's default), with a chart beside them when chart is true.
func tableSize(widths []float64, columns, rows int, chart bool) (width, height float64) {
	for _, w := range widths {
		width += columnPixels(w)
	}
	width += float64(columns-len(widths)) * columnPixels(defaultWidth)
	height = headerHeight + float64(rows)*rowHeight
	if chart {
		width += columnPixels(defaultWidth) + chartWidth
		height = max(height, headerHeight+chartHeight)
	}
	return width, height
}

// lines estimates how many lines s takes wrapped in a cell of width
// characters: words are kept whole, as Excel and LibreOffice wrap them.
func lines(s string, width float64) int {
	n := 0
	for _, para := range strings.Split(s, "\n") {
		n++
		line := 0.0
		for _, w := range strings.Fields(para) {
			l := float64(utf8.RuneCountInString(w))
			switch {
			case line == 0:
				line = l
			case line+1+l <= width:
				line += 1 + l
			default:
				n++
				line = l
			}
			for line > width { // a word longer than the line
				n++
				line -= width
			}
		}
	}
	return n
}

// maxSheetName is the longest sheet name Excel allows.
const maxSheetName = 31

// shorten cuts a title to at most n characters by whole words, and drops
// the words a cut leaves dangling at its end: a connecting word ("on",
// "the", "since"), a day or a month without the rest of its date ("on 2"
// of "on 2 January 2026"), and punctuation. A first word longer than n is cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	var kept []string
	length := 0
	for _, w := range strings.Fields(s) {
		l := utf8.RuneCountInString(w)
		if len(kept) > 0 {
			l++
		}
		if length+l > n {
			break
		}
		kept = append(kept, w)
		length += l
	}
	for len(kept) > 1 && dangling(kept[len(kept)-1]) {
		kept = kept[:len(kept)-1]
	}
	if len(kept) == 0 {
		return strings.TrimRight(string([]rune(s)[:n]), " '")
	}
	return strings.TrimRightFunc(strings.Join(kept, " "), func(r rune) bool {
		return unicode.IsPunct(r) && r != ')' && r != '%' || unicode.IsSpace(r)
	})
}

// danglers are words a shortened name does not end on.
var danglers = strings.Fields(`a an and as at by for from in into of on or over per since than the to under
	versus via vs with against between january february march april may june july august september october
	november december jan feb mar apr jun jul aug sep sept oct nov dec`)

func dangling(w string) bool {
	w = strings.TrimRightFunc(w, unicode.IsPunct)
	day := len(w) <= 2 && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
	if day { // punctuation alone, or a day without its month
		return true
	}
	return slices.Contains(danglers, strings.ToLower(w))
}
