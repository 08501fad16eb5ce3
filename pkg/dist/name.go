package dist

import "strings"

// NormalizeName returns the PEP 503 normalized form of a project name: lower
// case, with every run of '-', '_' and '.' replaced by a single '-'. It does
// not check that name is valid; "Foo.Bar__baz" becomes "foo-bar-baz".
func NormalizeName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	inRun := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			if !inRun {
				b.WriteByte('-')
			}
			inRun = true
			continue
		}
		inRun = false
		b.WriteRune(r)
	}
	return b.String()
}

// FilenameName returns the form of a project name used in wheel and PEP 625
// sdist file names and in .dist-info directory names: the normalized name with
// '-' replaced by '_' ("Foo.Bar" -> "foo_bar").
func FilenameName(name string) string {
	return strings.ReplaceAll(NormalizeName(name), "-", "_")
}

// ValidName reports whether name is a valid project name for the core
// metadata Name field: it matches ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$
// case-insensitively (ASCII letters and digits, with '.', '_' and '-' allowed
// inside but not at either end), the rule PyPI applies.
func ValidName(name string) bool {
	if name == "" {
		return false
	}
	alnum := func(c byte) bool {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if alnum(c) {
			continue
		}
		if (c == '.' || c == '_' || c == '-') && i != 0 && i != len(name)-1 {
			continue
		}
		return false
	}
	return true
}
