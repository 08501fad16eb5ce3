package upload_test

import (
	"context"
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// BenchmarkUploadLoopback uploads a 64 MiB file to a loopback index that
// hashes and discards what it receives. Memory per upload stays a few
// hundred KiB whatever the file size (see -benchmem).
//
//	go test -run '^$' -bench UploadLoopback -benchmem ./pkg/upload/
func BenchmarkUploadLoopback(b *testing.B) {
	_, srv := newIndex(b, uploadtest.WithDiscardContent())
	d := newDist(b, b.TempDir(), "demo-1.0-py3-none-any.whl", randomBytes(b, 64<<20))
	c := newClient(b, srv.URL+"/legacy/")
	b.SetBytes(d.Size)
	b.ResetTimer()
	for b.Loop() {
		// The index answers 200 to an identical re-upload, as PyPI does.
		if r := c.Upload(context.Background(), upload.File{Dist: d}); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
}
