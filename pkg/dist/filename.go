package dist

import (
	"fmt"
	"strings"
	"unicode"
)

// WheelName is a wheel file name taken apart (PEP 427, PEP 491):
// {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl.
// Every field is as written in the file name; nothing is normalized.
type WheelName struct {
	// Distribution is the project name as escaped in the file name ("foo_bar").
	Distribution string
	// Version is the version as written.
	Version string
	// BuildTag is the optional build tag ("" if none); it starts with a digit.
	BuildTag string
	// PythonTags, ABITags and PlatformTags are the compressed tag sets split
	// on '.' ("py2.py3" -> ["py2", "py3"]), in file-name order.
	PythonTags, ABITags, PlatformTags []string
}

// PyVersion returns the python tag set as written ("py2.py3"): the upload
// API's pyversion field for a wheel.
func (w WheelName) PyVersion() string { return strings.Join(w.PythonTags, ".") }

// ParseWheelFilename parses a wheel file name (a base name, not a path) with
// the rules of pypa/packaging's parse_wheel_filename: the name ends in ".whl",
// has 4 or 5 dashes, the distribution part is word characters, '.' and '_'
// without "__", the version is PEP 440, the build tag starts with a digit,
// and each tag set has no empty component and python tags are identifiers.
// It does not check that the names are normalized (PyPI requires
// FilenameName(name) and the normalized version; Check tests that).
// Errors wrap ErrInvalidFilename.
func ParseWheelFilename(filename string) (WheelName, error) {
	fail := func(why string) (WheelName, error) {
		return WheelName{}, fmt.Errorf("%w: %q: %s", ErrInvalidFilename, filename, why)
	}
	stem, ok := strings.CutSuffix(filename, ".whl")
	if !ok {
		return fail("a wheel file name must end in .whl")
	}
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return fail("a wheel file name has the form {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl")
	}
	parts := strings.Split(stem, "-")
	w := WheelName{Distribution: parts[0], Version: parts[1]}
	if !wheelNamePart(w.Distribution) {
		return fail("the project name part may hold only letters, digits, '_' and '.', with no \"__\"")
	}
	if _, err := ParseVersion(w.Version); err != nil {
		return fail(fmt.Sprintf("%q is not a PEP 440 version", w.Version))
	}
	if dashes == 5 {
		w.BuildTag = parts[2]
		if w.BuildTag == "" || !asciiDigit(w.BuildTag[0]) {
			return fail(fmt.Sprintf("build tag %q must start with a digit", w.BuildTag))
		}
	}
	n := len(parts)
	sets := [3]*[]string{&w.PythonTags, &w.ABITags, &w.PlatformTags}
	for i, p := range parts[n-3:] {
		comps := strings.Split(p, ".")
		for _, c := range comps {
			if c == "" {
				return fail(fmt.Sprintf("tag %q has an empty component", p))
			}
		}
		*sets[i] = comps
	}
	for _, t := range w.PythonTags {
		if !pyIdentifier(t) {
			return fail(fmt.Sprintf("python tag %q is not an identifier", t))
		}
	}
	return w, nil
}

// wheelNamePart approximates packaging's ^[\w._]+\Z (Unicode word
// characters) and its "no double underscore" rule.
func wheelNamePart(s string) bool {
	if s == "" || strings.Contains(s, "__") {
		return false
	}
	for _, r := range s {
		if r != '_' && r != '.' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// pyIdentifier approximates Python's str.isidentifier.
func pyIdentifier(s string) bool {
	for i, r := range s {
		if r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r) {
			continue
		}
		return false
	}
	return s != ""
}

// SdistName is an sdist file name taken apart: {name}-{version}{ext}.
// Fields are as written.
type SdistName struct {
	// Distribution is the project name part as written (PEP 625 requires
	// FilenameName(name); legacy files may hold '-', '.' or capitals).
	Distribution string
	// Version is the version part as written.
	Version string
	// Ext is ".tar.gz" or ".zip".
	Ext string
}

// ParseSdistFilename parses an sdist file name (a base name, not a path):
// {name}-{version}.tar.gz, or a legacy {name}-{version}.zip.
//
// Legacy names may contain '-' ("my-package-1.0.tar.gz") and a PEP 440
// version may too ("1.0-1" is 1.0.post1), so the name is split at the first
// '-' after which the rest is a valid PEP 440 version: "my-package-1.0"
// gives my-package / 1.0 and "foo-1.0-1" gives foo / 1.0-1 (pypa/packaging
// splits at the last '-' instead, giving foo-1.0 / 1). The name part must not
// be empty. Errors wrap ErrInvalidFilename.
func ParseSdistFilename(filename string) (SdistName, error) {
	fail := func(why string) (SdistName, error) {
		return SdistName{}, fmt.Errorf("%w: %q: %s", ErrInvalidFilename, filename, why)
	}
	var sn SdistName
	var stem string
	switch {
	case strings.HasSuffix(filename, ".tar.gz"):
		sn.Ext = ".tar.gz"
	case strings.HasSuffix(filename, ".zip"):
		sn.Ext = ".zip"
	default:
		return fail("an sdist file name must end in .tar.gz")
	}
	stem = strings.TrimSuffix(filename, sn.Ext)
	for i := 0; i < len(stem); i++ {
		if stem[i] != '-' || i == 0 {
			continue
		}
		if _, ok := parseVersion(stem[i+1:]); ok && strings.TrimFunc(stem[i+1:], isPySpace) == stem[i+1:] {
			sn.Distribution, sn.Version = stem[:i], stem[i+1:]
			return sn, nil
		}
	}
	return fail("an sdist file name has the form {name}-{version}.tar.gz with a PEP 440 version")
}
