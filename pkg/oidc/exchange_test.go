package oidc_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

func decodePayload(t *testing.T, jwt string) string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatal("not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIndexBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://upload.pypi.org/legacy/":   "https://upload.pypi.org",
		"https://UPLOAD.pypi.org/legacy":    "https://upload.pypi.org",
		"https://test.pypi.org/legacy/":     "https://test.pypi.org",
		"https://pypi.org/legacy/":          "https://pypi.org",
		"http://127.0.0.1:8080/legacy/":     "http://127.0.0.1:8080",
		"https://pkgs.example.com/pypi/up/": "https://pkgs.example.com",
	} {
		got, err := oidc.IndexBaseURL(in)
		if err != nil || got != want {
			t.Errorf("IndexBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "upload.pypi.org/legacy/", "ftp://x/", "https:///legacy/"} {
		if _, err := oidc.IndexBaseURL(bad); err == nil {
			t.Errorf("IndexBaseURL(%q) succeeded", bad)
		}
	}
}

func TestIsPyPI(t *testing.T) {
	for in, want := range map[string]bool{
		"https://upload.pypi.org/legacy/":       true,
		"https://test.pypi.org/legacy/":         true,
		"https://pypi.org/":                     true,
		"https://pypi.org:443/legacy/":          true,
		"http://upload.pypi.org/legacy/":        false,
		"https://pypi.org.evil.example/legacy/": false,
		"https://evil.example/pypi.org/":        false,
		"https://pypi.org:8443/":                false,
		"https://upload.pypi.org@evil.example/": false,
		"https://pkgs.example.com/":             false,
		"not a url":                             false,
	} {
		if got := oidc.IsPyPI(in); got != want {
			t.Errorf("IsPyPI(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestAudience(t *testing.T) {
	ms := oidctest.NewMintServer("testpypi", nil)
	srv := httptest.NewServer(ms)
	defer srv.Close()
	aud, err := oidc.Audience(context.Background(), srv.Client(), srv.URL+"/legacy/")
	if err != nil || aud != "testpypi" {
		t.Fatalf("Audience = %q, %v", aud, err)
	}

	ms.Disabled = true
	_, err = oidc.Audience(context.Background(), srv.Client(), srv.URL+"/legacy/")
	if !errors.Is(err, oidc.ErrTrustedPublishingDisabled) {
		t.Fatalf("disabled: err = %v", err)
	}

	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	_, err = oidc.Audience(context.Background(), plain.Client(), plain.URL+"/legacy/")
	if !errors.Is(err, oidc.ErrNotSupported) {
		t.Fatalf("404: err = %v", err)
	}

	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer broken.Close()
	_, err = oidc.Audience(context.Background(), broken.Client(), broken.URL)
	var he *oidc.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 503 || !strings.Contains(err.Error(), "maintenance") {
		t.Fatalf("503: err = %v", err)
	}

	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"aud":1}`) }))
	defer garbage.Close()
	_, err = oidc.Audience(context.Background(), garbage.Client(), garbage.URL)
	if !errors.Is(err, oidc.ErrMalformedResponse) {
		t.Fatalf("garbage: err = %v", err)
	}
}

func TestExchange(t *testing.T) {
	f := newFixture(t)
	var minted []string
	f.mint.OnMint = func(tok string, exp time.Time) { minted = append(minted, tok) }

	tok, claims, err := oidc.Exchange(context.Background(), f.provider, f.index.Client(), f.uploadURL(), oidc.ExpectAudience("pypi"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.Value, "pypi-") || len(minted) != 1 || minted[0] != tok.Value {
		t.Fatalf("token %v, minted %d", tok, len(minted))
	}
	if !f.mint.Accepts(tok.Value) {
		t.Fatal("mint server does not accept its own token")
	}
	if got := tok.Expires.Sub(f.clock.Now()); got != 900*time.Second {
		t.Fatalf("lifetime = %v, want 900s", got)
	}
	if claims == nil || claims.Repository != "octo-org/octo-repo" || claims.JobWorkflowRef == "" {
		t.Fatalf("claims = %+v", claims)
	}

	// A second exchange fetches a fresh ID token (new jti) and succeeds.
	if _, _, err := oidc.Exchange(context.Background(), f.provider, f.index.Client(), f.uploadURL(), oidc.ExpectAudience("pypi")); err != nil {
		t.Fatalf("second exchange: %v", err)
	}
	if f.issuer.Issued() != 2 || f.mint.Mints() != 2 {
		t.Fatalf("issued %d, minted %d", f.issuer.Issued(), f.mint.Mints())
	}
}

func TestExchangeAudienceErrors(t *testing.T) {
	f := newFixture(t)
	f.mint.Disabled = true
	_, _, err := oidc.Exchange(context.Background(), f.provider, f.index.Client(), f.uploadURL(), oidc.ExpectAudience("pypi"))
	if !errors.Is(err, oidc.ErrTrustedPublishingDisabled) {
		t.Fatalf("err = %v", err)
	}
	if f.issuer.Issued() != 0 {
		t.Fatal("an ID token was requested although the index refused trusted publishing")
	}
}

func TestMintReuseRefused(t *testing.T) {
	f := newFixture(t)
	id := f.idToken(t)
	if _, err := oidc.Mint(context.Background(), f.index.Client(), f.uploadURL(), id); err != nil {
		t.Fatal(err)
	}
	_, err := oidc.Mint(context.Background(), f.index.Client(), f.uploadURL(), id)
	var me *oidc.MintError
	if !errors.As(err, &me) || !me.HasCode(oidc.CodeInvalidReuseToken) || me.StatusCode != 422 {
		t.Fatalf("err = %v, want invalid-reuse-token", err)
	}
	assertErrNoSecret(t, err, append(f.secrets(), id)...)
}

// TestMintErrors drives every 422 code PyPI documents.
func TestMintErrors(t *testing.T) {
	other := newIssuer(t) // same iss, different key
	tests := []struct {
		name       string
		setup      func(f *fixture)
		idToken    func(t *testing.T, f *fixture) string
		code       string
		wantDetail string
	}{
		{
			name:    "malformed JWT",
			idToken: func(*testing.T, *fixture) string { return "not-a-jwt" },
			code:    oidc.CodeInvalidPayload, wantDetail: "malformed JWT",
		},
		{
			name: "unknown issuer",
			idToken: func(t *testing.T, f *fixture) string {
				return issue(t, f.issuer, func(c *oidctest.TokenClaims) { c.Issuer = "https://evil.example" })
			},
			code: oidc.CodeInvalidPayload, wantDetail: "unknown trusted publishing issuer",
		},
		{
			name:  "not enabled",
			setup: func(f *fixture) { f.mint.NotEnabled = []string{oidctest.GitHubIssuerURL} },
			code:  oidc.CodeNotEnabled, wantDetail: "GitHub trusted publishing functionality not enabled",
		},
		{
			name: "wrong audience",
			idToken: func(t *testing.T, f *fixture) string {
				return issue(t, f.issuer, func(c *oidctest.TokenClaims) { c.Audience = []string{"testpypi"} })
			},
			code: oidc.CodeInvalidToken,
		},
		{
			name: "two audiences",
			idToken: func(t *testing.T, f *fixture) string {
				return issue(t, f.issuer, func(c *oidctest.TokenClaims) { c.Audience = []string{"pypi", "other"} })
			},
			code: oidc.CodeInvalidToken,
		},
		{
			name: "expired",
			idToken: func(t *testing.T, f *fixture) string {
				return issue(t, f.issuer, func(c *oidctest.TokenClaims) {
					c.IssuedAt = f.clock.Now().Add(-time.Hour)
					c.NotBefore = c.IssuedAt
					c.Expires = f.clock.Now().Add(-time.Minute)
				})
			},
			code: oidc.CodeInvalidToken,
		},
		{
			name: "not yet valid",
			idToken: func(t *testing.T, f *fixture) string {
				return issue(t, f.issuer, func(c *oidctest.TokenClaims) { c.NotBefore = f.clock.Now().Add(time.Hour) })
			},
			code: oidc.CodeInvalidToken,
		},
		{
			name:    "signed by another key",
			idToken: func(t *testing.T, f *fixture) string { return issue(t, other, nil) },
			code:    oidc.CodeInvalidToken, wantDetail: "malformed or invalid token",
		},
		{
			name: "pending publisher, project exists",
			setup: func(f *fixture) {
				p := testPublisher
				p.Pending, p.ProjectExists = true, true
				f.mint.Publishers = []oidctest.Publisher{p}
			},
			code: oidc.CodeInvalidPendingPublisher, wantDetail: "project already exists",
		},
		{
			name: "wrong repository",
			setup: func(f *fixture) {
				f.mint.Publishers = []oidctest.Publisher{{Repository: "octo-org/other", Workflow: "release.yml"}}
			},
			code: oidc.CodeInvalidPublisher, wantDetail: "valid token, but no corresponding publisher",
		},
		{
			name: "wrong owner id",
			setup: func(f *fixture) {
				p := testPublisher
				p.RepositoryOwnerID = "999"
				f.mint.Publishers = []oidctest.Publisher{p}
			},
			code: oidc.CodeInvalidPublisher, wantDetail: "repository_owner_id",
		},
		{
			name: "wrong workflow",
			setup: func(f *fixture) {
				p := testPublisher
				p.Workflow = "publish.yml"
				f.mint.Publishers = []oidctest.Publisher{p}
			},
			code: oidc.CodeInvalidPublisher, wantDetail: "job_workflow_ref",
		},
		{
			name: "environment required",
			setup: func(f *fixture) {
				p := testPublisher
				p.Environment = "pypi"
				f.mint.Publishers = []oidctest.Publisher{p}
			},
			code: oidc.CodeInvalidPublisher, wantDetail: "environment",
		},
		{
			name: "pull_request_target",
			idToken: func(t *testing.T, f *fixture) string {
				return issue(t, f.issuer, func(c *oidctest.TokenClaims) { c.EventName = "pull_request_target" })
			},
			code: oidc.CodeInvalidPublisher, wantDetail: "pull_request_target",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			id := ""
			if tt.idToken != nil {
				id = tt.idToken(t, f)
			} else {
				id = f.idToken(t)
			}
			_, err := oidc.Mint(context.Background(), f.index.Client(), f.uploadURL(), id)
			var me *oidc.MintError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want *MintError", err)
			}
			if !me.HasCode(tt.code) || len(me.Errors) != 1 {
				t.Fatalf("errors = %+v, want %s", me.Errors, tt.code)
			}
			if me.StatusCode != 422 || me.Message != "Token request failed" {
				t.Fatalf("status %d message %q", me.StatusCode, me.Message)
			}
			if !strings.Contains(err.Error(), tt.code) {
				t.Fatalf("Error() = %q lacks the code", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("Error() is not one line: %q", err)
			}
			details := strings.Join(me.Details(), "\n")
			if first := me.Details()[0]; !strings.HasPrefix(first, tt.code+": ") || !strings.Contains(first, tt.wantDetail) {
				t.Fatalf("first detail %q, want %q with %q", first, tt.code+": ", tt.wantDetail)
			}
			if !strings.Contains(details, oidc.TroubleshootingDoc) {
				t.Fatalf("details lack the troubleshooting pointer:\n%s", details)
			}
			assertErrNoSecret(t, err, append(f.secrets(), id)...)
			if f.mint.Mints() != 0 {
				t.Fatal("a refused request minted a token")
			}
		})
	}
}

func issue(t *testing.T, iss *oidctest.Issuer, change func(*oidctest.TokenClaims)) string {
	t.Helper()
	c := iss.Claims()
	c.Audience = []string{"pypi"}
	if change != nil {
		change(&c)
	}
	tok, err := iss.Issue(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestMintErrorDetailsShowClaims(t *testing.T) {
	f := newFixture(t, oidctest.Publisher{Repository: "octo-org/octo-repo", Workflow: "publish.yml"})
	_, claims, err := oidc.Exchange(context.Background(), f.provider, f.index.Client(), f.uploadURL(), oidc.ExpectAudience("pypi"))
	var me *oidc.MintError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v", err)
	}
	if claims == nil || claims.Repository != "octo-org/octo-repo" {
		t.Fatalf("Exchange returned claims %+v alongside the MintError", claims)
	}
	want := []string{
		"  sub: repo:octo-org/octo-repo:ref:refs/tags/v1.0.0",
		"  repository: octo-org/octo-repo",
		"  repository_owner: octo-org",
		"  repository_owner_id: 1234567",
		"  workflow_ref: octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
		"  job_workflow_ref: octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
		"  ref: refs/tags/v1.0.0",
		"  environment: MISSING",
	}
	details := me.Details()
	joined := strings.Join(details, "\n")
	if !strings.Contains(joined, strings.Join(want, "\n")) {
		t.Fatalf("details:\n%s\nwant the claims block:\n%s", joined, strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(details[0], "invalid-publisher: valid token, but no corresponding publisher") {
		t.Fatalf("first line %q", details[0])
	}
	assertErrNoSecret(t, err, f.secrets()...)
}

func TestMintNon422Errors(t *testing.T) {
	const id = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"
	for name, h := range map[string]http.HandlerFunc{
		"500 echoing the token": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "internal error handling "+id+" and pypi-AgEIcHlwaS5vcmcSECRET", 500)
		},
		"200 without token": func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"success":true}`) },
		"200 not json":      func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<html>`) },
		"422 echoing the token": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(422)
			fmt.Fprintf(w, `{"message":"Token request failed","errors":[{"code":"invalid-payload","description":"bad input_value='%s'"}]}`, id)
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			_, err := oidc.Mint(context.Background(), srv.Client(), srv.URL, id)
			if err == nil {
				t.Fatal("no error")
			}
			assertErrNoSecret(t, err, id)
		})
	}
}

func TestMinterRenews(t *testing.T) {
	f := newFixture(t)
	var hooked []*oidc.Token
	m := oidc.NewMinter(f.provider, f.index.Client(), f.uploadURL(), oidc.WithExchangeOptions(oidc.ExpectAudience("pypi")),
		oidc.WithClock(f.clock.Now), oidc.WithOnMint(func(tok *oidc.Token) { hooked = append(hooked, tok) }))
	if m.Claims() != nil {
		t.Fatal("claims before the first mint")
	}
	ctx := context.Background()
	t1, err := m.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.Claims() == nil || m.Claims().Repository != "octo-org/octo-repo" {
		t.Fatalf("claims = %+v", m.Claims())
	}
	f.clock.Advance(9 * time.Minute) // 6 min left: keep
	if t2, _ := m.Token(ctx); t2 != t1 {
		t.Fatal("re-minted with more than 5 minutes left")
	}
	f.clock.Advance(61 * time.Second) // 4m59s left: renew
	t3, err := m.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if t3 == t1 || t3.Value == t1.Value {
		t.Fatal("did not re-mint with less than 5 minutes left")
	}
	if f.mint.Mints() != 2 || f.issuer.Issued() != 2 || len(hooked) != 2 || hooked[1] != t3 {
		t.Fatalf("mints %d, ID tokens %d, hook calls %d", f.mint.Mints(), f.issuer.Issued(), len(hooked))
	}
}

func TestMinterConcurrent(t *testing.T) {
	f := newFixture(t)
	m := oidc.NewMinter(f.provider, f.index.Client(), f.uploadURL(), oidc.WithExchangeOptions(oidc.ExpectAudience("pypi")), oidc.WithClock(f.clock.Now))
	var wg sync.WaitGroup
	toks := make([]*oidc.Token, 16)
	for i := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := m.Token(context.Background())
			if err != nil {
				t.Error(err)
			}
			toks[i] = tok
		}()
	}
	wg.Wait()
	for _, tok := range toks {
		if tok != toks[0] {
			t.Fatal("concurrent callers got different tokens")
		}
	}
	if f.mint.Mints() != 1 {
		t.Fatalf("mints = %d, want 1", f.mint.Mints())
	}
}

func TestMinterFailures(t *testing.T) {
	f := newFixture(t)
	var renewErrs []error
	m := oidc.NewMinter(f.provider, f.index.Client(), f.uploadURL(), oidc.WithExchangeOptions(oidc.ExpectAudience("pypi")), oidc.WithClock(f.clock.Now), oidc.WithRenewBefore(5*time.Minute),
		oidc.WithOnRenewError(func(err error) { renewErrs = append(renewErrs, err) }))
	ctx := context.Background()
	t1, err := m.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.mint.Disabled = true
	f.clock.Advance(11 * time.Minute) // renewal fails, current token still valid
	if got, err := m.Token(ctx); err != nil || got != t1 {
		t.Fatalf("Token = %v, %v; want the still-valid token", got, err)
	}
	if len(renewErrs) != 1 || !errors.Is(renewErrs[0], oidc.ErrTrustedPublishingDisabled) {
		t.Fatalf("renew errors = %v", renewErrs)
	}
	f.clock.Advance(5 * time.Minute) // expired
	_, err = m.Token(ctx)
	if !errors.Is(err, oidc.ErrTrustedPublishingDisabled) {
		t.Fatalf("err = %v", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	f.mint.Disabled = false
	if _, err := m.Token(cancelled); err == nil {
		t.Fatal("no error with a cancelled context")
	}
}

func TestTokenMasked(t *testing.T) {
	tok := &oidc.Token{Value: "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6", Expires: time.Unix(1700000000, 0)}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("minted", "token", tok)
	for _, s := range []string{
		tok.String(), fmt.Sprint(tok), fmt.Sprintf("%v", *tok), fmt.Sprintf("%+v", tok), fmt.Sprintf("%#v", tok),
		fmt.Sprintf("%#v", *tok), fmt.Sprintf("%s", tok), logged.String(),
	} {
		assertNoSecret(t, "rendering", s, tok.Value)
		if !strings.Contains(s, "****") {
			t.Errorf("rendering %q is not masked", s)
		}
	}
	if got := tok.String(); got != "pypi-AgEI…****" {
		t.Fatalf("String() = %q", got)
	}
	if got := (oidc.Token{Value: "short"}).String(); got != "****" {
		t.Fatalf("short token String() = %q", got)
	}
}

func TestParseClaims(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	jwt := enc(`{"alg":"none"}`) + "." + enc(`{"iss":"https://gitlab.com","aud":["a","b"],"repository_owner_id":42,"exp":1700000000.5,"iat":1699999000,"jti":"j1"}`) + ".sig"
	c, err := oidc.ParseClaims(jwt)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != "https://gitlab.com" || len(c.Audience) != 2 || c.RepositoryOwnerID != "42" || c.JTI != "j1" ||
		c.Expires.Unix() != 1700000000 || c.IssuedAt.Unix() != 1699999000 {
		t.Fatalf("claims = %+v", c)
	}
	const secretish = "eyJzZWNyZXQiOiJ5ZXMifQ"
	for _, bad := range []string{"", "a.b", secretish + "." + secretish + "!!.x", enc("{}") + "." + enc("[1]") + ".x", enc("{}") + "." + enc(`{"aud":3}`) + ".x"} {
		_, err := oidc.ParseClaims(bad)
		if err == nil {
			t.Errorf("ParseClaims(%q) succeeded", bad)
			continue
		}
		assertNoSecret(t, "ParseClaims error", err.Error(), secretish)
	}
}

func TestWarnings(t *testing.T) {
	if w := oidc.Warnings(nil); w != nil {
		t.Fatal(w)
	}
	plain := &oidc.Claims{WorkflowRef: "o/r/.github/workflows/a.yml@refs/heads/main", JobWorkflowRef: "o/r/.github/workflows/a.yml@refs/heads/main", EventName: "push"}
	if w := oidc.Warnings(plain); len(w) != 0 {
		t.Fatal(w)
	}
	reusable := &oidc.Claims{WorkflowRef: "o/r/.github/workflows/a.yml@refs/heads/main", JobWorkflowRef: "o/shared/.github/workflows/pub.yml@v1", EventName: "pull_request_target"}
	w := oidc.Warnings(reusable)
	if len(w) != 2 || !strings.Contains(w[0], "reusable workflow") || !strings.Contains(w[1], "pull_request_target") {
		t.Fatalf("warnings = %q", w)
	}
	// MintError.Details repeats the warnings.
	me := &oidc.MintError{Host: "pypi.org", StatusCode: 422, Errors: []oidc.ErrorDetail{{"invalid-publisher", "x"}}, Claims: *reusable}
	if d := strings.Join(me.Details(), "\n"); !strings.Contains(d, "warning: the token comes from a reusable workflow") {
		t.Fatalf("details = %s", d)
	}
}

func TestMintRefusesCrossHostRedirect(t *testing.T) {
	var got bool
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = true }))
	defer evil.Close()
	idx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+r.URL.Path, http.StatusPermanentRedirect)
	}))
	defer idx.Close()
	const id = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"
	_, err := oidc.Mint(context.Background(), idx.Client(), idx.URL, id)
	if err == nil || !strings.Contains(err.Error(), "refusing to send a credential to") {
		t.Fatalf("err = %v", err)
	}
	if got {
		t.Fatal("the ID token was sent to another host")
	}
	assertErrNoSecret(t, err, id)
}

func TestClaimsJSON(t *testing.T) {
	c := oidc.Claims{Issuer: "https://token.actions.githubusercontent.com", Audience: []string{"pypi"}, RepositoryOwnerID: "1", Expires: time.Unix(1700000000, 0).UTC()}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"iss":"https://token.actions.githubusercontent.com","aud":["pypi"],"repository_owner_id":"1","expires":"2023-11-14T22:13:20Z"}`
	if string(b) != want {
		t.Fatalf("JSON = %s\nwant   %s", b, want)
	}
}
