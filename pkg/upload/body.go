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
	prefix      []byte // the fields before the file, then the content part's header
	suffix      []byte // the fields after the file, then the closing boundary
	fileSize    int64

	// digestsAfter: suffix holds sha256_digest and blake2_256_digest with
	// placeholder values at shaAt and b2At, which each attempt fills with
	// the digests of the bytes it sent (hex digests have a fixed length, so
	// the body's length is known before the file is read).
	digestsAfter bool
	shaAt, b2At  int
}

func (b *bodyLayout) length() int64 {
	return int64(len(b.prefix)) + b.fileSize + int64(len(b.suffix))
}

// newBodyLayout encodes fields, then the "content" part header for a file of
// fileSize bytes called filename. content goes last, as twine sends it:
// servers that stream the form can validate every field before the file.
func newBodyLayout(fields [][2]string, filename string, fileSize int64) (*bodyLayout, error) {
	return encodeLayout(fields, false, filename, fileSize)
}

// newOnePassLayout is newBodyLayout for a file whose digests are not known
// yet: fields (which must not hold the digests) go first, then content, then
// sha256_digest and blake2_256_digest, computed while the file is sent.
func newOnePassLayout(fields [][2]string, filename string, fileSize int64) (*bodyLayout, error) {
	return encodeLayout(fields, true, filename, fileSize)
}

func encodeLayout(fields [][2]string, digestsAfter bool, filename string, fileSize int64) (*bodyLayout, error) {
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
	b := &bodyLayout{prefix: prefix, fileSize: fileSize, digestsAfter: digestsAfter}
	if digestsAfter {
		placeholder := strings.Repeat("0", 64)
		for _, at := range []*int{&b.shaAt, &b.b2At} {
			name := "sha256_digest"
			if at == &b.b2At {
				name = "blake2_256_digest"
			}
			w, err := mw.CreateFormField(name)
			if err != nil {
				return nil, err
			}
			*at = buf.Len()
			if _, err := io.WriteString(w, placeholder); err != nil {
				return nil, err
			}
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.contentType = mw.FormDataContentType()
	b.suffix = bytes.Clone(buf.Bytes())
	return b, nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// open returns a reader over the whole body, reading the file f from its
// current offset. The reader fails with ErrFileChanged when the file yields
// fewer bytes than fileSize (a body shorter than its Content-Length would
// hang or corrupt the request). With digestsAfter, h hashes the file as it
// is read and its digests are written into the fields after it.
func (b *bodyLayout) open(f *os.File, h *sendHasher) io.Reader {
	var file io.Reader = &exactReader{r: f, left: b.fileSize}
	var suffix io.Reader = bytes.NewReader(b.suffix)
	if b.digestsAfter {
		file = io.TeeReader(file, h)
		suffix = &digestSuffix{b: b, h: h}
	}
	return io.MultiReader(bytes.NewReader(b.prefix), file, suffix)
}

// digestSuffix is the part of a one-pass body after the file: it fills in
// the digests once the file has been read.
type digestSuffix struct {
	b *bodyLayout
	h *sendHasher
	r *bytes.Reader
}

func (d *digestSuffix) Read(p []byte) (int, error) {
	if d.r == nil {
		sha, b2, n := d.h.sum()
		if n != d.b.fileSize {
			return 0, fmt.Errorf("%w: %d bytes hashed, expected %d", ErrFileChanged, n, d.b.fileSize)
		}
		s := bytes.Clone(d.b.suffix)
		copy(s[d.b.shaAt:], sha)
		copy(s[d.b.b2At:], b2)
		d.r = bytes.NewReader(s)
	}
	return d.r.Read(p)
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
