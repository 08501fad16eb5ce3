// Package azure is the credential provider for Azure Artifacts: for a feed
// on pkgs.dev.azure.com or <org>.pkgs.visualstudio.com it sends, in this
// order, the first token it finds:
//
//  1. SYSTEM_ACCESSTOKEN, the job's token in Azure Pipelines;
//  2. a Microsoft Entra ID token for Azure DevOps from an app registration:
//     AZURE_TENANT_ID and AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, or with
//     a federated ID token: the file AZURE_FEDERATED_TOKEN_FILE names
//     (workload identity), else GitHub Actions' own ID token (audience
//     api://AzureADTokenExchange);
//  3. managed identity through IDENTITY_ENDPOINT and IDENTITY_HEADER (App
//     Service, Functions, Container Apps, Arc);
//  4. the Azure CLI's login (`az account get-access-token`);
//  5. managed identity through the instance metadata service (a virtual
//     machine's), asked last with a short timeout since only a probe can
//     tell whether it is there.
//
// It speaks these few OAuth2 flows over plain HTTP instead of linking the
// Azure SDK, honouring the SDK's variables (AZURE_AUTHORITY_HOST,
// AZURE_POD_IDENTITY_AUTHORITY_HOST for the metadata service).
package azure

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// Source is the provider's source name in reports and pyup whoami.
const Source credential.Source = "azure-artifacts"

// Username is sent with the token; Azure Artifacts ignores it. It is the
// one artifacts-keyring sends.
const Username = "VssSessionToken"

// DevOpsResource is Azure DevOps' application ID, the resource its Entra
// ID tokens are issued for.
const DevOpsResource = "499b84ac-1321-427f-aa17-267ca6975798"

// DefaultAuthorityHost is Microsoft Entra ID's public cloud.
const DefaultAuthorityHost = "https://login.microsoftonline.com/"

// DefaultIMDSHost is the instance metadata service's address.
const DefaultIMDSHost = "http://169.254.169.254"

// federatedAudience is the audience Entra ID expects in a federated ID token.
const federatedAudience = "api://AzureADTokenExchange"

// IsFeedHost reports whether repositoryURL is an https URL on Azure
// Artifacts: pkgs.dev.azure.com or <org>.pkgs.visualstudio.com.
func IsFeedHost(repositoryURL string) bool {
	host, ok := credential.HTTPSHost(repositoryURL)
	if !ok {
		return false
	}
	return host == "pkgs.dev.azure.com" ||
		strings.HasSuffix(host, ".pkgs.visualstudio.com") && !strings.Contains(strings.TrimSuffix(host, ".pkgs.visualstudio.com"), ".")
}

// Option configures the provider.
type Option func(*provider)

// WithLookupEnv sets how the provider reads the environment. Default:
// nothing is set, so only the Azure CLI and the metadata service are tried.
func WithLookupEnv(f func(string) (string, bool)) Option { return func(p *provider) { p.env = f } }

// WithHTTPClient sets the client for Entra ID and managed identity
// requests. Default: a client with a 30 s timeout.
func WithHTTPClient(c *http.Client) Option { return func(p *provider) { p.client = c } }

// WithCommandRunner sets how the Azure CLI is run. Default: none: the CLI
// is not tried.
func WithCommandRunner(run credential.CommandRunner) Option { return func(p *provider) { p.run = run } }

// WithIDToken sets how a CI's ID token is fetched for a federated
// credential when no AZURE_FEDERATED_TOKEN_FILE is given, and which CI it
// is. Default: none.
func WithIDToken(ci string, f func(ctx context.Context, audience string) (string, error)) Option {
	return func(p *provider) { p.ciName, p.idToken = ci, f }
}

// WithOnSecret sets a hook that receives every intermediate secret (a
// client secret, a federated ID token), so that the caller can scrub them
// from its output. Default: none.
func WithOnSecret(f func(secret string)) Option { return func(p *provider) { p.onSecret = f } }

// WithIMDSTimeout bounds the instance metadata service request. Default: 2 s.
func WithIMDSTimeout(d time.Duration) Option { return func(p *provider) { p.imdsTimeout = d } }

// New returns the Azure Artifacts provider.
func New(opts ...Option) credential.Provider {
	p := &provider{client: &http.Client{Timeout: 30 * time.Second}, imdsTimeout: 2 * time.Second}
	for _, o := range opts {
		o(p)
	}
	if p.env == nil {
		p.env = func(string) (string, bool) { return "", false }
	}
	if p.client == nil {
		p.client = &http.Client{Timeout: 30 * time.Second}
	}
	return p
}

type provider struct {
	env         func(string) (string, bool)
	client      *http.Client
	run         credential.CommandRunner
	ciName      string
	idToken     func(ctx context.Context, audience string) (string, error)
	onSecret    func(string)
	imdsTimeout time.Duration
}

func (*provider) Source() credential.Source { return Source }

func (*provider) Applies(req credential.Request) (bool, string) {
	if !IsFeedHost(req.RepositoryURL) {
		return false, "not an Azure Artifacts host (https://pkgs.dev.azure.com, https://<org>.pkgs.visualstudio.com)"
	}
	return true, ""
}

// token is what one flow produced.
type token struct {
	value, via, identity string
	expires              time.Time
}

// errSkip says a flow does not apply here; any other error is a failure.
var errSkip = errors.New("not configured")

func (p *provider) Resolve(ctx context.Context, req credential.Request) (*credential.Credential, credential.Outcome, error) {
	flows := []func(context.Context) (*token, error){p.pipelines, p.app, p.managedIdentity, p.cli, p.imds}
	var failures []string
	for _, flow := range flows {
		t, err := flow(ctx)
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, credential.Outcome{}, ctx.Err()
			}
			failures = append(failures, err.Error())
			continue
		}
		c := &credential.Credential{Username: Username, Password: credential.Secret(t.value),
			Detail: "Azure Artifacts token from " + t.via, Identity: t.identity, Expires: t.expires}
		who := t.identity
		if who == "" {
			who = "an unknown identity"
		}
		return c, credential.Outcome{Status: credential.StatusUsed, Reason: fmt.Sprintf("token from %s as %s", t.via, who)}, nil
	}
	if len(failures) > 0 {
		return nil, credential.Outcome{Status: credential.StatusFailed, Reason: strings.Join(failures, "; ")}, nil
	}
	return nil, credential.Outcome{Status: credential.StatusNotFound,
		Reason: "no SYSTEM_ACCESSTOKEN, AZURE_CLIENT_ID/AZURE_TENANT_ID app, managed identity or Azure CLI login"}, nil
}

func (p *provider) get(key string) string {
	v, _ := p.env(key)
	return strings.TrimSpace(v)
}

func (p *provider) secret(s string) {
	if s != "" && p.onSecret != nil {
		p.onSecret(s)
	}
}

func (p *provider) pipelines(context.Context) (*token, error) {
	tok := p.get("SYSTEM_ACCESSTOKEN")
	if tok == "" {
		return nil, errSkip
	}
	id := "Azure Pipelines job"
	if c := claimsOf(tok); c != "" {
		id = c
	}
	return &token{value: tok, via: "SYSTEM_ACCESSTOKEN (Azure Pipelines)", identity: id, expires: expiryOf(tok)}, nil
}

// app is the client-credentials flow of an app registration, with a client
// secret or a federated ID token as the assertion.
func (p *provider) app(ctx context.Context) (*token, error) {
	tenant, client := p.get("AZURE_TENANT_ID"), p.get("AZURE_CLIENT_ID")
	if tenant == "" || client == "" {
		return nil, errSkip
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {client}, "scope": {DevOpsResource + "/.default"}}
	var via string
	switch {
	case p.get("AZURE_CLIENT_SECRET") != "":
		secret := p.get("AZURE_CLIENT_SECRET")
		p.secret(secret)
		form.Set("client_secret", secret)
		via = "client secret of app " + client
	case p.get("AZURE_FEDERATED_TOKEN_FILE") != "":
		b, err := os.ReadFile(p.get("AZURE_FEDERATED_TOKEN_FILE"))
		if err != nil {
			return nil, fmt.Errorf("workload identity: AZURE_FEDERATED_TOKEN_FILE: %w", err)
		}
		assertion := strings.TrimSpace(string(b))
		p.secret(assertion)
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		form.Set("client_assertion", assertion)
		via = "workload identity of app " + client
	case p.idToken != nil:
		assertion, err := p.idToken(ctx, federatedAudience)
		if err != nil {
			return nil, fmt.Errorf("%s ID token for app %s: %w", p.ciName, client, err)
		}
		p.secret(assertion)
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		form.Set("client_assertion", assertion)
		via = p.ciName + " OIDC federated with app " + client
	default:
		return nil, errSkip
	}
	authority := p.get("AZURE_AUTHORITY_HOST")
	if authority == "" {
		authority = DefaultAuthorityHost
	}
	endpoint := strings.TrimSuffix(authority, "/") + "/" + url.PathEscape(tenant) + "/oauth2/v2.0/token"
	if err := credential.CheckURL(endpoint); err != nil {
		return nil, fmt.Errorf("AZURE_AUTHORITY_HOST: %w", err)
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("Entra ID token request: %w", err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "application/json")
	t, err := p.exchange(r, "Entra ID token endpoint")
	if err != nil {
		return nil, err
	}
	t.via = via
	if t.identity == "" {
		t.identity = "app " + client
	}
	return t, nil
}

// managedIdentity asks the App Service style endpoint.
func (p *provider) managedIdentity(ctx context.Context) (*token, error) {
	endpoint, header := p.get("IDENTITY_ENDPOINT"), p.get("IDENTITY_HEADER")
	if endpoint == "" || header == "" {
		return nil, errSkip
	}
	p.secret(header)
	u, err := url.Parse(endpoint)
	if err != nil || credential.CheckURL(endpoint) != nil {
		return nil, errors.New("managed identity: IDENTITY_ENDPOINT is not an https or loopback URL")
	}
	q := u.Query()
	q.Set("api-version", "2019-08-01")
	q.Set("resource", DevOpsResource)
	if id := p.get("AZURE_CLIENT_ID"); id != "" {
		q.Set("client_id", id)
	}
	u.RawQuery = q.Encode()
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("managed identity: %w", err)
	}
	r.Header.Set("X-IDENTITY-HEADER", header)
	t, err := p.exchange(r, "managed identity endpoint")
	if err != nil {
		return nil, err
	}
	t.via = "managed identity"
	return t, nil
}

// imds asks a virtual machine's instance metadata service.
func (p *provider) imds(ctx context.Context) (*token, error) {
	host := p.get("AZURE_POD_IDENTITY_AUTHORITY_HOST")
	if host == "" {
		host = DefaultIMDSHost
	}
	q := url.Values{"api-version": {"2018-02-01"}, "resource": {DevOpsResource}}
	if id := p.get("AZURE_CLIENT_ID"); id != "" {
		q.Set("client_id", id)
	}
	ctx, cancel := context.WithTimeout(ctx, p.imdsTimeout)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(host, "/")+"/metadata/identity/oauth2/token?"+q.Encode(), nil)
	if err != nil {
		return nil, errSkip
	}
	r.Header.Set("Metadata", "true")
	resp, err := p.client.Do(r)
	if err != nil {
		return nil, errSkip // no metadata service: not an Azure machine
	}
	t, err := p.decode(resp, "instance metadata service")
	if err != nil {
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusNotFound {
			return nil, errSkip // no identity assigned to this machine
		}
		return nil, err
	}
	t.via = "managed identity (instance metadata service)"
	return t, nil
}

// cli asks the Azure CLI for a token of the account it is logged in with.
func (p *provider) cli(ctx context.Context) (*token, error) {
	if p.run == nil {
		return nil, errSkip
	}
	out, err := p.run(ctx, "az", "account", "get-access-token", "--resource", DevOpsResource, "--output", "json")
	if errors.Is(err, exec.ErrNotFound) {
		return nil, errSkip
	}
	if err != nil {
		// The CLI's stderr says "Please run 'az login'" and the like;
		// nothing secret, but it is reported only by its exit.
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("az account get-access-token exited with status %d (run `az login`)", ee.ExitCode())
		}
		return nil, errors.New("az account get-access-token failed")
	}
	var v struct {
		AccessToken string `json:"accessToken"`
		ExpiresOn   int64  `json:"expires_on"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.AccessToken == "" {
		return nil, errors.New("az account get-access-token: no accessToken in its output")
	}
	t := &token{value: v.AccessToken, via: "Azure CLI login", identity: claimsOf(v.AccessToken), expires: expiryOf(v.AccessToken)}
	if v.ExpiresOn > 0 {
		t.expires = time.Unix(v.ExpiresOn, 0)
	}
	return t, nil
}

func (p *provider) exchange(r *http.Request, what string) (*token, error) {
	resp, err := p.client.Do(r)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return p.decode(resp, what)
}

// decode reads a token response: {"access_token", "expires_in" or
// "expires_on"} on success, {"error", "error_description"} on failure,
// whose code alone is reported (a description may quote the request).
func (p *provider) decode(resp *http.Response, what string) (*token, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var v struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
		ExpiresOn   json.RawMessage `json:"expires_on"`
		Error       string          `json:"error"`
	}
	_ = json.Unmarshal(body, &v)
	if resp.StatusCode != http.StatusOK || v.AccessToken == "" {
		if v.Error != "" {
			return nil, fmt.Errorf("%s answered %s: %s", what, resp.Status, v.Error)
		}
		return nil, fmt.Errorf("%s answered %s without a token", what, resp.Status)
	}
	t := &token{value: v.AccessToken, identity: claimsOf(v.AccessToken), expires: expiryOf(v.AccessToken)}
	if n := number(v.ExpiresOn); n > 0 {
		t.expires = time.Unix(n, 0)
	} else if n := number(v.ExpiresIn); n > 0 {
		t.expires = time.Now().Add(time.Duration(n) * time.Second)
	}
	return t, nil
}

// number reads a JSON number or a string holding one.
func number(raw json.RawMessage) int64 {
	s := strings.Trim(string(raw), `"`)
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// payload decodes a JWT's claims without verifying it: only to name who a
// token acts as, never to trust it.
func payload(tok string) map[string]any {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// claimsOf names the user or application an Entra ID token acts as.
func claimsOf(tok string) string {
	m := payload(tok)
	for _, k := range []string{"upn", "unique_name", "preferred_username", "email"} {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	for _, k := range []string{"appid", "azp", "oid", "sub"} {
		if s, ok := m[k].(string); ok && s != "" {
			return "app " + s
		}
	}
	return ""
}

func expiryOf(tok string) time.Time {
	if f, ok := payload(tok)["exp"].(float64); ok && f > 0 {
		return time.Unix(int64(f), 0)
	}
	return time.Time{}
}

var _ credential.Provider = (*provider)(nil)
