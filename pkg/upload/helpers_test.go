package upload_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

const testToken = "pypi-AgEIcHlwaS5vcmcCJGZha2UtdG9rZW4tZm9yLXRlc3RzAAIqWzMsIjEyMzQ1Njc4Il0AAAYgc2VjcmV0"

// newDist writes content to dir/filename and returns a Dist describing it,
// built by hand so these tests do not depend on dist.Open.
func newDist(t testing.TB, dir, filename string, content []byte, extra ...dist.Field) *dist.Dist {
	t.Helper()
	p := filepath.Join(dir, filename)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(content)
	b := blake2b.Sum256(content)
	kind, pyv := dist.Sdist, "source"
	if strings.HasSuffix(filename, ".whl") {
		kind = dist.Wheel
		pyv = strings.Split(filename, "-")[2]
	}
	parts := strings.SplitN(strings.TrimSuffix(strings.TrimSuffix(filename, ".whl"), ".tar.gz"), "-", 3)
	fields := []dist.Field{
		{Name: "Metadata-Version", Value: "2.4"},
		{Name: "Name", Value: parts[0]},
		{Name: "Version", Value: parts[1]},
		{Name: "Summary", Value: "A test package"},
	}
	fields = append(fields, extra...)
	return &dist.Dist{
		Path: p, Filename: filename, Kind: kind, Size: int64(len(content)),
		SHA256: hex.EncodeToString(s[:]), Blake2b256: hex.EncodeToString(b[:]),
		PyVersion: pyv,
		Metadata:  &dist.Metadata{Fields: fields, Body: "# Demo\n\nLong description.\n"},
	}
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// newIndex starts a loopback index and returns it with its upload URL.
func newIndex(t testing.TB, opts ...uploadtest.Option) (*uploadtest.Index, *httptest.Server) {
	t.Helper()
	ix := uploadtest.New(opts...)
	srv := httptest.NewServer(ix)
	t.Cleanup(srv.Close)
	return ix, srv
}
