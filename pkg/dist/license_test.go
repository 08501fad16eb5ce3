package dist

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// packagingVerdicts holds what pypa/packaging 26.4.dev0 (the library PyPI
// validates metadata with) says about a set of license expressions,
// requirements and specifier sets: [input, valid, normalized form or URL
// or error]. It was recorded by running packaging's
// canonicalize_license_expression, Requirement and SpecifierSet on each
// input (hand-picked cases plus randomly combined pieces); the checks
// here must agree on validity.
type packagingVerdicts struct {
	License     [][3]any `json:"license"`
	Requirement [][3]any `json:"requirement"`
	Specifier   [][3]any `json:"specifier"`
}

func loadVerdicts(t *testing.T) packagingVerdicts {
	t.Helper()
	b, err := os.ReadFile("testdata/packaging_verdicts.json")
	if err != nil {
		t.Fatal(err)
	}
	var v packagingVerdicts
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLicenseExpressionAgreesWithPackaging(t *testing.T) {
	for _, c := range loadVerdicts(t).License {
		in, valid, want := c[0].(string), c[1].(bool), c[2].(string)
		got, err := canonicalizeLicenseExpression(in)
		if (err == nil) != valid {
			t.Errorf("%q: err = %v, packaging says valid=%v (%s)", in, err, valid, want)
			continue
		}
		if valid && got != want {
			t.Errorf("%q: normalized to %q, packaging gives %q", in, got, want)
		}
		if !valid && err.Error() != want {
			t.Logf("%q: message %q, packaging says %q", in, err, want)
		}
	}
}

func TestRequirementAgreesWithPackaging(t *testing.T) {
	for _, c := range loadVerdicts(t).Requirement {
		in, valid, want := c[0].(string), c[1].(bool), c[2].(string)
		r, err := parseRequirement(in)
		if (err == nil) != valid {
			t.Errorf("%q: err = %v, packaging says valid=%v (%s)", in, err, valid, want)
			continue
		}
		if valid && r.url != want {
			t.Errorf("%q: url = %q, packaging gives %q", in, r.url, want)
		}
	}
}

func TestSpecifierSetAgreesWithPackaging(t *testing.T) {
	for _, c := range loadVerdicts(t).Specifier {
		in, valid := c[0].(string), c[1].(bool)
		if err := validateSpecifierSet(in); (err == nil) != valid {
			t.Errorf("%q: err = %v, packaging says valid=%v", in, err, valid)
		}
	}
}

func TestLicenseFilesPresent(t *testing.T) {
	wheelMembers := []Member{
		{Name: "foo_bar/__init__.py"},
		{Name: "foo_bar-1.0.dist-info/METADATA"},
		{Name: "foo_bar-1.0.dist-info/WHEEL"},
		{Name: "foo_bar-1.0.dist-info/RECORD"},
		{Name: "foo_bar-1.0.dist-info/licenses/LICENSE"},
		{Name: "foo_bar-1.0.dist-info/licenses/LICENSES/MIT.txt"},
	}
	sdistMembers := []Member{
		{Name: "foo_bar-1.0", Dir: true},
		{Name: "foo_bar-1.0/PKG-INFO"},
		{Name: "foo_bar-1.0/LICENSE"},
		{Name: "foo_bar-1.0/pyproject.toml"},
	}
	tests := []struct {
		name    string
		d       *Dist
		files   []string
		missing string
	}{
		{"wheel has all", &Dist{Filename: "foo_bar-1.0-py3-none-any.whl", Kind: Wheel, Members: wheelMembers}, []string{"LICENSE", "LICENSES/MIT.txt"}, ""},
		{"wheel lacks one", &Dist{Filename: "foo_bar-1.0-py3-none-any.whl", Kind: Wheel, Members: wheelMembers}, []string{"COPYING"}, "foo_bar-1.0.dist-info/licenses/COPYING"},
		{"wheel file at top is not enough", &Dist{Filename: "foo_bar-1.0-py3-none-any.whl", Kind: Wheel, Members: wheelMembers}, []string{"foo_bar/__init__.py"}, "foo_bar-1.0.dist-info/licenses/foo_bar/__init__.py"},
		{"sdist has it", &Dist{Filename: "foo_bar-1.0.tar.gz", Kind: Sdist, Members: sdistMembers}, []string{"LICENSE"}, ""},
		{"sdist lacks it", &Dist{Filename: "foo_bar-1.0.tar.gz", Kind: Sdist, Members: sdistMembers}, []string{"NOTICE"}, "foo_bar-1.0/NOTICE"},
		{"not sent under 2.1", &Dist{Filename: "foo_bar-1.0.tar.gz", Kind: Sdist, Members: sdistMembers}, []string{"Metadata-Version: 2.1", "NOTICE"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			for _, f := range tt.files {
				if strings.Contains(f, ": ") {
					lines = append(lines, f) // a metadata line, not a file
					continue
				}
				lines = append(lines, "License-File: "+f)
			}
			tt.d.Metadata = testMetadata(lines...)
			tt.d.Size = 1000
			got := problemsWith(Check(tt.d), codeMissingLicenseFile)
			if tt.missing == "" {
				if len(got) > 0 {
					t.Fatalf("unexpected: %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %+v, want one missing-license-file", got)
			}
			want := "does not exist in distribution file " + tt.d.Filename + " at " + tt.missing
			if !strings.Contains(got[0].Message, want) {
				t.Errorf("message %q lacks %q", got[0].Message, want)
			}
		})
	}
}

// TestEmailAndURLAgreeWithPyPI holds the email and URL rules to verdicts
// recorded from the libraries PyPI uses: Python's email.utils.parseaddr
// followed by email-validator (Debian's 1.3.0), and rfc3986 (1.5.0) with
// http/https required. [input, PyPI accepts, detail].
func TestEmailAndURLAgreeWithPyPI(t *testing.T) {
	b, err := os.ReadFile("testdata/email_url_verdicts.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Email [][3]any `json:"email"`
		URL   [][3]any `json:"url"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for _, c := range v.Email {
		in, ok, detail := c[0].(string), c[1].(bool), c[2].(string)
		refused := HasErrors(emailProblems("Author-email", in))
		if refused == ok {
			t.Errorf("email %q: refused=%v, PyPI accepts=%v (%s); got %+v", in, refused, ok, detail, emailProblems("Author-email", in))
		}
	}
	for _, c := range v.URL {
		in, ok := c[0].(string), c[1].(bool)
		if err := validateURL(in); (err == nil) != ok {
			t.Errorf("url %q: err=%v, PyPI accepts=%v", in, err, ok)
		}
	}
}
