package dist

import (
	"strings"
	"testing"
)

// FuzzCheck feeds Check arbitrary file names and metadata: it must not
// panic, and every message must be one line.
func FuzzCheck(f *testing.F) {
	f.Add("foo_bar-1.0-py3-none-any.whl", "Metadata-Version: 2.4\nName: foo-bar\nVersion: 1.0\nLicense-Expression: MIT WITH LLVM-exception\nRequires-Dist: a[b] (>=1); python_version<'3'\n\nbody")
	f.Add("foo-1.0.tar.gz", "Metadata-Version: 2.1\nName: foo\nVersion: 1.0+x\nAuthor-email: \"a, b\" <a@b.c>, (c) d@e\nProject-URL: a,b\nLicense-File: ../x\n")
	f.Add("x.zip", "Metadata-Version: 9\nDescription-Content-Type: text/markdown; variant=\"\nClassifier: Private :: x\n")
	f.Fuzz(func(t *testing.T, filename, meta string) {
		m, err := ParseMetadata([]byte(meta))
		if err != nil {
			return
		}
		kind := Sdist
		if strings.HasSuffix(filename, ".whl") {
			kind = Wheel
		}
		d := &Dist{Filename: filename, Kind: kind, Size: 10, Metadata: m, Members: []Member{{Name: filename}, {Name: "a/PKG-INFO"}}}
		for _, p := range Check(d, WithRSTValidator(&fakeRST{})) {
			if strings.ContainsAny(p.Message, "\r\n") || p.Code == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
