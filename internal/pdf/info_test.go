package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tinyPDF writes a PDF as Skia does: a header, objects (the Info
// dictionary first), one classic cross-reference table, a trailer.
func tinyPDF(info string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	objs := []string{info, "<</Type /Catalog\n/Pages 3 0 R>>", "<</Type /Pages\n/Kids [4 0 R]\n/Count 1>>",
		"<</Type /Page\n/Parent 3 0 R\n/MediaBox [0 0 612 792]\n/StructParents 0\n/ID (node00000417)>>"}
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// TestFixInfo: the Info dictionary is replaced, every offset of the table
// still points at its object, the node IDs are renumbered, and a file of
// another shape is refused.
func TestFixInfo(t *testing.T) {
	in := tinyPDF("<</Creator (Mozilla/5.0 \\(X11\\))\n/Producer (Skia/PDF m156)\n/CreationDate (D:20261202111305+00'00')\n/ModDate (D:20261202111305+00'00')>>")
	doc := &Document{Path: "briefings/x/index.html", Title: "Miners (and) megawatts", Author: "Desk · Zürich", Subject: "Sum",
		Stamp: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
	out, err := fixInfo(in, doc)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{"/Title (Miners \\(and\\) megawatts)", "/Author <FEFF004400650073006B002000B70020005A00FC0072006900630068>",
		"/Subject (Sum)", "/Creator (brief)", "/Producer (Skia/PDF m156)", "/CreationDate (D:20260102000000Z)", "/ModDate (D:20260102000000Z)", "/ID (node00000001)"} {
		if !strings.Contains(s, want) {
			t.Errorf("lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, "Mozilla") || strings.Contains(s, "2026120211") {
		t.Errorf("the browser's identity or the clock is left:\n%s", s)
	}
	start, _ := strconv.Atoi(regexp.MustCompile(`startxref\n(\d+)`).FindStringSubmatch(s)[1])
	if !strings.HasPrefix(s[start:], "xref\n") {
		t.Fatalf("startxref %d does not point at the table", start)
	}
	for i, m := range regexp.MustCompile(`(\d{10}) 00000 n `).FindAllStringSubmatch(s[start:], -1) {
		off, _ := strconv.Atoi(m[1])
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !strings.HasPrefix(s[off:], want) {
			t.Errorf("object %d's offset %d points at %q", i+1, off, s[off:off+10])
		}
	}
	for name, bad := range map[string][]byte{
		"no trailer":  []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
		"xref stream": bytes.Replace(in, []byte("trailer"), []byte("trailor"), 1),
		"no info":     bytes.Replace(in, []byte("/Info 1 0 R"), []byte("/Inf0 1 0 R"), 1),
	} {
		if _, err := fixInfo(bad, doc); err == nil || !strings.Contains(err.Error(), "briefings/x/index.html is not as expected") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
