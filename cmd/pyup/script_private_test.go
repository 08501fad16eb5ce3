package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pyup-dev/pyup/pkg/oidc/oidctest"
	"github.com/pyup-dev/pyup/pkg/upload/credential/cloudtest"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// The private indexes' repository URLs the scripts upload to. The fake
// index answers for all their hosts over TLS, reached through an HTTPS
// proxy (HTTPS_PROXY) that tunnels every host to it.
var privateRepos = map[string]string{
	"google":      "https://us-python.pkg.dev/demo/pyup-repo/",
	"aws":         "https://acme-111122223333.d.codeartifact.us-east-1.amazonaws.com/pypi/pyup-repo/",
	"azure":       "https://pkgs.dev.azure.com/acme/demo/_packaging/pyup-feed/pypi/upload/",
	"gitlab":      "https://gitlab.pyup.invalid/api/v4/projects/42/packages/pypi",
	"artifactory": "https://jfrog.pyup.invalid/artifactory/api/pypi/pypi-local",
}

// privateLookalikes are hosts that look like each index's but are not:
// the same path on another host must never receive the cloud's token.
var privateLookalikes = map[string]string{
	"google":      "https://us-python.pkg.dev.attacker.invalid/demo/pyup-repo/",
	"aws":         "https://acme-111122223333.d.codeartifact.us-east-1.amazonaws.com.attacker.invalid/pypi/pyup-repo/",
	"azure":       "https://pkgs.dev.azure.com.attacker.invalid/acme/demo/_packaging/pyup-feed/pypi/upload/",
	"gitlab":      "https://gitlab-mirror.pyup.invalid/api/v4/projects/42/packages/pypi",
	"artifactory": "https://jfrog-mirror.pyup.invalid/artifactory/api/pypi/pypi-local",
}

// cloudFake is what cloudcalls counts.
type cloudFake interface{ issued() int }

type countFunc func() int

func (f countFunc) issued() int { return f() }

// privateFake is one private index and its token service, started by
// startPrivate: the environment a machine holding that credential has, and
// every secret involved (for the leak test).
type privateFake struct {
	env     map[string]string
	index   *uploadtest.Index
	fake    cloudFake
	secrets []string
	mu      sync.Mutex
}

func (p *privateFake) secret(v string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.secrets = append(p.secrets, v)
}

// Secrets returns every secret the fakes handed out or were given so far.
func (p *privateFake) Secrets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.secrets...)
}

// startPrivate starts the fake index for every private index host, over
// TLS behind an HTTPS proxy, and the fake token service of kind, writing
// files into dir and registering each server's Close with cleanup. Its env
// sets REPO_URL (the index's URL), OTHER_URL (a lookalike host on the same
// fake index), CA and PYUP_CERT (the fake index's CA).
func startPrivate(kind, dir string, cleanup func(func())) (*privateFake, error) {
	base, _, _ := strings.Cut(kind, "-")
	repo, ok := privateRepos[base]
	if !ok {
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	p := &privateFake{env: map[string]string{}}
	// The lookalikes share their index's path: one handler serves both.
	path := repo[strings.Index(repo[len("https://"):], "/")+len("https://"):]
	opts := []uploadtest.Option{uploadtest.WithUploadPath(path)}
	var ix *uploadtest.Index
	addLogin := func(user, tok string) { p.secret(tok); ix.AddLogin(user, tok) }
	login := func(user, tok string) { p.secret(tok); opts = append(opts, uploadtest.WithLogin(user, tok)) }
	setenv := func(k, v string) { p.env[k] = v }
	serve := func(h http.Handler) string {
		srv := httptest.NewServer(h)
		cleanup(srv.Close)
		return srv.URL
	}
	writeFile := func(name string, b []byte) (string, error) {
		path := filepath.Join(dir, name)
		return path, os.WriteFile(path, b, 0o600)
	}
	var err error
	switch kind {
	case "google", "google-metadata", "google-wif":
		g, err := cloudtest.NewGoogle("publisher@demo.iam.gserviceaccount.com")
		if err != nil {
			return nil, err
		}
		g.OnToken = func(tok string) { addLogin("oauth2accesstoken", tok) }
		u := serve(g)
		switch kind {
		case "google-wif":
			// google-github-actions/auth's file: GitHub's ID token, exchanged
			// at STS, then the service account impersonated.
			iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims("octo/demo", "release.yml", "refs/heads/main")))
			if err != nil {
				return nil, err
			}
			const requestToken = "gh-request-token-for-google-wif"
			p.secret(requestToken)
			g.WIFAudience = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/gh/providers/gh"
			verify := cloudtest.VerifyJWT(iss.JWKS(), oidctest.GitHubIssuerURL, g.WIFAudience)
			g.VerifySubject = func(tok string) error { _, err := verify(tok); return err }
			idURL := serve(recordTokens(iss.GitHubHandler(requestToken), p.secret)) + "/token?api-version=2.0"
			setenv("GITHUB_ACTIONS", "true")
			setenv("ACTIONS_ID_TOKEN_REQUEST_URL", idURL)
			setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken)
			f, err := writeFile("gha-creds.json", g.ExternalAccountJSON(u, idURL, requestToken))
			if err != nil {
				return nil, err
			}
			setenv("GOOGLE_APPLICATION_CREDENTIALS", f)
		case "google":
			key := g.PrivateKeyPEM()
			lines := strings.Split(strings.TrimSpace(key), "\n")
			p.secret(lines[len(lines)/2]) // a line of the private key
			f, err := writeFile("sa.json", g.ServiceAccountJSON(u))
			if err != nil {
				return nil, err
			}
			setenv("GOOGLE_APPLICATION_CREDENTIALS", f)
		default:
			setenv("GCE_METADATA_HOST", strings.TrimPrefix(u, "http://"))
		}
		p.fake = countFunc(g.Issued)
	case "aws", "aws-webidentity", "aws-github":
		const keyID, secret = "AKIAFAKEFAKEFAKE0001", "fakeSecretKey0123456789abcdefFAKE"
		a := cloudtest.NewAWS("us-east-1", "acme", "111122223333", keyID, secret, "arn:aws:iam::111122223333:user/ci-publisher")
		a.OnToken = func(tok string) { addLogin("aws", tok) }
		a.OnSecret = p.secret
		u := serve(a)
		setenv("AWS_ENDPOINT_URL_CODEARTIFACT", u)
		setenv("AWS_ENDPOINT_URL_STS", u)
		setenv("AWS_EC2_METADATA_DISABLED", "true")
		switch kind {
		case "aws":
			p.secret(secret)
			setenv("AWS_ACCESS_KEY_ID", keyID)
			setenv("AWS_SECRET_ACCESS_KEY", secret)
		case "aws-github":
			// Only AWS_ROLE_ARN: pyup fetches the job's ID token itself.
			iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims("octo/demo", "release.yml", "refs/heads/main")))
			if err != nil {
				return nil, err
			}
			a.VerifyWebIdentity = cloudtest.VerifyJWT(iss.JWKS(), oidctest.GitHubIssuerURL, "sts.amazonaws.com")
			const requestToken = "gh-request-token-for-aws"
			p.secret(requestToken)
			setenv("GITHUB_ACTIONS", "true")
			setenv("ACTIONS_ID_TOKEN_REQUEST_URL", serve(recordTokens(iss.GitHubHandler(requestToken), p.secret))+"/token?api-version=2.0")
			setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken)
			setenv("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/publish")
		default:
			iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims("octo/demo", "release.yml", "refs/heads/main")))
			if err != nil {
				return nil, err
			}
			a.VerifyWebIdentity = cloudtest.VerifyJWT(iss.JWKS(), oidctest.GitHubIssuerURL, "sts.amazonaws.com")
			tok, err := iss.Issue(oidctest.TokenClaims{Subject: "repo:octo/demo:ref:refs/heads/main", Audience: []string{"sts.amazonaws.com"}})
			if err != nil {
				return nil, err
			}
			p.secret(tok)
			f, err := writeFile("web-identity-token", []byte(tok))
			if err != nil {
				return nil, err
			}
			setenv("AWS_WEB_IDENTITY_TOKEN_FILE", f)
			setenv("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/publish")
			setenv("AWS_ROLE_SESSION_NAME", "gha-release")
		}
		p.fake = countFunc(func() int { return a.Calls("GetAuthorizationToken") })
	case "azure", "azure-secret", "azure-pipelines", "azure-msi":
		e := &cloudtest.Entra{Tenant: "00000000-0000-0000-0000-00000000feed", ClientID: "11111111-2222-3333-4444-555555555555"}
		e.OnToken = func(tok string) { addLogin("VssSessionToken", tok) }
		u := serve(e)
		setenv("AZURE_AUTHORITY_HOST", u)
		setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", u)
		switch kind {
		case "azure":
			iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims("octo/demo", "release.yml", "refs/heads/main")))
			if err != nil {
				return nil, err
			}
			verify := cloudtest.VerifyJWT(iss.JWKS(), oidctest.GitHubIssuerURL, "api://AzureADTokenExchange")
			e.VerifyAssertion = func(tok string) error { _, err := verify(tok); return err }
			tok, err := iss.Issue(oidctest.TokenClaims{Subject: "system:serviceaccount:ci:publisher", Audience: []string{"api://AzureADTokenExchange"}})
			if err != nil {
				return nil, err
			}
			p.secret(tok)
			f, err := writeFile("azure-identity-token", []byte(tok))
			if err != nil {
				return nil, err
			}
			setenv("AZURE_TENANT_ID", e.Tenant)
			setenv("AZURE_CLIENT_ID", e.ClientID)
			setenv("AZURE_FEDERATED_TOKEN_FILE", f)
		case "azure-secret":
			e.ClientSecret = "fake~azure~client~secret~0123456789"
			p.secret(e.ClientSecret)
			setenv("AZURE_TENANT_ID", e.Tenant)
			setenv("AZURE_CLIENT_ID", e.ClientID)
			setenv("AZURE_CLIENT_SECRET", e.ClientSecret)
		case "azure-pipelines":
			tok := cloudtest.AccessToken("build-service")
			setenv("TF_BUILD", "True")
			setenv("SYSTEM_ACCESSTOKEN", tok)
			login("VssSessionToken", tok)
		case "azure-msi":
			e.IdentityHeader = "fake-identity-header-0123456789"
			p.secret(e.IdentityHeader)
			setenv("IDENTITY_ENDPOINT", u+"/msi/token")
			setenv("IDENTITY_HEADER", e.IdentityHeader)
		}
		p.fake = countFunc(e.Issued)
	case "gitlab":
		const jobToken = "glcbt-fake-job-token-0123456789"
		setenv("GITLAB_CI", "true")
		setenv("CI_SERVER_URL", "https://gitlab.pyup.invalid")
		setenv("CI_JOB_TOKEN", jobToken)
		setenv("CI_JOB_ID", "4242")
		setenv("CI_PROJECT_PATH", "octo/demo")
		login("gitlab-ci-token", jobToken)
		p.fake = countFunc(func() int { return 0 })
	case "artifactory":
		iss, err := oidctest.NewIssuer(oidctest.WithClaims(oidctest.GitHubClaims("octo/demo", "release.yml", "refs/heads/main")))
		if err != nil {
			return nil, err
		}
		const requestToken = "gh-request-token-for-tests"
		p.secret(requestToken)
		setenv("GITHUB_ACTIONS", "true")
		setenv("GITHUB_REPOSITORY", "octo/demo")
		setenv("GITHUB_EVENT_NAME", "push")
		setenv("ACTIONS_ID_TOKEN_REQUEST_URL", serve(recordTokens(iss.GitHubHandler(requestToken), p.secret))+"/token?api-version=2.0")
		setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken)
		verify := cloudtest.VerifyJWT(iss.JWKS(), oidctest.GitHubIssuerURL, "https://github.com/octo")
		j := &cloudtest.JFrog{Provider: "github-oidc", User: "ci-publisher",
			VerifyIDToken: func(tok string) error { _, err := verify(tok); return err }}
		j.OnToken = addLogin
		opts = append(opts, uploadtest.WithHandler("/access/", j))
		p.fake = countFunc(j.Issued)
	default:
		return nil, fmt.Errorf("unknown kind %q", kind)
	}

	ix = uploadtest.New(opts...)
	p.index = ix
	var names []string
	for _, u := range []string{repo, privateLookalikes[base]} {
		host := strings.TrimPrefix(u, "https://")
		host, _, _ = strings.Cut(host, "/")
		names = append(names, host)
	}
	srv, caPEM, err := cloudtest.TLSServer(ix, names...)
	if err != nil {
		return nil, err
	}
	cleanup(srv.Close)
	proxy := &cloudtest.Proxy{Target: srv.Listener.Addr().String()}
	setenv("HTTPS_PROXY", serve(proxy))
	ca, err := writeFile("ca.pem", caPEM)
	if err != nil {
		return nil, err
	}
	setenv("CA", ca)
	setenv("PYUP_CERT", ca)
	setenv("REPO_URL", repo)
	setenv("OTHER_URL", privateLookalikes[base])
	return p, nil
}

// recordTokens wraps a GitHub token endpoint to hand each ID token it
// serves to record.
func recordTokens(h http.Handler, record func(string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var body struct{ Value string }
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil && body.Value != "" {
			record(body.Value)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// fakeprivate google|google-metadata|google-wif|aws|aws-webidentity|aws-github|azure|azure-secret|azure-pipelines|azure-msi|gitlab|artifactory:
// startPrivate for a script, its environment set in the script's.
func cmdFakePrivate(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: fakeprivate KIND")
	}
	p, err := startPrivate(args[0], ts.Getenv("WORK"), ts.Defer)
	if err != nil {
		ts.Fatalf("fakeprivate: %v", err)
	}
	for k, v := range p.env {
		ts.Setenv(k, v)
	}
	key := ts.Getenv("WORK")
	scriptState.Lock()
	scriptState.indexes[key] = p.index
	scriptState.clouds[key] = p.fake
	scriptState.Unlock()
	ts.Defer(func() {
		scriptState.Lock()
		defer scriptState.Unlock()
		delete(scriptState.indexes, key)
		delete(scriptState.clouds, key)
	})
}

// cloudtokens N: the fake token service of fakeprivate issued exactly N tokens.
func cmdCloudTokens(ts *testscript.TestScript, neg bool, args []string) {
	want := countArg(ts, args, 0, "cloudtokens N")
	scriptState.Lock()
	f := scriptState.clouds[ts.Getenv("WORK")]
	scriptState.Unlock()
	if f == nil {
		ts.Fatalf("no fakeprivate running")
	}
	checkCount(ts, neg, f.issued(), want, "tokens the token service issued")
}
