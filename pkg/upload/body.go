package upload

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
)

// bodyLayout is a multipart/form-data body whose form fields are encoded in
// memory (a few KiB) and whose file part is streamed from disk, so its length
// is known without reading the file and the file is never held in memory.
type bodyLayout struct {
	contentType string
	prefix      []byte // every field, then the content part's header
	suffix      []byte // the closing boundary
	fileSize    int64
}

func (b *bodyLayout) length() int64 {
	return int64(len(b.prefix)) + b.fileSize + int64(len(b.suffix))
}

// newBodyLayout encodes fields, then the "content" part header for a file of
// fileSize bytes called filename. content goes last, as twine sends it:
// servers that stream the form can validate every field before the file.
func newBodyLayout(fields [][2]string, filename string, fileSize int64) (*bodyLayout, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="content"; filename="%s"`, escapeQuotes(filepath.Base(filename))))
	h.Set("Content-Type", "application/octet-stream")
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	prefix := bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return &bodyLayout{
		contentType: mw.FormDataContentType(),
		prefix:      prefix,
		suffix:      bytes.Clone(buf.Bytes()),
		fileSize:    fileSize,
	}, nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// open returns a reader over the whole body, reading the file f from its
// current offset. The reader fails with ErrFileChanged when the file yields
// fewer bytes than fileSize (a body shorter than its Content-Length would
// hang or corrupt the request).
func (b *bodyLayout) open(f *os.File) io.Reader {
	return io.MultiReader(
		bytes.NewReader(b.prefix),
		&exactReader{r: f, left: b.fileSize},
		bytes.NewReader(b.suffix),
	)
}

// exactReader reads exactly left bytes from r.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if errors.Is(err, io.EOF) {
		if e.left > 0 {
			return n, fmt.Errorf("%w: %d bytes short", ErrFileChanged, e.left)
		}
		err = nil
	}
	if e.left == 0 && err == nil {
		return n, io.EOF
	}
	return n, err
}
