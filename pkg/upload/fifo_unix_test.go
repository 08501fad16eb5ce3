//go:build unix

package upload_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/upload"
)

// A FIFO swapped in for a dist after it was opened is refused when the
// upload reopens the file, instead of blocking the attempt forever.
func TestUploadRefusesFIFOSwappedIn(t *testing.T) {
	_, srv := newIndex(t)
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	if err := os.Remove(d.Path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(d.Path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	r := newClient(t, srv.URL+"/legacy/").Upload(context.Background(), upload.File{Dist: d})
	if !errors.Is(r.Err, dist.ErrNotDistribution) || !strings.Contains(r.Err.Error(), "not a regular file (named pipe)") {
		t.Fatalf("result = %+v", r)
	}
}
