package dist

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pyup-dev/pyup/pkg/internal/pyrepr"
)

// DefaultMaxFileSize is the per-file upload limit PyPI applies unless a
// project has been granted more: 100 MiB.
const DefaultMaxFileSize int64 = 100 << 20

// CheckOption configures Check.
type CheckOption func(*checkConfig)

type checkConfig struct {
	rst         RSTValidator
	maxFileSize int64
}

// WithRSTValidator sets the validator Check uses for reStructuredText long
// descriptions (content type text/x-rst, or none, which PyPI renders as
// reStructuredText). The default is a DocutilsValidator{}, which remembers
// nothing between calls (see NewDocutilsValidator); nil turns the
// validation off.
func WithRSTValidator(v RSTValidator) CheckOption {
	return func(c *checkConfig) { c.rst = v }
}

// WithMaxFileSize sets the size above which Check warns that the index will
// likely refuse the file. The default is DefaultMaxFileSize (100 MiB, PyPI's
// limit for projects that were not granted more). A value <= 0 disables the
// warning.
func WithMaxFileSize(n int64) CheckOption {
	return func(c *checkConfig) { c.maxFileSize = n }
}

// Check applies to d the rules an index like PyPI applies on upload, as far
// as a client can know them without asking the server, plus the warnings
// twine check gives. It returns every problem found (nil when there is
// none), errors before warnings before notes, otherwise in a stable order: file name,
// archive layout, metadata, classifiers, description. docs/checks.md lists
// every Problem.Code.
//
// Check reads only d (its file name, size, members and metadata) and does
// no I/O. The archive rules (layout, compression, License-File presence)
// need d.Members; when it is nil they are skipped. Where PyPI stops at the
// first problem, Check reports them all.
func Check(d *Dist, opts ...CheckOption) []Problem {
	cfg := checkConfig{maxFileSize: DefaultMaxFileSize, rst: DocutilsValidator{}}
	for _, o := range opts {
		o(&cfg)
	}
	c := &checker{cfg: cfg, d: d}
	if d == nil {
		return nil
	}
	c.checkFilename()
	c.checkSize()
	c.checkArchive()
	if d.Metadata == nil {
		c.errorf(codeMissingMetadata, "No core metadata was found (a wheel's .dist-info/METADATA or an sdist's PKG-INFO); rebuild the distribution with a current build backend.")
	} else {
		c.checkMetadata()
		c.checkLicenseFiles()
		c.checkClassifiers()
		c.checkWheelFilenameMatchesMetadata()
		c.checkSdistFilenameMatchesMetadata()
		c.checkDescription()
	}
	// Errors first; within a severity, the order the rules ran in, which
	// follows the order PyPI checks things in and is stable across runs.
	sort.SliceStable(c.problems, func(i, j int) bool {
		return severityRank(c.problems[i].Severity) < severityRank(c.problems[j].Severity)
	})
	return c.problems
}

// HasErrors reports whether any of ps has Severity Error, that is whether
// PyPI would refuse the file.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

func severityRank(s Severity) int {
	switch s {
	case Error:
		return 0
	case Warning:
		return 1
	}
	return 2
}

// checker accumulates the problems of one Check call.
type checker struct {
	cfg      checkConfig
	d        *Dist
	problems []Problem
}

func (c *checker) add(sev Severity, code string, line int, msg string) {
	c.problems = append(c.problems, Problem{
		Severity: sev,
		Code:     code,
		File:     c.d.Filename,
		Message:  oneLine(msg),
		Line:     line,
	})
}

func (c *checker) errorf(code, format string, args ...any) {
	c.add(Error, code, 0, fmt.Sprintf(format, args...))
}

func (c *checker) warnf(code, format string, args ...any) {
	c.add(Warning, code, 0, fmt.Sprintf(format, args...))
}

func (c *checker) notef(code, format string, args ...any) {
	c.add(Note, code, 0, fmt.Sprintf(format, args...))
}

// oneLine keeps a message on one line even when it quotes user data that
// holds line breaks, so that reports stay one line per problem.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`).Replace(s)
}

// pyRepr quotes s the way Python's repr quotes a str, so that messages that
// repeat PyPI's wording read exactly as PyPI's do ('x', or "it's"). Other
// than Python it keeps non-ASCII characters: the CLI escapes those for the
// terminal in its own, visible way.
func pyRepr(s string) string { return pyrepr.StrASCII(s) }

// pyList renders ss the way Python prints a list of str: ['a', 'b'].
func pyList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = pyRepr(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// The codes of the problems Check reports. They are stable: scripts may
// match on them. docs/checks.md describes each one.
const (
	codeMissingMetadata          = "missing-metadata"
	codeInvalidMetadataVersion   = "invalid-metadata-version"
	codeFieldTooNew              = "field-too-new"
	codeDuplicateField           = "duplicate-field"
	codeUnknownField             = "unknown-field"
	codeMissingName              = "missing-name"
	codeInvalidName              = "invalid-name"
	codeMissingVersion           = "missing-version"
	codeInvalidVersion           = "invalid-version"
	codeLocalVersion             = "local-version"
	codeInvalidSummary           = "invalid-summary"
	codeInvalidContentType       = "invalid-description-content-type"
	codeInvalidEmail             = "invalid-email"
	codeInvalidURL               = "invalid-url"
	codeInvalidProjectURL        = "invalid-project-url"
	codeInvalidRequirement       = "invalid-requirement"
	codeDirectReference          = "direct-reference"
	codeInvalidRequiresPython    = "invalid-requires-python"
	codeInvalidExtra             = "invalid-extra"
	codeInvalidDynamic           = "invalid-dynamic"
	codeLicenseConflict          = "license-conflict"
	codeInvalidLicenseExpression = "invalid-license-expression"
	codeInvalidLicenseFile       = "invalid-license-file"
	codeMissingLicenseFile       = "missing-license-file"
	codeInvalidImportName        = "invalid-import-name"
	codeInvalidClassifier        = "invalid-classifier"
	codePrivateClassifier        = "private-classifier"
	codeDeprecatedClassifier     = "deprecated-classifier"
	codeInvalidFilename          = "invalid-filename"
	codeInvalidExtension         = "invalid-extension"
	codeZipSdist                 = "zip-sdist"
	codeInvalidWheelFilename     = "invalid-wheel-filename"
	codeInvalidSdistFilename     = "invalid-sdist-filename"
	codeFilenameProject          = "filename-project-mismatch"
	codeFilenameNotNormalized    = "filename-not-normalized"
	codeFilenameVersion          = "filename-version-mismatch"
	codeUnsupportedPlatformTag   = "unsupported-platform-tag"
	codeMissingDistInfoFile      = "missing-dist-info-file"
	codeUnsupportedCompression   = "unsupported-compression"
	codeCompressionRatio         = "compression-ratio"
	codeSdistLayout              = "sdist-layout"
	codeZipFraming               = "zip-framing"
	codeSparseMember             = "sparse-member"
	codeMissingPKGINFO           = "missing-pkg-info"
	codeFileTooLarge             = "file-too-large"
	codeMissingDescription       = "missing-description"
	codeMissingContentType       = "missing-description-content-type"
	codeDescriptionRender        = "description-render"
	codeDescriptionConflict      = "description-conflict"
	codeLicenseFileIgnored       = "license-file-ignored"
	codeLicenseIDTooNew          = "license-id-too-new"
	codeUnsafeMemberPath         = "unsafe-member-path"
)

// problemCodes lists every code, so tests can hold docs/checks.md to it.
var problemCodes = []string{
	codeMissingMetadata, codeInvalidMetadataVersion, codeFieldTooNew, codeDuplicateField,
	codeUnknownField, codeMissingName, codeInvalidName, codeMissingVersion, codeInvalidVersion,
	codeLocalVersion, codeInvalidSummary, codeInvalidContentType, codeInvalidEmail, codeInvalidURL,
	codeInvalidProjectURL, codeInvalidRequirement, codeDirectReference, codeInvalidRequiresPython,
	codeInvalidExtra, codeInvalidDynamic, codeLicenseConflict, codeInvalidLicenseExpression,
	codeInvalidLicenseFile, codeMissingLicenseFile, codeInvalidImportName, codeInvalidClassifier,
	codePrivateClassifier, codeDeprecatedClassifier, codeInvalidFilename, codeInvalidExtension,
	codeZipSdist, codeInvalidWheelFilename, codeInvalidSdistFilename, codeFilenameProject,
	codeFilenameNotNormalized, codeFilenameVersion, codeUnsupportedPlatformTag,
	codeMissingDistInfoFile, codeUnsupportedCompression, codeCompressionRatio, codeSdistLayout,
	codeZipFraming, codeSparseMember,
	codeMissingPKGINFO, codeFileTooLarge, codeMissingDescription, codeMissingContentType,
	codeDescriptionRender, codeDescriptionConflict, codeLicenseFileIgnored,
	codeLicenseIDTooNew, codeUnsafeMemberPath,
}
