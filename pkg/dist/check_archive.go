package dist

import (
	"archive/tar"
	"fmt"
	"strings"
)

// PyPI's zip-bomb guard: past this many uncompressed bytes, a zip may
// expand at most compressionRatioMax times its file size.
const (
	compressionRatioMinSize = 64 << 20
	compressionRatioMax     = 50
)

// checkSize warns when the file is over the configured per-file limit.
// It is a warning: PyPI raises the limit for projects that ask.
func (c *checker) checkSize() {
	max := c.cfg.maxFileSize
	if max <= 0 || c.d.Size <= max {
		return
	}
	c.warnf(codeFileTooLarge, "File too large: %s is %s, over the %s limit; PyPI will refuse it unless the project was granted a larger limit (https://docs.pypi.org/project-management/storage-limits/#requesting-a-file-size-limit-increase).",
		c.d.Filename, mib(c.d.Size), mib(max))
}

func mib(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// checkArchive applies PyPI's "Invalid distribution file" rules to the
// archive's member list. Nothing is checked when the members were not read.
func (c *checker) checkArchive() {
	if c.d.Members == nil {
		return
	}
	c.checkMemberPaths()
	kind := c.kindOf()
	fn := strings.ToLower(c.d.Filename)
	if kind == Wheel || strings.HasSuffix(fn, ".zip") {
		c.checkZip()
	}
	switch kind {
	case Wheel:
		c.checkWheelLayout()
	case Sdist:
		c.checkSdistLayout()
		c.checkSparseMembers()
	}
}

// checkSparseMembers: PyPI refuses tar members stored as GNU sparse files.
func (c *checker) checkSparseMembers() {
	for _, m := range c.d.Members {
		if m.TarType == tar.TypeGNUSparse {
			c.errorf(codeSparseMember, "tar archive not accepted: Sparse members are not allowed (%s). Rebuild the sdist with python -m build --sdist; see https://docs.pypi.org/archives", m.Name)
			return
		}
	}
}

// checkZip: only stored and deflated members, and no extreme expansion.
// The ratio is PyPI's: the sum of the members' uncompressed sizes over the
// size of the whole file.
func (c *checker) checkZip() {
	// PyPI validates the ZIP record framing to rule out parser differentials
	// (data descriptors, trailing data, local and central headers that
	// disagree); Open records its verdict.
	if c.d.ZipProblem != "" {
		c.errorf(codeZipFraming, "ZIP archive not accepted: %s. Rebuild with a standard build backend (Python's zipfile writes what PyPI accepts); see https://docs.pypi.org/archives", c.d.ZipProblem)
	}
	var total int64
	for _, m := range c.d.Members {
		total += m.Size
	}
	if total > compressionRatioMinSize && c.d.Size > 0 && float64(total)/float64(c.d.Size) > compressionRatioMax {
		c.errorf(codeCompressionRatio, "Invalid distribution file. File exceeds compression ratio of %d: %s unpacks to %s from %s. Ship less repetitive data, or store large data uncompressed or outside the package.",
			compressionRatioMax, c.d.Filename, mib(total), mib(c.d.Size))
	}
	for _, m := range c.d.Members {
		if m.Method != 0 && m.Method != 8 {
			c.errorf(codeUnsupportedCompression, "Invalid distribution file. File does not use a supported compression type: member %s uses zip method %d; only stored (0) and deflated (8) are accepted. Rebuild with a standard build backend.",
				pyRepr(m.Name), m.Method)
			return
		}
	}
}

// checkWheelLayout looks for the .dist-info files PyPI reads. It names the
// directory from the file name's first two parts, exactly as written.
func (c *checker) checkWheelLayout() {
	name, ver, ok := wheelNameVersion(c.d.Filename)
	if !ok {
		return // the file name problem is reported
	}
	dir := name + "-" + ver + ".dist-info/"
	have := memberSet(c.d.Members)
	if !have[dir+"WHEEL"] {
		c.errorf(codeMissingDistInfoFile, "Invalid distribution file. WHEEL not found at %sWHEEL. The .dist-info directory must be named like the file (name and version as in the file name); rebuild rather than rename wheels.", dir)
	}
	if !have[dir+"RECORD"] {
		c.errorf(codeMissingDistInfoFile, "Wheel '%s' does not contain the required RECORD file: %sRECORD. Rebuild the wheel with a standard build backend.", c.d.Filename, dir)
	}
	if !have[dir+"METADATA"] {
		c.errorf(codeMissingDistInfoFile, "Wheel '%s' does not contain the required METADATA file: %sMETADATA. Rebuild the wheel with a standard build backend.", c.d.Filename, dir)
	}
}

// checkSdistLayout: exactly one top-level directory (the members' common
// path, as PyPI computes it), holding PKG-INFO.
func (c *checker) checkSdistLayout() {
	top := commonPath(c.d.Members)
	if top == "" {
		c.errorf(codeSdistLayout, "Invalid distribution file. Incorrect number of top-level directories in sdist: everything must be under one {name}-{version}/ directory. Build the sdist with python -m build --sdist.")
		return
	}
	if !memberSet(c.d.Members)[top+"/PKG-INFO"] {
		c.errorf(codeMissingPKGINFO, "Invalid distribution file. PKG-INFO not found at %s/PKG-INFO. Build the sdist with python -m build --sdist, which writes it.", top)
	}
}
