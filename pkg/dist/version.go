package dist

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Version is a PEP 440 version, parsed the way pypa/packaging's Version
// parses it. Get one from ParseVersion; the zero Version is "0" and is only a
// placeholder.
//
// Numeric components are kept as decimal strings (without leading zeros), so
// any length of digits is accepted and compared exactly, as Python's integers
// would be.
type Version struct {
	epoch   string   // "" when absent (means 0)
	release []string // at least one component
	pre     string   // "", "a", "b" or "rc"
	preN    string
	post    bool
	postN   string
	dev     bool
	devN    string
	local   []string // lower case; numeric segments without leading zeros
}

// preLabels lists the pre-release spellings in the order packaging's regular
// expression tries them (longest spelling first where one is a prefix of
// another), each with its normalized form.
var preLabels = [...]struct{ spelling, norm string }{
	{"alpha", "a"}, {"a", "a"}, {"beta", "b"}, {"b", "b"},
	{"preview", "rc"}, {"pre", "rc"}, {"c", "rc"}, {"rc", "rc"},
}

// postLabels lists the post-release spellings, likewise.
var postLabels = [...]string{"post", "rev", "r"}

// ParseVersion parses s as a PEP 440 version, accepting every spelling
// pypa/packaging accepts: surrounding whitespace, a leading "v", any letter
// case, epochs ("1!2.0"), pre-release spellings (a, alpha, b, beta, c, rc,
// pre, preview) with optional separators and implicit 0 ("1.0a" = "1.0a0"),
// post releases (".post1", "-r4", "rev", implicit "1.0-1"), dev releases, and
// local versions whose '-' and '_' separators normalize to '.'. Anything else
// returns an error wrapping ErrInvalidVersion.
func ParseVersion(s string) (Version, error) {
	v, ok := parseVersion(s)
	if !ok {
		return Version{}, fmt.Errorf("%w: %q is not a PEP 440 version", ErrInvalidVersion, s)
	}
	return v, nil
}

// isPySpace reports whether r is whitespace for Python's re "\s" in Unicode
// mode (str.isspace), which packaging strips around a version. Go's
// unicode.IsSpace lacks the four ASCII separators 0x1c-0x1f.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

func asciiDigit(c byte) bool { return c >= '0' && c <= '9' }
func verSep(c byte) bool     { return c == '.' || c == '_' || c == '-' }
func verAlnum(c byte) bool   { return asciiDigit(c) || c >= 'a' && c <= 'z' }

// normNum strips leading zeros, as Python's int() followed by str() does.
func normNum(d string) string {
	d = strings.TrimLeft(d, "0")
	if d == "" {
		return "0"
	}
	return d
}

// asciiLower lowers A-Z only: packaging's pattern is ASCII-only with
// IGNORECASE, so no other letter may match.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// parseVersion is a hand-written equivalent of packaging's VERSION_PATTERN
// matched with fullmatch, re.VERBOSE and re.IGNORECASE.
func parseVersion(s string) (Version, bool) {
	s = strings.TrimFunc(s, isPySpace)
	if !utf8.ValidString(s) {
		return Version{}, false
	}
	l := asciiLower(s)
	n := len(l)
	digits := func(i int) (string, int) {
		j := i
		for j < n && asciiDigit(l[j]) {
			j++
		}
		return l[i:j], j
	}
	sep := func(i int) int {
		if i < n && verSep(l[i]) {
			return i + 1
		}
		return i
	}
	var v Version
	i := 0
	if i < n && l[i] == 'v' {
		i++
	}
	d, j := digits(i)
	if d == "" {
		return Version{}, false
	}
	if j < n && l[j] == '!' {
		if e := normNum(d); e != "0" {
			v.epoch = e
		}
		d, j = digits(j + 1)
		if d == "" {
			return Version{}, false
		}
	}
	v.release = append(v.release, normNum(d))
	i = j
	for i+1 < n && l[i] == '.' && asciiDigit(l[i+1]) {
		d, i = digits(i + 1)
		v.release = append(v.release, normNum(d))
	}

	// Pre-release: [._-]? label [._-]? digits?
	j = sep(i)
	for _, lab := range preLabels {
		if strings.HasPrefix(l[j:], lab.spelling) {
			v.pre = lab.norm
			d, i = digits(sep(j + len(lab.spelling)))
			v.preN = normNum(d)
			break
		}
	}

	// Post-release: "-" digits (implicit), or [._-]? label [._-]? digits?
	if i+1 < n && l[i] == '-' && asciiDigit(l[i+1]) {
		d, i = digits(i + 1)
		v.post, v.postN = true, normNum(d)
	} else {
		j = sep(i)
		for _, lab := range postLabels {
			if strings.HasPrefix(l[j:], lab) {
				d, i = digits(sep(j + len(lab)))
				v.post, v.postN = true, normNum(d)
				break
			}
		}
	}

	// Dev release: [._-]? "dev" [._-]? digits?
	j = sep(i)
	if strings.HasPrefix(l[j:], "dev") {
		d, i = digits(sep(j + 3))
		v.dev, v.devN = true, normNum(d)
	}

	// Local version: "+" alnum+ ([._-] alnum+)*
	if i < n && l[i] == '+' {
		j = i + 1
		for {
			k := j
			for k < n && verAlnum(l[k]) {
				k++
			}
			if k == j {
				return Version{}, false
			}
			seg := l[j:k]
			if allDigits(seg) {
				seg = normNum(seg)
			}
			v.local = append(v.local, seg)
			j = k
			if j+1 < n && verSep(l[j]) && verAlnum(l[j+1]) {
				j++
				continue
			}
			break
		}
		i = j
	}
	if i != n {
		return Version{}, false
	}
	return v, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !asciiDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// String returns the normalized form of the version, as str(Version) gives it
// in packaging: "1!2.0rc1.post3.dev4+local.5". Leading zeros of numbers are
// dropped ("01.02" -> "1.2"); trailing ".0" components are kept.
func (v Version) String() string {
	var b strings.Builder
	v.writePublic(&b)
	if len(v.local) > 0 {
		b.WriteByte('+')
		b.WriteString(v.Local())
	}
	return b.String()
}

func (v Version) writePublic(b *strings.Builder) {
	if v.epoch != "" {
		b.WriteString(v.epoch)
		b.WriteByte('!')
	}
	if len(v.release) == 0 {
		b.WriteByte('0')
	}
	for i, r := range v.release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(r)
	}
	if v.pre != "" {
		b.WriteString(v.pre)
		b.WriteString(v.preN)
	}
	if v.post {
		b.WriteString(".post")
		b.WriteString(v.postN)
	}
	if v.dev {
		b.WriteString(".dev")
		b.WriteString(v.devN)
	}
}

// Public returns the normalized version without its local part ("1.0+abc" -> "1.0").
func (v Version) Public() string {
	var b strings.Builder
	v.writePublic(&b)
	return b.String()
}

// Local returns the normalized local version label ("abc.1" for "1.0+ABC-01"),
// or "" when the version has none. PyPI refuses versions with a local part.
func (v Version) Local() string { return strings.Join(v.local, ".") }

// IsPrerelease reports whether the version has a pre-release or dev-release
// segment, as packaging's Version.is_prerelease does.
func (v Version) IsPrerelease() bool { return v.pre != "" || v.dev }

// Epoch returns the epoch as a decimal string ("0" when absent).
func (v Version) Epoch() string {
	if v.epoch == "" {
		return "0"
	}
	return v.epoch
}

// Release returns the release components as decimal strings, without
// leading zeros ("1.02.0" -> ["1", "2", "0"]). The slice is a copy.
func (v Version) Release() []string {
	if len(v.release) == 0 {
		return []string{"0"}
	}
	return append([]string(nil), v.release...)
}

// compareNum compares two decimal strings without leading zeros.
func compareNum(a, b string) int {
	if a == "" {
		a = "0"
	}
	if b == "" {
		b = "0"
	}
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func compareInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CompareVersions orders two versions by PEP 440 rules, as packaging does:
// it returns -1 if a < b, 0 if they are equal ("1.0" == "1.0.0"), +1 if a > b.
// Dev releases sort before pre-releases, pre-releases before the release,
// post releases after it, and a local version after its public version.
func CompareVersions(a, b Version) int {
	if c := compareNum(a.epoch, b.epoch); c != 0 {
		return c
	}
	ra, rb := trimReleaseZeros(a.release), trimReleaseZeros(b.release)
	for i := 0; i < len(ra) && i < len(rb); i++ {
		if c := compareNum(ra[i], rb[i]); c != 0 {
			return c
		}
	}
	if c := compareInt(len(ra), len(rb)); c != 0 {
		return c
	}
	// packaging's suffix key: (pre rank, pre n, post rank, post n, dev rank, dev n).
	rank := func(v Version) int {
		switch {
		case v.pre == "" && !v.post && v.dev:
			return -1
		case v.pre == "":
			return 3
		case v.pre == "a":
			return 0
		case v.pre == "b":
			return 1
		}
		return 2
	}
	if c := compareInt(rank(a), rank(b)); c != 0 {
		return c
	}
	if a.pre != "" {
		if c := compareNum(a.preN, b.preN); c != 0 {
			return c
		}
	}
	if c := compareBool(a.post, b.post); c != 0 {
		return c
	}
	if c := compareNum(a.postN, b.postN); c != 0 {
		return c
	}
	if c := compareBool(!a.dev, !b.dev); c != 0 {
		return c
	}
	if c := compareNum(a.devN, b.devN); c != 0 {
		return c
	}
	return compareLocal(a.local, b.local)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

func trimReleaseZeros(r []string) []string {
	i := len(r)
	for i > 0 && (r[i-1] == "0" || r[i-1] == "") {
		i--
	}
	return r[:i]
}

// compareLocal follows PEP 440: no local sorts first; segments compare
// pairwise with strings before numbers, numbers numerically, strings
// lexically; a shorter label that is a prefix of the other sorts first.
func compareLocal(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		na, nb := allDigits(a[i]), allDigits(b[i])
		var c int
		switch {
		case na && nb:
			c = compareNum(a[i], b[i])
		case na:
			c = 1
		case nb:
			c = -1
		default:
			c = strings.Compare(a[i], b[i])
		}
		if c != 0 {
			return c
		}
	}
	return compareInt(len(a), len(b))
}
