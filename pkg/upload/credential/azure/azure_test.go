package azure

import (
	"context"
	"errors"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
	"github.com/pyup-dev/pyup/pkg/upload/credential/cloudtest"
)

func TestIsFeedHost(t *testing.T) {
	for url, want := range map[string]bool{
		"https://pkgs.dev.azure.com/acme/_packaging/feed/pypi/upload/":      true,
		"https://acme.pkgs.visualstudio.com/_packaging/feed/pypi/upload/":   true,
		"https://pkgs.dev.azure.com.evil/acme/_packaging/feed/pypi/upload/": false,
		"https://evilpkgs.dev.azure.com/":                                   false,
		"https://a.b.pkgs.visualstudio.com/":                                false,
		"https://pkgs.visualstudio.com.evil/":                               false,
		"http://pkgs.dev.azure.com/acme/":                                   false,
	} {
		if got := IsFeedHost(url); got != want {
			t.Errorf("IsFeedHost(%s) = %v, want %v", url, got, want)
		}
	}
}

const feed = "https://pkgs.dev.azure.com/acme/_packaging/feed/pypi/upload/"

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestClientSecretAndFederated(t *testing.T) {
	e := &cloudtest.Entra{Tenant: "t1", ClientID: "app1", ClientSecret: "s3cret-client-secret",
		VerifyAssertion: func(tok string) error {
			if tok != "federated.id.token" {
				return errors.New("unknown assertion")
			}
			return nil
		}}
	srv := httptest.NewServer(e)
	defer srv.Close()
	vars := map[string]string{"AZURE_AUTHORITY_HOST": srv.URL, "AZURE_TENANT_ID": "t1", "AZURE_CLIENT_ID": "app1", "AZURE_CLIENT_SECRET": "s3cret-client-secret"}
	var secrets []string
	p := New(WithLookupEnv(env(vars)), WithOnSecret(func(s string) { secrets = append(secrets, s) }))
	c, out, err := p.Resolve(t.Context(), credential.Request{RepositoryURL: feed})
	if err != nil || c == nil || c.Identity != "app app1" || c.Username != Username || c.Expires.IsZero() {
		t.Fatalf("%v %+v %v; fake %v", c, out, err, e.Errors())
	}
	if len(secrets) != 1 || secrets[0] != "s3cret-client-secret" {
		t.Errorf("secrets %d", len(secrets))
	}

	// A CI's ID token as the federated assertion, fetched for Entra's audience.
	delete(vars, "AZURE_CLIENT_SECRET")
	var aud string
	p = New(WithLookupEnv(env(vars)), WithIDToken("GitHub Actions", func(_ context.Context, a string) (string, error) {
		aud = a
		return "federated.id.token", nil
	}))
	c, out, err = p.Resolve(t.Context(), credential.Request{RepositoryURL: feed})
	if err != nil || c == nil || aud != "api://AzureADTokenExchange" || !strings.Contains(c.Detail, "GitHub Actions OIDC") {
		t.Fatalf("%v %+v %v (aud %q); fake %v", c, out, err, aud, e.Errors())
	}

	// A refused assertion is a failure, with Entra's code.
	p = New(WithLookupEnv(env(vars)), WithIDToken("GitHub Actions", func(context.Context, string) (string, error) { return "other.id.token", nil }))
	c, out, err = p.Resolve(t.Context(), credential.Request{RepositoryURL: feed})
	if c != nil || err != nil || out.Status != credential.StatusFailed || !strings.Contains(out.Reason, "invalid_client") {
		t.Fatalf("%v %+v %v", c, out, err)
	}
}

func TestPlainHTTPAuthorityRefused(t *testing.T) {
	vars := map[string]string{"AZURE_AUTHORITY_HOST": "http://login.example.invalid/", "AZURE_TENANT_ID": "t1", "AZURE_CLIENT_ID": "app1", "AZURE_CLIENT_SECRET": "s3cret-client-secret"}
	_, out, _ := New(WithLookupEnv(env(vars)), WithIMDSTimeout(1)).Resolve(t.Context(), credential.Request{RepositoryURL: feed})
	if out.Status != credential.StatusFailed || !strings.Contains(out.Reason, "plain http") {
		t.Fatalf("%+v", out)
	}
}

func TestPipelinesAndCLI(t *testing.T) {
	tok := cloudtest.AccessToken("build")
	p := New(WithLookupEnv(env(map[string]string{"SYSTEM_ACCESSTOKEN": tok})))
	c, _, _ := p.Resolve(t.Context(), credential.Request{RepositoryURL: feed})
	if c == nil || c.Password.Reveal() != tok || c.Identity != "app build" {
		t.Fatalf("pipelines: %v", c)
	}

	var args []string
	run := func(_ context.Context, name string, a ...string) ([]byte, error) {
		args = append([]string{name}, a...)
		return []byte(`{"accessToken": "` + tok + `", "expires_on": 4102444800}`), nil
	}
	c, _, _ = New(WithCommandRunner(run), WithIMDSTimeout(1)).Resolve(t.Context(), credential.Request{RepositoryURL: feed})
	if c == nil || c.Expires.Unix() != 4102444800 || strings.Join(args, " ") != "az account get-access-token --resource "+DevOpsResource+" --output json" {
		t.Fatalf("cli: %v %q", c, args)
	}

	// No CLI, no metadata service: nothing found.
	missing := func(context.Context, string, ...string) ([]byte, error) { return nil, exec.ErrNotFound }
	imds := httptest.NewServer(&cloudtest.Entra{})
	defer imds.Close()
	c, out, err := New(WithCommandRunner(missing), WithLookupEnv(env(map[string]string{"AZURE_POD_IDENTITY_AUTHORITY_HOST": imds.URL}))).
		Resolve(t.Context(), credential.Request{RepositoryURL: feed})
	if c != nil || err != nil || out.Status != credential.StatusNotFound {
		t.Fatalf("%v %+v %v", c, out, err)
	}
}
