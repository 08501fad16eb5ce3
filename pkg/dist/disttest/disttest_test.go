package disttest_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

func TestWheelRecord(t *testing.T) {
	p := disttest.Wheel(t, t.TempDir(), disttest.Name("Foo.Bar"), disttest.Version("1.2"),
		disttest.LicenseFile("LICENSE", []byte("MIT")), disttest.File("foo_bar/data,1.txt", []byte("x")))
	if filepath.Base(p) != "foo_bar-1.2-py3-none-any.whl" {
		t.Fatalf("name %s", p)
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	record := string(files["foo_bar-1.2.dist-info/RECORD"])
	for name, data := range files {
		if strings.HasSuffix(name, "RECORD") {
			continue
		}
		sum := sha256.Sum256(data)
		line := fmt.Sprintf("%s,sha256=%s,%d\n", name, base64.RawURLEncoding.EncodeToString(sum[:]), len(data))
		if strings.Contains(name, ",") {
			line = `"` + name + `"` + line[len(name):]
		}
		if !strings.Contains(record, line) {
			t.Errorf("RECORD lacks %q:\n%s", line, record)
		}
	}
	for _, want := range []string{"foo_bar-1.2.dist-info/METADATA", "foo_bar-1.2.dist-info/WHEEL", "foo_bar-1.2.dist-info/licenses/LICENSE"} {
		if files[want] == nil {
			t.Errorf("no %s", want)
		}
	}
	if !bytes.Contains(files["foo_bar-1.2.dist-info/METADATA"], []byte("Name: Foo.Bar\nVersion: 1.2\n")) {
		t.Errorf("METADATA:\n%s", files["foo_bar-1.2.dist-info/METADATA"])
	}
}

func TestSdistLayout(t *testing.T) {
	p := disttest.Sdist(t, t.TempDir(), disttest.RootFile("other/x", nil), disttest.HugeMetadata(3<<20))
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name == "example-1.0.0/PKG-INFO" {
			n, _ := io.Copy(io.Discard, tr)
			if n != 3<<20 || h.Size != n {
				t.Errorf("PKG-INFO is %d bytes, header says %d", n, h.Size)
			}
		}
	}
	want := "example-1.0.0/PKG-INFO example-1.0.0/pyproject.toml example-1.0.0/src/example/__init__.py other/x"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("members %s", got)
	}
}

func TestOptions(t *testing.T) {
	m := string(disttest.Metadata(disttest.DropHeader("requires-python"), disttest.SetHeader("Summary", "S"),
		disttest.Classifiers("A :: B"), disttest.DescriptionHeader("one\ntwo"), disttest.ContentType("")))
	want := "Metadata-Version: 2.4\nName: example\nVersion: 1.0.0\nSummary: S\nClassifier: A :: B\nDescription: one\n        two\n"
	if m != want {
		t.Errorf("metadata %q, want %q", m, want)
	}
	dir := t.TempDir()
	full := disttest.Wheel(t, dir, disttest.Filename("a.whl"))
	cut := disttest.Wheel(t, dir, disttest.Filename("b.whl"), disttest.Truncate(-10))
	a, _ := os.Stat(full)
	b, _ := os.Stat(cut)
	if b.Size() != a.Size()-10 {
		t.Errorf("sizes %d %d", a.Size(), b.Size())
	}
	// Same options, same bytes.
	again := disttest.Wheel(t, t.TempDir(), disttest.Filename("a.whl"))
	x, _ := os.ReadFile(full)
	y, _ := os.ReadFile(again)
	if !bytes.Equal(x, y) {
		t.Error("output is not reproducible")
	}
}

func TestParseArgs(t *testing.T) {
	opts, err := disttest.ParseArgs([]string{"name=My.Pkg", "version=2.0", `header=Classifier:A :: B`, `body=# T\n\nx`, "omit=RECORD", "tags=py2.py3-none-any"})
	if err != nil {
		t.Fatal(err)
	}
	m := string(disttest.Metadata(opts...))
	if !strings.Contains(m, "Name: My.Pkg\nVersion: 2.0\n") || !strings.Contains(m, "Classifier: A :: B\n\n# T\n\nx") {
		t.Errorf("metadata %q", m)
	}
	p, err := disttest.BuildWheel(t.TempDir(), opts...)
	if err != nil || filepath.Base(p) != "my_pkg-2.0-py2.py3-none-any.whl" {
		t.Errorf("%s %v", p, err)
	}
	for _, bad := range [][]string{{"nope=1"}, {"name"}, {"truncate=x"}, {"header=novalue"}, {"tags=a-b"}} {
		if _, err := disttest.ParseArgs(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
