package gcp

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
	"github.com/pyup-dev/pyup/pkg/upload/credential/cloudtest"
)

func TestIsRegistryHost(t *testing.T) {
	for url, want := range map[string]bool{
		"https://us-python.pkg.dev/demo/repo/":                  true,
		"https://europe-west1-python.pkg.dev/demo/repo/":        true,
		"https://us-python.pkg.dev.attacker.invalid/demo/repo/": false,
		"https://evil-python.pkg.dev.attacker.com/":             false,
		"https://us-docker.pkg.dev/demo/repo/":                  false,
		"https://python.pkg.dev/":                               false,
		"https://-python.pkg.dev/":                              false,
		"https://a.us-python.pkg.dev/":                          false,
		"http://us-python.pkg.dev/demo/repo/":                   false,
		"https://us-pythonpkg.dev/":                             false,
		"https://us-python.pkg.dev:8443/demo/repo/":             true,
		"https://upload.pypi.org/legacy/":                       false,
	} {
		if got := IsRegistryHost(url); got != want {
			t.Errorf("IsRegistryHost(%s) = %v, want %v", url, got, want)
		}
	}
}

func TestServiceAccountKey(t *testing.T) {
	g, err := cloudtest.NewGoogle("ci@demo.iam.gserviceaccount.com")
	if err != nil {
		t.Fatal(err)
	}
	var issued []string
	g.OnToken = func(tok string) { issued = append(issued, tok) }
	srv := httptest.NewServer(g)
	defer srv.Close()
	f := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(f, g.ServiceAccountJSON(srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", f)
	var secrets []string
	p := New(WithHTTPClient(srv.Client()), WithOnSecret(func(s string) { secrets = append(secrets, s) }))
	req := credential.Request{RepositoryURL: "https://us-python.pkg.dev/demo/repo/", Username: credential.TokenUsername}
	if ok, why := p.Applies(req); !ok {
		t.Fatal(why)
	}
	c, out, err := p.Resolve(t.Context(), req)
	if err != nil || c == nil {
		t.Fatalf("%v %+v %v", c, out, err)
	}
	if c.Username != Username || c.Identity != "ci@demo.iam.gserviceaccount.com" || len(issued) != 1 || c.Password.Reveal() != issued[0] || c.Expires.IsZero() {
		t.Errorf("credential %v (issued %d)", c, len(issued))
	}
	if len(secrets) != 1 || !strings.Contains(secrets[0], "PRIVATE KEY") {
		t.Errorf("the private key was not handed to the secret hook (%d secrets)", len(secrets))
	}
	if strings.Contains(out.Reason, issued[0]) {
		t.Error("the outcome holds the token")
	}
	// Renewal goes through the same credentials.
	if tok, _, err := c.Renew.Token(t.Context()); err != nil || tok == "" {
		t.Errorf("renew: %v", err)
	}
	if ok, _ := p.Applies(credential.Request{RepositoryURL: "https://pypi.example.invalid/legacy/"}); ok {
		t.Error("applies to another host")
	}
}

func TestRefusedKey(t *testing.T) {
	g, _ := cloudtest.NewGoogle("ci@demo.iam.gserviceaccount.com")
	other, _ := cloudtest.NewGoogle("ci@demo.iam.gserviceaccount.com")
	srv := httptest.NewServer(g)
	defer srv.Close()
	f := filepath.Join(t.TempDir(), "sa.json")
	// A key the token endpoint does not know.
	if err := os.WriteFile(f, other.ServiceAccountJSON(srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", f)
	c, out, err := New(WithHTTPClient(srv.Client())).Resolve(t.Context(), credential.Request{RepositoryURL: "https://us-python.pkg.dev/demo/repo/"})
	if c != nil || err != nil || out.Status != credential.StatusFailed || !strings.Contains(out.Reason, "invalid_grant") {
		t.Errorf("got %v %+v %v", c, out, err)
	}
}
