//go:build unix

package dist

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A special file given as a distribution is refused by name and kind, and
// never opened: opening a FIFO without a writer would block forever.
func TestOpenRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe-1.0-py3-none-any.whl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// A FIFO with a writer attached opens without blocking even when
	// opened plainly; the kind must still be named.
	held := filepath.Join(dir, "held-1.0.tar.gz")
	if err := syscall.Mkfifo(held, 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(held, os.O_RDWR, 0) // Linux and BSDs: does not block
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	devnull := filepath.Join(dir, "null-1.0-py3-none-any.whl")
	if err := os.Symlink("/dev/null", devnull); err != nil {
		t.Fatal(err)
	}
	subdir := filepath.Join(dir, "dir-1.0.tar.gz")
	if err := os.Mkdir(subdir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, kind string }{
		{fifo, "named pipe"},
		{held, "named pipe"},
		{devnull, "character device"},
		{subdir, "directory"},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			want := filepath.Base(tc.path) + ": not a distribution: not a regular file (" + tc.kind + ")"
			_, err := Open(context.Background(), tc.path)
			if err == nil || err.Error() != want {
				t.Fatalf("Open: %v, want %q", err, want)
			}
			if !errors.Is(err, ErrNotDistribution) {
				t.Errorf("Open: %v does not wrap ErrNotDistribution", err)
			}
			f, err := OpenFile(tc.path)
			if err == nil {
				f.Close()
			}
			if err == nil || err.Error() != want {
				t.Fatalf("OpenFile: %v, want %q", err, want)
			}
		})
	}
}

// The open file is checked again: the kind of file opened is what counts,
// not what a stat of the path said a moment before.
func TestRegularOnlyOnOpenFile(t *testing.T) {
	if err := regularOnly(os.ModeNamedPipe); err == nil || !strings.Contains(err.Error(), "(named pipe)") {
		t.Fatalf("regularOnly(named pipe) = %v", err)
	}
	if err := regularOnly(os.ModeSocket); err == nil || !strings.Contains(err.Error(), "(socket)") {
		t.Fatalf("regularOnly(socket) = %v", err)
	}
	if err := regularOnly(os.ModeDevice); err == nil || !strings.Contains(err.Error(), "(block device)") {
		t.Fatalf("regularOnly(device) = %v", err)
	}
	if err := regularOnly(0o644); err != nil {
		t.Fatalf("regularOnly(regular) = %v", err)
	}
}
