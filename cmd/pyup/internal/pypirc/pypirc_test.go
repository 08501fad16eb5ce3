package pypirc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/pypi"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), ".pypirc")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadRepository(t *testing.T) {
	tests := []struct {
		name    string
		content string
		repo    string
		want    Repository
	}{
		{
			name:    "empty file gives pypi default",
			content: "",
			repo:    "pypi",
			want:    Repository{Name: "pypi", URL: pypi.UploadURL},
		},
		{
			name:    "empty file gives testpypi default",
			content: "",
			repo:    "testpypi",
			want:    Repository{Name: "testpypi", URL: pypi.TestUploadURL},
		},
		{
			name: "pypi token",
			content: `[distutils]
index-servers = pypi

[pypi]
username = __token__
password = pypi-AgEIcHlwaS5vcmc
`,
			repo: "pypi",
			want: Repository{Name: "pypi", URL: pypi.UploadURL, Username: "__token__", Password: "pypi-AgEIcHlwaS5vcmc"},
		},
		{
			name: "multi-line index-servers",
			content: `[distutils]
index-servers =
    pypi
    private
	other

[private]
repository: https://pkgs.example.com/upload/
username: alice
password: s3cret
ca_cert = /etc/ca.pem
client_cert = /etc/client.pem
`,
			repo: "private",
			want: Repository{Name: "private", URL: "https://pkgs.example.com/upload/", Username: "alice", Password: "s3cret", CACert: "/etc/ca.pem", ClientCert: "/etc/client.pem"},
		},
		{
			name: "percent and hash and semicolon in password stay literal",
			content: `[pypi]
password = a%b%(user)s#c ;d
username = %(password)s
`,
			repo: "pypi",
			want: Repository{Name: "pypi", URL: pypi.UploadURL, Username: "%(password)s", Password: "a%b%(user)s#c ;d"},
		},
		{
			name: "full-line comments are skipped, quotes kept",
			content: `# comment
; another
[pypi]
# username = nobody
password = "quoted"
`,
			repo: "pypi",
			want: Repository{Name: "pypi", URL: pypi.UploadURL, Password: `"quoted"`},
		},
		{
			name: "server-login fallback",
			content: `[distutils]
index-servers = pypi private
[server-login]
username = bob
password = fallback
[private]
repository = https://example.com/legacy/
`,
			repo: "private",
			want: Repository{Name: "private", URL: "https://example.com/legacy/", Username: "bob", Password: "fallback"},
		},
		{
			name: "section overrides server-login",
			content: `[server-login]
username = bob
password = fallback
[pypi]
password = own
`,
			repo: "pypi",
			want: Repository{Name: "pypi", URL: pypi.UploadURL, Username: "bob", Password: "own"},
		},
		{
			name: "keys are case-insensitive",
			content: `[pypi]
UserName = carol
PASSWORD = pw
`,
			repo: "pypi",
			want: Repository{Name: "pypi", URL: pypi.UploadURL, Username: "carol", Password: "pw"},
		},
		{
			name: "pypi exists even when index-servers omits it, section still ignored",
			content: `[distutils]
index-servers = private
[private]
repository = https://example.com/
[pypi]
username = ignored
`,
			repo: "pypi",
			want: Repository{Name: "pypi", URL: pypi.UploadURL},
		},
		{
			name: "repository override of testpypi",
			content: `[testpypi]
repository = https://test.example/legacy/
`,
			repo: "testpypi",
			want: Repository{Name: "testpypi", URL: "https://test.example/legacy/"},
		},
		{
			name: "DEFAULT section supplies values",
			content: `[DEFAULT]
username = dflt
[pypi]
`,
			repo: "pypi",
			want: Repository{Name: "pypi", URL: pypi.UploadURL, Username: "dflt"},
		},
		{
			name: "dotted section does not inherit",
			content: `[distutils]
index-servers = a a.b
[a]
repository = https://a.example/
password = pa
[a.b]
repository = https://ab.example/
`,
			repo: "a.b",
			want: Repository{Name: "a.b", URL: "https://ab.example/"},
		},
		{
			name: "http pypi URL upgraded to https",
			content: `[pypi]
repository = http://upload.pypi.org/legacy/
`,
			repo: "pypi",
			want: Repository{Name: "pypi", URL: pypi.UploadURL},
		},
		{
			name: "multi-line password keeps newline",
			content: `[pypi]
password = first
  second
`,
			repo: "pypi",
			want: Repository{Name: "pypi", URL: pypi.UploadURL, Password: "first\nsecond"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Load(writeFile(t, tt.content))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got, err := f.Repository(tt.repo)
			if err != nil {
				t.Fatalf("Repository(%q): %v", tt.repo, err)
			}
			if got != tt.want {
				t.Errorf("Repository(%q):\n got %#v\nwant %#v", tt.repo, got, tt.want)
				if got.Password != tt.want.Password {
					t.Errorf("passwords differ (len %d vs %d)", len(got.Password), len(tt.want.Password))
				}
			}
		})
	}
}

func TestIndexServers(t *testing.T) {
	f, err := Load(writeFile(t, "[distutils]\r\nindex-servers =\n  pypi\n\n  # commented\n  private   other\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(f.IndexServers, ","), "pypi,private,other"; got != want {
		t.Errorf("IndexServers = %q, want %q", got, want)
	}
	// testpypi is not listed, so it is unknown.
	if got, want := strings.Join(f.Names(), ","), "other,private,pypi"; got != want {
		t.Errorf("Names = %q, want %q", got, want)
	}
}

func TestUnknownRepository(t *testing.T) {
	tests := []struct {
		name, content, repo string
		wantKnown           string
	}{
		{"section not in index-servers", "[distutils]\nindex-servers = pypi\n[private]\nrepository = https://x/\n", "private", "pypi"},
		{"testpypi not listed", "[distutils]\nindex-servers = pypi other\n[other]\nrepository=https://o/\n", "testpypi", "other, pypi"},
		{"no such name", "", "nope", "pypi, testpypi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, tt.content)
			f, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Repository(tt.repo)
			if !errors.Is(err, ErrUnknownRepository) {
				t.Fatalf("err = %v, want ErrUnknownRepository", err)
			}
			var ue *UnknownRepositoryError
			if !errors.As(err, &ue) || ue.Name != tt.repo || ue.Path != p {
				t.Fatalf("err = %#v", err)
			}
			msg := err.Error()
			for _, want := range []string{fmt.Sprintf("missing %q section", tt.repo), p, "known repositories: " + tt.wantKnown, SpecURL} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
		})
	}
}

func TestListedWithoutURL(t *testing.T) {
	f, err := Load(writeFile(t, "[distutils]\nindex-servers = pypi private\n[private]\nusername = u\npassword = topsecret\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Repository("private")
	if !errors.Is(err, ErrNoURL) {
		t.Fatalf("err = %v, want ErrNoURL", err)
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Fatal("error leaks the password")
	}
}

func TestMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "absent")
	f, err := Load(p)
	if err != nil {
		t.Fatalf("Load missing: %v", err)
	}
	if f.Exists {
		t.Error("Exists = true for a missing file")
	}
	if r, err := f.Repository("pypi"); err != nil || r.URL != pypi.UploadURL {
		t.Errorf("pypi = %v, %v", r, err)
	}
	if r, err := f.Repository("testpypi"); err != nil || r.URL != pypi.TestUploadURL {
		t.Errorf("testpypi = %v, %v", r, err)
	}
	if _, err := Load(p, MustExist(true)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("MustExist: err = %v, want fs.ErrNotExist", err)
	}
}

func TestHomeExpansion(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".pypirc"), []byte("[pypi]\nusername = home\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(DefaultPath(), WithHomeDir(func() (string, error) { return dir, nil }))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Exists || f.Path != filepath.Join(dir, ".pypirc") {
		t.Fatalf("Path = %q, Exists = %v", f.Path, f.Exists)
	}
	if r, _ := f.Repository("pypi"); r.Username != "home" {
		t.Errorf("Username = %q", r.Username)
	}
}

func TestMalformedDoesNotLeak(t *testing.T) {
	p := writeFile(t, "[pypi\npassword = topsecret\n")
	_, err := Load(p)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v, want ErrMalformed", err)
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Fatal("error leaks the password")
	}
}

func TestRepositoryStringHidesPassword(t *testing.T) {
	r := Repository{Name: "pypi", URL: pypi.UploadURL, Username: "__token__", Password: "pypi-topsecret"}
	for _, s := range []string{r.String(), fmt.Sprintf("%v", r), fmt.Sprintf("%+v", r), fmt.Sprintf("%#v", r), fmt.Sprint(r)} {
		if strings.Contains(s, "topsecret") {
			t.Errorf("formatted repository leaks the password: %q", s)
		}
	}
}

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://upload.pypi.org/legacy/": "https://upload.pypi.org/legacy/",
		"http://test.pypi.org/legacy/":   "https://test.pypi.org/legacy/",
		"http://example.com/legacy/":     "http://example.com/legacy/",
		"https://upload.pypi.org/legacy": "https://upload.pypi.org/legacy",
		// The hosts are pkg/pypi's: pypi.org and the retired names too.
		"http://pypi.org/legacy/":             "https://pypi.org/legacy/",
		"http://pypi.python.org/pypi":         "https://pypi.python.org/pypi",
		"http://testpypi.python.org/pypi":     "https://testpypi.python.org/pypi",
		"http://upload.pypi.org:8080/legacy/": "http://upload.pypi.org:8080/legacy/",
		"http://upload.pypi.io/legacy/":       "http://upload.pypi.io/legacy/",
	} {
		if got := NormalizeURL(in); got != want {
			t.Errorf("NormalizeURL(%q) = %q, want %q", in, got, want)
		}
	}
}
