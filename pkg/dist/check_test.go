package dist

import (
	"os"
	"strings"
	"testing"
)

func wheelMembers(extra ...Member) []Member {
	return append([]Member{
		{Name: "foo_bar/__init__.py", Size: 10, CompressedSize: 10, Method: 8},
		{Name: "foo_bar-1.0.dist-info/METADATA", Size: 10, CompressedSize: 10, Method: 8},
		{Name: "foo_bar-1.0.dist-info/WHEEL", Size: 10, CompressedSize: 10, Method: 8},
		{Name: "foo_bar-1.0.dist-info/RECORD", Size: 10, CompressedSize: 10, Method: 8},
	}, extra...)
}

func without(ms []Member, name string) []Member {
	var out []Member
	for _, m := range ms {
		if m.Name != name {
			out = append(out, m)
		}
	}
	return out
}

func TestCheckArchive(t *testing.T) {
	sdist := []Member{
		{Name: "foo_bar-1.0", Dir: true},
		{Name: "foo_bar-1.0/PKG-INFO", Size: 10},
		{Name: "foo_bar-1.0/pyproject.toml", Size: 10},
	}
	tests := []struct {
		name     string
		filename string
		kind     Kind
		size     int64
		members  []Member
		code     string
		fail     bool
		msg      string
	}{
		{"wheel ok", "foo_bar-1.0-py3-none-any.whl", Wheel, 100, wheelMembers(), "", false, ""},
		{"wheel no WHEEL", "foo_bar-1.0-py3-none-any.whl", Wheel, 100, without(wheelMembers(), "foo_bar-1.0.dist-info/WHEEL"), codeMissingDistInfoFile, true, "WHEEL not found at foo_bar-1.0.dist-info/WHEEL"},
		{"wheel no RECORD", "foo_bar-1.0-py3-none-any.whl", Wheel, 100, without(wheelMembers(), "foo_bar-1.0.dist-info/RECORD"), codeMissingDistInfoFile, true, "Wheel 'foo_bar-1.0-py3-none-any.whl' does not contain the required RECORD file: foo_bar-1.0.dist-info/RECORD"},
		{"wheel no METADATA", "foo_bar-1.0-py3-none-any.whl", Wheel, 100, without(wheelMembers(), "foo_bar-1.0.dist-info/METADATA"), codeMissingDistInfoFile, true, "required METADATA file: foo_bar-1.0.dist-info/METADATA"},
		{"wheel dist-info named differently", "foo_bar-1.0.0-py3-none-any.whl", Wheel, 100, wheelMembers(), codeMissingDistInfoFile, true, "WHEEL not found at foo_bar-1.0.0.dist-info/WHEEL"},
		{"bzip2 member", "foo_bar-1.0-py3-none-any.whl", Wheel, 100, wheelMembers(Member{Name: "foo_bar/data.bin", Size: 5, CompressedSize: 5, Method: 12}), codeUnsupportedCompression, true, "File does not use a supported compression type: member 'foo_bar/data.bin' uses zip method 12"},
		{"zip bomb", "foo_bar-1.0-py3-none-any.whl", Wheel, 1 << 20, wheelMembers(Member{Name: "foo_bar/zeros", Size: 65 << 20, CompressedSize: 1 << 20, Method: 8}), codeCompressionRatio, true, "File exceeds compression ratio of 50"},
		{"high ratio but small", "foo_bar-1.0-py3-none-any.whl", Wheel, 1 << 10, wheelMembers(Member{Name: "foo_bar/zeros", Size: 60 << 20, Method: 8}), codeCompressionRatio, false, ""},
		{"big but ratio 50", "foo_bar-1.0-py3-none-any.whl", Wheel, 2 << 20, wheelMembers(Member{Name: "foo_bar/zeros", Size: 100<<20 - 40, Method: 8}), codeCompressionRatio, false, ""},
		{"sdist ok", "foo_bar-1.0.tar.gz", Sdist, 100, sdist, "", false, ""},
		{"sdist two top dirs", "foo_bar-1.0.tar.gz", Sdist, 100, append(sdist[:3:3], Member{Name: "other/file"}), codeSdistLayout, true, "Incorrect number of top-level directories in sdist"},
		{"sdist no PKG-INFO", "foo_bar-1.0.tar.gz", Sdist, 100, without(sdist, "foo_bar-1.0/PKG-INFO"), codeMissingPKGINFO, true, "PKG-INFO not found at foo_bar-1.0/PKG-INFO"},
		{"sdist PKG-INFO deeper only", "foo_bar-1.0.tar.gz", Sdist, 100, []Member{{Name: "foo_bar-1.0/src/PKG-INFO"}, {Name: "foo_bar-1.0/setup.py"}}, codeMissingPKGINFO, true, "PKG-INFO not found at foo_bar-1.0/PKG-INFO"},
		{"too large", "foo_bar-1.0-py3-none-any.whl", Wheel, 101 << 20, wheelMembers(), codeFileTooLarge, true, "over the 100.0 MiB limit"},
		{"exactly the limit", "foo_bar-1.0-py3-none-any.whl", Wheel, 100 << 20, wheelMembers(), codeFileTooLarge, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Dist{Filename: tt.filename, Kind: tt.kind, Size: tt.size, Members: tt.members, Metadata: testMetadata()}
			ps := Check(d)
			if tt.code == "" {
				if len(ps) != 0 {
					t.Fatalf("unexpected: %+v", ps)
				}
				return
			}
			got := problemsWith(ps, tt.code)
			if !tt.fail {
				if len(got) > 0 {
					t.Fatalf("unexpected %s: %+v", tt.code, got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("no %s; got %+v", tt.code, ps)
			}
			if !strings.Contains(got[0].Message, tt.msg) {
				t.Errorf("message %q lacks %q", got[0].Message, tt.msg)
			}
		})
	}
}

func TestWithMaxFileSize(t *testing.T) {
	d := &Dist{Filename: "foo_bar-1.0-py3-none-any.whl", Kind: Wheel, Size: 200 << 20, Metadata: testMetadata()}
	if got := problemsWith(Check(d, WithMaxFileSize(300<<20)), codeFileTooLarge); len(got) != 0 {
		t.Errorf("raised limit still warns: %+v", got)
	}
	if got := problemsWith(Check(d, WithMaxFileSize(0)), codeFileTooLarge); len(got) != 0 {
		t.Errorf("disabled limit still warns: %+v", got)
	}
	got := problemsWith(Check(d), codeFileTooLarge)
	if len(got) != 1 || got[0].Severity != Warning {
		t.Errorf("default limit: %+v, want one warning", got)
	}
}

func TestCheckClassifiers(t *testing.T) {
	tests := []struct {
		classifier string
		code       string
		msg        string
	}{
		{"Programming Language :: Python :: 3", "", ""},
		{"License :: OSI Approved :: MIT License", "", ""},
		{"Programming Language :: Python :: 3 ", codeInvalidClassifier, "'Programming Language :: Python :: 3 ' is not a valid classifier."},
		{"programming language :: python :: 3", codeInvalidClassifier, "is not a valid classifier."},
		{"Private :: Do Not Upload", codePrivateClassifier, "'Private :: Do Not Upload' is not a valid classifier. PyPI refuses every classifier starting with \"Private ::\""},
		{"Private :: Internal", codePrivateClassifier, "Private ::"},
		{"Natural Language :: Ukranian", codeDeprecatedClassifier, "The classifier 'Natural Language :: Ukranian' has been deprecated, use one of ['Natural Language :: Ukrainian'] instead."},
		{"Topic :: Communications :: Chat :: AOL Instant Messenger", codeDeprecatedClassifier, "The classifier 'Topic :: Communications :: Chat :: AOL Instant Messenger' has been deprecated."},
	}
	for _, tt := range tests {
		t.Run(tt.classifier, func(t *testing.T) {
			ps := Check(testWheel(testMetadata("Classifier: " + tt.classifier)))
			if tt.code == "" {
				if len(ps) != 0 {
					t.Fatalf("unexpected: %+v", ps)
				}
				return
			}
			got := problemsWith(ps, tt.code)
			if len(got) != 1 {
				t.Fatalf("got %+v, want one %s", ps, tt.code)
			}
			if got[0].Severity != Error || !strings.Contains(got[0].Message, tt.msg) {
				t.Errorf("got %+v, want error with %q", got[0], tt.msg)
			}
		})
	}
}

// fakeRST fails every description containing "BROKEN" on the line it is on.
type fakeRST struct{ calls int }

func (f *fakeRST) Validate(src string) *RSTError {
	f.calls++
	for i, line := range strings.Split(src, "\n") {
		if strings.Contains(line, "BROKEN") {
			return &RSTError{Line: i + 1, Level: "WARNING", Message: "Title underline too short.", Hint: "Make the underline as long as the title."}
		}
	}
	return nil
}

func TestCheckDescription(t *testing.T) {
	tests := []struct {
		name    string
		lines   []string
		body    string
		rst     bool // a validator is set
		codes   []string
		calls   int
		msg     string
		line    int
		noCodes []string
	}{
		{"markdown renders", nil, "# BROKEN\n", true, nil, 0, "", 0, nil},
		{"plain renders", []string{"Description-Content-Type: text/plain"}, "BROKEN", true, nil, 0, "", 0, nil},
		{"rst ok", []string{"Description-Content-Type: text/x-rst"}, "Title\n=====\n", true, nil, 1, "", 0, nil},
		{"rst broken", []string{"Description-Content-Type: text/x-rst; charset=UTF-8"}, "Title\nBROKEN\n", true, []string{codeDescriptionRender}, 1,
			"The description failed to render for 'text/x-rst; charset=UTF-8'. line 2: (WARNING/2) Title underline too short. Fix: Make the underline as long as the title.", 2, nil},
		{"default rst broken", []string{"-Description-Content-Type"}, "Title\nBROKEN\n", true, []string{codeDescriptionRender, codeMissingContentType}, 1,
			"The description failed to render in the default format of reStructuredText. line 2: (WARNING/2) Title underline too short.", 2, nil},
		{"no validator", []string{"Description-Content-Type: text/x-rst"}, "BROKEN", false, nil, 0, "", 0, []string{codeDescriptionRender}},
		{"missing content type", []string{"-Description-Content-Type"}, "Fine\n", true, []string{codeMissingContentType}, 1, "`long_description_content_type` missing. defaulting to `text/x-rst`.", 0, nil},
		{"missing description", nil, "", true, []string{codeMissingDescription}, 0, "`long_description` missing.", 0, nil},
		{"UNKNOWN description", nil, "UNKNOWN\n", true, []string{codeMissingDescription}, 0, "`long_description` missing.", 0, nil},
		{"description header", []string{"Metadata-Version: 1.2", "-Description-Content-Type", "Description: Title\n        BROKEN"}, "", true, []string{codeDescriptionRender}, 1, "line 2:", 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testMetadata(tt.lines...)
			m.Body = tt.body
			var opts []CheckOption
			f := &fakeRST{}
			if tt.rst {
				opts = append(opts, WithRSTValidator(f))
			}
			ps := Check(testWheel(m), opts...)
			for _, code := range tt.codes {
				if len(problemsWith(ps, code)) != 1 {
					t.Errorf("want one %s; got %+v", code, ps)
				}
			}
			for _, code := range tt.noCodes {
				if len(problemsWith(ps, code)) != 0 {
					t.Errorf("unexpected %s: %+v", code, ps)
				}
			}
			if len(tt.codes) == 0 && len(ps) != 0 {
				t.Errorf("unexpected: %+v", ps)
			}
			if f.calls != tt.calls {
				t.Errorf("validator called %d times, want %d", f.calls, tt.calls)
			}
			if len(tt.codes) > 0 {
				p := problemsWith(ps, tt.codes[0])
				if len(p) > 0 && (!strings.Contains(p[0].Message, tt.msg) || p[0].Line != tt.line) {
					t.Errorf("got %+v, want message with %q on line %d", p[0], tt.msg, tt.line)
				}
			}
		})
	}
}

func TestCheckOrderAndHasErrors(t *testing.T) {
	m := testMetadata("-Description-Content-Type", "X-Thing: 1", "Version: 1.0+local", "Classifier: Nope")
	m.Body = ""
	ps := Check(testWheel(m))
	if !HasErrors(ps) {
		t.Fatal("HasErrors = false")
	}
	seenWarning := false
	for _, p := range ps {
		if p.Severity == Warning {
			seenWarning = true
		} else if seenWarning {
			t.Fatalf("error after a warning: %+v", ps)
		}
	}
	again := Check(testWheel(m))
	for i := range ps {
		if ps[i] != again[i] {
			t.Fatalf("order not stable: %+v vs %+v", ps, again)
		}
	}
	if HasErrors(nil) || HasErrors([]Problem{{Severity: Warning}}) {
		t.Error("HasErrors true without errors")
	}
	if Check(nil) != nil {
		t.Error("Check(nil) != nil")
	}
	nometa := Check(&Dist{Filename: "foo_bar-1.0-py3-none-any.whl", Kind: Wheel})
	if len(problemsWith(nometa, codeMissingMetadata)) != 1 {
		t.Errorf("no metadata: %+v", nometa)
	}
}

// TestDocsListEveryCode keeps docs/checks.md in step with the codes.
func TestDocsListEveryCode(t *testing.T) {
	b, err := os.ReadFile("../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, code := range problemCodes {
		if !strings.Contains(doc, "`"+code+"`") {
			t.Errorf("docs/checks.md does not describe %s", code)
		}
	}
}

func TestDescriptionConflict(t *testing.T) {
	m := testMetadata("Description: header text")
	if got := problemsWith(Check(testWheel(m)), codeDescriptionConflict); len(got) != 1 || got[0].Severity != Warning {
		t.Errorf("got %+v, want one warning", got)
	}
	m.Body = ""
	if got := problemsWith(Check(testWheel(m)), codeDescriptionConflict); len(got) != 0 {
		t.Errorf("header only: %+v", got)
	}
}
