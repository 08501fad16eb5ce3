//go:build unix

package dist_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist"
)

func TestReadFileRefusesPipesAndLargeFiles(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pypirc")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	if _, err := dist.ReadFile(pipe, 1<<20); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("pipe: err = %v", err)
	}
	big := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(big, make([]byte, 101), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := dist.ReadFile(big, 100); err == nil || !strings.Contains(err.Error(), "larger than 100 bytes") {
		t.Errorf("large: err = %v", err)
	}
	if b, err := dist.ReadFile(big, 101); err != nil || len(b) != 101 {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
	if _, err := dist.ReadFile(filepath.Join(dir, "missing"), 100); !os.IsNotExist(err) && !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing: err = %v", err)
	}
}
