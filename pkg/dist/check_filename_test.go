package dist

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestValidPlatformTag(t *testing.T) {
	ok := []string{
		"any", "win32", "win_amd64", "win_arm64", "win_ia64",
		"manylinux1_x86_64", "manylinux1_i686", "manylinux2010_x86_64", "manylinux2014_aarch64",
		"manylinux2014_ppc64", "manylinux2014_s390x", "linux_armv6l", "linux_armv7l",
		"manylinux_2_17_x86_64", "manylinux_2_28_riscv64", "manylinux_2_17_ppc64",
		"musllinux_1_2_aarch64", "musllinux_1_1_s390x",
		"macosx_10_9_x86_64", "macosx_10_13_universal2", "macosx_11_0_arm64", "macosx_14_0_x86_64",
		"macosx_26_0_arm64", "macosx_10_4_fat3",
		"ios_13_0_arm64_iphoneos", "ios_13_0_x86_64_iphonesimulator",
		"android_21_arm64_v8a", "android_24_x86_64", "pyemscripten_2024_0_wasm32",
	}
	bad := []string{
		"linux_x86_64", "linux_aarch64", "linux_i686", "manylinux2014_riscv64",
		"musllinux_1_2_ppc64", "manylinux_2_17_sparc", "macosx_11_1_arm64", "macosx_16_0_arm64",
		"macosx_10_9_armv7", "ios_13_0_armv7_iphoneos", "android_21_mips", "emscripten_3_1_58_wasm32",
		"cygwin_x86_64", "freebsd_13_amd64", "",
	}
	for _, tag := range ok {
		if !validPlatformTag(tag) {
			t.Errorf("validPlatformTag(%q) = false, PyPI accepts it", tag)
		}
	}
	for _, tag := range bad {
		if validPlatformTag(tag) {
			t.Errorf("validPlatformTag(%q) = true, PyPI refuses it", tag)
		}
	}
}

func TestCheckFilenames(t *testing.T) {
	tests := []struct {
		name     string
		filename string
		kind     Kind
		lines    []string // metadata (base: foo-bar 1.0)
		code     string
		fail     bool
		msg      string
	}{
		{"wheel ok", "foo_bar-1.0-py3-none-any.whl", Wheel, nil, "", false, ""},
		{"wheel build tag ok", "foo_bar-1.0-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", Wheel, nil, "", false, ""},
		{"control char", "foo_bar-1.0-py3-none-any\x01.whl", Wheel, nil, codeInvalidFilename, true, "non-printable characters"},
		{"slash", `dir\foo_bar-1.0-py3-none-any.whl`, Wheel, nil, codeInvalidFilename, true, `Cannot upload a file with '/' or '\' in the name.`},
		{"no extension", "foo_bar-1.0.egg", Wheel, nil, codeInvalidExtension, true, "Invalid file extension: Use .tar.gz, .whl or .zip extension."},
		{"upper-case extension", "foo_bar-1.0-py3-none-any.WHL", Wheel, nil, codeInvalidExtension, true, "Extension .WHL is invalid for filetype bdist_wheel."},
		{"tar.gz as wheel", "foo_bar-1.0.tar.gz", Wheel, nil, codeInvalidExtension, true, "Extension .tar.gz is invalid for filetype bdist_wheel."},
		{"zip sdist", "foo_bar-1.0.zip", Sdist, nil, codeZipSdist, true, "no longer accepts .zip"},
		{"tar.gz sdist ok", "foo_bar-1.0.tar.gz", Sdist, nil, "", false, ""},
		{"wheel wrong parts", "foo_bar-1.0-any.whl", Wheel, nil, codeInvalidWheelFilename, true, "Invalid wheel filename (wrong number of parts): 'foo_bar-1.0-any'"},
		{"wheel bad version", "foo_bar-one-py3-none-any.whl", Wheel, nil, codeInvalidWheelFilename, true, "(invalid version)"},
		{"wheel bad build", "foo_bar-1.0-x1-py3-none-any.whl", Wheel, nil, codeInvalidWheelFilename, true, "Invalid build number: x1"},
		{"wheel double underscore", "foo__bar-1.0-py3-none-any.whl", Wheel, nil, codeInvalidWheelFilename, true, "Invalid project name"},
		{"linux tag", "foo_bar-1.0-cp312-cp312-linux_x86_64.whl", Wheel, nil, codeUnsupportedPlatformTag, true, "Binary wheel 'foo_bar-1.0-cp312-cp312-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'. Plain linux_* wheels are refused: repair the wheel with auditwheel"},
		{"one bad tag of two", "foo_bar-1.0-cp312-cp312-manylinux2014_x86_64.linux_x86_64.whl", Wheel, nil, codeUnsupportedPlatformTag, true, "'linux_x86_64'"},
		{"macos minor", "foo_bar-1.0-cp312-cp312-macosx_11_3_arm64.whl", Wheel, nil, codeUnsupportedPlatformTag, true, "MACOSX_DEPLOYMENT_TARGET"},

		{"wheel other project", "baz-1.0-py3-none-any.whl", Wheel, nil, codeFilenameProject, true, "Start filename for 'foo-bar' with 'foo_bar'."},
		{"wheel name not normalized", "Foo_Bar-1.0-py3-none-any.whl", Wheel, nil, codeFilenameNotNormalized, true, "Filename 'Foo_Bar-1.0-py3-none-any.whl' should contain the normalized project name 'foo_bar', not 'Foo_Bar'."},
		{"wheel name with dot", "foo.bar-1.0-py3-none-any.whl", Wheel, []string{"Name: foo.bar"}, codeFilenameNotNormalized, true, "normalized project name 'foo_bar', not 'foo.bar'"},
		{"wheel version differs", "foo_bar-1.1-py3-none-any.whl", Wheel, nil, codeFilenameVersion, true, "Version in filename should be '1.0' not '1.1'."},
		{"wheel version equal as PEP 440", "foo_bar-1.0.0-py3-none-any.whl", Wheel, nil, codeFilenameVersion, false, ""},
		{"wheel version spelled differently", "foo_bar-1.0-py3-none-any.whl", Wheel, []string{"Version: 1.0.0"}, codeFilenameVersion, false, ""},

		{"sdist other project", "baz-1.0.tar.gz", Sdist, nil, codeFilenameProject, true, "Start filename for 'foo-bar' with 'foo_bar'."},
		{"sdist not normalized name", "foo-bar-1.0.tar.gz", Sdist, nil, codeFilenameNotNormalized, true, "Filename 'foo-bar-1.0.tar.gz' is invalid, should be 'foo_bar-1.0.tar.gz'."},
		{"sdist upper case", "Foo_Bar-1.0.tar.gz", Sdist, nil, codeFilenameNotNormalized, true, "should be 'foo_bar-1.0.tar.gz'"},
		{"sdist hyphenated post release", "foo_bar-1.0-post1.tar.gz", Sdist, []string{"Version: 1.0-post1"}, codeInvalidSdistFilename, true, "should be 'foo_bar-1.0.post1.tar.gz'"},
		{"sdist version not normalized", "foo_bar-1.0_post1.tar.gz", Sdist, []string{"Version: 1.0-post1"}, codeFilenameNotNormalized, true, "should be 'foo_bar-1.0.post1.tar.gz'"},
		{"sdist legacy post release", "foo_bar-1.0-1.tar.gz", Sdist, []string{"Version: 1.0-1"}, codeFilenameProject, false, ""},
		{"sdist version differs", "foo_bar-1.1.tar.gz", Sdist, nil, codeFilenameNotNormalized, true, "should be 'foo_bar-1.0.tar.gz'"},
		{"sdist no version", "foo_bar.tar.gz", Sdist, nil, codeInvalidSdistFilename, true, "Invalid source distribution filename: foo_bar.tar.gz"},
		{"sdist ok normalized version", "foo_bar-1.0rc1.tar.gz", Sdist, []string{"Version: 1.0-RC1"}, codeFilenameNotNormalized, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Dist{Filename: tt.filename, Kind: tt.kind, Size: 1000, Metadata: testMetadata(tt.lines...)}
			ps := Check(d)
			if tt.code == "" {
				if HasErrors(ps) {
					t.Fatalf("unexpected errors: %+v", ps)
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
			if got[0].Severity != Error {
				t.Errorf("severity %s, want error", got[0].Severity)
			}
			if !strings.Contains(got[0].Message, tt.msg) {
				t.Errorf("message %q lacks %q", got[0].Message, tt.msg)
			}
		})
	}
}

// TestPlatformTagsAgreeWithWarehouse compares validPlatformTag with
// verdicts recorded from warehouse's own _valid_platform_tag
// (forklift/legacy.py) over every combination of common prefixes and
// architectures: [tag, accepted].
func TestPlatformTagsAgreeWithWarehouse(t *testing.T) {
	b, err := os.ReadFile("testdata/platform_verdicts.json")
	if err != nil {
		t.Fatal(err)
	}
	var verdicts [][2]any
	if err := json.Unmarshal(b, &verdicts); err != nil {
		t.Fatal(err)
	}
	for _, v := range verdicts {
		tag, ok := v[0].(string), v[1].(bool)
		if validPlatformTag(tag) != ok {
			t.Errorf("validPlatformTag(%q) = %v, warehouse says %v", tag, !ok, ok)
		}
	}
}
