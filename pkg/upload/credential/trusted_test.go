package credential

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

func TestOIDCPublisherEndToEnd(t *testing.T) {
	issuer, err := oidctest.NewIssuer()
	if err != nil {
		t.Fatal(err)
	}
	tokenEndpoint := httptest.NewServer(issuer.GitHubHandler("request-token"))
	defer tokenEndpoint.Close()
	mintServer := oidctest.NewMintServer("pypi", []*oidctest.Issuer{issuer},
		oidctest.Publisher{Repository: "octo-org/octo-repo", RepositoryOwnerID: "1234567", Workflow: "release.yml"})
	index := httptest.NewServer(mintServer)
	defer index.Close()
	uploadURL := index.URL + "/legacy/"

	env := map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   tokenEndpoint.URL + "/?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var masked []string
	var secrets []string
	pub := NewOIDCPublisher(oidc.DefaultProviders(oidc.WithEnv(lookup)), index.Client(),
		oidc.WithExchangeOptions(oidc.ExpectAudience("pypi")),
		oidc.WithOnMint(func(tok *oidc.Token) { masked = append(masked, tok.Value) }))
	r := NewResolver(WithKeyring(newFakeKeyring()), WithTrustedPublisher(pub),
		WithOnSecret(func(_, pw string) { secrets = append(secrets, pw) }))

	// auto does not send an ID token to a non-PyPI index.
	if _, _, err := r.Resolve(t.Context(), Request{RepositoryURL: uploadURL}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("auto on a private index: %v", err)
	}
	if mintServer.Mints() != 0 {
		t.Fatal("auto minted at a non-PyPI index")
	}

	c, rep, err := r.Resolve(t.Context(), Request{RepositoryURL: uploadURL, TrustedPublishing: ModeAlways})
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != SourceTrustedPublishing || c.Detail != "trusted publishing via GitHub Actions" || c.Expires.IsZero() {
		t.Fatalf("got %v", c)
	}
	u, p, err := c.Credentials(t.Context())
	if err != nil || u != TokenUsername || !mintServer.Accepts(p) {
		t.Fatalf("Credentials: %q, accepted %v, %v", u, mintServer.Accepts(p), err)
	}
	if len(masked) != 1 || masked[0] != p {
		t.Error("WithOnMint hook not called with the minted token")
	}
	if len(secrets) != 1 || secrets[0] != p {
		t.Error("WithOnSecret hook not called with the minted token")
	}
	for _, s := range []string{c.String(), rep.Steps[1].Reason} {
		if strings.Contains(s, p[len(TokenPrefix):]) {
			t.Fatalf("leaks the token: %s", s)
		}
	}

	// A publisher that does not match is a loud failure with the index's reasons.
	mintServer2 := oidctest.NewMintServer("pypi", []*oidctest.Issuer{issuer},
		oidctest.Publisher{Repository: "someone/else", RepositoryOwnerID: "1", Workflow: "release.yml"})
	index2 := httptest.NewServer(mintServer2)
	defer index2.Close()
	r2 := NewResolver(WithKeyring(newFakeKeyring()), WithTrustedPublisher(NewOIDCPublisher(oidc.DefaultProviders(oidc.WithEnv(lookup)), index2.Client(),
		oidc.WithExchangeOptions(oidc.ExpectAudience("pypi")))))
	_, _, err = r2.Resolve(t.Context(), Request{RepositoryURL: index2.URL + "/legacy/", TrustedPublishing: ModeAlways})
	var me *oidc.MintError
	if !errors.Is(err, ErrTrustedPublishing) || !errors.As(err, &me) {
		t.Fatalf("err = %v, want a TrustedPublishingError wrapping *oidc.MintError", err)
	}
}

func TestOIDCPublisherNotInCI(t *testing.T) {
	none := func(string) (string, bool) { return "", false }
	// Only env-based providers, so nothing probes the network.
	var providers []oidc.Provider
	for _, p := range oidc.DefaultProviders(oidc.WithEnv(none)) {
		if _, probes := p.(oidc.Prober); !probes {
			providers = append(providers, p)
		}
	}
	pub := NewOIDCPublisher(providers, nil)
	if name, ok := pub.Detect(t.Context()); ok {
		t.Fatalf("detected %q outside CI", name)
	}
	if _, err := pub.Token(t.Context(), pypiURL); !errors.Is(err, oidc.ErrNoAmbientCredential) {
		t.Fatalf("Token outside CI: %v", err)
	}
}

func TestResolveJudgesTheURLFirst(t *testing.T) {
	kr := newFakeKeyring()
	var asked []string
	r := NewResolver(WithKeyring(kr), WithTrustedPublisher(&recordingPublisher{asked: &asked}),
		WithPrompt(func(context.Context, string, bool) (string, error) {
			asked = append(asked, "prompt")
			return "typed-password", nil
		}))
	for _, u := range []string{"http://pypi.example.com/legacy/", "http://upload.pypi.org/legacy/"} {
		_, _, err := r.Resolve(t.Context(), Request{RepositoryURL: u, TrustedPublishing: ModeAlways, Interactive: true,
			Explicit: []Candidate{{Password: "explicit-password", Detail: "flag --password"}}})
		if !errors.Is(err, ErrInsecureURL) {
			t.Errorf("%s: err = %v, want ErrInsecureURL", u, err)
		}
	}
	if len(asked) != 0 || kr.calls.Load() != 0 {
		t.Fatalf("sources were asked before the URL was judged: %v, %d keyring calls", asked, kr.calls.Load())
	}
	// Loopback http is a local index: allowed.
	if _, _, err := r.Resolve(t.Context(), Request{RepositoryURL: "http://127.0.0.1:8080/", TrustedPublishing: ModeNever,
		Explicit: []Candidate{{Password: "explicit-password", Detail: "flag --password"}}}); err != nil {
		t.Fatalf("loopback: %v", err)
	}
}

// recordingPublisher records that trusted publishing was asked.
type recordingPublisher struct{ asked *[]string }

func (p *recordingPublisher) Detect(context.Context) (string, bool) {
	*p.asked = append(*p.asked, "detect")
	return "Test CI", true
}

func (p *recordingPublisher) Token(context.Context, string) (TokenSource, error) {
	*p.asked = append(*p.asked, "token")
	return nil, errors.New("no")
}
