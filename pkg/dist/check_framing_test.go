package dist_test

import (
	"archive/tar"
	"context"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

func hasCode(ps []dist.Problem, code string) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

func TestCheckZipFraming(t *testing.T) {
	dir := t.TempDir()
	good := disttest.Wheel(t, dir, disttest.Name("demo"), disttest.Version("1.0"))
	d, err := dist.Open(context.Background(), good)
	if err != nil {
		t.Fatal(err)
	}
	if ps := dist.Check(d); hasCode(ps, "zip-framing") {
		t.Fatalf("a zip written like Python's zipfile was refused: %v", ps)
	}

	bad := disttest.Wheel(t, t.TempDir(), disttest.Name("demo"), disttest.Version("1.0"), disttest.DataDescriptor())
	d, err = dist.Open(context.Background(), bad)
	if err != nil {
		t.Fatal(err)
	}
	if d.ZipProblem == "" {
		t.Fatal("Open did not record the data descriptors")
	}
	ps := dist.Check(d)
	if !hasCode(ps, "zip-framing") || !dist.HasErrors(ps) {
		t.Fatalf("data descriptors not refused: %v", ps)
	}
}

func TestCheckSparseMember(t *testing.T) {
	d := &dist.Dist{Filename: "demo-1.0.tar.gz", Kind: dist.Sdist, PyVersion: "source",
		Metadata: &dist.Metadata{Fields: []dist.Field{{Name: "Metadata-Version", Value: "2.4"}, {Name: "Name", Value: "demo"}, {Name: "Version", Value: "1.0"}}},
		Members: []dist.Member{
			{Name: "demo-1.0/PKG-INFO", TarType: tar.TypeReg},
			{Name: "demo-1.0/data.bin", TarType: tar.TypeReg},
		},
		MetadataPath: "demo-1.0/PKG-INFO",
	}
	if hasCode(dist.Check(d), "sparse-member") {
		t.Fatal("regular members reported as sparse")
	}
	d.Members[1].TarType = tar.TypeGNUSparse
	if !hasCode(dist.Check(d), "sparse-member") {
		t.Fatal("sparse member not refused")
	}
}
