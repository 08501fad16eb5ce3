//go:build unix

package check

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

// A FIFO among the distributions (in a directory given as DIST, or matched
// by a glob) fails with a one-line error naming it; it is never opened, so
// pyup does not wait for a writer that never comes.
func TestCheckFIFOInDirectory(t *testing.T) {
	dir := t.TempDir()
	disttest.Wheel(t, dir)
	fifo := filepath.Join(dir, "pipe-1.0-py3-none-any.whl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, arg := range []string{dir, filepath.Join(dir, "*.whl")} {
		ios, _, out, _ := iostreams.Test()
		cmd := NewCmdCheck(&cmdutil.Factory{IOStreams: ios}, nil)
		cmd.SetArgs([]string{arg})
		cmd.SetOut(ios.Out)
		cmd.SetErr(ios.ErrOut)
		err := cmd.ExecuteContext(context.Background())
		if code, _ := cmdutil.ExitCode(err); code != cmdutil.ExitCheckFailed {
			t.Fatalf("%s: exit %d (%v)", arg, code, err)
		}
		want := "Checking " + fifo + ": FAILED\n  error [unreadable] pipe-1.0-py3-none-any.whl: not a distribution: not a regular file (named pipe)\n"
		if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), ": PASSED") {
			t.Errorf("%s: report:\n%s\nwant it to contain:\n%s", arg, out, want)
		}
	}
}
