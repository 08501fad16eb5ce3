package whoami

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil/cmdutiltest"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

func parseWhoami(t *testing.T, f *cmdutil.Factory, args ...string) *WhoamiOptions {
	t.Helper()
	got := cmdutiltest.Parse(t, f, NewCmdWhoami, args...)
	got.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	return got
}

const (
	privateURL = "https://pypi.example.com/legacy/"
	secret     = "s3cret-whoami-password"
)

func TestWhoamiRunKeyring(t *testing.T) {
	kr := &cmdutiltest.Keyring{}
	_ = kr.Set(privateURL, "ci", secret)
	f, s := cmdutiltest.New(map[string]string{"PYUP_USERNAME": "ci"}, kr)
	opts := parseWhoami(t, f, "--repository-url", privateURL, "--json")
	if err := whoamiRun(t.Context(), opts); err != nil {
		t.Fatalf("%v; stderr:\n%s", err, s.ErrOut)
	}
	if strings.Contains(s.Out.String(), secret) {
		t.Fatal("the report shows the password")
	}
	var rep Report
	if err := json.Unmarshal(s.Out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Found || rep.Credential.Source != credential.SourceKeyring || rep.Credential.Username != "ci" || rep.Credential.Verified {
		t.Fatalf("credential %+v", rep.Credential)
	}
	// One step per provider, in the factory's order.
	var order []string
	for _, st := range rep.Steps {
		order = append(order, string(st.Source)+"="+string(st.Status))
	}
	want := "explicit=not-found trusted-publishing=skipped google-adc=skipped aws-codeartifact=skipped azure-artifacts=skipped " +
		"gitlab-ci-job=skipped artifactory-oidc=skipped keyring=used keyring-subprocess=not-reached prompt=not-reached"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("steps %s, want %s", got, want)
	}
}

func TestWhoamiRunNothingFound(t *testing.T) {
	kr := &cmdutiltest.Keyring{}
	f, s := cmdutiltest.New(map[string]string{"PYUP_PASSWORD": ""}, kr)
	opts := parseWhoami(t, f, "--repository-url", privateURL, "--non-interactive")
	err := whoamiRun(t.Context(), opts)
	code, hint := cmdutil.ExitCode(err)
	if code != cmdutil.ExitAuth || err.Error() != "no credential found" {
		t.Fatalf("exit %d, %v", code, err)
	}
	// The hint is the one every command gives (cmdutil.CredentialError).
	_, uploadHint := cmdutil.ExitCode(cmdutil.CredentialError(&credential.NotFoundError{}, io.Discard))
	if !strings.HasPrefix(uploadHint, hint) || hint == "" {
		t.Errorf("whoami hint %q is not upload's %q", hint, uploadHint)
	}
	out := s.Out.String()
	for _, line := range []string{
		"  flag --password: not given",
		"  env PYUP_PASSWORD: set but empty",
		"  env TWINE_PASSWORD: unset",
		"  keyring service " + privateURL + ", user __token__: not-found: no entry",
		"  prompt terminal: skipped: not interactive (--non-interactive)",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("report lacks %q:\n%s", line, out)
		}
	}
	if kr.Calls() != 1 {
		t.Errorf("%d keyring calls, want 1", kr.Calls())
	}
}

func TestWhoamiRunJudgesURLFirst(t *testing.T) {
	kr := &cmdutiltest.Keyring{}
	f, s := cmdutiltest.New(nil, kr)
	opts := parseWhoami(t, f, "--repository-url", "http://pypi.example.com/legacy/")
	err := whoamiRun(t.Context(), opts)
	if code, _ := cmdutil.ExitCode(err); code != cmdutil.ExitUsage || kr.Calls() != 0 || s.Out.Len() != 0 {
		t.Fatalf("exit %d (%v), %d keyring calls, stdout %q", code, err, kr.Calls(), s.Out)
	}
}
