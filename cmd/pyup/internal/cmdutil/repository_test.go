package cmdutil

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestResolveWarnsAboutReadablePassword: a config file that holds a
// password and that others can read gets one warning naming the file and
// its mode, never the password; a private file, or one without a password,
// gets none.
func TestResolveWarnsAboutReadablePassword(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	const secret = "pypi-SECRETSECRETSECRET"
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		warn    bool
	}{
		{"world-readable with password", "[pypi]\npassword = " + secret + "\n", 0o644, true},
		{"group-readable with password", "[pypi]\npassword = " + secret + "\n", 0o640, true},
		{"password in a section not asked for", "[distutils]\nindex-servers = pypi other\n[other]\nrepository = https://x.example/\npassword = " + secret + "\n", 0o604, true},
		{"password in a section index-servers does not list", "[stray]\npassword = " + secret + "\n", 0o644, true},
		{"password in server-login", "[server-login]\npassword = " + secret + "\n", 0o644, true},
		{"private", "[pypi]\npassword = " + secret + "\n", 0o600, false},
		{"no password", "[pypi]\nusername = __token__\n", 0o644, false},
		{"empty password", "[pypi]\npassword =\n", 0o644, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "pypirc")
			if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, tt.mode); err != nil {
				t.Fatal(err)
			}
			var w bytes.Buffer
			r := &RepoFlags{Repository: "pypi", ConfigFile: p, Warn: &w}
			if _, err := r.Resolve(true); err != nil {
				t.Fatal(err)
			}
			got := w.String()
			if strings.Contains(got, secret) {
				t.Fatalf("the warning shows the password: %q", got)
			}
			if !tt.warn {
				if got != "" {
					t.Fatalf("unexpected warning: %q", got)
				}
				return
			}
			want := fmt.Sprintf("pyup: warning: %s holds a password and is readable by others (mode %04o); run chmod 600 %s\n", p, tt.mode, p)
			if got != want {
				t.Fatalf("warning %q, want %q", got, want)
			}
		})
	}
}
