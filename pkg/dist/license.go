package dist

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

// licenseRefIDRe is what packaging allows after "LicenseRef-".
var licenseRefIDRe = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

// canonicalizeLicenseExpression validates a License-Expression the way
// packaging.licenses (and so PyPI) does and returns its normalized form
// ("mit and (apache-2.0 or bsd-2-clause)" -> "MIT AND (Apache-2.0 OR
// BSD-2-Clause)").
//
// Its rules, which differ from a strict SPDX parser's (go-spdx's own
// parser, for one, accepts DocumentRef- and is case-sensitive about
// operators): identifiers, exceptions and operators are matched
// case-insensitively; deprecated SPDX identifiers are accepted; a
// trailing '+' is allowed on a license but not on a LicenseRef-;
// LicenseRef-<id> takes any id of letters, digits, '.' and '-';
// DocumentRef- is unknown. The identifier lists come from go-spdx.
func canonicalizeLicenseExpression(raw string) (string, error) {
	invalid := fmt.Errorf("Invalid license expression: %s", pyRepr(raw))
	if raw == "" {
		return "", invalid
	}
	padded := strings.NewReplacer("(", " ( ", ")", " ) ").Replace(raw)
	tokens := strings.Fields(strings.ToLower(padded))
	original := strings.Fields(padded)

	if !licenseGrammarOK(tokens) {
		return "", invalid
	}

	isOp := func(t string) bool {
		return t == "or" || t == "and" || t == "with" || t == "(" || t == ")"
	}
	var out []string
	lastWasLicense := false
	for i, t := range tokens {
		if isOp(t) {
			if t == "with" && (!lastWasLicense || i+1 == len(tokens) || isOp(tokens[i+1])) {
				return "", invalid
			}
			out = append(out, strings.ToUpper(t))
			lastWasLicense = false
			continue
		}
		if len(out) > 0 && out[len(out)-1] == "WITH" {
			ok, id := spdxlicenses.IsException(t)
			if !ok {
				id, ok = spdxPackagingOnlyExceptions[t]
			}
			if !ok {
				return "", fmt.Errorf("Unknown license exception: %s", pyRepr(t))
			}
			out = append(out, id)
			lastWasLicense = false
			continue
		}
		id, suffix := t, ""
		if strings.HasSuffix(id, "+") {
			id, suffix = id[:len(id)-1], "+"
		}
		if strings.HasPrefix(id, "licenseref-") {
			ref := original[i][len("licenseref-"):]
			if suffix != "" || !licenseRefIDRe.MatchString(ref) {
				return "", fmt.Errorf("Invalid licenseref: %s", pyRepr(t))
			}
			out = append(out, "LicenseRef-"+ref)
		} else {
			canon, ok := spdxLicenseID(id)
			if !ok {
				return "", fmt.Errorf("Unknown license: %s", pyRepr(id))
			}
			out = append(out, canon+suffix)
		}
		lastWasLicense = true
	}
	s := strings.Join(out, " ")
	return strings.NewReplacer("( ", "(", " )", ")").Replace(s), nil
}

// go-spdx carries SPDX license list 3.29; packaging, which PyPI validates
// License-Expression with, carries 3.27. Identifiers only the newer list
// has pass here but may be refused by PyPI until its packaging catches up,
// so Check warns about them. (Found by comparing the two lists; refresh
// when either is upgraded.)
var spdxNewerThanPackaging = map[string]bool{
	"Advanced-Cryptics-Dictionary": true, "ALGLIB-Documentation": true, "atc-game": true,
	"BOLA-1.1": true, "Brian-Gladman-3-Clause-no-conversion": true,
	"BSD-2-Clause-pos-unchanged": true, "BSD-3-Clause-OpenWebUI": true, "BSD-3-Clause-Tso": true,
	"BSD-ask-to-endorse": true, "BSD-Mark-Modifications": true, "BSD-Source-alt-GPL": true,
	"BSD-Source-Code-no-disclaimer": true, "Buddy": true, "Bugroff": true, "CAPEC-tou": true,
	"CC-BY-NC-3.0-IGO": true, "ESA-PL-permissive-2.4": true, "ESA-PL-strong-copyleft-2.4": true,
	"ESA-PL-weak-copyleft-2.4": true, "FDK-MPEG-H": true, "Hippocratic-3.0-core": true,
	"HPND-sell-variant-critical-systems": true, "HPND-SMC": true, "hyphen-bulgarian": true,
	"Informatica": true, "ISO-permission": true, "MIT-STK": true, "MMPL-1.0.1": true, "MVT-1.1": true,
	"NIST-PD-TNT": true, "OpenMDW-1.0": true, "OSC-1.0": true, "OSSP": true,
	"ParaType-Free-Font-1.3": true, "SGMLUG-PM": true, "TekHVC": true, "UnRAR": true,
	"Vixie-Cron": true, "WordNet": true, "WTFNMFPL": true, "X11-no-permit-persons": true,
	"Classpath-exception-2.0-short": true, "Google-Patent-WebM": true,
	"kvirc-openssl-exception": true, "rsync-linking-exception": true,
	"Simple-Library-Usage-exception": true, "Spelling-Provider-LGPL-exception": true,
	"sqlitestudio-OpenSSL-exception": true,
}

// spdxPackagingOnlyExceptions are exceptions packaging still accepts (they
// are deprecated) that go-spdx no longer lists.
var spdxPackagingOnlyExceptions = map[string]string{
	"nokia-qt-exception-1.1": "Nokia-Qt-exception-1.1",
}

// licenseIDsNewerThanPyPI returns the identifiers of a canonical
// expression that PyPI's license list may not know yet.
func licenseIDsNewerThanPyPI(canonical string) []string {
	var ids []string
	for _, tok := range strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(canonical)) {
		if spdxNewerThanPackaging[strings.TrimSuffix(tok, "+")] {
			ids = append(ids, tok)
		}
	}
	return ids
}

// spdxLicenseID looks an identifier up, case-insensitively, among the
// active and the deprecated SPDX licenses, and returns its proper case.
func spdxLicenseID(id string) (string, bool) {
	if ok, canon := spdxlicenses.IsActiveLicense(id); ok {
		return canon, true
	}
	if ok, canon := spdxlicenses.IsDeprecatedLicense(id); ok {
		return canon, true
	}
	return "", false
}

// licenseGrammarOK checks the shape of a lower-cased, tokenized license
// expression: operands joined by "and", "or" or "with", grouped by
// balanced parentheses. Whether "with" sits between a license and an
// exception is checked by the caller.
func licenseGrammarOK(tokens []string) bool {
	pos := 0
	var expr func() bool
	operand := func() bool {
		if pos >= len(tokens) {
			return false
		}
		switch tokens[pos] {
		case "(":
			pos++
			if !expr() || pos >= len(tokens) || tokens[pos] != ")" {
				return false
			}
			pos++
			return true
		case ")", "and", "or", "with":
			return false
		}
		pos++
		return true
	}
	expr = func() bool {
		if !operand() {
			return false
		}
		for pos < len(tokens) {
			switch tokens[pos] {
			case "and", "or", "with":
				pos++
				if !operand() {
					return false
				}
			default:
				return true
			}
		}
		return true
	}
	return expr() && pos == len(tokens)
}

// licenseFilePathProblem says why a License-File value is refused (packaging's
// reasons, in its order), or returns "" when it is acceptable.
func licenseFilePathProblem(p string) string {
	switch {
	case strings.Contains(p, ".."):
		return "parent directory indicators are not allowed"
	case strings.Contains(p, "*"):
		return "paths must be resolved"
	case isAbsolutePath(p):
		return "paths must be relative"
	case strings.Contains(p, `\`):
		return "paths must use '/' delimiter"
	}
	return ""
}

// isAbsolutePath reports whether p is absolute for POSIX or for Windows
// (drive letter, UNC or rooted path), as packaging checks both.
func isAbsolutePath(p string) bool {
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`) {
		return true
	}
	return len(p) >= 3 && p[1] == ':' && (p[2] == '/' || p[2] == '\\') &&
		(p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z')
}

// checkLicenseFiles reports License-File entries missing from the archive:
// PyPI looks for <top>/<path> in an sdist and for
// <name>-<version>.dist-info/licenses/<path> in a wheel, with <name> and
// <version> exactly as the wheel's file name spells them.
func (c *checker) checkLicenseFiles() {
	files := formValues(c.d.Metadata, "License-File")
	if len(files) == 0 || c.d.Members == nil || !licenseFilesSent(c.d.Metadata) || licenseFilePathsInvalid(files) {
		return
	}
	var prefix string
	switch c.kindOf() {
	case Wheel:
		name, ver, ok := wheelNameVersion(c.d.Filename)
		if !ok {
			return
		}
		prefix = name + "-" + ver + ".dist-info/licenses/"
	case Sdist:
		top := commonPath(c.d.Members)
		if top == "" {
			return // reported as a layout problem
		}
		prefix = top + "/"
	default:
		return
	}
	have := memberSet(c.d.Members)
	for _, f := range files {
		target := prefix + f
		if !have[target] {
			c.errorf(codeMissingLicenseFile, "License-File %s does not exist in distribution file %s at %s. Include the file in the distribution (check the build backend's license-files setting).",
				f, c.d.Filename, target)
		}
	}
}

// licenseFilePathsInvalid reports whether any path is already refused on
// its own, in which case PyPI never gets as far as looking for it.
func licenseFilePathsInvalid(files []string) bool {
	for _, f := range files {
		if licenseFilePathProblem(f) != "" {
			return true
		}
	}
	return false
}

// memberSet indexes the regular-file members of an archive by name.
func memberSet(ms []Member) map[string]bool {
	set := make(map[string]bool, len(ms))
	for _, m := range ms {
		set[strings.TrimSuffix(m.Name, "/")] = true
	}
	return set
}

// commonPath is Python's os.path.commonpath over the member names, which
// PyPI takes as an sdist's top-level directory: the longest run of leading
// path components all names share ("." components ignored). It returns ""
// when names share nothing or there are none.
func commonPath(ms []Member) string {
	var common []string
	for i, m := range ms {
		parts := splitPath(m.Name)
		if i == 0 {
			common = parts
			continue
		}
		n := 0
		for n < len(common) && n < len(parts) && common[n] == parts[n] {
			n++
		}
		common = common[:n]
	}
	return strings.Join(common, "/")
}

func splitPath(name string) []string {
	var parts []string
	for _, p := range strings.Split(name, "/") {
		if p != "" && p != "." {
			parts = append(parts, p)
		}
	}
	return parts
}
