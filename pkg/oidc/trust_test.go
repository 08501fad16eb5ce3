package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pyup-dev/pyup/pkg/oidc"
)

// countingProvider is a Provider that counts the ID tokens asked of it.
type countingProvider struct {
	asked atomic.Int32
	aud   atomic.Value
}

func (p *countingProvider) Name() string                { return "counting" }
func (p *countingProvider) Detect(context.Context) bool { return true }
func (p *countingProvider) IDToken(_ context.Context, aud string) (string, error) {
	p.asked.Add(1)
	p.aud.Store(aud)
	return "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln", nil
}

// audienceIndex answers the audience endpoint with aud and counts every
// request, mint-token ones apart.
func audienceIndex(aud string, requests, mints *atomic.Int32) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path == "/_/oidc/mint-token" {
			mints.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"audience":"` + aud + `"}`))
	}))
}

// handlerTransport answers every request, whatever its host, with h: a
// remote index without a network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func TestExchangeJudgesTheURLBeforeAnythingIsAsked(t *testing.T) {
	p := &countingProvider{}
	var requests, mints atomic.Int32
	idx := audienceIndex("pypi", &requests, &mints)
	defer idx.Close()
	remote := &http.Client{Transport: handlerTransport{idx.Config.Handler}}
	for _, u := range []string{"http://index.invalid/legacy/", "http://pypi.org/legacy/", "ftp://index.invalid/"} {
		_, _, err := oidc.Exchange(context.Background(), p, remote, u, oidc.ExpectAudience("pypi"))
		if err == nil {
			t.Fatalf("%s: no error", u)
		}
		if strings.HasPrefix(u, "http:") && !errors.Is(err, oidc.ErrInsecureIndex) {
			t.Errorf("%s: err = %v, want ErrInsecureIndex", u, err)
		}
	}
	if n := p.asked.Load(); n != 0 {
		t.Fatalf("an ID token was asked for %d times before the URL was judged", n)
	}
	if n := requests.Load(); n != 0 {
		t.Fatalf("%d requests went to a plain-http index", n)
	}
}

func TestExchangeUsesAnIndexAudienceOnlyWhenExpected(t *testing.T) {
	var requests, mints atomic.Int32
	// A hostile index names another service's audience.
	idx := audienceIndex("sts.amazonaws.com", &requests, &mints)
	defer idx.Close()
	for _, expected := range []string{"", "pypi"} {
		p := &countingProvider{}
		_, _, err := oidc.Exchange(context.Background(), p, idx.Client(), idx.URL+"/legacy/", oidc.ExpectAudience(expected))
		var ae *oidc.AudienceError
		if !errors.As(err, &ae) {
			t.Fatalf("expected %q: err = %v, want *AudienceError", expected, err)
		}
		if ae.Asked != "sts.amazonaws.com" || ae.Expected != expected || !strings.Contains(err.Error(), `"sts.amazonaws.com"`) {
			t.Errorf("expected %q: error %+v / %v does not name the audiences", expected, ae, err)
		}
		if p.asked.Load() != 0 {
			t.Errorf("expected %q: an ID token was fetched for the index's audience", expected)
		}
	}
	if mints.Load() != 0 {
		t.Fatal("a mint request reached the index")
	}
}

func TestExchangeKnowsPyPIAudiences(t *testing.T) {
	for u, want := range map[string]string{
		"https://upload.pypi.org/legacy/": "pypi",
		"https://pypi.org/legacy/":        "pypi",
		"https://test.pypi.org/legacy/":   "testpypi",
		"https://pypi.example.com/":       "",
		"http://upload.pypi.org/legacy/":  "",
	} {
		if got := oidc.KnownAudience(u); got != want {
			t.Errorf("KnownAudience(%s) = %q, want %q", u, got, want)
		}
	}
}

func TestNoRedirectFromHTTPSToHTTP(t *testing.T) {
	var plainHits atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plainHits.Add(1)
		w.Write([]byte(`{"audience":"pypi","value":"x"}`))
	}))
	defer plain.Close()
	// The redirect keeps the host (the https server's own address) and only
	// lowers the scheme; and one goes to the plain server.
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := "http://" + r.Host + r.URL.RequestURI()
		if r.URL.Query().Get("elsewhere") != "" {
			target = plain.URL + r.URL.RequestURI()
		}
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	}))
	defer secure.Close()
	const id = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"

	_, err := oidc.Mint(context.Background(), secure.Client(), secure.URL+"/legacy/", id)
	if err == nil || !strings.Contains(err.Error(), "from https to http") {
		t.Errorf("mint: err = %v", err)
	}
	_, err = oidc.Audience(context.Background(), secure.Client(), secure.URL+"/legacy/?elsewhere=1")
	if err == nil || !strings.Contains(err.Error(), "from https to http") {
		t.Errorf("audience: err = %v", err)
	}
	// GitHub's token endpoint carries the request token as a bearer header.
	gh := providerNamed(t, oidc.DefaultProviders(envOf(map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   secure.URL + "/token?elsewhere=1",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token-0123456789",
	}), oidc.WithHTTPClient(secure.Client()), noFiles), "GitHub Actions")
	if _, err := gh.IDToken(context.Background(), "pypi"); err == nil || !strings.Contains(err.Error(), "from https to http") {
		t.Errorf("GitHub ID token: err = %v", err)
	}
	if plainHits.Load() != 0 {
		t.Fatalf("%d requests followed a redirect to plain http", plainHits.Load())
	}
}
