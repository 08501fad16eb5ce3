package dist

import (
	"errors"
	"path/filepath"
	"strings"
)

// Sentinel errors. Open, ParseMetadata, ParseVersion and the file name parsers
// wrap one of these (with %w) together with a one-line cause, so callers can
// branch with errors.Is and still show the user what went wrong.
var (
	// ErrNotDistribution: the file name does not end in .whl, .tar.gz or .zip,
	// or the path is not a regular file.
	ErrNotDistribution = errors.New("not a distribution")
	// ErrCorrupt: the archive cannot be read (bad or truncated zip, gzip or tar,
	// checksum mismatch).
	ErrCorrupt = errors.New("corrupt archive")
	// ErrUnsupported: the archive is well formed but uses something pyup cannot
	// read (for example a zip compression method other than stored or deflated
	// for the metadata file).
	ErrUnsupported = errors.New("unsupported archive feature")
	// ErrTooLarge: a limit set by an Option was exceeded (metadata size, member
	// count, total uncompressed size).
	ErrTooLarge = errors.New("too large")
	// ErrNoMetadata: the archive has no METADATA / PKG-INFO where one is expected.
	ErrNoMetadata = errors.New("no metadata")
	// ErrInvalidMetadata: the metadata file cannot be parsed (for example it is
	// not valid UTF-8).
	ErrInvalidMetadata = errors.New("invalid metadata")
	// ErrInvalidVersion: a string is not a PEP 440 version.
	ErrInvalidVersion = errors.New("invalid version")
	// ErrInvalidFilename: a file name does not follow the wheel (PEP 427/491)
	// or sdist naming rules.
	ErrInvalidFilename = errors.New("invalid file name")
)

// OpenError is the error Open returns: the file it was asked to open and why
// that failed. Err wraps one of the sentinels above (or an *fs.PathError, or
// the context's error).
type OpenError struct {
	// Path is the path given to Open.
	Path string
	// Err is the cause.
	Err error
}

// Error returns "<file name>: <cause>" on one line.
func (e *OpenError) Error() string {
	return singleLine(filepath.Base(e.Path) + ": " + e.Err.Error())
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *OpenError) Unwrap() error { return e.Err }

// singleLine replaces line breaks so that an error built from archive member
// names or metadata text never spans several lines of a terminal or log.
func singleLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
