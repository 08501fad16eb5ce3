package dist

import (
	"archive/tar"
	"strings"
	"testing"
)

// FuzzCheck feeds Check arbitrary file names, metadata, a member name (also
// used as a tar link's target) and a WHEEL Generator: it must not panic, and
// every message must be one line.
func FuzzCheck(f *testing.F) {
	f.Add("foo_bar-1.0-py3-none-any.whl", "Metadata-Version: 2.4\nName: foo-bar\nVersion: 1.0\nLicense-Expression: MIT WITH LLVM-exception\nRequires-Dist: a[b] (>=1); python_version<'3'\n\nbody", "../../x", "hatchling 1.25.0")
	f.Add("foo-1.0.tar.gz", "Metadata-Version: 2.1\nName: foo\nVersion: 1.0+x\nAuthor-email: \"a, b\" <a@b.c>, (c) d@e\nProject-URL: a,b\nLicense-File: ../x\n", "a/../../b", "setuptools (75.1.0)")
	f.Add("x.zip", "Metadata-Version: 9\nDescription-Content-Type: text/markdown; variant=\"\nClassifier: Private :: x\n", `C:\x`, "bdist_wheel (0.43.0)")
	f.Fuzz(func(t *testing.T, filename, meta, member, generator string) {
		m, err := ParseMetadata([]byte(meta))
		if err != nil {
			return
		}
		kind := Sdist
		if strings.HasSuffix(filename, ".whl") {
			kind = Wheel
		}
		d := &Dist{Filename: filename, Kind: kind, Size: 10, Metadata: m, Backend: parseGenerator(generator), Members: []Member{
			{Name: filename}, {Name: "a/PKG-INFO"}, {Name: member},
			{Name: "a/" + member, TarType: tar.TypeSymlink, Link: member},
			{Name: member, TarType: tar.TypeLink, Link: member},
		}}
		d.Backend.SetupPy = len(member)%2 == 0
		for _, p := range Check(d, WithRSTValidator(&fakeRST{})) {
			if strings.ContainsAny(p.Message, "\r\n") || p.Code == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
