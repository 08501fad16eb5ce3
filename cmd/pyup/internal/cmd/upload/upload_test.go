package upload

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	pkgupload "github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

func TestNewCmdUploadFlags(t *testing.T) {
	dir := t.TempDir()
	whl := filepath.Join(dir, "a-1.0-py3-none-any.whl")
	if err := os.WriteFile(whl, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"PYUP_JOBS", "PYUP_RETRIES", "TWINE_REPOSITORY_URL", "PYUP_REPOSITORY_URL", "PYUP_SKIP_EXISTING"} {
		t.Setenv(k, "")
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, o *UploadOptions)
		wantErr int
	}{
		{name: "defaults", args: []string{whl}, check: func(t *testing.T, o *UploadOptions) {
			if o.Repository != "pypi" || o.Jobs != 1 || o.Retries != 3 || o.Timeout != 60*time.Second || o.Username != "__token__" || o.TrustedPublishing != "auto" {
				t.Fatalf("defaults: %+v", o)
			}
		}},
		{name: "flags", args: []string{"-r", "testpypi", "--skip-existing", "--jobs", "4", "--retries", "0", "--timeout", "5s", "--dry-run", "--json", whl},
			check: func(t *testing.T, o *UploadOptions) {
				if o.Repository != "testpypi" || !o.SkipExisting || o.Jobs != 4 || o.Retries != 0 || o.Timeout != 5*time.Second || !o.DryRun || !o.JSON {
					t.Fatalf("flags: %+v", o)
				}
			}},
		{name: "twine env", args: []string{whl}, env: map[string]string{"TWINE_REPOSITORY_URL": "https://pypi.example.com/legacy/", "PYUP_JOBS": "2"},
			check: func(t *testing.T, o *UploadOptions) {
				if o.RepositoryURL != "https://pypi.example.com/legacy/" || o.Jobs != 2 {
					t.Fatalf("env: %+v", o)
				}
			}},
		{name: "jobs 0", args: []string{"--jobs", "0", whl}, wantErr: cmdutil.ExitUsage},
		{name: "negative retries", args: []string{"--retries", "-1", whl}, wantErr: cmdutil.ExitUsage},
		{name: "no dists", args: nil, wantErr: cmdutil.ExitUsage},
		{name: "missing dist", args: []string{filepath.Join(dir, "nope.whl")}, wantErr: cmdutil.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			ios, _, _, _ := iostreams.Test()
			f := &cmdutil.Factory{IOStreams: ios, LookupEnv: os.LookupEnv}
			var got *UploadOptions
			cmd := NewCmdUpload(f, func(_ context.Context, o *UploadOptions) error { got = o; return nil })
			cmd.PersistentPreRunE = nil
			cmd.PreRunE = func(c *cobra.Command, _ []string) error { _, err := config.Apply(c, os.LookupEnv); return err }
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if tt.wantErr != 0 {
				if code, _ := cmdutil.ExitCode(err); err == nil || code != tt.wantErr {
					t.Fatalf("err %v (code %d), want exit %d", err, code, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func TestResultHintsFitTheIndex(t *testing.T) {
	fail := func(status int) []pkgupload.Result {
		return []pkgupload.Result{{File: "demo-1.0.tar.gz", Status: pkgupload.StatusFailed,
			Err: &pkgupload.HTTPError{Method: "POST", URL: "https://x/", StatusCode: status, Reason: http.StatusText(status)}}}
	}
	pypi := &cmdutil.Target{URL: "https://upload.pypi.org/legacy/"}
	private := &cmdutil.Target{URL: "https://pypi.example.com/"}
	cred := &credential.Credential{Username: "alice", Detail: "env TWINE_PASSWORD"}
	for _, tc := range []struct {
		name   string
		target *cmdutil.Target
		status int
		code   int
		hint   string
	}{
		{"pypi 403", pypi, 403, cmdutil.ExitAuth, "token's scope"},
		{"private 403", private, 403, cmdutil.ExitAuth, `username "alice" with the password from env TWINE_PASSWORD`},
		{"404", private, 404, cmdutil.ExitUploadFailed, "not the index's upload endpoint"},
		{"405", private, 405, cmdutil.ExitUploadFailed, "pypiserver its root URL"},
		{"413", private, 413, cmdutil.ExitUploadFailed, "client_max_body_size"},
	} {
		err := resultError(context.Background(), fail(tc.status), false, tc.target, cred)
		code, hint := cmdutil.ExitCode(err)
		if code != tc.code || !strings.Contains(hint, tc.hint) {
			t.Errorf("%s: exit %d, hint %q; want %d and %q", tc.name, code, hint, tc.code, tc.hint)
		}
		if tc.target == private && strings.Contains(hint, "token's scope") {
			t.Errorf("%s: a PyPI hint for another index: %q", tc.name, hint)
		}
	}
}

func TestDoneLineNamesRepository(t *testing.T) {
	files := []FileReport{{Status: "uploaded"}, {Status: "uploaded"}, {Status: "skipped"}}
	tests := []struct {
		rep  Report
		want string
	}{
		{Report{Repository: "https://pypi.example.com/legacy/", RepositoryName: "private", Success: true, Files: files},
			"Uploaded 2 files to https://pypi.example.com/legacy/ (private) (1 file already there)"},
		{Report{Repository: "https://upload.pypi.org/legacy/", Success: true, Files: files[:1]},
			"Uploaded 1 file to https://upload.pypi.org/legacy/"},
		{Report{Repository: "https://upload.pypi.org/legacy/", Success: true, DryRun: true, Files: []FileReport{{Status: "would-upload"}}},
			"Dry run: would upload 1 file to https://upload.pypi.org/legacy/"},
		{Report{Repository: "https://upload.pypi.org/legacy/", Success: false, Files: files}, ""},
	}
	for _, tt := range tests {
		if got := doneLine(&tt.rep); got != tt.want {
			t.Errorf("doneLine = %q, want %q", got, tt.want)
		}
	}
}

// A file refused before it was read whole has no digest: its line shows
// none rather than an empty "sha256:".
func TestWriteTextDigests(t *testing.T) {
	rep := Report{Repository: "https://pypi.example.com/", Files: []FileReport{
		{File: "a-1.0.tar.gz", Size: 2048, SHA256: "ab12", Status: "uploaded", Attempts: 1},
		{File: "a-1.0-py3-none-any.whl", Size: 1 << 20, Status: "failed", Error: "POST https://pypi.example.com/: 403 Forbidden"},
	}}
	var b strings.Builder
	writeText(&b, &rep)
	lines := strings.Split(b.String(), "\n")
	if len(lines) < 3 {
		t.Fatalf("output:\n%s", b.String())
	}
	if !strings.HasSuffix(lines[0], "  sha256:ab12") || !strings.HasPrefix(lines[0], "uploaded ") {
		t.Errorf("uploaded line = %q", lines[0])
	}
	if strings.Contains(lines[1], "sha256") || !strings.HasPrefix(lines[1], "failed ") || !strings.HasSuffix(lines[1], "1.0 MiB") {
		t.Errorf("failed line = %q", lines[1])
	}
	if lines[2] != "    POST https://pypi.example.com/: 403 Forbidden" {
		t.Errorf("error line = %q", lines[2])
	}
}

func TestTruncateKeepsCharacters(t *testing.T) {
	s := strings.Repeat("a", 96) + "日本"
	if got := truncate(s, 97); got != strings.Repeat("a", 96) {
		t.Errorf("truncate split a character: %q", got[90:])
	}
	if got := truncate("short", 97); got != "short" {
		t.Errorf("truncate(short) = %q", got)
	}
}
