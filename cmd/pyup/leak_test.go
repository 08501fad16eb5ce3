package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/app"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/attest/sigstoretest"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// secrets collects every secret a scenario handles, so the test can prove
// none of them reaches any output.
type secrets struct {
	mu   sync.Mutex
	vals []string
}

func (s *secrets) add(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vals = append(s.vals, v)
	// Basic auth carries the token base64-encoded: that form must not leak either.
	s.vals = append(s.vals, base64.StdEncoding.EncodeToString([]byte("__token__:"+v)))
	if len(v) > 24 {
		s.vals = append(s.vals, v[len(v)-16:]) // a tail is a leak too
	}
}

func (s *secrets) check(t *testing.T, name, output string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var kept []string
	for _, line := range strings.Split(output, "\n") {
		// GitHub Actions must be told the token to mask it: the one place it may appear.
		if strings.HasPrefix(line, "::add-mask::") {
			continue
		}
		kept = append(kept, line)
	}
	out := strings.Join(kept, "\n")
	for _, v := range s.vals {
		if v != "" && strings.Contains(out, v) {
			t.Errorf("%s: a secret (%d chars) appears in the output:\n%s", name, len(v), out)
		}
	}
}

// recordIDTokens wraps the GitHub token endpoint to learn each ID token it hands out.
func recordIDTokens(h http.Handler, s *secrets) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var body struct{ Value string }
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil && body.Value != "" {
			s.add(body.Value)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// leakSetup starts a scenario's fakes: the mock keyring, the secrets to look
// for (apiToken, requestToken and every ID token handed out), and a GitHub
// Actions issuer behind its token endpoint, which only requestToken opens.
func leakSetup(t *testing.T, apiToken, requestToken string) (*secrets, *oidctest.Issuer, *httptest.Server) {
	t.Helper()
	keyring.MockInit()
	s := &secrets{}
	s.add(apiToken)
	s.add(requestToken)
	iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims("octo/demo", "release.yml", "refs/heads/main")))
	if err != nil {
		t.Fatal(err)
	}
	gh := httptest.NewServer(recordIDTokens(iss.GitHubHandler(requestToken), s))
	t.Cleanup(gh.Close)
	return s, iss, gh
}

func runPyup(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	f := &cmdutil.Factory{IOStreams: ios, LookupEnv: os.LookupEnv}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	app.Run(ctx, f, args)
	return out.String() + "\n" + errOut.String()
}

// TestNoTokenInAnyOutput runs every command and credential scenario with
// --verbose (and --json where it exists) and fails if an API token, a
// minted token, an ID token or the CI's request token appears anywhere.
func TestNoTokenInAnyOutput(t *testing.T) {
	const apiToken = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlszLCJ1c2VyIl0AAAYgLEAKCANARYLEAKCANARYLEAKCANARY"
	const requestToken = "gh-request-token-LEAKCANARY-0123456789"
	s, iss, gh := leakSetup(t, apiToken, requestToken)
	mint := oidctest.NewMintServer("pypi", []*oidctest.Issuer{iss}, oidctest.Publisher{Repository: "octo/demo", Workflow: "release.yml"})
	ix := uploadtest.New(uploadtest.WithToken(apiToken), uploadtest.WithHandler("/_/oidc/", mint))
	mint.OnMint = func(tok string, _ time.Time) { s.add(tok); ix.AddToken(tok) }
	var verifyAuth []string // credentials seen on the read APIs pyup verify uses
	var authMu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/pypi/") || strings.HasPrefix(r.URL.Path, "/integrity/") {
			if a := r.Header.Get("Authorization"); a != "" {
				authMu.Lock()
				verifyAuth = append(verifyAuth, r.URL.Path)
				authMu.Unlock()
			}
		}
		ix.ServeHTTP(w, r)
	}))
	defer srv.Close()
	indexURL := srv.URL + "/legacy/"

	// A fake Sigstore to sign attestations with, and a hostile Fulcio that
	// echoes the ID token it is sent in every channel it has.
	inst, err := sigstoretest.New()
	if err != nil {
		t.Fatal(err)
	}
	sig := inst.Server(iss)
	sigSrv := httptest.NewServer(sig)
	defer sigSrv.Close()
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("X-Echo", tok)
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"code":400,"message":"bad token %s","escaped":%q}`, tok, "\""+tok)
	}))
	defer echo.Close()

	dir := t.TempDir()
	wheel, err := disttest.BuildWheel(dir, disttest.Name("demo"), disttest.Version("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "v2"), 0o755); err != nil {
		t.Fatal(err)
	}
	wheel2, err := disttest.BuildWheel(filepath.Join(dir, "v2"), disttest.Name("demo"), disttest.Version("2.0"))
	if err != nil {
		t.Fatal(err)
	}
	pypirc := filepath.Join(dir, "pypirc")
	if err := os.WriteFile(pypirc, []byte("[distutils]\nindex-servers = local\n[local]\nrepository = "+indexURL+"\nusername = __token__\npassword = "+apiToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	urlWithCreds := strings.Replace(indexURL, "http://", "http://__token__:"+apiToken+"@", 1)

	clearEnv := func() {
		for _, k := range []string{"PYUP_FULCIO_URL", "PYUP_REKOR_URL", "PYUP_PASSWORD", "TWINE_PASSWORD", "GITHUB_ACTIONS", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GITHUB_EVENT_NAME", "GITHUB_REPOSITORY"} {
			t.Setenv(k, "")
		}
		t.Setenv("HOME", dir)
	}
	github := func() {
		t.Setenv("GITHUB_ACTIONS", "true")
		t.Setenv("GITHUB_EVENT_NAME", "push")
		t.Setenv("GITHUB_REPOSITORY", "octo/demo")
		t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", gh.URL+"/token?api-version=2.0")
		t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken)
	}
	signing := func(fulcio string) func() {
		return func() {
			github()
			t.Setenv("PYUP_FULCIO_URL", fulcio)
			t.Setenv("PYUP_REKOR_URL", sigSrv.URL)
		}
	}
	attestDir := filepath.Join(dir, "attest")
	if err := os.MkdirAll(attestDir, 0o755); err != nil {
		t.Fatal(err)
	}
	wheel3, err := disttest.BuildWheel(attestDir, disttest.Name("demo"), disttest.Version("3.0"))
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name  string
		setup func()
		stdin string
		args  []string
	}{
		{"upload env token", func() { t.Setenv("PYUP_PASSWORD", apiToken) }, "", []string{"upload", "--verbose", "--repository-url", indexURL, "--non-interactive", "--no-keyring", wheel}},
		{"upload env token json", func() { t.Setenv("TWINE_PASSWORD", apiToken) }, "", []string{"upload", "--verbose", "--json", "--repository-url", indexURL, "--non-interactive", "--no-keyring", wheel}},
		{"upload flag token", nil, "", []string{"upload", "--verbose", "--repository-url", indexURL, "-p", apiToken, "--non-interactive", "--no-keyring", wheel}},
		{"upload wrong token", func() { t.Setenv("PYUP_PASSWORD", apiToken+"x") }, "", []string{"upload", "--verbose", "--repository-url", indexURL, "--non-interactive", "--no-keyring", wheel2}},
		{"upload url credentials", nil, "", []string{"upload", "--verbose", "--repository-url", urlWithCreds, "--non-interactive", "--no-keyring", wheel}},
		{"upload pypirc", nil, "", []string{"upload", "--verbose", "--config-file", pypirc, "-r", "local", "--non-interactive", "--no-keyring", wheel}},
		{"upload dry run", func() { t.Setenv("PYUP_PASSWORD", apiToken) }, "", []string{"upload", "--verbose", "--dry-run", "--repository-url", indexURL, "--non-interactive", "--no-keyring", wheel}},
		{"upload trusted publishing", github, "", []string{"upload", "--verbose", "--json", "--trusted-publishing", "always", "--oidc-audience", "pypi", "--repository-url", indexURL, "--non-interactive", "--no-keyring", wheel2}},
		{"upload trusted publishing signed", signing(sigSrv.URL), "", []string{"upload", "--verbose", "--json", "--trusted-publishing", "always", "--oidc-audience", "pypi", "--repository-url", indexURL, "--non-interactive", "--no-keyring", wheel3}},
		{"upload signing, Fulcio echoes the ID token", signing(echo.URL), "", []string{"upload", "--verbose", "--trusted-publishing", "always", "--oidc-audience", "pypi", "--repository-url", indexURL, "--non-interactive", "--no-keyring", wheel2}},
		{"attest", signing(sigSrv.URL), "", []string{"attest", "--json", attestDir}},
		{"attest, Fulcio echoes the ID token", signing(echo.URL), "", []string{"attest", wheel2}},
		{"whoami trusted publishing", github, "", []string{"whoami", "--verbose", "--trusted-publishing", "always", "--oidc-audience", "pypi", "--repository-url", indexURL, "--non-interactive", "--no-keyring"}},
		{"whoami trusted publishing json", github, "", []string{"whoami", "--verbose", "--json", "--trusted-publishing", "always", "--oidc-audience", "pypi", "--repository-url", indexURL, "--non-interactive", "--no-keyring"}},
		{"whoami env", func() { t.Setenv("PYUP_PASSWORD", apiToken) }, "", []string{"whoami", "--verbose", "--repository-url", indexURL}},
		{"whoami env json", func() { t.Setenv("PYUP_PASSWORD", apiToken) }, "", []string{"whoami", "--json", "--repository-url", indexURL}},
		{"login", nil, apiToken + "\n", []string{"login", "--repository-url", indexURL}},
		{"whoami keyring", nil, "", []string{"whoami", "--verbose", "--repository-url", indexURL, "--non-interactive"}},
		{"whoami keyring json", nil, "", []string{"whoami", "--json", "--repository-url", indexURL, "--non-interactive"}},
		{"upload keyring", nil, "", []string{"upload", "--verbose", "--repository-url", indexURL, "--non-interactive", wheel}},
		{"logout", nil, "", []string{"logout", "--repository-url", indexURL}},
		{"login bad token for pypi", nil, apiToken[:20] + "\n", []string{"login", "-r", "pypi"}},
		{"verify index", func() { t.Setenv("PYUP_PASSWORD", apiToken); github() }, "", []string{"verify", "--verbose", "--index", srv.URL, "demo==1.0"}},
		{"verify index json", func() { t.Setenv("TWINE_PASSWORD", apiToken) }, "", []string{"verify", "--verbose", "--json", "--index", strings.Replace(srv.URL, "http://", "http://__token__:"+apiToken+"@", 1), "demo==1.0"}},
	}
	for _, sc := range scenarios {
		clearEnv()
		if sc.setup != nil {
			sc.setup()
		}
		out := runPyup(t, sc.stdin, sc.args...)
		if strings.TrimSpace(out) == "" {
			t.Errorf("%s: no output at all", sc.name)
		}
		s.check(t, sc.name, out)
		if strings.Contains(out, "PRIVATE KEY") {
			t.Errorf("%s: a private key appears in the output:\n%s", sc.name, out)
		}
	}
	if n := sig.Certificates(); n < 2 {
		t.Errorf("the fake Fulcio issued %d certificates: the signing scenarios did not sign", n)
	}
	if _, err := os.Stat(wheel3 + ".publish.attestation"); err != nil {
		t.Errorf("pyup attest wrote no attestation: %v", err)
	}
	if mint.Mints() == 0 {
		t.Fatal("no trusted-publishing token was minted: the scenarios did not exercise the exchange")
	}
	if len(ix.Uploads()) == 0 {
		t.Fatal("no upload reached the index")
	}
	if len(verifyAuth) > 0 {
		t.Errorf("pyup verify sent credentials to %v", verifyAuth)
	}
}
