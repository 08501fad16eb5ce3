package pypi

import "testing"

func TestIsPyPI(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://upload.pypi.org/legacy/", true},
		{"https://test.pypi.org/legacy/", true},
		{"https://pypi.org/simple/", true},
		{"https://UPLOAD.PyPI.org/legacy/", true},
		{"https://upload.pypi.org:443/legacy/", true},
		{"http://upload.pypi.org/legacy/", false},
		{"https://upload.pypi.org:8443/legacy/", false},
		{"https://pypi.python.org/pypi", false},
		{"https://upload.pypi.io/legacy/", false},
		{"https://pypi.org.evil.example/legacy/", false},
		{"https://evil.example/upload.pypi.org/", false},
		{"https://upload.pypi.org@evil.example/legacy/", false},
		{"not a url", false},
	} {
		if got := IsPyPI(tc.url); got != tc.want {
			t.Errorf("IsPyPI(%q) = %v, want %v", tc.url, got, tc.want)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		url    string
		want   string
		wantOK bool
	}{
		{"https://upload.pypi.org/legacy/", "pypi", true},
		{"http://pypi.python.org/pypi", "pypi", true},
		{"https://pypi.org:8443/", "pypi", true},
		{"https://test.pypi.org/legacy/", "testpypi", true},
		{"http://testpypi.python.org/pypi", "testpypi", true},
		{"https://upload.pypi.io/legacy/", "", false},
		{"https://example.com/", "", false},
		{"", "", false},
	} {
		i, ok := Lookup(tc.url)
		if ok != tc.wantOK || i.Name != tc.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tc.url, i.Name, ok, tc.want, tc.wantOK)
		}
	}
}

func TestURLs(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{PyPI.SimpleURL(), "https://pypi.org/simple/"},
		{TestPyPI.SimpleURL(), "https://test.pypi.org/simple/"},
		{PyPI.ProjectURL("sampleproject"), "https://pypi.org/project/sampleproject/"},
		{TestPyPI.ProjectURL("sampleproject"), "https://test.pypi.org/project/sampleproject/"},
		{PyPI.JSONURL("sampleproject", ""), "https://pypi.org/pypi/sampleproject/json"},
		{PyPI.JSONURL("sampleproject", "4.0.0"), "https://pypi.org/pypi/sampleproject/4.0.0/json"},
		{PyPI.IntegrityURL("sampleproject", "4.0.0", "sampleproject-4.0.0.tar.gz"),
			"https://pypi.org/integrity/sampleproject/4.0.0/sampleproject-4.0.0.tar.gz/provenance"},
		{PyPI.ProjectURL("a/b"), "https://pypi.org/project/a%2Fb/"},
		{PyPI.UploadURL, "https://upload.pypi.org/legacy/"},
		{TestPyPI.UploadURL, "https://test.pypi.org/legacy/"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
