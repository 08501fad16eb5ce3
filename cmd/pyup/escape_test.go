package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/app"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// hostile holds what a hostile distribution, index or CI token can send to
// a terminal: an OSC that retitles the window (ESC ] 0;title BEL), a CSI
// that clears the screen (ESC [ 2J), a carriage return that overwrites the
// line, a one-character C1 CSI (U+009B) and a right-to-left override
// (U+202E).
const hostile = "x\x1b]0;title\x07\x1b[2J\rFAKE\u009b2J\u202eevil"

// activeText lists what must never reach the user's terminal raw.
var activeText = []string{"\x1b", "\x07", "\r", "\u009b", "\u202e"}

// TestUntrustedTextIsEscaped runs every command that prints text from a
// distribution, an index or an ID token, and fails if any of it reaches
// stdout, stderr, an annotation or the step summary with its control
// sequences intact.
func TestUntrustedTextIsEscaped(t *testing.T) {
	noCR := strings.ReplaceAll(hostile, "\r", "")
	dir := t.TempDir()
	wheel, err := disttest.BuildWheel(dir, disttest.Name("demo"), disttest.Version("1.0"),
		// A carriage return would end the header: the metadata keeps the rest.
		disttest.SetHeader("Author", noCR), disttest.SetHeader("Keywords", noCR), disttest.Classifiers("Topic :: "+noCR))
	if err != nil {
		t.Fatal(err)
	}

	// An index that refuses every upload with the hostile text as its message.
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"message": "refused: " + hostile})
	}))
	defer refuse.Close()

	// A CI whose ID token carries hostile claims, and an index that refuses it.
	iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims("octo/"+hostile, "release.yml", "refs/heads/main")))
	if err != nil {
		t.Fatal(err)
	}
	gh := httptest.NewServer(iss.GitHubHandler("request-token"))
	defer gh.Close()
	mint := oidctest.NewMintServer("pypi", []*oidctest.Issuer{iss}, oidctest.Publisher{Repository: "octo/demo", Workflow: "release.yml"})
	tpIndex := httptest.NewServer(uploadtest.New(uploadtest.WithHandler("/_/oidc/", mint)))
	defer tpIndex.Close()

	summary := filepath.Join(dir, "summary.md")
	scenarios := []struct {
		name string
		env  map[string]string
		args []string
		// want is a sign that the hostile text was printed, escaped.
		want string
	}{
		{"check", nil, []string{"check", wheel}, `\u009b2J\u202eevil`},
		{"upload check failure", map[string]string{"PYUP_PASSWORD": "pypi-x", "GITHUB_ACTIONS": "true"},
			[]string{"upload", "--repository-url", refuse.URL + "/legacy/", "--non-interactive", "--no-keyring", wheel},
			`\u009b2J\u202eevil`},
		{"upload dry run", map[string]string{"PYUP_PASSWORD": "pypi-x"},
			[]string{"upload", "--dry-run", "--no-check", "--repository-url", refuse.URL + "/legacy/", "--non-interactive", "--no-keyring", wheel},
			`author = x\x1b]0;title\x07\x1b[2JFAKE\u009b2J\u202eevil`},
		{"upload refused", map[string]string{"PYUP_PASSWORD": "pypi-x", "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary},
			[]string{"upload", "--verbose", "--no-check", "--retries", "0", "--repository-url", refuse.URL + "/legacy/", "--non-interactive", "--no-keyring", wheel},
			`refused: x\x1b]0;title\x07`},
		{"upload refused json", map[string]string{"PYUP_PASSWORD": "pypi-x"},
			[]string{"upload", "--json", "--no-check", "--retries", "0", "--repository-url", refuse.URL + "/legacy/", "--non-interactive", "--no-keyring", wheel},
			`refused: x\u001b]0;title\u0007\u001b[2J FAKE\u009b2J\u202eevil`},
		{"whoami username", map[string]string{"PYUP_PASSWORD": "pw", "PYUP_USERNAME": hostile},
			[]string{"whoami", "--repository-url", "https://pypi.example.com/legacy/", "--non-interactive", "--no-keyring"},
			`Username:    x\x1b]0;title\x07\x1b[2J\rFAKE\u009b2J\u202eevil`},
		{"whoami claims", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "octo/demo",
			"ACTIONS_ID_TOKEN_REQUEST_URL": gh.URL + "/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token"},
			[]string{"whoami", "--trusted-publishing", "always", "--oidc-audience", "pypi", "--repository-url", tpIndex.URL + "/legacy/", "--non-interactive", "--no-keyring"},
			`octo/x\x1b]0;title\x07`},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			for _, k := range []string{"PYUP_PASSWORD", "TWINE_PASSWORD", "PYUP_USERNAME", "TWINE_USERNAME", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY",
				"GITHUB_EVENT_NAME", "GITHUB_REPOSITORY", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"} {
				t.Setenv(k, "")
			}
			t.Setenv("GITLAB_CI", "") // restored after the test; unset during it
			os.Unsetenv("GITLAB_CI")
			t.Setenv("HOME", dir)
			for k, v := range sc.env {
				t.Setenv(k, v)
			}
			os.Remove(summary)
			ios, _, out, errOut := iostreams.Test()
			f := &cmdutil.Factory{IOStreams: ios, LookupEnv: os.LookupEnv}
			app.Run(context.Background(), f, sc.args)
			all := out.String() + errOut.String()
			if b, err := os.ReadFile(summary); err == nil {
				all += string(b)
			}
			for _, a := range activeText {
				if strings.Contains(all, a) {
					t.Errorf("%q reaches the output raw:\n%s", a, all)
				}
			}
			if !strings.Contains(all, sc.want) {
				t.Errorf("output lacks %s:\n%s", sc.want, all)
			}
		})
	}
}
