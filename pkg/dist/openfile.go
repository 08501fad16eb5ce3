package dist

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// OpenFile opens the file at path for reading, provided it is a regular file
// (symbolic links are followed). A named pipe, device, socket or directory is
// refused without being opened, so that a FIFO can never block the caller;
// the open file is checked again (and on Unix opened non-blocking), so a
// special file swapped in between is refused too. Open reads every
// distribution through it; callers that reopen a distribution by path (to
// upload it again, say) should do the same.
//
// Errors are *OpenError naming the file; a special file's cause wraps
// ErrNotDistribution and names its kind: "not a regular file (named pipe)".
func OpenFile(path string) (*os.File, error) {
	f, _, err := openRegular(path)
	if err != nil {
		return nil, &OpenError{Path: path, Err: err}
	}
	return f, nil
}

// openRegular is OpenFile without the *OpenError wrapping; it also returns
// the open file's FileInfo.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, unwrapPathError(err)
	}
	if err := regularOnly(st.Mode()); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, nil, unwrapPathError(err)
	}
	st, err = f.Stat()
	if err == nil {
		err = regularOnly(st.Mode())
	}
	if err != nil {
		f.Close()
		return nil, nil, unwrapPathError(err)
	}
	return f, st, nil
}

// regularOnly refuses every kind of file but a regular one, naming the kind.
func regularOnly(m fs.FileMode) error {
	if m.IsRegular() {
		return nil
	}
	return fmt.Errorf("%w: not a regular file (%s)", ErrNotDistribution, fileKind(m))
}

// fileKind names a file mode's type the way ls and stat(1) users know it.
func fileKind(m fs.FileMode) string {
	switch t := m.Type(); {
	case t&fs.ModeDir != 0:
		return "directory"
	case t&fs.ModeNamedPipe != 0:
		return "named pipe"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&fs.ModeCharDevice != 0:
		return "character device"
	case t&fs.ModeDevice != 0:
		return "block device"
	case t&fs.ModeSymlink != 0:
		return "symbolic link"
	}
	return "special file"
}

// ReadFile reads the regular file at path through OpenFile, so a named pipe
// or device given in its place is refused instead of blocking, and refuses a
// file longer than limit bytes. pyup reads its small side files this way:
// attestations, .pypirc, certificates.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &OpenError{Path: path, Err: err}
	}
	if int64(len(b)) > limit {
		return nil, &OpenError{Path: path, Err: fmt.Errorf("larger than %d bytes", limit)}
	}
	return b, nil
}
