package upload

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil/cmdutiltest"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

const runToken = "pypi-uploadrun-token-0123456789"

func TestUploadRunCredentials(t *testing.T) {
	whl := disttest.Wheel(t, t.TempDir(), disttest.Name("demo"), disttest.Version("1.0"))
	tests := []struct {
		name       string
		env        map[string]string
		keyring    bool
		wantCode   int
		wantSource string
		wantHint   string
	}{
		{name: "keyring", keyring: true, wantSource: "keyring "},
		// An empty PYUP_PASSWORD counts as unset: the TWINE variable is
		// read, and named as the source.
		{name: "twine env behind empty pyup env", env: map[string]string{"PYUP_PASSWORD": "", "TWINE_PASSWORD": runToken},
			wantSource: "env TWINE_PASSWORD"},
		{name: "nothing found", wantCode: cmdutil.ExitAuth, wantHint: "run `pyup login`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			index := uploadtest.New(uploadtest.WithToken(runToken))
			srv := httptest.NewServer(index)
			defer srv.Close()
			url := srv.URL + "/legacy/"
			kr := &cmdutiltest.Keyring{}
			if tt.keyring {
				_ = kr.Set(url, "__token__", runToken)
			}
			f, s := cmdutiltest.New(tt.env, kr)
			opts := cmdutiltest.Parse(t, f, NewCmdUpload, "--repository-url", url, "--non-interactive", "--json", whl)
			err := uploadRun(t.Context(), opts)
			code, hint := cmdutil.ExitCode(err)
			if code != tt.wantCode || !strings.Contains(hint, tt.wantHint) {
				t.Fatalf("exit %d hint %q (%v), want %d and %q; stderr:\n%s", code, hint, err, tt.wantCode, tt.wantHint, s.ErrOut)
			}
			if tt.wantCode != 0 {
				if index.Posts() != 0 {
					t.Errorf("%d POSTs without a credential", index.Posts())
				}
				return
			}
			var rep Report
			if err := json.Unmarshal(s.Out.Bytes(), &rep); err != nil {
				t.Fatalf("%v: %s", err, s.Out)
			}
			if !rep.Success || !strings.HasPrefix(rep.Credential, tt.wantSource) {
				t.Errorf("report %+v, want credential from %q", rep, tt.wantSource)
			}
			if ups := index.Uploads(); len(ups) != 1 || ups[0].Username != "__token__" {
				t.Errorf("uploads %+v", ups)
			}
			if got := f.IOStreams.Secrets().String("x " + runToken); strings.Contains(got, runToken) {
				t.Error("the credential is not among the run's secrets")
			}
		})
	}
}

// The URL is judged before any credential is looked for: no keyring call,
// no prompt, exit 2.
func TestUploadRunJudgesURLBeforeCredentials(t *testing.T) {
	whl := disttest.Wheel(t, t.TempDir(), disttest.Name("demo"), disttest.Version("1.0"))
	kr := &cmdutiltest.Keyring{}
	f, _ := cmdutiltest.New(map[string]string{"TWINE_PASSWORD": runToken}, kr)
	opts := cmdutiltest.Parse(t, f, NewCmdUpload, "--repository-url", "http://pypi.example.com/legacy/", whl)
	err := uploadRun(t.Context(), opts)
	if code, _ := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
		t.Fatalf("exit %d (%v), want %d", code, err, cmdutil.ExitUsage)
	}
	if kr.Calls() != 0 {
		t.Errorf("%d keyring calls before the URL was judged", kr.Calls())
	}
}
