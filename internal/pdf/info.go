package pdf

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// fixInfo replaces the Info dictionary Chromium wrote (the clock's time,
// the browser's user agent as its creator) with the document's: its title,
// author and subject, "brief" as the creator, Chromium's producer, and the
// document's Stamp as both dates. The dictionary changes length, so the
// cross-reference table's offsets after it move by as much.
//
// Chromium (Skia) writes one classic cross-reference table and the Info
// dictionary as an object of its own; a file of another shape is an error,
// not a PDF quietly left with the clock's date.
func fixInfo(data []byte, doc *Document) ([]byte, error) {
	bad := func(what string) ([]byte, error) {
		return nil, fmt.Errorf("the browser's PDF of %s is not as expected (%s): cannot set its dates", doc.Path, what)
	}
	m := trailerRe.FindSubmatchIndex(data)
	if m == nil {
		return bad("no trailer")
	}
	startxref, err := strconv.Atoi(string(data[m[4]:m[5]]))
	if err != nil || startxref <= 0 || startxref >= len(data) {
		return bad("startxref")
	}
	trailer := data[m[2]:m[3]]
	im := infoRefRe.FindSubmatch(trailer)
	if im == nil {
		return bad("no /Info")
	}
	obj := []byte("\n" + string(im[1]) + " 0 obj\n")
	start := bytes.Index(data, obj)
	if start < 0 {
		return bad("no Info object")
	}
	start++
	end := bytes.Index(data[start:], []byte("endobj"))
	if end < 0 {
		return bad("Info object not ended")
	}
	end += start + len("endobj")
	producer := "Chromium"
	if pm := producerRe.FindSubmatch(data[start:end]); pm != nil {
		producer = string(pm[1])
	}
	var info bytes.Buffer
	fmt.Fprintf(&info, "%s 0 obj\n<</Title %s\n", im[1], pdfString(doc.Title))
	if doc.Author != "" {
		fmt.Fprintf(&info, "/Author %s\n", pdfString(doc.Author))
	}
	if doc.Subject != "" {
		fmt.Fprintf(&info, "/Subject %s\n", pdfString(doc.Subject))
	}
	date := pdfDate(doc.Stamp)
	fmt.Fprintf(&info, "/Creator (brief)\n/Producer %s\n/CreationDate %s\n/ModDate %s>>\nendobj", pdfString(producer), date, date)
	delta := info.Len() - (end - start)

	if !bytes.HasPrefix(data[startxref:], []byte("xref")) || startxref < end {
		return bad("no classic cross-reference table after the Info object")
	}
	out := make([]byte, 0, len(data)+delta)
	out = append(out, data[:start]...)
	out = append(out, info.Bytes()...)
	out = append(out, data[end:startxref]...)
	out, what := shiftXref(out, data[startxref:], start, delta, startxref)
	if what != "" {
		return bad(what)
	}
	return renumber(out), nil
}

// shiftXref appends the cross-reference table xref and the trailer to out,
// with delta added to the offsets after start and to startxref; or says
// what it could not read.
func shiftXref(out, xref []byte, start, delta, startxref int) ([]byte, string) {
	bad := func(what string) ([]byte, string) { return nil, what }
	// The table: "xref", then sections of "first count" and entries of
	// 20 bytes, "oooooooooo ggggg n\r\n" or with a space before \n.
	rest := xref
	line := func() []byte {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return nil
		}
		l := rest[:i+1]
		rest = rest[i+1:]
		return l
	}
	out = append(out, line()...) // "xref"
	for {
		l := line()
		if l == nil {
			return bad("cross-reference table cut short")
		}
		if bytes.HasPrefix(l, []byte("trailer")) {
			out = append(out, l...)
			break
		}
		var first, count int
		if _, err := fmt.Sscanf(string(l), "%d %d", &first, &count); err != nil {
			return bad("cross-reference section")
		}
		out = append(out, l...)
		for range count {
			if len(rest) < 20 {
				return bad("cross-reference entry")
			}
			e := rest[:20]
			rest = rest[20:]
			off, err := strconv.Atoi(string(e[:10]))
			if err != nil {
				return bad("cross-reference offset")
			}
			if e[17] == 'n' && off > start {
				off += delta
			}
			out = append(out, fmt.Sprintf("%010d", off)...)
			out = append(out, e[10:]...)
		}
	}
	// The trailer and the table's new place.
	tail := rest
	sm := startxrefRe.FindSubmatchIndex(tail)
	if sm == nil {
		return bad("startxref")
	}
	out = append(out, tail[:sm[2]]...)
	out = append(out, strconv.Itoa(startxref+delta)...)
	out = append(out, tail[sm[3]:]...)
	return out, ""
}

// renumber replaces the DOM node numbers that Chromium writes as the IDs of
// a tagged PDF's structure elements, which grow with every page a tab
// loads, by their ranks, padded to the same width: the same order (the ID
// tree is sorted), the same length, the same bytes for the same page.
func renumber(data []byte) []byte {
	var nums []string
	seen := map[string]bool{}
	for _, m := range nodeIDRe.FindAllSubmatch(data, -1) {
		if n := string(m[1]); !seen[n] {
			seen[n] = true
			nums = append(nums, n)
		}
	}
	slices.SortFunc(nums, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) })
	rank := make(map[string]string, len(nums))
	for i, n := range nums {
		rank[n] = fmt.Sprintf("%0*d", len(n), i+1)
	}
	return nodeIDRe.ReplaceAllFunc(data, func(m []byte) []byte {
		return []byte("(node" + rank[string(m[len("(node"):len(m)-1])] + ")")
	})
}

var (
	nodeIDRe    = regexp.MustCompile(`\(node(\d{8,})\)`)
	trailerRe   = regexp.MustCompile(`(?s)trailer\s*(<<.*?>>)\s*startxref\s*(\d+)\s*%%EOF\s*$`)
	infoRefRe   = regexp.MustCompile(`/Info\s+(\d+)\s+0\s+R`)
	producerRe  = regexp.MustCompile(`/Producer\s*\(([^()\\]*)\)`)
	startxrefRe = regexp.MustCompile(`startxref\s*(\d+)`)
)

// pdfDate is a PDF date in UTC: D:20260102000000Z.
func pdfDate(t time.Time) string {
	return "(D:" + t.UTC().Format("20060102150405") + "Z)"
}

// pdfString is a PDF text string: literal when ASCII, else UTF-16BE with
// a byte-order mark, in hex.
func pdfString(s string) string {
	ascii := true
	for _, r := range s {
		if r >= 0x80 || r < 0x20 {
			ascii = false
			break
		}
	}
	if ascii {
		var b bytes.Buffer
		b.WriteByte('(')
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '(' || c == ')' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i])
		}
		b.WriteByte(')')
		return b.String()
	}
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}
