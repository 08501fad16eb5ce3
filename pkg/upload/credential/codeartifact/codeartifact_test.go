package codeartifact

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
	"github.com/pyup-dev/pyup/pkg/upload/credential/cloudtest"
)

func TestParseHost(t *testing.T) {
	for url, want := range map[string]Repository{
		"https://acme-111122223333.d.codeartifact.us-east-1.amazonaws.com/pypi/repo/":        {"acme", "111122223333", "us-east-1"},
		"https://my-team-domain-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/r/": {"my-team-domain", "111122223333", "eu-west-1"},
		"https://acme-111122223333.d.codeartifact.cn-north-1.amazonaws.com.cn/pypi/repo/":    {"acme", "111122223333", "cn-north-1"},
		"https://acme-111122223333.d.codeartifact.us-east-1.amazonaws.com.attacker.invalid/": {},
		"https://acme-11112222333.d.codeartifact.us-east-1.amazonaws.com/":                   {},
		"https://x.acme-111122223333.d.codeartifact.us-east-1.amazonaws.com/":                {},
		"http://acme-111122223333.d.codeartifact.us-east-1.amazonaws.com/pypi/repo/":         {},
		"https://codeartifact.us-east-1.amazonaws.com/":                                      {},
	} {
		got, ok := ParseHost(url)
		if ok != (want != Repository{}) || got != want {
			t.Errorf("ParseHost(%s) = %+v %v, want %+v", url, got, ok, want)
		}
	}
}

func TestGetAuthorizationToken(t *testing.T) {
	const keyID, secret = "AKIAFAKEFAKEFAKE0002", "fakeSecretKeyForUnitTests0123456789"
	a := cloudtest.NewAWS("eu-west-1", "acme", "111122223333", keyID, secret, "arn:aws:iam::111122223333:user/ci")
	srv := httptest.NewServer(a)
	defer srv.Close()
	t.Setenv("HOME", t.TempDir())
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_ENDPOINT_URL", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", keyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_ENDPOINT_URL_CODEARTIFACT", srv.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	var secrets []string
	p := New(WithOnSecret(func(s string) { secrets = append(secrets, s) }))
	req := credential.Request{RepositoryURL: "https://acme-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/repo/"}
	if ok, why := p.Applies(req); !ok {
		t.Fatal(why)
	}
	c, out, err := p.Resolve(t.Context(), req)
	if err != nil || c == nil {
		t.Fatalf("%v %+v %v; fake: %v", c, out, err, a.Errors())
	}
	if c.Username != "aws" || c.Identity != "arn:aws:iam::111122223333:user/ci" || c.Expires.IsZero() || a.Calls("GetAuthorizationToken") != 1 {
		t.Errorf("credential %v; fake: %v", c, a.Errors())
	}
	if len(secrets) == 0 || secrets[0] != secret {
		t.Error("the secret access key was not handed to the secret hook")
	}

	// The wrong domain: the fake refuses, the step fails without an error.
	req.RepositoryURL = "https://other-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/repo/"
	c, out, err = p.Resolve(t.Context(), req)
	if c != nil || err != nil || out.Status != credential.StatusFailed || !strings.Contains(out.Reason, "ResourceNotFound") {
		t.Errorf("got %v %+v %v", c, out, err)
	}
	// A wrong secret: SigV4 does not match.
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong"+secret)
	req.RepositoryURL = "https://acme-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/repo/"
	_, out, _ = p.Resolve(t.Context(), req)
	if out.Status != credential.StatusFailed || !strings.Contains(strings.Join(a.Errors(), " "), "SignatureDoesNotMatch") {
		t.Errorf("got %+v; fake: %v", out, a.Errors())
	}
}
