package oidc_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

// envOf returns an env lookup over m.
func envOf(m map[string]string) oidc.ProviderOption {
	return oidc.WithEnv(func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	})
}

// files returns a file reader over m; other names do not exist.
func files(m map[string]string) oidc.ProviderOption {
	return oidc.WithFileReader(func(name string) ([]byte, error) {
		if v, ok := m[name]; ok {
			return []byte(v), nil
		}
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	})
}

var noFiles = files(nil)

func providerNamed(t *testing.T, ps []oidc.Provider, name string) oidc.Provider {
	t.Helper()
	for _, p := range ps {
		if p.Name() == name {
			return p
		}
	}
	t.Fatalf("no provider named %q", name)
	return nil
}

var (
	jwtPattern  = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}`)
	pypiPattern = regexp.MustCompile(`pypi-[A-Za-z0-9_-]{10,}`)
)

// assertNoSecret fails if s contains anything that looks like an ID token
// or an upload token, or any of the given secrets.
func assertNoSecret(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	if m := jwtPattern.FindString(s); m != "" {
		t.Errorf("%s contains a JWT-like string %q…: %s", what, m[:8], s)
	}
	if m := pypiPattern.FindString(s); m != "" {
		t.Errorf("%s contains a pypi token-like string: %s", what, s)
	}
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s contains a secret: %s", what, s)
		}
	}
}

// assertErrNoSecret checks every rendering of err: Error, %+v, %#v, and
// the hint and details of pyup's error types.
func assertErrNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	assertNoSecret(t, "error", err.Error(), secrets...)
	assertNoSecret(t, "%+v of error", fmt.Sprintf("%+v", err), secrets...)
	assertNoSecret(t, "%#v of error", fmt.Sprintf("%#v", err), secrets...)
	var pe *oidc.ProviderError
	if errors.As(err, &pe) {
		assertNoSecret(t, "hint", pe.Hint, secrets...)
	}
	var me *oidc.MintError
	if errors.As(err, &me) {
		assertNoSecret(t, "details", strings.Join(me.Details(), "\n"), secrets...)
	}
}

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newIssuer(t *testing.T, opts ...oidctest.IssuerOption) *oidctest.Issuer {
	t.Helper()
	iss, err := oidctest.NewIssuer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

// fixture is a GitHub Actions job talking to a PyPI-like index.
type fixture struct {
	issuer       *oidctest.Issuer
	mint         *oidctest.MintServer
	index        *httptest.Server
	tokenServer  *httptest.Server
	provider     oidc.Provider
	requestToken string
	clock        *clock
}

var testPublisher = oidctest.Publisher{
	Repository:        "octo-org/octo-repo",
	RepositoryOwnerID: "1234567",
	Workflow:          "release.yml",
}

func newFixture(t *testing.T, publishers ...oidctest.Publisher) *fixture {
	t.Helper()
	f := &fixture{clock: newClock(), requestToken: "ghs_requesttokensecret0123456789"}
	f.issuer = newIssuer(t, oidctest.WithClock(f.clock.Now))
	if len(publishers) == 0 {
		publishers = []oidctest.Publisher{testPublisher}
	}
	f.mint = oidctest.NewMintServer("pypi", []*oidctest.Issuer{f.issuer}, publishers...)
	f.mint.Now = f.clock.Now
	f.index = httptest.NewServer(f.mint)
	t.Cleanup(f.index.Close)
	f.tokenServer = httptest.NewServer(f.issuer.GitHubHandler(f.requestToken))
	t.Cleanup(f.tokenServer.Close)
	ps := oidc.DefaultProviders(
		envOf(map[string]string{
			"GITHUB_ACTIONS":                 "true",
			"ACTIONS_ID_TOKEN_REQUEST_URL":   f.tokenServer.URL + "/token?api-version=2.0",
			"ACTIONS_ID_TOKEN_REQUEST_TOKEN": f.requestToken,
		}),
		noFiles,
		oidc.WithHTTPClient(f.tokenServer.Client()),
	)
	p, err := oidc.Detect(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	f.provider = p
	return f
}

func (f *fixture) uploadURL() string { return f.index.URL + "/legacy/" }

// idToken gets a fresh ID token for the index's audience from the provider.
func (f *fixture) idToken(t *testing.T) string {
	t.Helper()
	tok, err := f.provider.IDToken(context.Background(), "pypi")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (f *fixture) secrets() []string { return []string{f.requestToken} }

var _ http.Handler = (*oidctest.MintServer)(nil)
