//go:build unix

package ci

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A named pipe as the step summary would block the write-open forever.
func TestAppendSummaryRefusesAPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "summary")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	e := Detect(func(k string) (string, bool) {
		return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": p}[k], true
	})
	if err := e.AppendSummary("x\n"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v", err)
	}
}
