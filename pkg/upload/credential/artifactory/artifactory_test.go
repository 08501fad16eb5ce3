package artifactory

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
	"github.com/pyup-dev/pyup/pkg/upload/credential/cloudtest"
)

func TestPlatformURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://acme.jfrog.io/artifactory/api/pypi/pypi-local":      "https://acme.jfrog.io",
		"https://example.com/jfrog/artifactory/api/pypi/pypi-local/": "https://example.com/jfrog",
		"https://example.com/api/pypi/pypi-local":                    "https://example.com",
	} {
		if got, err := PlatformURL(in); err != nil || got != want {
			t.Errorf("PlatformURL(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
}

func TestExchange(t *testing.T) {
	j := &cloudtest.JFrog{Provider: "gh", User: "ci-bot", VerifyIDToken: func(tok string) error {
		if tok != "id.token.ok" {
			return errors.New("bad token")
		}
		return nil
	}}
	srv := httptest.NewTLSServer(j)
	defer srv.Close()
	repo := srv.URL + "/artifactory/api/pypi/pypi-local"
	var secrets []string
	idTok := "id.token.ok"
	p := New(WithProviderName("gh"), WithHTTPClient(srv.Client()), WithOnSecret(func(s string) { secrets = append(secrets, s) }),
		WithIDToken(func(context.Context, string) (string, string, error) { return idTok, "GitHub Actions", nil }))
	req := credential.Request{RepositoryURL: repo, Username: credential.TokenUsername}
	if ok, why := p.Applies(req); !ok {
		t.Fatal(why)
	}
	c, out, err := p.Resolve(t.Context(), req)
	if err != nil || c == nil || c.Username != "ci-bot" || c.Identity != "ci-bot" || c.Expires.IsZero() {
		t.Fatalf("%v %+v %v; fake %v", c, out, err, j.Errors())
	}
	if len(secrets) != 1 || secrets[0] != idTok {
		t.Error("the ID token was not handed to the secret hook")
	}
	idTok = "id.token.refused"
	c, out, err = p.Resolve(t.Context(), req)
	if c != nil || err != nil || out.Status != credential.StatusFailed || !strings.Contains(out.Reason, "token verification failed") {
		t.Fatalf("%v %+v %v", c, out, err)
	}
	for _, url := range []string{"https://pypi.example.invalid/legacy/", "http://127.0.0.1/artifactory/api/pypi/x"} {
		if ok, _ := p.Applies(credential.Request{RepositoryURL: url}); ok {
			t.Errorf("applies to %s", url)
		}
	}
	if ok, _ := New().Applies(req); ok {
		t.Error("applies without a provider name")
	}
}
