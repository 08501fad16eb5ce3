package upload

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"testing"
)

func TestBodyLayoutLengthAndShape(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789"), 10000)
	p := filepath.Join(t.TempDir(), "f.whl")
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	fields := [][2]string{{"name", "demo"}, {"description", "multi\nline ü"}, {"classifiers", "a"}, {"classifiers", "b"}}
	l, err := newBodyLayout(fields, p, int64(len(content)))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	body, err := io.ReadAll(l.open(f, nil))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(body)) != l.length() {
		t.Fatalf("body is %d bytes, length() says %d", len(body), l.length())
	}
	_, params, _ := mime.ParseMediaType(l.contentType)
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var got [][2]string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part)
		if part.FormName() == "content" {
			if part.FileName() != "f.whl" || !bytes.Equal(b, content) || part.Header.Get("Content-Type") != "application/octet-stream" {
				t.Fatalf("content part %q %q", part.FileName(), part.Header)
			}
			continue
		}
		got = append(got, [2]string{part.FormName(), string(b)})
	}
	if len(got) != len(fields) {
		t.Fatalf("fields = %q", got)
	}

	// A file that shrank after it was opened fails instead of sending a
	// body shorter than its Content-Length.
	l.fileSize += 10
	f.Seek(0, io.SeekStart)
	if _, err := io.ReadAll(l.open(f, nil)); err == nil {
		t.Fatal("short file not detected")
	}
}
