package pdf

import (
	"encoding/base64"
	"fmt"
	"html"
	"strings"
)

// Paper is a sheet's name: "a4" or "letter".
type Paper string

// The papers brief prints on.
const (
	A4     Paper = "a4"
	Letter Paper = "letter"
)

// Papers lists the papers, for messages.
var Papers = []Paper{A4, Letter}

type sheet struct{ width, height float64 } // inches

func (p Paper) size() sheet {
	if p == Letter {
		return sheet{8.5, 11}
	}
	return sheet{8.27, 11.69}
}

// Margins in inches: the running head and the foot are printed in the top
// and bottom ones.
const (
	marginTop    = 0.75
	marginBottom = 0.65
	marginSide   = 0.7
)

// headStyle is shared by the head and the foot. Chromium prints them
// outside the page's own styles, at a font size of 0 unless one is set,
// and with no margin: the side margin is given here.
var headStyle = fmt.Sprintf(`font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 8pt; color: #555;`+
	` width: 100%%; margin: 0 %.2fin; display: flex; align-items: center; -webkit-print-color-adjust: exact;`, marginSide)

// head is the running head: the logo and the site's name on the left, the
// date on the right, over a rule.
func head(doc *Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div style='%s justify-content: space-between; border-bottom: 0.5pt solid #bbb; padding-bottom: 3pt;'><span style="display: flex; align-items: center; gap: 5pt;">`, headStyle)
	if len(doc.Logo) > 0 && doc.LogoType != "" {
		fmt.Fprintf(&b, `<img style="height: 12pt; width: auto;" alt="" src="data:%s;base64,%s">`,
			html.EscapeString(doc.LogoType), base64.StdEncoding.EncodeToString(doc.Logo))
	}
	fmt.Fprintf(&b, `<span style="font-weight: 600;">%s</span></span>`, html.EscapeString(doc.Head))
	if !doc.Date.IsZero() {
		fmt.Fprintf(&b, `<span>%s</span>`, doc.Date.Format("2 January 2006"))
	}
	b.WriteString(`</div>`)
	return b.String()
}

// foot is "2 / 5", centred: Chromium fills in pageNumber and totalPages
// (in one span: a flex container drops the spaces between its items).
func foot(*Document) string {
	return fmt.Sprintf(`<div style='%s justify-content: center;'><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`, headStyle)
}
