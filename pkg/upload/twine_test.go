package upload_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// TestFormMatchesTwine uploads the same wheel with the twine installed on
// this machine and with pkg/upload to the same index and compares the form
// fields each sent. Skipped without /usr/bin/twine and /usr/bin/python3
// (apt-get install -y twine).
func TestFormMatchesTwine(t *testing.T) {
	for _, tool := range []string{"/usr/bin/twine", "/usr/bin/python3"} {
		if _, err := os.Stat(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	if testing.Short() {
		t.Skip("runs twine")
	}
	dir := t.TempDir()
	wheel := filepath.Join(dir, "demo_pkg-1.0-py3-none-any.whl")
	script := `
import sys, zipfile
meta = """Metadata-Version: 2.1
Name: demo_pkg
Version: 1.0
Summary: A demo package
Home-page: https://example.org
Author: A. Author
Author-email: a@example.org
License: MIT
Keywords: alpha,beta , gamma
Project-URL: Source, https://example.org/src
Project-URL: Docs, https://example.org/docs
Classifier: Programming Language :: Python :: 3
Classifier: License :: OSI Approved :: MIT License
Requires-Python: >=3.9
Requires-Dist: requests>=2
Requires-Dist: idna; extra == "x"
Provides-Extra: x
Platform: any
Description-Content-Type: text/markdown

# Demo

Long description.
"""
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("demo_pkg/__init__.py", "")
    z.writestr("demo_pkg-1.0.dist-info/METADATA", meta)
    z.writestr("demo_pkg-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr("demo_pkg-1.0.dist-info/RECORD", "")
`
	if out, err := exec.Command("/usr/bin/python3", "-c", script, wheel).CombinedOutput(); err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	ix, srv := newIndex(t, uploadtest.Dialect("pypiserver")) // 409 on the second upload: both are recorded
	cmd := exec.Command("/usr/bin/twine", "upload", "--disable-progress-bar", "--non-interactive",
		"--repository-url", srv.URL+"/legacy/", "-u", "__token__", "-p", "unused", wheel)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("twine: %v\n%s", err, out)
	}
	d, err := dist.Open(context.Background(), wheel)
	if err != nil {
		t.Fatal(err)
	}
	r := newClient(t, srv.URL+"/legacy/", upload.WithCheckURL("")).Upload(context.Background(), upload.File{Dist: d})
	if !strings.Contains(r.Err.Error(), "409") {
		t.Fatalf("second upload: %+v", r)
	}
	ups := ix.Uploads()
	if len(ups) != 2 {
		t.Fatalf("uploads = %d", len(ups))
	}
	twine, pyup := fieldSet(ups[0]), fieldSet(ups[1])
	// Differences due to twine 4 (Debian's) vs twine 7, whose source pyup
	// follows: twine 4 still sends md5_digest, passes Keywords through
	// verbatim (twine 7 splits on commas and joins with ", ") and spells
	// Provides-Extra "provides_extras" (Warehouse reads "provides_extra").
	drop := func(s []string, prefixes ...string) []string {
		return slices.DeleteFunc(s, func(v string) bool {
			for _, p := range prefixes {
				if strings.HasPrefix(v, p) {
					return true
				}
			}
			return false
		})
	}
	twine = drop(twine, "md5_digest=", "comment=", "keywords=", "provides_extras=")
	if !slices.Contains(pyup, "keywords=alpha, beta, gamma") || !slices.Contains(pyup, "provides_extra=x") {
		t.Errorf("pyup sent %q", pyup)
	}
	pyup = drop(pyup, "keywords=", "provides_extra=")
	for _, f := range twine {
		if !slices.Contains(pyup, f) {
			t.Errorf("twine sent %q, pyup did not", f)
		}
	}
	for _, f := range pyup {
		if !slices.Contains(twine, f) {
			t.Errorf("pyup sent %q, twine did not", f)
		}
	}
	if ups[0].ContentLength <= 0 || ups[1].ContentLength <= 0 || !ups[0].FileLast || !ups[1].FileLast {
		t.Errorf("framing differs: twine %d/%v pyup %d/%v", ups[0].ContentLength, ups[0].FileLast, ups[1].ContentLength, ups[1].FileLast)
	}
}

// fieldSet lists an upload's non-empty fields as sorted "key=value" strings.
func fieldSet(u uploadtest.Upload) []string {
	var out []string
	for _, f := range u.Fields {
		if f[1] != "" {
			out = append(out, f[0]+"="+f[1])
		}
	}
	slices.Sort(out)
	return out
}
