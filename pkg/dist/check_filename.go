package dist

import (
	"regexp"
	"strings"
)

// distExtRe finds a distribution extension the way PyPI does
// (case-insensitively, so ".WHL" is found and then refused as not ".whl").
var distExtRe = regexp.MustCompile(`(?i)^.+?(\.(?:tar\.gz|zip|whl))$`)

// wheelNamePartRe is packaging's rule for the escaped project name at the
// start of a wheel file name: word characters, '.' and '_' (no '-').
var wheelNamePartRe = regexp.MustCompile(`^[\pL\pN_.]+$`)

// wheelBuildRe: a wheel build tag starts with a digit.
var wheelBuildRe = regexp.MustCompile(`^[0-9]`)

// kindOf returns the filetype PyPI will be told: d.Kind, or, when Open did
// not set it, what the extension implies.
func (c *checker) kindOf() Kind {
	if c.d.Kind != "" {
		return c.d.Kind
	}
	lower := strings.ToLower(c.d.Filename)
	if strings.HasSuffix(lower, ".whl") {
		return Wheel
	}
	return Sdist
}

// checkFilename applies PyPI's file name rules that need no metadata:
// characters, extension against filetype, wheel name syntax and platform
// tags.
func (c *checker) checkFilename() {
	fn := c.d.Filename
	for _, r := range fn {
		if r < 32 || r == 127 {
			c.errorf(codeInvalidFilename, "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name. Rename %s.", pyRepr(fn))
			return
		}
	}
	if strings.ContainsAny(fn, `/\`) {
		c.errorf(codeInvalidFilename, "Cannot upload a file with '/' or '\\' in the name. Rename %s.", pyRepr(fn))
		return
	}
	kind := c.kindOf()
	m := distExtRe.FindStringSubmatch(fn)
	if m == nil {
		c.errorf(codeInvalidExtension, "Invalid file extension: Use .tar.gz, .whl or .zip extension. Upload only wheels (.whl) and sdists (.tar.gz) as built by python -m build.")
		return
	}
	ext := m[1]
	switch {
	case kind == Wheel && ext != ".whl", kind == Sdist && ext != ".tar.gz" && ext != ".zip":
		c.errorf(codeInvalidExtension, "Invalid file extension: Extension %s is invalid for filetype %s. See https://www.python.org/dev/peps/pep-0527 for more information.", ext, kind)
		return
	case kind == Sdist && ext == ".zip":
		// The upload form still takes .zip sdists, but PEP 625's file name
		// check that follows wants .tar.gz, so PyPI refuses them.
		c.errorf(codeZipSdist, "Filename %s is invalid, should be a .tar.gz: PyPI no longer accepts .zip source distributions (PEP 625/527). Build the sdist with python -m build --sdist.", pyRepr(fn))
		return
	}
	if kind == Wheel {
		c.checkWheelFilename()
	}
}

// wheelFilename is a wheel file name split the way packaging splits it.
type wheelFilename struct {
	namePart  string
	version   string
	platforms []string
}

// parseWheelFilenameForCheck splits and validates a wheel file name as
// packaging.utils.parse_wheel_filename does and returns its message on
// failure.
func parseWheelFilenameForCheck(fn string) (wheelFilename, string) {
	var w wheelFilename
	stem, ok := strings.CutSuffix(fn, ".whl")
	if !ok {
		return w, "Invalid wheel filename (extension must be '.whl'): " + pyRepr(fn)
	}
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return w, "Invalid wheel filename (wrong number of parts): " + pyRepr(stem)
	}
	parts := strings.SplitN(stem, "-", dashes-1) // Python's split("-", dashes-2)
	w.namePart = parts[0]
	if strings.Contains(w.namePart, "__") || !wheelNamePartRe.MatchString(w.namePart) {
		return w, "Invalid project name: " + pyRepr(stem)
	}
	w.version = parts[1]
	if _, err := ParseVersion(w.version); err != nil {
		return w, "Invalid wheel filename (invalid version): " + pyRepr(stem)
	}
	if dashes == 5 && !wheelBuildRe.MatchString(parts[2]) {
		return w, "Invalid build number: " + parts[2] + " in " + pyRepr(stem)
	}
	tags := strings.Split(parts[len(parts)-1], "-")
	if len(tags) != 3 {
		return w, "Invalid wheel filename (invalid tag component): " + pyRepr(stem)
	}
	for _, t := range tags {
		for _, v := range strings.Split(t, ".") {
			if v == "" {
				return w, "Invalid wheel filename (invalid tag component): " + pyRepr(stem)
			}
		}
	}
	for _, interp := range strings.Split(tags[0], ".") {
		if !isPythonIdentifier(interp) {
			return w, "Invalid wheel filename (invalid tag component): " + pyRepr(stem)
		}
	}
	w.platforms = strings.Split(strings.ToLower(tags[2]), ".")
	return w, ""
}

func (c *checker) checkWheelFilename() {
	w, msg := parseWheelFilenameForCheck(c.d.Filename)
	if msg != "" {
		c.errorf(codeInvalidWheelFilename, "%s. Wheel names are {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl; let the build backend name the file.", msg)
		return
	}
	for _, p := range w.platforms {
		if !validPlatformTag(p) {
			c.errorf(codeUnsupportedPlatformTag, "Binary wheel %s has an unsupported platform tag %s. %s", pyRepr(c.d.Filename), pyRepr(p), platformTagHint(p))
		}
	}
}

// wheelNameVersion returns the name and version parts of a wheel file
// name exactly as written, which is how PyPI locates the .dist-info
// directory (filename.split("-", 2)).
func wheelNameVersion(fn string) (name, version string, ok bool) {
	parts := strings.SplitN(fn, "-", 3)
	if len(parts) < 3 {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// metadataNameVersion returns the metadata's name and parsed version when
// both are valid; filename checks against metadata need both.
func (c *checker) metadataNameVersion() (string, Version, bool) {
	name, ok := formValue(c.d.Metadata, "Name")
	if !ok || !projectNameRe.MatchString(name) {
		return "", Version{}, false
	}
	raw, ok := formValue(c.d.Metadata, "Version")
	if !ok {
		return "", Version{}, false
	}
	v, err := ParseVersion(raw)
	if err != nil {
		return "", Version{}, false
	}
	return name, v, true
}

// checkWheelFilenameMatchesMetadata: the wheel's name part must be the
// metadata name normalized with '_' (PEP 427/503: "foo_bar"), and its
// version equal, as PEP 440 versions, to the metadata's.
func (c *checker) checkWheelFilenameMatchesMetadata() {
	if c.kindOf() != Wheel {
		return
	}
	w, msg := parseWheelFilenameForCheck(c.d.Filename)
	if msg != "" {
		return
	}
	name, mv, ok := c.metadataNameVersion()
	if !ok {
		return
	}
	want := FilenameName(name)
	if NormalizeName(w.namePart) != NormalizeName(name) {
		c.errorf(codeFilenameProject, "Start filename for %s with %s. The file name and the metadata Name disagree; rebuild so both come from the same project.", pyRepr(name), pyRepr(want))
		return
	}
	if w.namePart != want {
		c.errorf(codeFilenameNotNormalized, "Filename %s should contain the normalized project name %s, not %s. %s",
			pyRepr(c.d.Filename), pyRepr(want), pyRepr(w.namePart), c.wheelNameHint())
	}
	fv, err := ParseVersion(w.version)
	if err != nil {
		return
	}
	if CompareVersions(fv, mv) != 0 {
		c.errorf(codeFilenameVersion, "Version in filename should be %s not %s. The file was renamed or built from a different version; rebuild it.", pyRepr(mv.String()), pyRepr(fv.String()))
	}
}

// checkSdistFilenameMatchesMetadata applies PEP 625 as PyPI enforces it:
// an sdist must be named exactly {normalized_name with _}-{normalized
// version}.tar.gz.
func (c *checker) checkSdistFilenameMatchesMetadata() {
	if c.kindOf() != Sdist || strings.ContainsAny(c.d.Filename, "/\\") {
		return
	}
	fn := c.d.Filename
	name, mv, ok := c.metadataNameVersion()
	if !ok {
		return
	}
	lower := strings.ToLower(fn)
	if !strings.HasSuffix(lower, ".tar.gz") && !strings.HasSuffix(lower, ".zip") {
		return // reported as an extension problem
	}
	expected := FilenameName(name) + "-" + mv.String() + ".tar.gz"
	stem := strings.TrimSuffix(strings.TrimSuffix(fn, ".tar.gz"), ".zip")
	namePart, verPart, found := cutLast(stem, "-")
	if !found || namePart == "" {
		c.errorf(codeInvalidSdistFilename, "Invalid source distribution filename: %s. It should be %s.", fn, pyRepr(expected))
		return
	}
	if _, err := ParseVersion(verPart); err != nil {
		c.errorf(codeInvalidSdistFilename, "Invalid source distribution filename: %s. It should be %s.", fn, pyRepr(expected))
		return
	}
	if NormalizeName(namePart) != NormalizeName(name) && !c.sdistPostReleaseSplit(stem, name) {
		c.errorf(codeFilenameProject, "Start filename for %s with %s. The file name and the metadata Name disagree; rebuild so both come from the same project.", pyRepr(name), pyRepr(FilenameName(name)))
		return
	}
	if fn != expected && !strings.HasSuffix(lower, ".zip") {
		c.errorf(codeFilenameNotNormalized, "Filename %s is invalid, should be %s. %s", pyRepr(fn), pyRepr(expected), c.sdistNameHint())
	}
}

// sdistPostReleaseSplit mirrors PyPI's allowance for legacy post-release
// spellings with a hyphen ("foo-1.0-1.tar.gz"): it splits at the
// second-to-last hyphen instead and compares that name.
func (c *checker) sdistPostReleaseSplit(stem, name string) bool {
	head, _, ok := cutLast(stem, "-")
	if !ok {
		return false
	}
	namePart, _, ok := cutLast(head, "-")
	if !ok {
		return false
	}
	if _, err := ParseVersion(stem[len(namePart)+1:]); err != nil {
		return false
	}
	return NormalizeName(namePart) == NormalizeName(name)
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
