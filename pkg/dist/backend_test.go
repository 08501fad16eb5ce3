package dist

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseGenerator(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Backend
	}{
		{"hatchling 1.25.0", Backend{Name: "hatchling", Version: "1.25.0"}},
		{"setuptools (75.1.0)", Backend{Name: "setuptools", Version: "75.1.0"}},
		{"bdist_wheel (0.43.0)", Backend{Name: "setuptools"}},
		{"flit 3.9.0", Backend{Name: "flit-core", Version: "3.9.0"}},
		{"poetry-core 1.9.0", Backend{Name: "poetry-core", Version: "1.9.0"}},
		{"maturin (1.7.4)", Backend{Name: "maturin", Version: "1.7.4"}},
		{"pdm-backend (2.4.3)", Backend{Name: "pdm-backend", Version: "2.4.3"}},
		{"scikit-build-core 0.10.7", Backend{Name: "scikit-build-core", Version: "0.10.7"}},
		{"meson", Backend{Name: "meson-python"}},
		{"", Backend{}},
	} {
		if got := parseGenerator(tc.in); got != tc.want {
			t.Errorf("parseGenerator(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestSdistBackend(t *testing.T) {
	for _, tc := range []struct {
		pyproject string // "-" for none
		setupPy   bool
		want      Backend
	}{
		{"[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n", false, Backend{Name: "hatchling"}},
		{"[build-system]\nbuild-backend='flit_core.buildapi'\n", false, Backend{Name: "flit-core"}},
		{"[build-system]\nbuild-backend = \"setuptools.build_meta:__legacy__\"\n", true, Backend{Name: "setuptools", SetupPy: true}},
		{"[build-system]\nbuild-backend = \"poetry.core.masonry.api\"\n", false, Backend{Name: "poetry-core"}},
		{"[build-system]\nbuild-backend = \"pdm.backend\"\n", false, Backend{Name: "pdm-backend"}},
		{"[build-system]\nbuild-backend = \"maturin\"\n", false, Backend{Name: "maturin"}},
		{"[build-system]\nbuild-backend = \"my_backend.api\"\n", false, Backend{Name: "my-backend"}},
		{"[tool.other]\nbuild-backend = \"hatchling.build\"\n", true, Backend{Name: "setuptools", SetupPy: true}},
		{"[project]\nname = \"x\"\n", false, Backend{Name: "setuptools"}},
		{"-", true, Backend{Name: "setuptools", SetupPy: true}},
		{"-", false, Backend{}},
	} {
		var py []byte
		if tc.pyproject != "-" {
			py = []byte(tc.pyproject)
		}
		if got := sdistBackend(py, tc.setupPy); got != tc.want {
			t.Errorf("sdistBackend(%q, %v) = %+v, want %+v", tc.pyproject, tc.setupPy, got, tc.want)
		}
	}
}

// Real files name their real backend.
func TestOpenRealDistsBackend(t *testing.T) {
	for file, want := range map[string]Backend{
		"good/pyupsample-1.0.0-py3-none-any.whl":          {Name: "setuptools"},
		"good/pyupsample-1.0.0.tar.gz":                    {Name: "setuptools"},
		"good/pyup_hatch_sample-0.3.1-py3-none-any.whl":   {Name: "hatchling", Version: "1.12.2"},
		"good/pyup_hatch_sample-0.3.1.tar.gz":             {Name: "hatchling"},
		"good/pyup_flit_sample-2.0.0rc1-py3-none-any.whl": {Name: "flit-core", Version: "3.8.0"},
		"good/pyup_flit_sample-2.0.0rc1.tar.gz":           {Name: "flit-core"},
	} {
		d, err := Open(context.Background(), filepath.Join("..", "..", "testdata", "dists", file), WithoutDigests())
		if err != nil {
			t.Fatal(err)
		}
		if d.Backend != want {
			t.Errorf("%s: Backend %+v, want %+v", file, d.Backend, want)
		}
	}
}

// Hints name the backend that built the file, with the right versions.
func TestHintsNameTheBackend(t *testing.T) {
	sdist := func(b Backend, lines ...string) *Dist {
		return &Dist{Filename: "Foo.Bar-1.0.tar.gz", Kind: Sdist, Size: 1000, Backend: b, Metadata: testMetadata(lines...)}
	}
	wheel := func(b Backend, lines ...string) *Dist {
		d := testWheel(testMetadata(lines...))
		d.Backend = b
		return d
	}
	named := func(d *Dist, fn string) *Dist { d.Filename = fn; return d }
	hatch, setup, setupPy, flit := Backend{Name: "hatchling", Version: "1.25.0"}, Backend{Name: "setuptools"}, Backend{Name: "setuptools", SetupPy: true}, Backend{Name: "flit-core"}
	for _, tc := range []struct {
		name      string
		d         *Dist
		code      string
		want, not string
	}{
		{"pep 625 flit", sdist(flit, "Name: Foo.Bar"), codeFilenameNotNormalized, "flit_core to 3.9 or later", "3.10"},
		{"pep 625 hatchling", sdist(hatch, "Name: Foo.Bar"), codeFilenameNotNormalized, "strict-naming = false", "setuptools"},
		{"pep 625 setuptools", sdist(setup, "Name: Foo.Bar"), codeFilenameNotNormalized, "setuptools to 69.3 or later", "hatchling"},
		{"pep 625 unknown", sdist(Backend{}, "Name: Foo.Bar"), codeFilenameNotNormalized, "flit_core >= 3.9", "3.10"},
		{"license file hatchling", wheel(hatch, "Metadata-Version: 2.1", "License-File: LICENSE"), codeLicenseFileIgnored, "hatchling 1.27", "setuptools"},
		{"license file setuptools", wheel(setup, "Metadata-Version: 2.1", "License-File: LICENSE"), codeLicenseFileIgnored, "setuptools 77", "hatchling"},
		{"content type setup.py", sdist(setupPy, "Name: Foo.Bar"), codeMissingContentType, "long_description_content_type=\"text/markdown\" (or \"text/x-rst\") to setup() in setup.py", ""},
		{"content type hatchling", wheel(hatch), codeMissingContentType, "readme = \"README.md\" in pyproject.toml's [project]", "setup.py"},
		{"content type setuptools wheel", wheel(setup), codeMissingContentType, "in setup.py, pass long_description_content_type=", ""},
		{"description setup.py", sdist(setupPy, "Name: Foo.Bar"), codeMissingDescription, "long_description=open(\"README.md\").read()", ""},
		{"description flit", wheel(flit), codeMissingDescription, "readme in pyproject.toml's [project]", "setup.py"},
		{"wheel name setuptools", named(wheel(setup, "Name: My.Package"), "My.Package-1.0-py3-none-any.whl"), codeFilenameNotNormalized, "setuptools to 75.8.1 or later", "0.41"},
		{"wheel name flit", named(wheel(flit, "Name: My.Package"), "My.Package-1.0-py3-none-any.whl"), codeFilenameNotNormalized, "flit_core to 3.7 or later", "setuptools"},
		{"local version hatchling", wheel(hatch, "Version: 1.0+g1234"), codeLocalVersion, "[tool.hatch.version.raw-options]", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.code == codeMissingContentType || tc.code == codeMissingDescription {
				tc.d.Metadata = dropFields(tc.d.Metadata, "Description-Content-Type")
				if tc.code == codeMissingDescription {
					tc.d.Metadata.Body = ""
				}
			}
			got := problemsWith(Check(tc.d, WithRSTValidator(nil)), tc.code)
			if len(got) == 0 {
				t.Fatalf("no %s", tc.code)
			}
			msg := got[0].Message
			if !strings.Contains(msg, tc.want) || (tc.not != "" && strings.Contains(msg, tc.not)) {
				t.Errorf("message %q: want %q, not %q", msg, tc.want, tc.not)
			}
		})
	}
}

func dropFields(m *Metadata, name string) *Metadata {
	out := &Metadata{Body: m.Body}
	for _, f := range m.Fields {
		if !strings.EqualFold(f.Name, name) {
			out.Fields = append(out.Fields, f)
		}
	}
	return out
}
