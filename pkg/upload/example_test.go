package upload_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"

	"golang.org/x/crypto/blake2b"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// The shape of `pyup upload`: resolve the URL and credentials, open the
// files, upload them, and map each Result to output and an exit code.
func Example() {
	srv := httptest.NewServer(uploadtest.New(uploadtest.WithToken("pypi-example")))
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	d := exampleDist(dir)

	url, user, pass, err := upload.SplitURLCredentials(srv.URL + "/legacy/")
	if err != nil {
		fmt.Println(err)
		return
	}
	if user == "" {
		user, pass = "__token__", "pypi-example" // from the credential resolver
	}
	c, err := upload.New(url,
		upload.WithCredentials(upload.BasicAuth(user, pass)),
		upload.WithUserAgent("1.0.0"),
		upload.WithSkipExisting(true),
	)
	if err != nil {
		fmt.Println(err) // errors.Is(err, upload.ErrInsecureURL): a usage error
		return
	}
	for _, r := range c.UploadAll(context.Background(), []upload.File{{Dist: d}}, 4) {
		switch {
		case r.Err == nil:
			fmt.Println(r.File, r.Status)
		case errors.Is(r.Err, upload.ErrUnauthorized):
			fmt.Println("auth failure; hint: check the token's scope with `pyup whoami`:", r.Err)
		case errors.Is(r.Err, upload.ErrFileExists):
			fmt.Println("hint: --skip-existing:", r.Err)
		default:
			fmt.Println(r.Err)
		}
	}
	// Output:
	// demo-1.0.tar.gz uploaded
}

// exampleDist stands in for dist.Open (which needs a real sdist).
func exampleDist(dir string) *dist.Dist {
	content := []byte("not really a tarball")
	p := filepath.Join(dir, "demo-1.0.tar.gz")
	os.WriteFile(p, content, 0o644)
	s, b := sha256.Sum256(content), blake2b.Sum256(content)
	return &dist.Dist{
		Path: p, Filename: "demo-1.0.tar.gz", Kind: dist.Sdist, Size: int64(len(content)), PyVersion: "source",
		SHA256: hex.EncodeToString(s[:]), Blake2b256: hex.EncodeToString(b[:]),
		Metadata: &dist.Metadata{Fields: []dist.Field{
			{Name: "Metadata-Version", Value: "2.4"}, {Name: "Name", Value: "demo"}, {Name: "Version", Value: "1.0"},
		}},
	}
}
