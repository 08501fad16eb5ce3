package login

import (
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil/cmdutiltest"
)

const (
	privateURL = "https://pypi.example.com/legacy/"
	token      = "private-index-token-s3cret"
)

func TestLoginRunStoresInKeyring(t *testing.T) {
	kr := &cmdutiltest.Keyring{}
	f, s := cmdutiltest.New(map[string]string{"PYUP_USERNAME": "ci"}, kr)
	s.In.WriteString(token + "\n")
	opts := cmdutiltest.Parse(t, f, NewCmdLogin, "--repository-url", privateURL)
	if err := loginRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if pw, ok := kr.Entry(privateURL, "ci"); !ok || pw != token {
		t.Fatalf("keyring holds %q, %v", pw, ok)
	}
	if out := s.Out.String(); strings.Contains(out, token) || !strings.Contains(out, "Stored **** for "+privateURL+" (ci)") {
		t.Errorf("stdout %q", out)
	}
	if got := f.IOStreams.Secrets().String(token); strings.Contains(got, token) {
		t.Error("the token is not among the run's secrets")
	}

	// logout removes it; a second logout finds nothing and says so.
	lo := cmdutiltest.Parse(t, f, NewCmdLogout, "--repository-url", privateURL, "-u", "ci")
	if err := logoutRun(t.Context(), lo); err != nil {
		t.Fatal(err)
	}
	if _, ok := kr.Entry(privateURL, "ci"); ok {
		t.Fatal("entry still there after logout")
	}
	if err := logoutRun(t.Context(), lo); err != nil || !strings.Contains(s.ErrOut.String(), "nothing to remove") {
		t.Fatalf("second logout: %v, stderr %q", err, s.ErrOut)
	}
}

func TestLoginRunRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, url, input string
		hint             string
	}{
		{"malformed PyPI token", "https://upload.pypi.org/legacy/", "not-a-token\n", "copy the whole token"},
		{"plain http", "http://pypi.example.com/legacy/", token + "\n", "https://"},
		{"empty", privateURL, "\n", "--help"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kr := &cmdutiltest.Keyring{}
			f, s := cmdutiltest.New(nil, kr)
			s.In.WriteString(tc.input)
			err := loginRun(t.Context(), cmdutiltest.Parse(t, f, NewCmdLogin, "--repository-url", tc.url))
			if code, hint := cmdutil.ExitCode(err); code != cmdutil.ExitUsage || !strings.Contains(hint, tc.hint) {
				t.Fatalf("exit %d hint %q (%v)", code, hint, err)
			}
			if kr.Calls() != 0 {
				t.Errorf("%d keyring calls", kr.Calls())
			}
		})
	}
}

// A config file named in the environment must exist, as one named by flag.
func TestLoginConfigFileFromEnvMustExist(t *testing.T) {
	f, _ := cmdutiltest.New(map[string]string{"PYUP_CONFIG_FILE": t.TempDir() + "/missing.ini"}, &cmdutiltest.Keyring{})
	err := loginRun(t.Context(), cmdutiltest.Parse(t, f, NewCmdLogin))
	if code, _ := cmdutil.ExitCode(err); code != cmdutil.ExitUsage || !strings.Contains(err.Error(), "missing.ini") {
		t.Fatalf("exit %d, %v", code, err)
	}
}
