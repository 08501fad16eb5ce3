package oidctest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
)

func newIssuer(t *testing.T, opts ...oidctest.IssuerOption) *oidctest.Issuer {
	t.Helper()
	i, err := oidctest.NewIssuer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestIssuerServesVerifiableTokens(t *testing.T) {
	iss := newIssuer(t)
	srv := httptest.NewServer(iss.Handler())
	defer srv.Close()

	var disco struct {
		Issuer  string   `json:"issuer"`
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	getJSON(t, srv.URL+"/.well-known/openid-configuration", &disco)
	if disco.Issuer != oidctest.GitHubIssuerURL || disco.Algs[0] != "RS256" || !strings.HasPrefix(disco.JWKSURI, srv.URL) {
		t.Fatalf("discovery = %+v", disco)
	}
	var keys jose.JSONWebKeySet
	getJSON(t, disco.JWKSURI, &keys)
	if len(keys.Keys) != 1 || !keys.Keys[0].IsPublic() {
		t.Fatalf("JWKS = %+v", keys)
	}

	c := oidctest.GitHubClaims("o/r", "release.yml", "refs/heads/main")
	c.Audience = []string{"pypi"}
	c.Environment = "release"
	t1, err := iss.Issue(c)
	if err != nil {
		t.Fatal(err)
	}
	t2, _ := iss.Issue(c)

	parsed, err := jwt.ParseSigned(t1, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Headers[0].KeyID != keys.Keys[0].KeyID {
		t.Fatal("kid does not match the JWKS")
	}
	var std jwt.Claims
	var extra map[string]any
	if err := parsed.Claims(keys.Keys[0].Key, &std, &extra); err != nil {
		t.Fatalf("signature does not verify against the served JWKS: %v", err)
	}
	if err := std.Validate(jwt.Expected{Issuer: oidctest.GitHubIssuerURL, AnyAudience: jwt.Audience{"pypi"}, Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if extra["aud"] != "pypi" {
		t.Fatalf("a single audience should be a string, got %#v", extra["aud"])
	}
	for _, k := range []string{"repository", "repository_owner", "repository_owner_id", "workflow_ref", "job_workflow_ref", "ref", "environment", "event_name", "nbf"} {
		if extra[k] == nil {
			t.Errorf("claim %s missing", k)
		}
	}
	var std2 jwt.Claims
	p2, _ := jwt.ParseSigned(t2, []jose.SignatureAlgorithm{jose.RS256})
	_ = p2.UnsafeClaimsWithoutVerification(&std2)
	if std.ID == "" || std.ID == std2.ID {
		t.Fatalf("jti not unique: %q %q", std.ID, std2.ID)
	}
	if iss.Issued() != 2 {
		t.Fatalf("Issued = %d", iss.Issued())
	}
}

func TestGitHubHandler(t *testing.T) {
	iss := newIssuer(t)
	srv := httptest.NewServer(iss.GitHubHandler("rt"))
	defer srv.Close()
	get := func(query, auth string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("GET", srv.URL+"/?api-version=2.0"+query, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp, m
	}
	if resp, _ := get("&audience=pypi", ""); resp.StatusCode != 401 {
		t.Fatalf("no auth: %d", resp.StatusCode)
	}
	if resp, _ := get("&audience=pypi", "bearer nope"); resp.StatusCode != 401 {
		t.Fatalf("wrong auth: %d", resp.StatusCode)
	}
	resp, m := get("&audience=pypi", "Bearer rt")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if aud := audOf(t, m["value"].(string)); aud != "pypi" {
		t.Fatalf("aud = %v", aud)
	}
	_, m = get("", "bearer rt")
	if aud := audOf(t, m["value"].(string)); aud != "https://github.com/octo-org" {
		t.Fatalf("default aud = %v", aud)
	}
}

func audOf(t *testing.T, tok string) any {
	t.Helper()
	p, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = p.UnsafeClaimsWithoutVerification(&m)
	return m["aud"]
}

func mint(t *testing.T, url string, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url+"/_/oidc/mint-token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestMintServerMintsPyPIShapedTokens(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	iss := newIssuer(t, oidctest.WithClock(clock))
	ms := oidctest.NewMintServer("pypi", []*oidctest.Issuer{iss}, oidctest.Publisher{Repository: "octo-org/octo-repo", Workflow: "release.yml"})
	ms.Now = clock
	var hooked string
	ms.OnMint = func(tok string, exp time.Time) {
		hooked = tok
		if !exp.Equal(now.Add(900 * time.Second)) {
			t.Errorf("OnMint expiry %v", exp)
		}
	}
	srv := httptest.NewServer(ms)
	defer srv.Close()

	c := iss.Claims()
	c.Audience = []string{"pypi"}
	id, _ := iss.Issue(c)
	body, _ := json.Marshal(map[string]string{"token": id})
	status, m := mint(t, srv.URL, string(body))
	if status != 200 || m["success"] != true || m["expires"] != float64(now.Unix()+900) {
		t.Fatalf("%d %v", status, m)
	}
	tok := m["token"].(string)
	if tok != hooked || !ms.Accepts(tok) || ms.Accepts("pypi-other") || ms.Mints() != 1 {
		t.Fatal("minted token not recorded")
	}

	// pypi- + base64url (no padding) of a V2 macaroon.
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "pypi-"))
	if err != nil || !strings.HasPrefix(tok, "pypi-") {
		t.Fatalf("token %q is not pypi-<base64url>: %v", tok[:10], err)
	}
	r := bytes.NewReader(raw)
	if v, _ := r.ReadByte(); v != 2 {
		t.Fatalf("version byte %d", v)
	}
	packet := func() (uint64, []byte) {
		typ, _ := binary.ReadUvarint(r)
		if typ == 0 {
			return 0, nil
		}
		n, _ := binary.ReadUvarint(r)
		data := make([]byte, n)
		_, _ = r.Read(data)
		return typ, data
	}
	if typ, loc := packet(); typ != 1 || string(loc) != "pypi.org" {
		t.Fatalf("location packet %d %q", typ, loc)
	}
	if typ, _ := packet(); typ != 2 {
		t.Fatal("identifier packet missing")
	}
	if typ, _ := packet(); typ != 0 {
		t.Fatal("header EOS missing")
	}
	typ, caveat := packet()
	var cv []int64
	if typ != 2 || json.Unmarshal(caveat, &cv) != nil || len(cv) != 3 || cv[0] != 0 || cv[1]-cv[2] != 900 {
		t.Fatalf("caveat %d %s", typ, caveat)
	}
	packet() // caveat EOS
	packet() // caveats EOS
	if typ, sig := packet(); typ != 6 || len(sig) != 32 {
		t.Fatalf("signature packet %d len %d", typ, len(sig))
	}

	// Expiry.
	now = now.Add(901 * time.Second)
	if ms.Accepts(tok) {
		t.Fatal("expired token accepted")
	}
}

func TestMintServerPendingPublisher(t *testing.T) {
	iss := newIssuer(t)
	ms := oidctest.NewMintServer("testpypi", []*oidctest.Issuer{iss},
		oidctest.Publisher{Repository: "octo-org/octo-repo", Workflow: "release.yml", Pending: true})
	srv := httptest.NewServer(ms)
	defer srv.Close()
	c := iss.Claims()
	c.Audience = []string{"testpypi"}
	id, _ := iss.Issue(c)
	body, _ := json.Marshal(map[string]string{"token": id})
	if status, m := mint(t, srv.URL, string(body)); status != 200 {
		t.Fatalf("%d %v", status, m)
	}
	// The jti is now spent.
	status, m := mint(t, srv.URL, string(body))
	if status != 422 || !strings.Contains(toJSON(m), "invalid-reuse-token") {
		t.Fatalf("%d %v", status, m)
	}
}

func TestMintServerRequestShapes(t *testing.T) {
	ms := oidctest.NewMintServer("", nil)
	srv := httptest.NewServer(ms)
	defer srv.Close()
	var aud map[string]string
	getJSON(t, srv.URL+"/_/oidc/audience", &aud)
	if aud["audience"] != "pypi" {
		t.Fatalf("default audience %v", aud)
	}
	for body, want := range map[string]string{
		"not json":          `"code":"invalid-payload"`,
		`{"token":42}`:      "valid string",
		`{}`:                `"code":"invalid-payload"`,
		`{"token":"a.b.c"}`: "malformed JWT",
	} {
		status, m := mint(t, srv.URL, body)
		if status != 422 || m["message"] != "Token request failed" || !strings.Contains(toJSON(m), want) {
			t.Errorf("%s: %d %v", body, status, m)
		}
	}
	resp, _ := http.Get(srv.URL + "/_/oidc/mint-token")
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET mint-token: %d", resp.StatusCode)
	}
	resp, _ = http.Get(srv.URL + "/simple/")
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("other path: %d", resp.StatusCode)
	}
	ms.Disabled = true
	resp, _ = http.Get(srv.URL + "/_/oidc/audience")
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("disabled audience: %d", resp.StatusCode)
	}
}

func TestWriteFakeCLIsRejectsOddTokens(t *testing.T) {
	if err := oidctest.WriteFakeCLIs(t.TempDir(), "a'b; rm -rf /"); err == nil {
		t.Fatal("accepted a token that is not a JWT")
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestGitHubEnvAndIssuerURL(t *testing.T) {
	iss := newIssuer(t, oidctest.WithIssuerURL(oidctest.GitLabIssuerURL))
	srv := httptest.NewServer(iss.GitHubHandler("rt"))
	defer srv.Close()
	env := oidctest.GitHubEnv(srv.URL, "rt")
	req, _ := http.NewRequest("GET", env["ACTIONS_ID_TOKEN_REQUEST_URL"]+"&audience=pypi", nil)
	req.Header.Set("Authorization", "bearer "+env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	p, _ := jwt.ParseSigned(m["value"].(string), []jose.SignatureAlgorithm{jose.RS256})
	var c jwt.Claims
	_ = p.UnsafeClaimsWithoutVerification(&c)
	if c.Issuer != oidctest.GitLabIssuerURL {
		t.Fatalf("iss = %q, want the issuer URL", c.Issuer)
	}
}
