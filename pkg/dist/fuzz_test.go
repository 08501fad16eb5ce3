package dist

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1.0", "v1!2.0a1.post2.dev3+abc.1", "1.0-1", "1.0.post.", "1.0+LOCAL-1_x", " 1 ", "1.0rc", "1a-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidVersion) {
				t.Fatalf("error %v does not wrap ErrInvalidVersion", err)
			}
			return
		}
		// The normalized form is a version, normalizes to itself and
		// compares equal.
		n := v.String()
		w, err := ParseVersion(n)
		if err != nil {
			t.Fatalf("%q normalizes to %q, which does not parse: %v", s, n, err)
		}
		if w.String() != n || CompareVersions(v, w) != 0 {
			t.Fatalf("%q -> %q -> %q", s, n, w.String())
		}
		if p := v.Public(); v.Local() == "" && p != n || v.Local() != "" && p+"+"+v.Local() != n {
			t.Fatalf("Public %q Local %q String %q", p, v.Local(), n)
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	for _, s := range []string{
		"Metadata-Version: 2.1\nName: a\n\nbody",
		"Name: a\r\n  b\r\n\r\n",
		"From x\nName: y\nFrom z\n\n",
		"Description: a\n        b\n       |c\n",
		"bad header\nName: x\n",
		"\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMetadata(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidMetadata) {
				t.Fatalf("error %v does not wrap ErrInvalidMetadata", err)
			}
			return
		}
		// The body is the input's end, except that Python moves a "From "
		// line ending the headers in front of it.
		if !strings.HasSuffix(string(data), m.Body) && !strings.HasPrefix(m.Body, "From ") {
			t.Fatalf("body %q is not the end of the input", m.Body)
		}
		for _, fl := range m.Fields {
			if fl.Name == "" || strings.ContainsAny(fl.Name, ": \t\r\n") {
				t.Fatalf("bad field name %q", fl.Name)
			}
			if strings.HasSuffix(fl.Value, "\n") || strings.HasSuffix(fl.Value, "\r") {
				t.Fatalf("value %q ends with a line break", fl.Value)
			}
		}
		_ = m.Description()
	})
}

func FuzzParseFilenames(f *testing.F) {
	for _, s := range []string{"foo-1.0-py3-none-any.whl", "a-1-1x-py2.py3-none-any.whl", "foo-bar-1.0.tar.gz", "x-1.0-1.zip", "--.whl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if w, err := ParseWheelFilename(s); err == nil {
			if !strings.HasPrefix(s, w.Distribution+"-"+w.Version+"-") || len(w.PythonTags) == 0 || len(w.ABITags) == 0 || len(w.PlatformTags) == 0 {
				t.Fatalf("%q -> %+v", s, w)
			}
			if _, err := ParseVersion(w.Version); err != nil {
				t.Fatal(err)
			}
		} else if !errors.Is(err, ErrInvalidFilename) {
			t.Fatal(err)
		}
		if sn, err := ParseSdistFilename(s); err == nil {
			if sn.Distribution+"-"+sn.Version+sn.Ext != s || sn.Distribution == "" {
				t.Fatalf("%q -> %+v", s, sn)
			}
		} else if !errors.Is(err, ErrInvalidFilename) {
			t.Fatal(err)
		}
	})
}

// FuzzOpen writes arbitrary bytes as a wheel and as an sdist and opens them
// with small limits: Open must return a Dist or an *OpenError wrapping one of
// its sentinels, never panic or hang. Seeds in testdata/fuzz/FuzzOpen are
// real artifacts.
func FuzzOpen(f *testing.F) {
	for _, p := range []string{"good/pyupsample-1.0.0-py3-none-any.whl", "good/pyupsample-1.0.0.tar.gz", "good/pyup_hatch_sample-0.3.1.tar.gz", "good/pyup_flit_sample-2.0.0rc1-py3-none-any.whl"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "dists", p)); err == nil {
			f.Add(b)
		}
	}
	// Rewriting files on a disk-backed /tmp costs milliseconds each here;
	// a tmpfs keeps the fuzzer busy with Open instead.
	dir := f.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "pyup-fuzz-"); err == nil {
		dir = shm
		f.Cleanup(func() { os.RemoveAll(shm) })
	}
	sentinels := []error{ErrCorrupt, ErrTooLarge, ErrNoMetadata, ErrInvalidMetadata, ErrUnsupported, ErrNotDistribution}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"f-1.0-py3-none-any.whl", "f-1.0.tar.gz", "f-1.0.zip"} {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			d, err := Open(context.Background(), p, WithMaxMembers(1000), WithMaxMetadataSize(1<<20), WithMaxUncompressedSize(16<<20))
			if err == nil {
				if d.Metadata == nil || d.MetadataPath == "" || len(d.SHA256) != 64 {
					t.Fatalf("%s: incomplete Dist %+v", name, d)
				}
				continue
			}
			var oe *OpenError
			if !errors.As(err, &oe) {
				t.Fatalf("%s: error %T %v is not an *OpenError", name, err, err)
			}
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("%s: error %q wraps no sentinel or spans lines", name, err)
			}
		}
	})
}
