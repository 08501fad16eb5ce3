package oidc_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

func TestDefaultProvidersOrder(t *testing.T) {
	var names []string
	for _, p := range oidc.DefaultProviders() {
		names = append(names, p.Name())
	}
	want := []string{"GitHub Actions", "GitLab CI/CD", "Buildkite", "CircleCI", "Google Cloud"}
	if !slices.Equal(names, want) {
		t.Fatalf("order = %v, want %v", names, want)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		files map[string]string
		want  string // "" = ErrNoAmbientCredential
	}{
		{"nothing", nil, nil, ""},
		{"empty value is unset", map[string]string{"GITHUB_ACTIONS": ""}, nil, ""},
		{"github", map[string]string{"GITHUB_ACTIONS": "true"}, nil, "GitHub Actions"},
		{"gitlab", map[string]string{"GITLAB_CI": "true"}, nil, "GitLab CI/CD"},
		{"buildkite", map[string]string{"BUILDKITE": "true"}, nil, "Buildkite"},
		{"circleci", map[string]string{"CIRCLECI": "true"}, nil, "CircleCI"},
		{"google by service account", map[string]string{"GOOGLE_SERVICE_ACCOUNT_NAME": "sa@p.iam.gserviceaccount.com"}, nil, "Google Cloud"},
		{"google by metadata host", map[string]string{"GCE_METADATA_HOST": "127.0.0.1:1"}, nil, "Google Cloud"},
		{"google by DMI", nil, map[string]string{"/sys/class/dmi/id/product_name": "Google Compute Engine\n"}, "Google Cloud"},
		{"google by DMI short name", nil, map[string]string{"/sys/class/dmi/id/product_name": "Google\n"}, "Google Cloud"},
		{"other DMI", nil, map[string]string{"/sys/class/dmi/id/product_name": "Standard PC (Q35 + ICH9, 2009)\n"}, ""},
		{"github before gitlab", map[string]string{"GITLAB_CI": "true", "GITHUB_ACTIONS": "true"}, nil, "GitHub Actions"},
		{"gitlab runner on GCE is gitlab", map[string]string{"GITLAB_CI": "true"}, map[string]string{"/sys/class/dmi/id/product_name": "Google"}, "GitLab CI/CD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// An unreachable metadata host keeps the probe from finding anything.
			ps := oidc.DefaultProviders(envOf(tt.env), files(tt.files),
				oidc.WithGCEMetadataHost("127.0.0.1:1"), oidc.WithGCEProbeTimeout(200*time.Millisecond))
			p, err := oidc.Detect(context.Background(), ps)
			if tt.want == "" {
				if !errors.Is(err, oidc.ErrNoAmbientCredential) {
					t.Fatalf("Detect = %v, %v; want ErrNoAmbientCredential", p, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Name() != tt.want {
				t.Fatalf("Detect = %s, want %s", p.Name(), tt.want)
			}
		})
	}
}

func TestDetectProbesMetadataServerLast(t *testing.T) {
	iss := newIssuer(t, oidctest.WithIssuerURL(oidctest.GoogleIssuerURL))
	var hits atomic.Int32
	md := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		iss.GoogleMetadataHandler("ya29.access").ServeHTTP(w, r)
	}))
	defer md.Close()
	host := strings.TrimPrefix(md.URL, "http://")

	// Another provider matched: no probe.
	ps := oidc.DefaultProviders(envOf(map[string]string{"CIRCLECI": "true"}), noFiles, oidc.WithGCEMetadataHost(host))
	if p, err := oidc.Detect(context.Background(), ps); err != nil || p.Name() != "CircleCI" {
		t.Fatalf("Detect = %v, %v", p, err)
	}
	if hits.Load() != 0 {
		t.Fatalf("metadata server probed although CircleCI matched")
	}

	// Nothing else matched: the probe finds the metadata server.
	ps = oidc.DefaultProviders(noFiles, oidc.WithGCEMetadataHost(host))
	p, err := oidc.Detect(context.Background(), ps)
	if err != nil || p.Name() != "Google Cloud" {
		t.Fatalf("Detect = %v, %v", p, err)
	}
	if hits.Load() != 1 {
		t.Fatalf("probe hits = %d, want 1", hits.Load())
	}

	// A server that is not Google's metadata server is not mistaken for one.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hello") }))
	defer other.Close()
	ps = oidc.DefaultProviders(noFiles, oidc.WithGCEMetadataHost(strings.TrimPrefix(other.URL, "http://")))
	if _, err := oidc.Detect(context.Background(), ps); !errors.Is(err, oidc.ErrNoAmbientCredential) {
		t.Fatalf("Detect with a non-metadata server: %v", err)
	}
}

func TestDetectProbeTimeout(t *testing.T) {
	stall := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(stall)
	ps := oidc.DefaultProviders(noFiles, oidc.WithGCEMetadataHost(strings.TrimPrefix(slow.URL, "http://")),
		oidc.WithGCEProbeTimeout(100*time.Millisecond))
	start := time.Now()
	_, err := oidc.Detect(context.Background(), ps)
	if !errors.Is(err, oidc.ErrNoAmbientCredential) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("probe took %v despite a 100ms timeout", d)
	}
}

func TestGitHubIDToken(t *testing.T) {
	f := newFixture(t)
	if f.provider.Name() != "GitHub Actions" {
		t.Fatal(f.provider.Name())
	}
	tok := f.idToken(t)
	c, err := oidc.ParseClaims(tok)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Audience, []string{"pypi"}) || c.Repository != "octo-org/octo-repo" || c.JTI == "" {
		t.Fatalf("claims = %+v", c)
	}
	if tok2 := f.idToken(t); tok2 == tok {
		t.Fatal("two requests returned the same ID token")
	}
}

func TestGitHubWrongRequestToken(t *testing.T) {
	iss := newIssuer(t)
	srv := httptest.NewServer(iss.GitHubHandler("the-right-one"))
	defer srv.Close()
	const wrong = "ghs_wrongrequesttoken42"
	p := providerNamed(t, oidc.DefaultProviders(envOf(map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   srv.URL + "/?api-version=2.0&sig=secretsig",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": wrong,
	}), noFiles), "GitHub Actions")
	_, err := p.IDToken(context.Background(), "pypi")
	var he *oidc.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want 401 HTTPError", err)
	}
	assertErrNoSecret(t, err, wrong, "secretsig")
}

func TestGitHubMissingPermission(t *testing.T) {
	event := func(head string, fork bool) string {
		return fmt.Sprintf(`{"pull_request":{"head":{"repo":{"full_name":%q,"fork":%t}}}}`, head, fork)
	}
	tests := []struct {
		name       string
		env        map[string]string
		files      map[string]string
		wantFork   bool
		wantSubstr []string
	}{
		{
			name:       "push without permission",
			env:        map[string]string{"GITHUB_EVENT_NAME": "push"},
			wantSubstr: []string{"permissions: id-token: write", "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN"},
		},
		{
			name:       "only the URL missing",
			env:        map[string]string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "ghs_x"},
			wantSubstr: []string{"ACTIONS_ID_TOKEN_REQUEST_URL not set", "id-token: write"},
		},
		{
			name: "pull request from a fork",
			env: map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "octo-org/octo-repo",
				"GITHUB_EVENT_PATH": "/ev.json"},
			files:      map[string]string{"/ev.json": event("mallory/octo-repo", true)},
			wantFork:   true,
			wantSubstr: []string{"mallory/octo-repo", "forks no OIDC token"},
		},
		{
			name: "fork detected by name alone",
			env: map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "octo-org/octo-repo",
				"GITHUB_EVENT_PATH": "/ev.json"},
			files:      map[string]string{"/ev.json": event("mallory/other", false)},
			wantFork:   true,
			wantSubstr: []string{"mallory/other"},
		},
		{
			name: "pull request from the same repository",
			env: map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "octo-org/octo-repo",
				"GITHUB_EVENT_PATH": "/ev.json"},
			files:      map[string]string{"/ev.json": event("Octo-Org/octo-repo", false)},
			wantSubstr: []string{"id-token: write"},
		},
		{
			name:       "pull request, event unreadable",
			env:        map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": "/missing.json"},
			wantSubstr: []string{"id-token: write", "pull requests from forks get no OIDC token"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"GITHUB_ACTIONS": "true"}
			for k, v := range tt.env {
				env[k] = v
			}
			p := providerNamed(t, oidc.DefaultProviders(envOf(env), files(tt.files)), "GitHub Actions")
			_, err := p.IDToken(context.Background(), "pypi")
			if !errors.Is(err, oidc.ErrIDTokenPermission) {
				t.Fatalf("err = %v, want ErrIDTokenPermission", err)
			}
			if got := errors.Is(err, oidc.ErrForkPullRequest); got != tt.wantFork {
				t.Fatalf("ErrForkPullRequest = %v, want %v (%v)", got, tt.wantFork, err)
			}
			for _, s := range tt.wantSubstr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			var pe *oidc.ProviderError
			if !errors.As(err, &pe) || pe.Hint == "" || pe.Provider != "GitHub Actions" {
				t.Fatalf("want a ProviderError with a hint, got %#v", err)
			}
			assertErrNoSecret(t, err, "ghs_x")
		})
	}
}

func TestGitHubMalformedAnswer(t *testing.T) {
	for name, body := range map[string]string{
		"not json":   "<html>oops</html>",
		"no value":   `{"count":1}`,
		"not a jwt":  `{"value":"hello"}`,
		"value type": `{"value":42}`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
			defer srv.Close()
			p := providerNamed(t, oidc.DefaultProviders(envOf(map[string]string{
				"GITHUB_ACTIONS": "1", "ACTIONS_ID_TOKEN_REQUEST_URL": srv.URL, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "rt",
			})), "GitHub Actions")
			_, err := p.IDToken(context.Background(), "pypi")
			if !errors.Is(err, oidc.ErrMalformedResponse) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestGitLab(t *testing.T) {
	iss := newIssuer(t, oidctest.WithIssuerURL(oidctest.GitLabIssuerURL))
	jwt, err := iss.Issue(oidctest.TokenClaims{Subject: "project_path:g/p:ref_type:tag:ref:v1", Audience: []string{"testpypi"}})
	if err != nil {
		t.Fatal(err)
	}
	ps := oidc.DefaultProviders(envOf(map[string]string{"GITLAB_CI": "true", "TESTPYPI_ID_TOKEN": jwt + "\n"}))
	p, err := oidc.Detect(context.Background(), ps)
	if err != nil || p.Name() != "GitLab CI/CD" {
		t.Fatalf("Detect = %v, %v", p, err)
	}
	got, err := p.IDToken(context.Background(), "testpypi")
	if err != nil || got != jwt {
		t.Fatalf("IDToken = %v", err)
	}

	_, err = p.IDToken(context.Background(), "pypi")
	if !errors.Is(err, oidc.ErrIDTokenPermission) {
		t.Fatalf("err = %v", err)
	}
	var pe *oidc.ProviderError
	if !errors.As(err, &pe) || !strings.Contains(pe.Hint, "id_tokens:") || !strings.Contains(pe.Hint, "PYPI_ID_TOKEN:") ||
		!strings.Contains(pe.Hint, "aud: pypi") || !strings.Contains(err.Error(), ".gitlab-ci.yml") {
		t.Fatalf("error %v / hint %q", err, pe.Hint)
	}

	ps = oidc.DefaultProviders(envOf(map[string]string{"GITLAB_CI": "true", "PYPI_ID_TOKEN": "not-a-jwt-secret"}))
	_, err = providerNamed(t, ps, "GitLab CI/CD").IDToken(context.Background(), "pypi")
	if !errors.Is(err, oidc.ErrMalformedResponse) {
		t.Fatalf("err = %v", err)
	}
	assertErrNoSecret(t, err, "not-a-jwt-secret")
}

func TestGitLabTokenVar(t *testing.T) {
	for aud, want := range map[string]string{
		"pypi":                 "PYPI_ID_TOKEN",
		"testpypi":             "TESTPYPI_ID_TOKEN",
		"http://test.audience": "HTTP___TEST_AUDIENCE_ID_TOKEN",
		"1pypi":                "_PYPI_ID_TOKEN",
		"my-index_2":           "MY_INDEX_2_ID_TOKEN",
	} {
		if got := oidc.GitLabTokenVar(aud); got != want {
			t.Errorf("GitLabTokenVar(%q) = %q, want %q", aud, got, want)
		}
	}
}

func TestCLIProvidersWithRunner(t *testing.T) {
	iss := newIssuer(t)
	tests := []struct {
		env      string
		name     string
		wantArgv []string
	}{
		{"BUILDKITE", "Buildkite", []string{"buildkite-agent", "oidc", "request-token", "--audience", "pypi"}},
		{"CIRCLECI", "CircleCI", []string{"circleci", "run", "oidc", "get", "--claims", `{"aud":"pypi"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var argv []string
			run := func(ctx context.Context, name string, args ...string) ([]byte, error) {
				argv = append([]string{name}, args...)
				tok, err := iss.Issue(oidctest.TokenClaims{Audience: []string{"pypi"}})
				return []byte(tok + "\n"), err
			}
			ps := oidc.DefaultProviders(envOf(map[string]string{tt.env: "true"}), oidc.WithCommandRunner(run))
			p, err := oidc.Detect(context.Background(), ps)
			if err != nil || p.Name() != tt.name {
				t.Fatalf("Detect = %v, %v", p, err)
			}
			tok, err := p.IDToken(context.Background(), "pypi")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(argv, tt.wantArgv) {
				t.Fatalf("argv = %q, want %q", argv, tt.wantArgv)
			}
			if _, err := oidc.ParseClaims(tok); err != nil {
				t.Fatal(err)
			}

			// Failures: missing executable, non-zero exit, garbage output.
			fail := func(out string, err error) oidc.ProviderOption {
				return oidc.WithCommandRunner(func(context.Context, string, ...string) ([]byte, error) { return []byte(out), err })
			}
			for name, opt := range map[string]oidc.ProviderOption{
				"not found": fail("", fmt.Errorf("x: %w", exec.ErrNotFound)),
				"exit":      fail("", errors.New("exit status 1: agent not connected")),
				"garbage":   fail("secret-garbage-output\n", nil),
			} {
				p := providerNamed(t, oidc.DefaultProviders(envOf(map[string]string{tt.env: "1"}), opt), tt.name)
				_, err := p.IDToken(context.Background(), "pypi")
				var pe *oidc.ProviderError
				if !errors.As(err, &pe) {
					t.Fatalf("%s: err = %v", name, err)
				}
				if name == "not found" && !strings.Contains(err.Error(), "could not find") {
					t.Errorf("not found: %v", err)
				}
				assertErrNoSecret(t, err, "secret-garbage-output")
			}
		})
	}
}

func TestCLIProvidersWithFakeExecutables(t *testing.T) {
	iss := newIssuer(t)
	jwt, err := iss.Issue(oidctest.TokenClaims{Audience: []string{"testpypi"}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := oidctest.WriteFakeCLIs(dir, jwt); err != nil {
		t.Fatal(err)
	}
	// Resolve the CLI names inside dir, then run them for real.
	run := func(ctx context.Context, name string, args ...string) ([]byte, error) {
		return oidc.ExecCommand(ctx, filepath.Join(dir, name), args...)
	}
	for env, name := range map[string]string{"BUILDKITE": "buildkite-agent", "CIRCLECI": "circleci"} {
		t.Run(name, func(t *testing.T) {
			ps := oidc.DefaultProviders(envOf(map[string]string{env: "true"}), oidc.WithCommandRunner(run))
			p, err := oidc.Detect(context.Background(), ps)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.IDToken(context.Background(), "testpypi")
			if err != nil {
				t.Fatal(err)
			}
			if got != jwt {
				t.Fatal("fake CLI printed a different token")
			}
			args, err := os.ReadFile(filepath.Join(dir, name+".args"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(args), "testpypi") {
				t.Fatalf("%s args = %q", name, args)
			}
		})
	}

	// The fakes refuse unexpected arguments, and ExecCommand reports it.
	_, err = oidc.ExecCommand(context.Background(), filepath.Join(dir, "buildkite-agent"), "oidc", "request-token")
	if err == nil || !strings.Contains(err.Error(), "unexpected arguments") {
		t.Fatalf("err = %v", err)
	}
	_, err = oidc.ExecCommand(context.Background(), filepath.Join(dir, "circleci"), "run", "oidc", "get", "--claims", "{}")
	if err == nil || !strings.Contains(err.Error(), "must set aud") {
		t.Fatalf("err = %v", err)
	}
	// A missing executable wraps exec.ErrNotFound.
	_, err = oidc.ExecCommand(context.Background(), "pyup-no-such-executable-xyz")
	if !errors.Is(err, exec.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestGoogleIdentity(t *testing.T) {
	iss := newIssuer(t, oidctest.WithIssuerURL(oidctest.GoogleIssuerURL),
		oidctest.WithClaims(oidctest.TokenClaims{Subject: "1122334455", Email: "vm@p.iam.gserviceaccount.com"}))
	md := httptest.NewServer(iss.GoogleMetadataHandler("ya29.secretaccess"))
	defer md.Close()
	host := strings.TrimPrefix(md.URL, "http://")

	// GCE_METADATA_HOST from the environment selects the server.
	ps := oidc.DefaultProviders(envOf(map[string]string{"GCE_METADATA_HOST": host}), noFiles)
	p, err := oidc.Detect(context.Background(), ps)
	if err != nil || p.Name() != "Google Cloud" {
		t.Fatalf("Detect = %v, %v", p, err)
	}
	tok, err := p.IDToken(context.Background(), "pypi")
	if err != nil {
		t.Fatal(err)
	}
	c, err := oidc.ParseClaims(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != oidctest.GoogleIssuerURL || !slices.Equal(c.Audience, []string{"pypi"}) {
		t.Fatalf("claims = %+v", c)
	}
	// format=full was asked for: the compute_engine claim is there.
	if !strings.Contains(decodePayload(t, tok), "compute_engine") {
		t.Fatal("identity token lacks format=full claims")
	}

	// The option wins over the environment.
	ps = oidc.DefaultProviders(envOf(map[string]string{"GCE_METADATA_HOST": "127.0.0.1:1"}), oidc.WithGCEMetadataHost(host))
	if _, err := providerNamed(t, ps, "Google Cloud").IDToken(context.Background(), "pypi"); err != nil {
		t.Fatal(err)
	}

	// A server that refuses (here: not reachable) gives a ProviderError.
	ps = oidc.DefaultProviders(oidc.WithGCEMetadataHost("127.0.0.1:1"))
	_, err = providerNamed(t, ps, "Google Cloud").IDToken(context.Background(), "pypi")
	var pe *oidc.ProviderError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v", err)
	}
}

func TestGoogleMetadataFlavorRequired(t *testing.T) {
	iss := newIssuer(t)
	md := httptest.NewServer(iss.GoogleMetadataHandler("x"))
	defer md.Close()
	resp, err := http.Get(md.URL + "/computeMetadata/v1/instance/service-accounts/default/identity?audience=pypi")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status = %d, want 403 without Metadata-Flavor", resp.StatusCode)
	}
}

func TestGoogleImpersonation(t *testing.T) {
	const access = "ya29.secretaccesstoken"
	const account = "publisher@proj.iam.gserviceaccount.com"
	iss := newIssuer(t, oidctest.WithIssuerURL(oidctest.GoogleIssuerURL), oidctest.WithClaims(oidctest.TokenClaims{}))
	md := httptest.NewServer(iss.GoogleMetadataHandler(access))
	defer md.Close()
	iam := httptest.NewServer(iss.IAMHandler(access))
	defer iam.Close()

	ps := oidc.DefaultProviders(envOf(map[string]string{"GOOGLE_SERVICE_ACCOUNT_NAME": account}),
		oidc.WithGCEMetadataHost(strings.TrimPrefix(md.URL, "http://")), oidc.WithIAMCredentialsURL(iam.URL+"/"))
	p, err := oidc.Detect(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.IDToken(context.Background(), "pypi")
	if err != nil {
		t.Fatal(err)
	}
	c, err := oidc.ParseClaims(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != account || !strings.Contains(decodePayload(t, tok), `"email":"`+account+`"`) {
		t.Fatalf("claims = %+v", c)
	}

	// IAM refuses a different access token; the error names neither token.
	bad := httptest.NewServer(iss.IAMHandler("ya29.other"))
	defer bad.Close()
	ps = oidc.DefaultProviders(envOf(map[string]string{"GOOGLE_SERVICE_ACCOUNT_NAME": account}),
		oidc.WithGCEMetadataHost(strings.TrimPrefix(md.URL, "http://")), oidc.WithIAMCredentialsURL(bad.URL))
	_, err = providerNamed(t, ps, "Google Cloud").IDToken(context.Background(), "pypi")
	var he *oidc.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v", err)
	}
	var pe *oidc.ProviderError
	if !errors.As(err, &pe) || !strings.Contains(pe.Hint, "serviceAccountTokenCreator") {
		t.Fatalf("err = %#v", err)
	}
	assertErrNoSecret(t, err, access, "ya29.other")
}

func TestServerTextIsRedacted(t *testing.T) {
	const requestToken = "ghs_requesttoken_echoed_back"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad request: Authorization="+r.Header.Get("Authorization")+" last=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", 500)
	}))
	defer echo.Close()
	p := providerNamed(t, oidc.DefaultProviders(envOf(map[string]string{
		"GITHUB_ACTIONS": "1", "ACTIONS_ID_TOKEN_REQUEST_URL": echo.URL, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": requestToken,
	})), "GitHub Actions")
	_, err := p.IDToken(context.Background(), "pypi")
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err = %v", err)
	}
	assertErrNoSecret(t, err, requestToken)
}

func TestExecCommandRedactsStderr(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "leaky")
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	body := "#!/bin/sh\necho \"failed after minting " + jwt + " and pypi-AgEIcHlwaS5vcmcXYZXYZXYZ\" >&2\nexit 3\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := oidc.ExecCommand(context.Background(), script)
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "failed after minting") {
		t.Fatalf("err = %v", err)
	}
	assertErrNoSecret(t, err, jwt)
}
