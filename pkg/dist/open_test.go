package dist

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

func fileDigests(t *testing.T, path string) (string, string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	b2 := blake2b.Sum256(b)
	return hex.EncodeToString(s[:]), hex.EncodeToString(b2[:])
}

func memberNames(d *Dist) []string {
	var ns []string
	for _, m := range d.Members {
		ns = append(ns, m.Name)
	}
	return ns
}

func TestOpenWheel(t *testing.T) {
	p := disttest.Wheel(t, t.TempDir(), disttest.Name("My.Pkg"), disttest.Version("2.0"),
		disttest.Tags("py2.py3", "none", "any"), disttest.LicenseFile("LICENSE", []byte("MIT\n")))
	d, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if d.Filename != "my_pkg-2.0-py2.py3-none-any.whl" || d.Kind != Wheel || d.PyVersion != "py2.py3" {
		t.Errorf("Filename %q Kind %q PyVersion %q", d.Filename, d.Kind, d.PyVersion)
	}
	if d.MetadataPath != "my_pkg-2.0.dist-info/METADATA" {
		t.Errorf("MetadataPath %q", d.MetadataPath)
	}
	if d.Metadata.Name() != "My.Pkg" || d.Metadata.Version() != "2.0" || d.Metadata.Get("License-File") != "LICENSE" {
		t.Errorf("Metadata %+v", d.Metadata.Fields)
	}
	sha, b2 := fileDigests(t, p)
	if d.SHA256 != sha || d.Blake2b256 != b2 {
		t.Errorf("digests %s %s, want %s %s", d.SHA256, d.Blake2b256, sha, b2)
	}
	st, _ := os.Stat(p)
	if d.Size != st.Size() {
		t.Errorf("Size %d", d.Size)
	}
	names := strings.Join(memberNames(d), " ")
	for _, want := range []string{"my_pkg/__init__.py", "my_pkg-2.0.dist-info/WHEEL", "my_pkg-2.0.dist-info/RECORD", "my_pkg-2.0.dist-info/licenses/LICENSE"} {
		if !strings.Contains(names, want) {
			t.Errorf("members %s lack %s", names, want)
		}
	}
	for _, m := range d.Members {
		if m.Method != zip.Deflate || m.Size == 0 || m.CompressedSize == 0 || m.Dir || m.TarType != 0 {
			t.Errorf("member %+v", m)
		}
	}
}

func TestOpenSdist(t *testing.T) {
	for _, zipped := range []bool{false, true} {
		opts := []disttest.Opt{disttest.Name("foo-bar"),
			// An egg-info copy of PKG-INFO that must not be chosen.
			disttest.File("src/foo_bar.egg-info/PKG-INFO", []byte("Metadata-Version: 2.1\nName: wrong\n"))}
		if zipped {
			opts = append(opts, disttest.ZipSdist())
		}
		p := disttest.Sdist(t, t.TempDir(), opts...)
		d, err := Open(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if d.Kind != Sdist || d.PyVersion != "source" || d.MetadataPath != "foo_bar-1.0.0/PKG-INFO" || d.Metadata.Name() != "foo-bar" {
			t.Errorf("zip=%v: Kind %q PyVersion %q MetadataPath %q Name %q", zipped, d.Kind, d.PyVersion, d.MetadataPath, d.Metadata.Name())
		}
		sha, b2 := fileDigests(t, p)
		if d.SHA256 != sha || d.Blake2b256 != b2 {
			t.Errorf("zip=%v: digests differ", zipped)
		}
		if len(d.Members) != 4 {
			t.Errorf("zip=%v: members %q", zipped, memberNames(d))
		}
		if !zipped && (d.Members[0].TarType != '0' || d.Members[0].Size != d.Members[0].CompressedSize) {
			t.Errorf("member %+v", d.Members[0])
		}
	}
}

func TestOpenSdistChoosesTopPKGINFO(t *testing.T) {
	// A second top-level directory with its own PKG-INFO, archived first:
	// {stem}/PKG-INFO is still preferred.
	p := disttest.Sdist(t, t.TempDir(), disttest.RootFile("aaa/PKG-INFO", []byte("Name: other\n")))
	d, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if d.MetadataPath != "example-1.0.0/PKG-INFO" {
		t.Errorf("MetadataPath %q", d.MetadataPath)
	}
	// With a different top directory, the only {top}/PKG-INFO is taken.
	p = disttest.Sdist(t, t.TempDir(), disttest.TopDir("Example-1.0.0"))
	if d, err = Open(context.Background(), p); err != nil || d.MetadataPath != "Example-1.0.0/PKG-INFO" {
		t.Errorf("Open: %v, %q", err, d.MetadataPath)
	}
}

func TestOpenWheelFallbackMetadata(t *testing.T) {
	p := disttest.Wheel(t, t.TempDir(), disttest.DistInfoDir("Example-1.0.0.dist-info"))
	d, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if d.MetadataPath != "Example-1.0.0.dist-info/METADATA" {
		t.Errorf("MetadataPath %q", d.MetadataPath)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte{0}, 4<<20)
	tests := []struct {
		name string
		path string
		opts []Option
		want error
	}{
		{"extension", writeFile(t, dir, "foo-1.0.tar.bz2", "x"), nil, ErrNotDistribution},
		{"missing", filepath.Join(dir, "nope-1.0-py3-none-any.whl"), nil, fs.ErrNotExist},
		{"directory", mkdir(t, dir, "d-1.0-py3-none-any.whl"), nil, ErrNotDistribution},
		{"empty wheel", writeFile(t, dir, "e-1.0-py3-none-any.whl", ""), nil, ErrCorrupt},
		{"empty sdist", writeFile(t, dir, "e-1.0.tar.gz", ""), nil, ErrCorrupt},
		{"text as wheel", writeFile(t, dir, "t-1.0-py3-none-any.whl", "hello\n"), nil, ErrCorrupt},
		{"text as sdist", writeFile(t, dir, "t-1.0.tar.gz", "hello\n"), nil, ErrCorrupt},
		{"truncated wheel", disttest.Wheel(t, t.TempDir(), disttest.Truncate(-30)), nil, ErrCorrupt},
		{"truncated sdist", disttest.Sdist(t, t.TempDir(), disttest.Truncate(-30)), nil, ErrCorrupt},
		{"half sdist", disttest.Sdist(t, t.TempDir(), disttest.File("big", big), disttest.Truncate(2000)), nil, ErrCorrupt},
		{"no METADATA", disttest.Wheel(t, t.TempDir(), disttest.Omit("METADATA")), nil, ErrNoMetadata},
		{"no PKG-INFO", disttest.Sdist(t, t.TempDir(), disttest.Omit("PKG-INFO")), nil, ErrNoMetadata},
		{"zip no PKG-INFO", disttest.Sdist(t, t.TempDir(), disttest.Omit("PKG-INFO"), disttest.ZipSdist()), nil, ErrNoMetadata},
		{"bzip2 METADATA", disttest.Wheel(t, t.TempDir(), disttest.MetadataMethod(disttest.Bzip2)), nil, ErrUnsupported},
		{"huge wheel METADATA", disttest.Wheel(t, t.TempDir(), disttest.HugeMetadata(64<<20)), nil, ErrTooLarge},
		{"huge sdist PKG-INFO", disttest.Sdist(t, t.TempDir(), disttest.HugeMetadata(64<<20)), nil, ErrTooLarge},
		{"small cap", disttest.Wheel(t, t.TempDir()), []Option{WithMaxMetadataSize(10)}, ErrTooLarge},
		{"many wheel members", disttest.Wheel(t, t.TempDir(), disttest.ManyMembers(300)), []Option{WithMaxMembers(100)}, ErrTooLarge},
		{"many sdist members", disttest.Sdist(t, t.TempDir(), disttest.ManyMembers(300)), []Option{WithMaxMembers(100)}, ErrTooLarge},
		{"gzip bomb", disttest.Sdist(t, t.TempDir(), disttest.File("zeros", big)), []Option{WithMaxUncompressedSize(1 << 20)}, ErrTooLarge},
		{"non-UTF-8", disttest.Wheel(t, t.TempDir(), disttest.Header("Summary", "caf\xe9")), nil, ErrInvalidMetadata},
		{"non-UTF-8 sdist", disttest.Sdist(t, t.TempDir(), disttest.Header("Author", "\xff")), nil, ErrInvalidMetadata},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Open(context.Background(), tt.path, tt.opts...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open = %v, %v; want %v", d, err, tt.want)
			}
			var oe *OpenError
			if !errors.As(err, &oe) || oe.Path != tt.path {
				t.Errorf("error %T %v is not an *OpenError for the path", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, filepath.Base(tt.path)+": ") || strings.ContainsAny(msg, "\r\n") {
				t.Errorf("error %q is not one line starting with the file name", msg)
			}
			t.Log(msg)
		})
	}
}

// TestOpenLyingZipHeader: the central directory says METADATA is tiny but
// its deflate stream inflates to 64 MiB; Open must stop at the cap.
func TestOpenLyingZipHeader(t *testing.T) {
	var deflated bytes.Buffer
	zw := zip.NewWriter(&deflated)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x", Method: zip.Deflate})
	w.Write(bytes.Repeat([]byte("Name: x\n"), 8<<20))
	zw.Close()
	zr, _ := zip.NewReader(bytes.NewReader(deflated.Bytes()), int64(deflated.Len()))
	raw, _ := zr.File[0].OpenRaw()
	var comp bytes.Buffer
	comp.ReadFrom(raw)

	path := filepath.Join(t.TempDir(), "x-1.0-py3-none-any.whl")
	f, _ := os.Create(path)
	zw = zip.NewWriter(f)
	rw, err := zw.CreateRaw(&zip.FileHeader{Name: "x-1.0.dist-info/METADATA", Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 100, CRC32: 1})
	if err != nil {
		t.Fatal(err)
	}
	rw.Write(comp.Bytes())
	zw.Close()
	f.Close()
	_, err = Open(context.Background(), path)
	if !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open = %v", err)
	}
	t.Log(err)
}

func TestOpenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, p := range []string{disttest.Wheel(t, t.TempDir()), disttest.Sdist(t, t.TempDir())} {
		if _, err := Open(ctx, p); !errors.Is(err, context.Canceled) {
			t.Errorf("Open(%s) = %v", filepath.Base(p), err)
		}
	}
}

func TestOpenWithoutDigests(t *testing.T) {
	for _, p := range []string{disttest.Wheel(t, t.TempDir()), disttest.Sdist(t, t.TempDir())} {
		d, err := Open(context.Background(), p, WithoutDigests())
		if err != nil || d.SHA256 != "" || d.Blake2b256 != "" || d.Metadata == nil {
			t.Errorf("Open(%s) = %+v, %v", filepath.Base(p), d, err)
		}
	}
}

func TestOpenSdistTrailingGarbage(t *testing.T) {
	// Bytes after the gzip member are ignored (Python's tarfile never reads
	// them) but still hashed: the index receives them.
	p := disttest.Sdist(t, t.TempDir())
	f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	f.Write(make([]byte, 1000))
	f.Close()
	d, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if sha, _ := fileDigests(t, p); d.SHA256 != sha {
		t.Error("digest does not cover the trailing bytes")
	}
}

func TestComputeDigests(t *testing.T) {
	dg, err := ComputeDigests(context.Background(), strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	if dg.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" ||
		dg.Blake2b256 != "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8" || dg.Size != 0 {
		t.Errorf("%+v", dg)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mkdir(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenRealDists opens the artifacts real build backends made
// (scripts/make-real-dists.sh).
func TestOpenRealDists(t *testing.T) {
	good := []struct{ file, name, version, pyVersion, metadataPath string }{
		{"pyupsample-1.0.0-py3-none-any.whl", "pyupsample", "1.0.0", "py3", "pyupsample-1.0.0.dist-info/METADATA"},
		{"pyupsample-1.0.0.tar.gz", "pyupsample", "1.0.0", "source", "pyupsample-1.0.0/PKG-INFO"},
		{"pyup_hatch_sample-0.3.1-py3-none-any.whl", "pyup-hatch-sample", "0.3.1", "py3", "pyup_hatch_sample-0.3.1.dist-info/METADATA"},
		{"pyup_hatch_sample-0.3.1.tar.gz", "pyup-hatch-sample", "0.3.1", "source", "pyup_hatch_sample-0.3.1/PKG-INFO"},
		{"pyup_flit_sample-2.0.0rc1-py3-none-any.whl", "pyup_flit_sample", "2.0.0rc1", "py3", "pyup_flit_sample-2.0.0rc1.dist-info/METADATA"},
		{"pyup_flit_sample-2.0.0rc1.tar.gz", "pyup_flit_sample", "2.0.0rc1", "source", "pyup_flit_sample-2.0.0rc1/PKG-INFO"},
	}
	for _, g := range good {
		d, err := Open(context.Background(), filepath.Join("..", "..", "testdata", "dists", "good", g.file))
		if err != nil {
			t.Errorf("%s: %v", g.file, err)
			continue
		}
		if d.Metadata.Name() != g.name || d.Metadata.Version() != g.version || d.PyVersion != g.pyVersion || d.MetadataPath != g.metadataPath {
			t.Errorf("%s: name %q version %q pyversion %q metadata %q", g.file, d.Metadata.Name(), d.Metadata.Version(), d.PyVersion, d.MetadataPath)
		}
		if d.Metadata.Description() == "" || d.Metadata.Get("Description-Content-Type") == "" {
			t.Errorf("%s: no description", g.file)
		}
	}
	bad := []struct {
		file string
		want error // nil: opens; Check must find the problem
	}{
		{"My.Package-1.0.tar.gz", nil},
		{"My.Package-1.0-py3-none-any.whl", nil},
		{"pyup_badrst-1.0-py2.py3-none-any.whl", nil},
		{"pyup_badrst-1.0.tar.gz", nil},
		{"pyup_licexpr-1.0.tar.gz", nil},
		{"truncated-1.0-py3-none-any.whl", ErrCorrupt},
		{"corrupt-1.0.tar.gz", ErrCorrupt},
	}
	for _, b := range bad {
		d, err := Open(context.Background(), filepath.Join("..", "..", "testdata", "dists", "bad", b.file))
		if !errors.Is(err, b.want) || (b.want == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", b.file, err, b.want)
			continue
		}
		if err != nil {
			t.Log(err)
			continue
		}
		switch b.file {
		case "My.Package-1.0.tar.gz":
			// The egg-info copy comes first in the tar; {top}/PKG-INFO wins.
			if d.MetadataPath != "My.Package-1.0/PKG-INFO" {
				t.Errorf("%s: MetadataPath %q", b.file, d.MetadataPath)
			}
		case "pyup_badrst-1.0-py2.py3-none-any.whl":
			if d.PyVersion != "py2.py3" {
				t.Errorf("%s: PyVersion %q", b.file, d.PyVersion)
			}
		}
	}
}

func TestOpenZipProblem(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{"disttest default", disttest.Wheel(t, t.TempDir()), ""},
		{"zip sdist", disttest.Sdist(t, t.TempDir(), disttest.ZipSdist()), ""},
		{"setuptools", "../../testdata/dists/good/pyupsample-1.0.0-py3-none-any.whl", ""},
		{"flit", "../../testdata/dists/good/pyup_flit_sample-2.0.0rc1-py3-none-any.whl", ""},
		{"hatchling", "../../testdata/dists/good/pyup_hatch_sample-0.3.1-py3-none-any.whl", ""},
		{"data descriptor", disttest.Wheel(t, t.TempDir(), disttest.DataDescriptor()), "ZIP contains a data descriptor"},
		{"tar.gz", disttest.Sdist(t, t.TempDir()), ""},
	}
	trailing := disttest.Wheel(t, t.TempDir())
	f, _ := os.OpenFile(trailing, os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte("junk"))
	f.Close()
	tests = append(tests, struct{ name, path, want string }{"trailing data", trailing, "Trailing data"})
	for _, tt := range tests {
		d, err := Open(context.Background(), tt.path)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d.ZipProblem != tt.want {
			t.Errorf("%s: ZipProblem %q, want %q", tt.name, d.ZipProblem, tt.want)
		}
	}
}

// TestZipFramingMutations flips bytes of a valid wheel: whatever the framing
// walk concludes, it must not panic, and the untouched wheel passes.
func TestZipFramingMutations(t *testing.T) {
	orig, err := os.ReadFile(disttest.Wheel(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(orig), int64(len(orig)))
	if p := zipFramingProblem(bytes.NewReader(orig), int64(len(orig)), zr.File); p != "" {
		t.Fatalf("valid wheel: %q", p)
	}
	for i := range orig {
		b := bytes.Clone(orig)
		b[i] ^= 0xff
		_ = zipFramingProblem(bytes.NewReader(b), int64(len(b)), zr.File)
	}
}
