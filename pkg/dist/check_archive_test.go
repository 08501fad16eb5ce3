package dist

import (
	"context"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

// TestCheckRealArchives builds wheels and sdists with disttest, reads them
// with Open and checks them: the whole path pyup check takes.
func TestCheckRealArchives(t *testing.T) {
	type build func(t testing.TB, dir string, opts ...disttest.Opt) string
	tests := []struct {
		name  string
		build build
		opts  []disttest.Opt
		codes []string // expected codes; nil = no problems at all
	}{
		{"valid wheel", disttest.Wheel, nil, nil},
		{"valid sdist", disttest.Sdist, nil, nil},
		{"valid wheel with license", disttest.Wheel, []disttest.Opt{disttest.LicenseFile("LICENSE", []byte("MIT")), disttest.Header("License-Expression", "MIT")}, nil},
		{"valid sdist with license", disttest.Sdist, []disttest.Opt{disttest.LicenseFile("LICENSES/MIT.txt", []byte("MIT"))}, nil},
		{"dotted name", disttest.Wheel, []disttest.Opt{disttest.Name("My.Pkg")}, nil},

		{"wheel without RECORD", disttest.Wheel, []disttest.Opt{disttest.Omit("RECORD")}, []string{codeMissingDistInfoFile}},
		{"wheel without WHEEL", disttest.Wheel, []disttest.Opt{disttest.Omit("WHEEL")}, []string{codeMissingDistInfoFile}},
		{"wheel dist-info misnamed", disttest.Wheel, []disttest.Opt{disttest.DistInfoDir("Example-1.0.0.dist-info")}, []string{codeMissingDistInfoFile}},
		{"bzip2 member", disttest.Wheel, []disttest.Opt{disttest.FileMethod("example/data.bin", []byte("x"), disttest.Bzip2)}, []string{codeUnsupportedCompression}},
		{"linux wheel", disttest.Wheel, []disttest.Opt{disttest.Tags("cp312", "cp312", "linux_x86_64")}, []string{codeUnsupportedPlatformTag}},
		{"manylinux wheel", disttest.Wheel, []disttest.Opt{disttest.Tags("cp312", "cp312", "manylinux_2_17_x86_64.manylinux2014_x86_64")}, nil},
		{"renamed wheel", disttest.Wheel, []disttest.Opt{disttest.Filename("example-1.0.1-py3-none-any.whl")}, []string{codeFilenameVersion, codeMissingDistInfoFile}},
		{"unnormalized wheel name", disttest.Wheel, []disttest.Opt{disttest.Filename("Example-1.0.0-py3-none-any.whl")}, []string{codeFilenameNotNormalized, codeMissingDistInfoFile}},
		{"local version", disttest.Wheel, []disttest.Opt{disttest.Version("1.0.0+dirty")}, []string{codeLocalVersion}},
		{"missing license file", disttest.Wheel, []disttest.Opt{disttest.Header("License-File", "COPYING")}, []string{codeMissingLicenseFile}},
		{"classifiers", disttest.Wheel, []disttest.Opt{disttest.Classifiers("Private :: Do Not Upload", "Natural Language :: Ukranian", "Not :: Real")}, []string{codePrivateClassifier, codeDeprecatedClassifier, codeInvalidClassifier}},
		{"old metadata version with new field", disttest.Wheel, []disttest.Opt{disttest.MetadataVersion("2.1"), disttest.Header("License-Expression", "MIT")}, []string{codeFieldTooNew}},
		{"no content type", disttest.Wheel, []disttest.Opt{disttest.ContentType("")}, []string{codeMissingContentType}},

		{"sdist two top dirs", disttest.Sdist, []disttest.Opt{disttest.RootFile("other/setup.py", nil)}, []string{codeSdistLayout}},
		{"sdist without PKG-INFO", disttest.Sdist, []disttest.Opt{disttest.Omit("PKG-INFO")}, nil}, // Open fails: no metadata
		{"sdist unnormalized", disttest.Sdist, []disttest.Opt{disttest.Filename("Example-1.0.0.tar.gz")}, []string{codeFilenameNotNormalized}},
		{"zip sdist", disttest.Sdist, []disttest.Opt{disttest.ZipSdist()}, []string{codeZipSdist}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.build(t, t.TempDir(), tt.opts...)
			d, err := Open(context.Background(), path)
			if err != nil {
				if tt.name == "sdist without PKG-INFO" {
					return // Open reports it; nothing to check
				}
				t.Fatalf("Open: %v", err)
			}
			ps := Check(d)
			if tt.codes == nil {
				if len(ps) != 0 {
					t.Fatalf("unexpected problems: %+v", ps)
				}
				return
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Code)
				if p.File != d.Filename {
					t.Errorf("File = %q, want %q", p.File, d.Filename)
				}
			}
			for _, c := range tt.codes {
				if !strings.Contains(" "+strings.Join(got, " ")+" ", " "+c+" ") {
					t.Errorf("missing %s; got %v", c, ps)
				}
			}
		})
	}
}

// TestCheckRealArtifacts checks files built by real backends (setuptools,
// hatchling, flit; see testdata/dists): the good ones must pass, the bad
// ones must fail for the reason they were built to show.
func TestCheckRealArtifacts(t *testing.T) {
	tests := []struct {
		file  string
		codes []string // nil: no errors
	}{
		{"good/pyup_flit_sample-2.0.0rc1-py3-none-any.whl", nil},
		{"good/pyup_flit_sample-2.0.0rc1.tar.gz", nil},
		{"good/pyup_hatch_sample-0.3.1-py3-none-any.whl", nil},
		{"good/pyup_hatch_sample-0.3.1.tar.gz", nil},
		{"good/pyupsample-1.0.0-py3-none-any.whl", nil},
		{"good/pyupsample-1.0.0.tar.gz", nil},
		{"bad/My.Package-1.0-py3-none-any.whl", []string{codeFilenameNotNormalized}},
		{"bad/My.Package-1.0.tar.gz", []string{codeFilenameNotNormalized}},
		{"bad/pyup_licexpr-1.0-py3-none-any.whl", []string{codeFieldTooNew}},
		{"bad/pyup_licexpr-1.0.tar.gz", []string{codeFieldTooNew}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := Open(context.Background(), "../../testdata/dists/"+tt.file)
			if err != nil {
				t.Fatal(err)
			}
			ps := Check(d)
			if tt.codes == nil {
				if HasErrors(ps) {
					t.Fatalf("errors in a good file: %+v", ps)
				}
				return
			}
			for _, c := range tt.codes {
				if got := problemsWith(ps, c); len(got) == 0 || got[0].Severity != Error {
					t.Errorf("no %s error; got %+v", c, ps)
				}
			}
		})
	}
}
