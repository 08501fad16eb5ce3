//go:build unix

package upload

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A named pipe in place of an attestation is refused at once, not read
// forever.
func TestReadAttestationRefusesAPipe(t *testing.T) {
	dist := filepath.Join(t.TempDir(), "demo-1.0-py3-none-any.whl")
	if err := syscall.Mkfifo(dist+".publish.attestation", 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	done := make(chan error, 1)
	go func() { _, err := readAttestation(dist); done <- err }()
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v", err)
	}
}
