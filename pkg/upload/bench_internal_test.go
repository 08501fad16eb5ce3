package upload

import (
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkStreamingBody reads the multipart body of a 64 MiB file (form
// fields, file, closing boundary) into io.Discard: the cost pyup adds on
// top of reading the file.
//
//	go test -run '^$' -bench StreamingBody -benchmem ./pkg/upload/
func BenchmarkStreamingBody(b *testing.B) {
	const size = 64 << 20
	p := filepath.Join(b.TempDir(), "f.whl")
	buf := make([]byte, size)
	rand.Read(buf)
	if err := os.WriteFile(p, buf, 0o600); err != nil {
		b.Fatal(err)
	}
	fields := [][2]string{{"name", "demo"}, {"version", "1.0"}, {"description", string(make([]byte, 20000))}}
	l, err := newBodyLayout(fields, p, size)
	if err != nil {
		b.Fatal(err)
	}
	chunk := make([]byte, 256<<10)
	b.SetBytes(l.length())
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		// 256 KiB reads, as the transport's write buffer makes them.
		n, err := io.CopyBuffer(writerOnly{io.Discard}, l.open(f, nil), chunk)
		f.Close()
		if err != nil || n != l.length() {
			b.Fatal(n, err)
		}
	}
}

// writerOnly hides io.Discard's ReaderFrom, which reads in 8 KiB pieces.
type writerOnly struct{ io.Writer }
