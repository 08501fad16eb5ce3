package upload

import (
	"context"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/ci"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

// A note (License-File under Metadata-Version 2.1, as setuptools < 77
// writes it) never fails an upload, even with --strict, and is shown only
// with --verbose.
func TestOpenAndCheckNotes(t *testing.T) {
	p := disttest.Wheel(t, t.TempDir(), disttest.MetadataVersion("2.1"), disttest.Header("License-File", "LICENSE"))
	for _, verbose := range []bool{false, true} {
		ios, _, _, errOut := iostreams.Test()
		env := ci.Detect(func(string) (string, bool) { return "", false })
		files, err := openAndCheck(context.Background(), &UploadOptions{IO: ios, Dists: []string{p}, Strict: true, Verbose: verbose}, env)
		if err != nil || len(files) != 1 {
			t.Fatalf("verbose=%v: %v, %d files\n%s", verbose, err, len(files), errOut)
		}
		shown := strings.Contains(errOut.String(), "  note [license-file-ignored] ")
		if shown != verbose || strings.Contains(errOut.String(), "warning") {
			t.Errorf("verbose=%v: stderr:\n%s", verbose, errOut)
		}
	}
}
