package dist

import (
	"strings"
	"testing"
)

// testMetadata builds Metadata from "Name: value" lines. Fields named in
// lines replace a valid base (Metadata-Version 2.4, Name, Version, Summary,
// Description-Content-Type, a body), so each case states only what it
// tests. A line "-Name" removes the base field.
func testMetadata(lines ...string) *Metadata {
	base := []Field{
		{"Metadata-Version", "2.4"},
		{"Name", "foo-bar"},
		{"Version", "1.0"},
		{"Summary", "A test project"},
		{"Description-Content-Type", "text/markdown"},
	}
	override := map[string]bool{}
	var extra []Field
	for _, l := range lines {
		if strings.HasPrefix(l, "-") {
			override[strings.ToLower(l[1:])] = true
			continue
		}
		name, value, _ := strings.Cut(l, ": ")
		override[strings.ToLower(name)] = true
		extra = append(extra, Field{name, value})
	}
	m := &Metadata{Body: "# Foo\n\nHello.\n"}
	for _, f := range base {
		if !override[strings.ToLower(f.Name)] {
			m.Fields = append(m.Fields, f)
		}
	}
	m.Fields = append(m.Fields, extra...)
	return m
}

// testWheel wraps metadata in a wheel Dist whose file name matches the
// base metadata; Members is nil, so archive rules do not run.
func testWheel(m *Metadata) *Dist {
	return &Dist{Filename: "foo_bar-1.0-py3-none-any.whl", Kind: Wheel, Size: 1000, Metadata: m}
}

func problemsWith(ps []Problem, code string) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Code == code {
			out = append(out, p)
		}
	}
	return out
}

func TestCheckMetadataRules(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		code  string // the rule under test
		fail  bool   // whether the rule must fire
		sev   Severity
		msg   string // a substring the message must hold when it fires
	}{
		{"metadata version ok", nil, codeInvalidMetadataVersion, false, "", ""},
		{"metadata version 2.5", []string{"Metadata-Version: 2.5"}, codeInvalidMetadataVersion, false, "", ""},
		{"metadata version 2.0", []string{"Metadata-Version: 2.0"}, codeInvalidMetadataVersion, true, Error, "'2.0' is not a valid metadata version"},
		{"metadata version 3.0", []string{"Metadata-Version: 3.0"}, codeInvalidMetadataVersion, true, Error, "'3.0' is not a valid"},
		{"metadata version missing", []string{"-Metadata-Version"}, codeInvalidMetadataVersion, true, Error, "missing"},

		{"field too new", []string{"Metadata-Version: 2.1", "License-Expression: MIT"}, codeFieldTooNew, true, Error, "license-expression introduced in metadata version 2.4, not 2.1"},
		{"field as new as version", []string{"Metadata-Version: 2.4", "License-Expression: MIT"}, codeFieldTooNew, false, "", ""},
		{"dynamic in 2.1", []string{"Metadata-Version: 2.1", "Dynamic: Requires-Dist"}, codeFieldTooNew, true, Error, "dynamic introduced in metadata version 2.2, not 2.1"},
		{"import-name in 2.4", []string{"Import-Name: foo"}, codeFieldTooNew, true, Error, "import-name introduced in metadata version 2.5, not 2.4"},
		{"description-content-type in 1.2", []string{"Metadata-Version: 1.2"}, codeFieldTooNew, true, Error, "description-content-type introduced in metadata version 2.1, not 1.2"},

		{"summary twice", []string{"Summary: a", "Summary: b"}, codeDuplicateField, true, Error, "'summary' has invalid data"},
		{"classifier twice is fine", []string{"Classifier: Programming Language :: Python", "Classifier: Programming Language :: Python :: 3"}, codeDuplicateField, false, "", ""},
		{"UNKNOWN does not count", []string{"Summary: a", "Summary: UNKNOWN"}, codeDuplicateField, false, "", ""},

		{"unknown field", []string{"X-Custom: 1"}, codeUnknownField, true, Warning, "'X-Custom' is not a core metadata field"},
		{"known field any case", []string{"home-PAGE: https://example.org"}, codeUnknownField, false, "", ""},

		{"name missing", []string{"-Name"}, codeMissingName, true, Error, "'name' is a required field"},
		{"name UNKNOWN is missing", []string{"Name: UNKNOWN"}, codeMissingName, true, Error, "required"},
		{"name ok", []string{"Name: Foo.Bar_baz-2"}, codeInvalidName, false, "", ""},
		{"name with space", []string{"Name: foo bar"}, codeInvalidName, true, Error, "'foo bar' is invalid for 'name'"},
		{"name ends with dash", []string{"Name: foo-"}, codeInvalidName, true, Error, "invalid for 'name'"},
		{"name non-ascii", []string{"Name: fóo"}, codeInvalidName, true, Error, "invalid for 'name'"},

		{"version missing", []string{"-Version"}, codeMissingVersion, true, Error, "'version' is a required field"},
		{"version ok", []string{"Version: 2.0.post1.dev3"}, codeInvalidVersion, false, "", ""},
		{"version invalid", []string{"Version: 1.0-foo"}, codeInvalidVersion, true, Error, "'1.0-foo' is invalid for 'version'"},
		{"version local", []string{"Version: 1.0+abc"}, codeLocalVersion, true, Error, "The use of local versions in '1.0+abc' is not allowed."},
		{"version local normalized", []string{"Version: 1.0+ABC-1"}, codeLocalVersion, true, Error, "The use of local versions in '1.0+abc.1' is not allowed."},
		{"version public", []string{"Version: 1.0"}, codeLocalVersion, false, "", ""},

		{"summary one line", []string{"Summary: fine"}, codeInvalidSummary, false, "", ""},
		{"summary two lines", []string{"Summary: one\n two"}, codeInvalidSummary, true, Error, "'summary' must be a single line"},
		{"summary 512", []string{"Summary: " + strings.Repeat("é", 512)}, codeInvalidSummary, false, "", ""},
		{"summary 513", []string{"Summary: " + strings.Repeat("x", 513)}, codeInvalidSummary, true, Error, "'summary' field must be 512 characters or less."},

		{"dct markdown gfm", []string{"Description-Content-Type: text/markdown; charset=UTF-8; variant=GFM"}, codeInvalidContentType, false, "", ""},
		{"dct markdown commonmark quoted", []string{`Description-Content-Type: text/markdown; variant="CommonMark"`}, codeInvalidContentType, false, "", ""},
		{"dct rst", []string{"Description-Content-Type: text/x-rst"}, codeInvalidContentType, false, "", ""},
		{"dct upper case", []string{"Description-Content-Type: Text/Plain; Charset=utf-8"}, codeInvalidContentType, false, "", ""},
		{"dct html", []string{"Description-Content-Type: text/html"}, codeInvalidContentType, true, Error, "must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not 'text/html'"},
		{"dct garbage", []string{"Description-Content-Type: markdown"}, codeInvalidContentType, true, Error, "not a valid content type"},
		{"dct latin-1", []string{"Description-Content-Type: text/plain; charset=latin-1"}, codeInvalidContentType, true, Error, "can only specify the UTF-8 charset, not 'latin-1'"},
		{"dct bad variant", []string{"Description-Content-Type: text/markdown; variant=gfm"}, codeInvalidContentType, true, Error, "valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not 'gfm'"},

		{"email ok", []string{`Author-email: "Doe, Jane" <jane@example.org>`}, codeInvalidEmail, false, "", ""},
		{"email bare ok", []string{"Maintainer-email: jane@example.org"}, codeInvalidEmail, false, "", ""},
		{"email idn ok", []string{"Author-email: José <josé@exämple.org>"}, codeInvalidEmail, false, "", ""},
		{"email list ok", []string{"Author-email: A <a@example.org>, b@example.com"}, codeInvalidEmail, false, "", ""},
		{"email comment ok", []string{"Author-email: jane@example.org (Jane)"}, codeInvalidEmail, false, "", ""},
		{"email name only", []string{"Author-email: Jane Doe"}, codeInvalidEmail, true, Error, "is not a valid email address: The email address is not valid. It must have exactly one @-sign."},
		{"email no dot", []string{"Author-email: Jane <jane@localhost>"}, codeInvalidEmail, true, Error, "'jane@localhost' is not a valid email address: The domain name localhost is not valid. It should have a period."},
		{"email special use", []string{"Author-email: jane@example.test"}, codeInvalidEmail, true, Error, "special-use"},
		{"email bad in list is a warning", []string{"Author-email: a@example.org, nobody"}, codeInvalidEmail, true, Warning, "'nobody' in Author-email"},
		{"email double dot", []string{"Maintainer-email: jane..doe@example.org"}, codeInvalidEmail, true, Error, "invalid characters before the @-sign: FULL STOP."},

		{"home page ok", []string{"Home-page: https://example.org"}, codeInvalidURL, false, "", ""},
		{"home page scheme case", []string{"Home-page: HTTPS://example.org"}, codeInvalidURL, false, "", ""},
		{"home page UNKNOWN", []string{"Home-page: UNKNOWN"}, codeInvalidURL, false, "", ""},
		{"home page no scheme", []string{"Home-page: www.example.org"}, codeInvalidURL, true, Error, "'www.example.org' is not a valid url."},
		{"download url ftp", []string{"Download-URL: ftp://example.org/x.tar.gz"}, codeInvalidURL, true, Error, "'ftp://example.org/x.tar.gz' is not a valid url."},
		{"project url ok", []string{"Project-URL: Source, https://github.com/x/y"}, codeInvalidURL, false, "", ""},
		{"project url bad", []string{"Project-URL: Source, git@github.com:x/y"}, codeInvalidURL, true, Error, "is not a valid url"},
		{"project url label 32", []string{"Project-URL: " + strings.Repeat("L", 32) + ", https://example.org"}, codeInvalidProjectURL, false, "", ""},
		{"project url label 33", []string{"Project-URL: " + strings.Repeat("L", 33) + ", https://example.org"}, codeInvalidProjectURL, true, Error, "must be 32 characters or less."},
		{"project url no label", []string{"Project-URL: , https://example.org"}, codeInvalidProjectURL, true, Error, "Must have a label"},
		{"project url no url", []string{"Project-URL: Docs"}, codeInvalidProjectURL, true, Error, "Must have a URL"},
		{"project url duplicate label", []string{"Project-URL: Docs, https://a.example", "Project-URL: Docs, https://b.example"}, codeInvalidProjectURL, true, Error, "'project_urls' has invalid data"},

		{"requires-dist ok", []string{"Requires-Dist: requests[socks,security] (>=2.31,<3) ; python_version >= '3.9' and (sys_platform == \"linux\" or extra == 'x')"}, codeInvalidRequirement, false, "", ""},
		{"requires-dist bare name", []string{"Requires-Dist: Foo.Bar_baz"}, codeInvalidRequirement, false, "", ""},
		{"requires-dist wildcard", []string{"Requires-Dist: foo==1.*"}, codeInvalidRequirement, false, "", ""},
		{"requires-dist in marker", []string{"Requires-Dist: foo; 'linux' in sys_platform and platform_machine not in 'arm64 aarch64'"}, codeInvalidRequirement, false, "", ""},
		{"requires-dist missing version", []string{"Requires-Dist: foo>="}, codeInvalidRequirement, true, Error, "'foo>=' is invalid for 'requires-dist'"},
		{"requires-dist bad marker", []string{"Requires-Dist: foo; python >= '3'"}, codeInvalidRequirement, true, Error, "is invalid for 'requires-dist'"},
		{"requires-dist local in >=", []string{"Requires-Dist: foo>=1.0+local"}, codeInvalidRequirement, true, Error, "Invalid specifier"},
		{"requires-dist compatible one part", []string{"Requires-Dist: foo~=1"}, codeInvalidRequirement, true, Error, "Invalid specifier"},
		{"requires-dist space in name", []string{"Requires-Dist: foo bar"}, codeInvalidRequirement, true, Error, "invalid"},
		{"requires-dist direct", []string{"Requires-Dist: foo @ https://example.org/foo-1.0.tar.gz"}, codeDirectReference, true, Error, "Can't have direct dependency: foo @ https://example.org/foo-1.0.tar.gz."},
		{"requires-dist direct with marker", []string{"Requires-Dist: foo @ git+https://example.org/foo ; python_version < '3.10'"}, codeDirectReference, true, Error, "Can't have direct dependency"},
		{"provides-dist direct", []string{"Provides-Dist: foo @ file:///tmp/foo"}, codeDirectReference, true, Error, "Can't have direct dependency"},
		{"no direct", []string{"Requires-Dist: foo>=1"}, codeDirectReference, false, "", ""},

		{"requires-python ok", []string{"Requires-Python: >=3.9, <4,"}, codeInvalidRequiresPython, false, "", ""},
		{"requires-python wildcard", []string{"Requires-Python: !=3.0.*, >=2.7"}, codeInvalidRequiresPython, false, "", ""},
		{"requires-python bare", []string{"Requires-Python: 3.9"}, codeInvalidRequiresPython, true, Error, "'3.9' is invalid for 'requires-python'"},
		{"requires-python wildcard >=", []string{"Requires-Python: >=3.*"}, codeInvalidRequiresPython, true, Error, "Invalid specifier: '>=3.*'"},

		{"extra ok", []string{"Provides-Extra: test_all"}, codeInvalidExtra, false, "", ""},
		{"extra bad", []string{"Provides-Extra: test all"}, codeInvalidExtra, true, Error, "'test all' is invalid for 'provides-extra'"},

		{"dynamic ok", []string{"Dynamic: Requires-Dist", "Dynamic: license-file"}, codeInvalidDynamic, false, "", ""},
		{"dynamic version", []string{"Dynamic: Version"}, codeInvalidDynamic, true, Error, "'version' is not allowed as a dynamic field"},
		{"dynamic name", []string{"Dynamic: name"}, codeInvalidDynamic, true, Error, "'name' is not allowed as a dynamic field"},
		{"dynamic metadata-version", []string{"Dynamic: Metadata-Version"}, codeInvalidDynamic, true, Error, "'metadata-version' is not allowed"},
		{"dynamic dynamic", []string{"Dynamic: Dynamic"}, codeInvalidDynamic, true, Error, "Dynamic field 'dynamic' is not a valid dynamic field."},
		{"dynamic unknown", []string{"Dynamic: Requires-Dists"}, codeInvalidDynamic, true, Error, "'requires-dists' is not a valid dynamic field"},

		{"license alone", []string{"License: MIT License text"}, codeLicenseConflict, false, "", ""},
		{"license and expression", []string{"License: MIT", "License-Expression: MIT"}, codeLicenseConflict, true, Error, "License is deprecated when License-Expression is present. Only License-Expression should be present."},
		{"license UNKNOWN and expression", []string{"License: UNKNOWN", "License-Expression: MIT"}, codeLicenseConflict, false, "", ""},

		{"license expression ok", []string{"License-Expression: MIT OR Apache-2.0"}, codeInvalidLicenseExpression, false, "", ""},
		{"license expression lower case", []string{"License-Expression: mit and (apache-2.0 or bsd-2-clause)"}, codeInvalidLicenseExpression, false, "", ""},
		{"license expression deprecated exception", []string{"License-Expression: LGPL-2.1-only WITH Nokia-Qt-exception-1.1"}, codeInvalidLicenseExpression, false, "", ""},
		{"license id newer than PyPI's list", []string{"License-Expression: MIT-STK OR MIT"}, codeLicenseIDTooNew, true, Warning, "uses MIT-STK, from SPDX license list 3.28 or later"},
		{"license id in PyPI's list", []string{"License-Expression: MIT"}, codeLicenseIDTooNew, false, "", ""},
		{"license expression unknown", []string{"License-Expression: MIT-ish"}, codeInvalidLicenseExpression, true, Error, "Unknown license: 'mit-ish'"},
		{"license expression classifier text", []string{"License-Expression: MIT License"}, codeInvalidLicenseExpression, true, Error, "Invalid license expression"},

		{"license file ok", []string{"License-File: LICENSES/MIT.txt"}, codeInvalidLicenseFile, false, "", ""},
		{"license file under 2.1 is dropped", []string{"Metadata-Version: 2.1", "License-File: LICENSE"}, codeLicenseFileIgnored, true, Note, "license-file introduced in metadata version 2.4, not 2.1: the License-File fields are left out of the upload"},
		{"license file under 2.1 is not an error", []string{"Metadata-Version: 2.1", "License-File: LICENSE"}, codeFieldTooNew, false, "", ""},
		{"bad license file path under 2.2 is not sent", []string{"Metadata-Version: 2.2", "License-File: ../LICENSE"}, codeInvalidLicenseFile, false, "", ""},
		{"license file under 2.4 is sent", []string{"License-File: LICENSE"}, codeLicenseFileIgnored, false, "", ""},
		{"license file parent", []string{"License-File: ../LICENSE"}, codeInvalidLicenseFile, true, Error, "parent directory indicators are not allowed"},
		{"license file glob", []string{"License-File: LICEN[CS]E*"}, codeInvalidLicenseFile, true, Error, "paths must be resolved"},
		{"license file absolute", []string{"License-File: /LICENSE"}, codeInvalidLicenseFile, true, Error, "paths must be relative"},
		{"license file windows absolute", []string{"License-File: C:/LICENSE"}, codeInvalidLicenseFile, true, Error, "paths must be relative"},
		{"license file backslash", []string{`License-File: licenses\MIT.txt`}, codeInvalidLicenseFile, true, Error, "paths must use '/' delimiter"},

		{"import name ok", []string{"Metadata-Version: 2.5", "Import-Name: foo.bar", "Import-Namespace: foo; private"}, codeInvalidImportName, false, "", ""},
		{"import name keyword", []string{"Metadata-Version: 2.5", "Import-Name: foo.class"}, codeInvalidImportName, true, Error, "'class' is a keyword"},
		{"import name dash", []string{"Metadata-Version: 2.5", "Import-Name: foo-bar"}, codeInvalidImportName, true, Error, "'foo-bar' is not a valid identifier"},
		{"import name option", []string{"Metadata-Version: 2.5", "Import-Name: foo; public"}, codeInvalidImportName, true, Error, "the only valid option is 'private'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Check(testWheel(testMetadata(tt.lines...)))
			got := problemsWith(ps, tt.code)
			if !tt.fail {
				if len(got) > 0 {
					t.Fatalf("unexpected %s: %+v", tt.code, got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("no %s problem; got %+v", tt.code, ps)
			}
			p := got[0]
			if p.Severity != tt.sev {
				t.Errorf("severity = %s, want %s", p.Severity, tt.sev)
			}
			if !strings.Contains(p.Message, tt.msg) {
				t.Errorf("message %q does not contain %q", p.Message, tt.msg)
			}
			if p.File != "foo_bar-1.0-py3-none-any.whl" {
				t.Errorf("File = %q", p.File)
			}
			if strings.ContainsAny(p.Message, "\r\n") {
				t.Errorf("message is not one line: %q", p.Message)
			}
		})
	}
}

func TestCheckValidMetadataIsClean(t *testing.T) {
	m := testMetadata(
		"Requires-Python: >=3.9",
		"Requires-Dist: requests>=2",
		"License-Expression: MIT",
		"Classifier: Programming Language :: Python :: 3",
		"Project-URL: Source, https://example.org/src",
		"Author-email: Jane <jane@example.org>",
	)
	if ps := Check(testWheel(m)); len(ps) != 0 {
		t.Fatalf("Check = %+v, want nothing", ps)
	}
}
