package render

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"net/url"

	"github.com/brief-desk/brief/internal/diag"
	"github.com/brief-desk/brief/internal/project"
)

// emailImages refuses the images of a briefing's prose, every one at its
// place: an email shows only brief's own charts, which travel in the
// message. A remote image is fetched by the reader's mail client when the
// message is opened (a tracking pixel, which most clients block anyway); a
// relative one names a file the message does not hold, a broken image;
// data: images are not shown by Gmail or Outlook.
func emailImages(b *project.Briefing) error {
	var errs diag.List
	for _, im := range b.Images() {
		dest := diag.Cut(im.Dest)
		u, err := url.Parse(im.Dest)
		switch {
		case err == nil && (u.Host != "" || u.Scheme == "http" || u.Scheme == "https"):
			errs.Addf(im.Pos, "the email cannot show the remote image %s: mail clients would fetch it from %s whenever the message is opened (a tracking pixel), and most block it; make it a link, [text](%s), or draw the data with a chart block", dest, cmp.Or(u.Host, "its server"), dest)
		case err == nil && u.Scheme == "data":
			errs.Addf(im.Pos, "the email cannot show the data: image %s: Gmail and Outlook do not show data: images; draw the data with a chart block, or remove the image", dest)
		case err == nil && u.Scheme == "" && im.Dest != "":
			errs.Addf(im.Pos, "the email cannot show the image %s: a message carries only brief's charts, so a file named by a relative path would be a broken image; draw the data with a chart block, or link to the image on the site", dest)
		default:
			errs.Addf(im.Pos, "the email cannot show the image %q: only brief's charts can be images in an email; remove it, or draw the data with a chart block", dest)
		}
	}
	return errs.Err()
}

// Inlined is the HTML of the email with every cid: reference to one of its
// images replaced by a data: URL of the image: the message's HTML as a
// browser can show it alone (the preview's email view). Nothing else
// changes, so it is the HTML that brief mail sends, byte for byte, but for
// those references.
func (e *Email) Inlined() []byte {
	out := e.HTML
	for _, img := range e.Images {
		data := "data:image/png;base64," + base64.StdEncoding.EncodeToString(img.PNG)
		out = bytes.ReplaceAll(out, []byte("cid:"+img.CID), []byte(data))
	}
	return out
}
