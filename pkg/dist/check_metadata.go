package dist

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// projectNameRe is PEP 508's name rule, which PyPI applies to the upload
// form's name and packaging applies to Name and Provides-Extra.
var projectNameRe = regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`)

// lineBoundaries are the characters packaging treats as ending a line in
// a single-line field (str.splitlines' boundaries).
const lineBoundaries = "\r\n\v\f\x1c\x1d\x1e\u0085\u2028\u2029"

// summaryMaxLen is PyPI's limit on Summary, in characters.
const summaryMaxLen = 512

// projectURLLabelMaxLen is PyPI's limit on a Project-URL label.
const projectURLLabelMaxLen = 32

func (c *checker) checkMetadata() {
	m := c.d.Metadata
	mvIndex := c.checkMetadataVersion(m)
	c.checkFieldUse(m, mvIndex)
	c.checkName(m)
	c.checkVersion(m)
	c.checkSummary(m)
	c.checkDescriptionContentType(m)
	c.checkEmails(m)
	c.checkURLs(m)
	c.checkRequirements(m)
	c.checkRequiresPython(m)
	c.checkProvidesExtra(m)
	c.checkDynamic(m)
	c.checkLicense(m)
	c.checkImportNames(m)
}

// checkMetadataVersion reports a missing or unsupported Metadata-Version
// and returns its index in metadataVersions (-1 when unusable).
func (c *checker) checkMetadataVersion(m *Metadata) int {
	v, ok := formValue(m, "Metadata-Version")
	if !ok {
		c.errorf(codeInvalidMetadataVersion, "Metadata-Version is missing; it is required. Rebuild with a current build backend, which writes Metadata-Version 2.1 or later.")
		return -1
	}
	i := metadataVersionIndex(v)
	if i < 0 {
		c.errorf(codeInvalidMetadataVersion, "%s is not a valid metadata version. PyPI accepts %s; rebuild with a build backend that writes one of them.",
			pyRepr(v), strings.Join(metadataVersions, ", "))
	}
	return i
}

// checkFieldUse reports fields newer than the declared Metadata-Version,
// single-use fields given twice, and fields that are not core metadata.
func (c *checker) checkFieldUse(m *Metadata, mvIndex int) {
	counts := map[string]int{}
	var order []string
	unknown := map[string]bool{}
	for _, f := range m.Fields {
		name := strings.ToLower(f.Name)
		if _, ok := coreFields[name]; !ok {
			if !unknown[name] {
				unknown[name] = true
				c.warnf(codeUnknownField, "%s is not a core metadata field; the upload does not carry it and PyPI ignores it (twine refuses the file: \"unrecognized or malformed field\"). Check its spelling.", pyRepr(f.Name))
			}
			continue
		}
		if strings.TrimSpace(f.Value) == "UNKNOWN" || f.Value == "" {
			continue
		}
		if counts[name] == 0 {
			order = append(order, name)
		}
		counts[name]++
	}
	for _, name := range order {
		cf := coreFields[name]
		if !cf.multi && counts[name] > 1 {
			// The server parses the form, where a repeated single-use key
			// cannot be told apart from garbage.
			c.errorf(codeDuplicateField, "%s has invalid data: the field is given %d times but may be given once. Keep one %s.",
				pyRepr(formKey(name)), counts[name], canonicalFieldName(name))
		}
		if name == "license-file" && mvIndex >= 0 && !licenseFilesSent(m) {
			// setuptools before 77 writes License-File under 2.1/2.2. twine
			// drops those fields rather than have PyPI refuse the file, and
			// pyup's upload does the same. Nothing to act on: the index
			// takes the file as it always did, so a note.
			c.notef(codeLicenseFileIgnored, "license-file introduced in metadata version 2.4, not %s: the License-File fields are left out of the upload (as twine does), which PyPI accepts; the license files stay in the archive. %s",
				metadataVersions[mvIndex], c.metadata24Hint())
			continue
		}
		if mvIndex >= 0 && metadataVersionIndex(cf.added) > mvIndex {
			c.errorf(codeFieldTooNew, "%s introduced in metadata version %s, not %s. Declare Metadata-Version %s or later (upgrade the build backend), or drop the field.",
				name, cf.added, metadataVersions[mvIndex], cf.added)
		}
	}
}

// formKey is the upload form's key for a field (name lower-cased, '-' ->
// '_'; project-url travels as project_urls), as PyPI's messages name it.
func formKey(name string) string {
	if name == "project-url" {
		return "project_urls"
	}
	return strings.ReplaceAll(name, "-", "_")
}

// canonicalFieldName spells a lower-cased field name the way the core
// metadata specification does, for messages.
func canonicalFieldName(name string) string {
	switch name {
	case "author-email":
		return "Author-email"
	case "maintainer-email":
		return "Maintainer-email"
	case "home-page":
		return "Home-page"
	case "download-url":
		return "Download-URL"
	case "project-url":
		return "Project-URL"
	}
	parts := strings.Split(name, "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "-")
}

func (c *checker) checkName(m *Metadata) {
	name, ok := formValue(m, "Name")
	if !ok {
		c.errorf(codeMissingName, "'name' is a required field. Set the project name in pyproject.toml's [project] table.")
		return
	}
	if !projectNameRe.MatchString(name) {
		c.errorf(codeInvalidName, "%s is invalid for 'name'. Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.", pyRepr(name))
	}
}

func (c *checker) checkVersion(m *Metadata) {
	raw, ok := formValue(m, "Version")
	if !ok {
		c.errorf(codeMissingVersion, "'version' is a required field. Set the version in pyproject.toml or in your version plugin's configuration.")
		return
	}
	v, err := ParseVersion(raw)
	if err != nil {
		c.errorf(codeInvalidVersion, "%s is invalid for 'version'. Use a PEP 440 version such as 1.0, 1.0.post1, 2.0rc1 or 1.0.dev3 (see https://packaging.python.org/en/latest/specifications/version-specifiers/).", pyRepr(raw))
		return
	}
	if v.Local() != "" {
		c.errorf(codeLocalVersion, "The use of local versions in %s is not allowed. Drop the '+%s' part (version tools add it for dirty or untagged trees: %s).",
			pyRepr(v.String()), v.Local(), c.localVersionHint())
	}
}

func (c *checker) checkSummary(m *Metadata) {
	s, ok := formValue(m, "Summary")
	if !ok {
		return
	}
	if strings.ContainsAny(s, lineBoundaries) {
		c.errorf(codeInvalidSummary, "'summary' must be a single line. Remove the line breaks from the project's description in pyproject.toml.")
	}
	if n := utf8.RuneCountInString(s); n > summaryMaxLen {
		c.errorf(codeInvalidSummary, "'summary' field must be %d characters or less. It has %d; shorten it and move the detail to the long description.", summaryMaxLen, n)
	}
}

// descriptionContentTypes lists the Description-Content-Type values PyPI
// renders, in the order packaging's message names them.
var descriptionContentTypes = []string{"text/plain", "text/x-rst", "text/markdown"}

func (c *checker) checkDescriptionContentType(m *Metadata) {
	v, ok := formValue(m, "Description-Content-Type")
	if !ok {
		return
	}
	ct, params, err := parseContentType(v)
	if err != nil {
		c.errorf(codeInvalidContentType, "%s is not a valid content type for 'description-content-type': %v. Use text/markdown, text/x-rst or text/plain.", pyRepr(v), err)
		return
	}
	known := false
	for _, t := range descriptionContentTypes {
		known = known || t == ct
	}
	if !known {
		c.errorf(codeInvalidContentType, "'description-content-type' must be one of %s, not %s. %s",
			pyList(descriptionContentTypes), pyRepr(v), c.contentTypeSetting())
		return
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		c.errorf(codeInvalidContentType, "'description-content-type' can only specify the UTF-8 charset, not %s. Save the README as UTF-8 and drop the charset parameter.", pyRepr(cs))
	}
	if variant, ok := params["variant"]; ok && ct == "text/markdown" && variant != "GFM" && variant != "CommonMark" {
		c.errorf(codeInvalidContentType, "valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not %s. The names are case-sensitive.", pyRepr(variant))
	}
}

// parseContentType splits a MIME content type into its lower-cased
// type/subtype and its parameters (names lower-cased, values unquoted),
// refusing what Python's email header parser (which packaging uses)
// reports as a defect: a type without subtype, text after the type,
// a parameter without a value or with trailing text, an empty parameter
// other than a trailing ';', a repeated parameter.
func parseContentType(v string) (string, map[string]string, error) {
	parts := splitOutsideQuotes(v, ';')
	ct := strings.ToLower(strings.TrimSpace(parts[0]))
	typ, sub, ok := strings.Cut(ct, "/")
	if !ok || !isMIMEToken(typ) || !isMIMEToken(sub) {
		return "", nil, fmt.Errorf("%s is not a type/subtype pair", pyRepr(strings.TrimSpace(parts[0])))
	}
	params := map[string]string{}
	for i, p := range parts[1:] {
		p = strings.TrimSpace(stripComments(p))
		if p == "" {
			if i == len(parts)-2 {
				continue // a trailing ';'
			}
			return "", nil, errors.New("parameter entry with no content")
		}
		name, value, ok := strings.Cut(p, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || !isMIMEToken(name) {
			return "", nil, fmt.Errorf("invalid parameter %s", pyRepr(p))
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(value[1 : len(value)-1])
		} else if strings.ContainsAny(value, " \t\"") {
			return "", nil, fmt.Errorf("parameter with invalid trailing text %s", pyRepr(p))
		}
		if _, dup := params[name]; dup {
			return "", nil, errors.New("duplicate parameter name")
		}
		params[name] = value
	}
	return ct, params, nil
}

// stripComments removes RFC 5322 comments ("(...)", nested, outside
// quotes) from a header fragment.
func stripComments(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && i+1 < len(s):
			if depth == 0 {
				b.WriteByte(ch)
				b.WriteByte(s[i+1])
			}
			i++
			continue
		case quoted:
			quoted = ch != '"'
		case ch == '"' && depth == 0:
			quoted = true
		case ch == '(':
			depth++
			continue
		case ch == ')' && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// splitOutsideQuotes splits s at sep, except inside double quotes.
func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && quoted:
			i++
		case s[i] == '"':
			quoted = !quoted
		case s[i] == sep && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func isMIMEToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?=`, r) {
			return false
		}
	}
	return true
}

func (c *checker) checkEmails(m *Metadata) {
	for _, field := range []string{"Author-email", "Maintainer-email"} {
		v, ok := formValue(m, field)
		if !ok {
			continue
		}
		for _, p := range emailProblems(field, v) {
			c.add(p.Severity, codeInvalidEmail, 0, p.Message)
		}
	}
}

// emailProblems checks an Author-email / Maintainer-email value. PyPI
// takes the address out with Python's email.utils.parseaddr and validates
// it with email-validator; parseaddr (strict since the CVE-2023-27043 fix)
// gives up on lists of several addresses and on some malformed ones, and
// then PyPI checks nothing. Bad addresses PyPI checks are errors; bad ones
// it lets through are warnings, since they are still wrong.
func emailProblems(field, v string) []Problem {
	addrs := splitAddressList(v)
	var ps []Problem
	for _, a := range addrs {
		err := validateEmail(a)
		if err == nil {
			continue
		}
		unchecked := len(addrs) > 1 || strings.Count(a, "@") > 1 || strings.Contains(a, "@[")
		if unchecked {
			ps = append(ps, Problem{Severity: Warning, Message: fmt.Sprintf("%s in %s is not a valid email address: %v Fix the address.", pyRepr(a), field, err)})
			continue
		}
		ps = append(ps, Problem{Severity: Error, Message: fmt.Sprintf("%s is not a valid email address: %v Fix %s (for example \"Jane Doe <jane@example.org>\"; put names without an address in %s).",
			pyRepr(a), err, field, strings.TrimSuffix(field, "-email"))})
	}
	return ps
}

func (c *checker) checkURLs(m *Metadata) {
	for _, field := range []string{"Home-page", "Download-URL"} {
		if u, ok := formValue(m, field); ok {
			if err := validateURL(u); err != nil {
				c.errorf(codeInvalidURL, "%s is not a valid url. %s needs an absolute http:// or https:// URL (%v).", pyRepr(u), field, err)
			}
		}
	}
	seen := map[string]bool{}
	for _, pu := range formValues(m, "Project-URL") {
		label, url, _ := strings.Cut(pu, ",")
		label, url = strings.TrimSpace(label), strings.TrimSpace(url)
		if seen[label] {
			c.errorf(codeInvalidProjectURL, "'project_urls' has invalid data: the label %s is used twice. Give each Project-URL its own label.", pyRepr(label))
			continue
		}
		seen[label] = true
		switch {
		case label == "":
			c.errorf(codeInvalidProjectURL, "Must have a label: Project-URL %s has none. Write it as \"Label, URL\" (pyproject.toml: [project.urls] Label = \"URL\").", pyRepr(pu))
		case utf8.RuneCountInString(label) > projectURLLabelMaxLen:
			c.errorf(codeInvalidProjectURL, "%s must be %d characters or less. Shorten the Project-URL label.", pyRepr(label), projectURLLabelMaxLen)
		case url == "":
			c.errorf(codeInvalidProjectURL, "Must have a URL: Project-URL %s has none. Write it as \"Label, URL\".", pyRepr(pu))
		default:
			if err := validateURL(url); err != nil {
				c.errorf(codeInvalidURL, "%s is not a valid url. Project-URL %s needs an absolute http:// or https:// URL (%v).", pyRepr(url), pyRepr(label), err)
			}
		}
	}
}

func (c *checker) checkRequirements(m *Metadata) {
	for _, field := range []string{"Requires-Dist", "Provides-Dist", "Obsoletes-Dist"} {
		for _, v := range formValues(m, field) {
			r, err := parseRequirement(v)
			if err != nil {
				c.errorf(codeInvalidRequirement, "%s is invalid for %s: %v. Write a PEP 508 requirement such as \"requests>=2.31; python_version >= '3.9'\".",
					pyRepr(v), pyRepr(strings.ToLower(field)), err)
				continue
			}
			if r.url != "" {
				// PyPI quotes the value for Provides-/Obsoletes-Dist only.
				quoted := pyRepr(v)
				if field == "Requires-Dist" {
					quoted = v
				}
				c.errorf(codeDirectReference, "Can't have direct dependency: %s. PyPI refuses %s entries that point at a URL; depend on a released version on the index instead.",
					quoted, field)
			}
		}
	}
}

func (c *checker) checkRequiresPython(m *Metadata) {
	v, ok := formValue(m, "Requires-Python")
	if !ok {
		return
	}
	if err := validateSpecifierSet(v); err != nil {
		c.errorf(codeInvalidRequiresPython, "%s is invalid for 'requires-python': %v. Write version specifiers such as \">=3.9\" or \">=3.9, <4\".", pyRepr(v), err)
	}
}

func (c *checker) checkProvidesExtra(m *Metadata) {
	for _, v := range formValues(m, "Provides-Extra") {
		if !projectNameRe.MatchString(v) {
			c.errorf(codeInvalidExtra, "%s is invalid for 'provides-extra'. Extra names start and end with a letter or digit and contain only letters, digits, '.', '_' and '-'.", pyRepr(v))
		}
	}
}

func (c *checker) checkDynamic(m *Metadata) {
	for _, v := range formValues(m, "Dynamic") {
		f := strings.ToLower(strings.TrimSpace(v))
		switch {
		case f == "name" || f == "version" || f == "metadata-version":
			c.errorf(codeInvalidDynamic, "%s is not allowed as a dynamic field. An sdist must fix its name and version; remove it from Dynamic.", pyRepr(f))
		case coreFields[f] == (coreField{}):
			c.errorf(codeInvalidDynamic, "%s is not a valid dynamic field. Dynamic names core metadata fields (for example Requires-Dist); check the spelling.", pyRepr(f))
		case f == "dynamic":
			// packaging lets Dynamic name itself; PyPI's own list does not.
			c.errorf(codeInvalidDynamic, "Dynamic field %s is not a valid dynamic field. Remove it from Dynamic.", pyRepr(f))
		}
	}
}

func (c *checker) checkLicense(m *Metadata) {
	_, hasLicense := formValue(m, "License")
	expr, hasExpr := formValue(m, "License-Expression")
	if hasLicense && hasExpr {
		c.errorf(codeLicenseConflict, "License is deprecated when License-Expression is present. Only License-Expression should be present. Drop what fills License (a license table or license text in the build configuration) and keep the SPDX expression.")
	}
	if hasExpr {
		canon, err := canonicalizeLicenseExpression(expr)
		if err != nil {
			c.errorf(codeInvalidLicenseExpression, "%s is invalid for 'license-expression': %v. Use SPDX identifiers (https://spdx.org/licenses/) joined by AND/OR/WITH, or LicenseRef-<name> for others.",
				pyRepr(expr), err)
		} else if ids := licenseIDsNewerThanPyPI(canon); len(ids) > 0 {
			c.warnf(codeLicenseIDTooNew, "License-Expression %s uses %s, from SPDX license list 3.28 or later; PyPI's validator (packaging, list 3.27) may not know it yet and refuse the file. If it does, use LicenseRef-<name> until PyPI updates.",
				pyRepr(expr), strings.Join(ids, ", "))
		}
	}
	if !licenseFilesSent(m) {
		return
	}
	for _, p := range formValues(m, "License-File") {
		if reason := licenseFilePathProblem(p); reason != "" {
			c.errorf(codeInvalidLicenseFile, "%s is invalid for 'license-file', %s. List each license file by its path relative to the project root.", pyRepr(p), reason)
		}
	}
}

// pythonKeywords are the identifiers Python reserves, which cannot be an
// Import-Name part.
var pythonKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
	"async": true, "await": true, "break": true, "class": true, "continue": true, "def": true,
	"del": true, "elif": true, "else": true, "except": true, "finally": true, "for": true,
	"from": true, "global": true, "if": true, "import": true, "in": true, "is": true,
	"lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true, "raise": true,
	"return": true, "try": true, "while": true, "with": true, "yield": true,
}

func (c *checker) checkImportNames(m *Metadata) {
	for _, field := range []string{"Import-Name", "Import-Namespace"} {
		key := pyRepr(strings.ToLower(field))
		for _, v := range formValues(m, field) {
			name, private, semicolon := strings.Cut(v, ";")
			name = strings.TrimRightFunc(name, unicode.IsSpace)
			for _, id := range strings.Split(name, ".") {
				if !isPythonIdentifier(id) {
					c.errorf(codeInvalidImportName, "%s is invalid for %s; %s is not a valid identifier. Give a dotted Python import name.", pyRepr(name), key, pyRepr(id))
					break
				}
				if pythonKeywords[id] {
					c.errorf(codeInvalidImportName, "%s is invalid for %s; %s is a keyword. Give a dotted Python import name.", pyRepr(name), key, pyRepr(id))
					break
				}
			}
			if semicolon && strings.TrimLeftFunc(private, unicode.IsSpace) != "private" {
				c.errorf(codeInvalidImportName, "%s is invalid for %s; the only valid option is 'private'.", pyRepr(v), key)
			}
		}
	}
}

// isPythonIdentifier approximates str.isidentifier: a letter or '_'
// followed by letters, digits, marks or '_'.
func isPythonIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r)):
		default:
			return false
		}
	}
	return true
}

// licenseFilesSent reports whether License-File fields go into the upload:
// only under Metadata-Version 2.4 or later, the version that defines them
// (twine drops them from older metadata, and so does pyup).
func licenseFilesSent(m *Metadata) bool {
	mv, _ := formValue(m, "Metadata-Version")
	return metadataVersionIndex(mv) >= metadataVersionIndex("2.4")
}
