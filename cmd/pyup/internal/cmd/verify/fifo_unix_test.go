//go:build unix

package verify

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/pkg/attest"
)

// A named pipe as the attestation or as the DIST fails that file with one
// line naming it; it is never opened, so pyup does not wait for a writer.
func TestVerifyFIFO(t *testing.T) {
	dir := copyAssets(t, "pypi_attestations-0.0.19.tar.gz", "pypi_attestations-0.0.19.tar.gz.publish.attestation")
	sdist := filepath.Join(dir, "pypi_attestations-0.0.19.tar.gz")
	att := sdist + attest.Suffix
	if err := os.Remove(att); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(att, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	code, out, errOut := run(t, nil, "--repository", "https://github.com/trailofbits/pypi-attestations", sdist)
	if code != cmdutil.ExitVerifyFailed || !strings.Contains(out, "✗ pypi_attestations-0.0.19.tar.gz  ") ||
		!strings.Contains(out, "not a regular file (named pipe)") {
		t.Errorf("FIFO attestation: exit %d\n%s%s", code, out, errOut)
	}

	pipeDist := filepath.Join(dir, "pipe-1.0.tar.gz")
	if err := syscall.Mkfifo(pipeDist, 0o600); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(filepath.Join(assets, "pypi_attestations-0.0.19.tar.gz.publish.attestation"))
	if err := os.WriteFile(pipeDist+attest.Suffix, good, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, nil, "--repository", "https://github.com/trailofbits/pypi-attestations", pipeDist)
	if code != cmdutil.ExitVerifyFailed || !strings.Contains(out, "✗ pipe-1.0.tar.gz  ") || !strings.Contains(out, "named pipe") {
		t.Errorf("FIFO dist: exit %d\n%s%s", code, out, errOut)
	}
}
