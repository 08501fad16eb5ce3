// Package dist reads Python distributions (wheels and sdists) and checks them
// against the rules the Python Package Index applies on upload.
//
// It reads only what it needs from an archive (a wheel's central directory and
// its .dist-info files, an sdist's PKG-INFO), never extracts anything to disk,
// and bounds the memory and time any input can cost. It imports nothing else
// of pyup and does no network I/O.
package dist

// Kind is the type of a distribution, as the upload API's filetype field names it.
type Kind string

// The kinds of distribution pyup knows.
const (
	// Wheel is a built distribution (.whl), filetype "bdist_wheel".
	Wheel Kind = "bdist_wheel"
	// Sdist is a source distribution (.tar.gz, or a legacy .zip), filetype "sdist".
	Sdist Kind = "sdist"
)

// Dist is one distribution file, opened and read by Open.
type Dist struct {
	// Path is the path the file was opened from.
	Path string
	// Filename is the base name of Path: the name the index stores.
	Filename string
	// Kind is Wheel or Sdist, from the file name's extension.
	Kind Kind
	// Size is the file size in bytes.
	Size int64
	// SHA256 and Blake2b256 are lowercase hex digests of the whole file.
	SHA256     string
	Blake2b256 string
	// PyVersion is the upload API's pyversion field: the wheel file name's
	// python tag (for example "py3", "cp312", "py2.py3"), or "source" for an sdist.
	PyVersion string
	// Metadata is the parsed core metadata (a wheel's METADATA, an sdist's PKG-INFO).
	Metadata *Metadata
	// Members lists the archive's member names, in archive order, as found
	// (wheel: central directory; sdist: tar headers).
	Members []Member
	// MetadataPath is the archive member the metadata was read from.
	MetadataPath string
	// ZipProblem is why PyPI's ZIP framing validation would refuse this zip
	// (wheel or zip sdist), worded as PyPI words it after "ZIP archive not
	// accepted: " (for example "ZIP contains a data descriptor", "Trailing
	// data", "Mis-matched file size"); "" when PyPI would accept the framing,
	// and always "" for a .tar.gz.
	ZipProblem string
	// Backend is the build backend that made the file, as far as the file
	// tells (a wheel's WHEEL Generator, an sdist's pyproject.toml): Check
	// words its hints for the user's own tool.
	Backend Backend
}

// Backend is what a distribution says about the tool that built it.
type Backend struct {
	// Name is the backend's project name, normalized ("setuptools",
	// "hatchling", "flit-core", "poetry-core", "pdm-backend", "maturin",
	// "scikit-build-core", "meson-python", or another name as found), or ""
	// when the file does not say.
	Name string
	// Version is the backend's version when the file records it (a wheel's
	// Generator: "hatchling 1.25.0"), else "".
	Version string
	// SetupPy reports whether an sdist ships a top-level setup.py, which
	// means setuptools reads (some of) its configuration from there.
	SetupPy bool
}

// Member is one entry of an archive.
type Member struct {
	// Name is the member's path inside the archive, as stored.
	Name string
	// Size is the uncompressed size in bytes.
	Size int64
	// CompressedSize is the stored size (zip only; equal to Size for tar).
	CompressedSize int64
	// Method is the zip compression method (0 stored, 8 deflated); 0 for tar.
	Method uint16
	// Dir reports whether the entry is a directory.
	Dir bool
	// TarType is the tar header's type flag (tar.TypeReg '0', tar.TypeDir '5',
	// tar.TypeSymlink '2', ...); tar.TypeGNUSparse 'S' also marks a member
	// that PAX records declare sparse (PyPI refuses sparse members). It is 0
	// for zip members.
	TarType byte
	// Link is the target of a tar symbolic or hard link ("" otherwise).
	Link string
}

// Field is one core-metadata header, as written: Name keeps the file's
// spelling, Value has continuation lines folded in.
type Field struct {
	Name  string
	Value string
}

// Metadata is core metadata (METADATA / PKG-INFO), kept faithfully: every
// header in file order, and the message body.
type Metadata struct {
	// Fields holds every header in the order written. Multi-use fields appear
	// once per use.
	Fields []Field
	// Body is the message body after the blank line that ends the headers
	// (the long description for Metadata-Version 2.1 and later).
	Body string
}

// Severity says whether a Problem makes a file fail.
type Severity string

// Severities of a Problem.
const (
	// Error: PyPI would refuse the file, or pip could not install it.
	Error Severity = "error"
	// Warning: PyPI would accept the file, but something is likely wrong
	// (the index will show or store something other than intended, or may
	// refuse it): the user should act.
	Warning Severity = "warning"
	// Note: worth knowing, but nothing to act on and nothing the index
	// refuses or treats differently. Notes never fail a check, not even a
	// strict one.
	Note Severity = "note"
)

// Problem is one finding of Check.
type Problem struct {
	// Severity is Error, Warning or Note.
	Severity Severity `json:"severity"`
	// Code is a stable, kebab-case identifier (for example "invalid-version").
	Code string `json:"code"`
	// File is the distribution's file name.
	File string `json:"file"`
	// Message says what is wrong and how to fix it, on one line.
	Message string `json:"message"`
	// Line is the line in the long description a rendering problem refers to (0 otherwise).
	Line int `json:"line,omitempty"`
}

// RSTValidator decides whether a reStructuredText long description renders
// the way PyPI renders it. Validate returns nil when it renders, else the
// first problem found. Check calls it for descriptions whose content type is
// text/x-rst or absent.
type RSTValidator interface {
	Validate(src string) *RSTError
}

// RSTError is the first problem found in a reStructuredText description.
type RSTError struct {
	// Line is the 1-based line of the description the message refers to (0 if none).
	Line int
	// Level is the docutils system-message level: "WARNING", "ERROR" or "SEVERE"
	// (or "" for a description that renders to nothing).
	Level string
	// Message is worded as docutils words it.
	Message string
	// Hint is a short suggestion on the fix (may be empty).
	Hint string
}
