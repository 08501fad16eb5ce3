//go:build unix

package attest_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pyup-dev/pyup/pkg/attest"
)

// A named pipe in place of an attestation is refused at once, not read
// forever.
func TestLoadRefusesAPipe(t *testing.T) {
	dist := filepath.Join(t.TempDir(), "demo-1.0-py3-none-any.whl")
	if err := syscall.Mkfifo(attest.Path(dist), 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	if _, err := attest.Load(dist); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Fatalf("err = %v", err)
	}
}
