package upload_test

import (
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload"
)

// TestDefaultCheckURLKnowsPyPIsHosts checks that the simple API of PyPI and
// TestPyPI is found from each of their hosts (pkg/pypi's list), and that a
// host that is not theirs gets the derived URL any index gets.
func TestDefaultCheckURLKnowsPyPIsHosts(t *testing.T) {
	for in, want := range map[string]string{
		"https://pypi.org/legacy/":                "https://pypi.org/simple/",
		"https://pypi.python.org/pypi":            "https://pypi.org/simple/",
		"https://testpypi.python.org/pypi":        "https://test.pypi.org/simple/",
		"https://UPLOAD.PYPI.ORG/legacy/":         "https://pypi.org/simple/",
		"https://upload.pypi.io/legacy/":          "https://upload.pypi.io/simple/",
		"https://upload.pypi.org.example/upload/": "https://upload.pypi.org.example/simple/",
	} {
		if got := upload.DefaultCheckURL(in); got != want {
			t.Errorf("DefaultCheckURL(%s) = %s, want %s", in, got, want)
		}
	}
}
