package mail_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
)

func base64Reader(b []byte) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.Join(bytes.Fields(b), nil)))
}

func qpReader(b []byte) io.Reader { return quotedprintable.NewReader(bytes.NewReader(b)) }
