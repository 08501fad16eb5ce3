package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
)

// GoogleCloud gets ID tokens from the Google Compute Engine metadata
// server, or, when GOOGLE_SERVICE_ACCOUNT_NAME is set, by impersonating
// that service account through IAM Credentials' generateIdToken with the
// metadata server's access token. Create it with [DefaultProviders].
//
// It is detected (cheaply) when GOOGLE_SERVICE_ACCOUNT_NAME or
// GCE_METADATA_HOST is set or the DMI product name is "Google" or "Google
// Compute Engine" (as di/id does); as a [Prober] it also asks the metadata
// server, with a short timeout, when no other provider matched (Cloud Run
// and Cloud Build expose the metadata server without the DMI file).
type GoogleCloud struct{ cfg *providerConfig }

var _ Prober = (*GoogleCloud)(nil)

const gceProductNameFile = "/sys/class/dmi/id/product_name"

// Name returns "Google Cloud".
func (*GoogleCloud) Name() string { return "Google Cloud" }

// Detect reports whether the environment variables or the DMI product name
// say this is Google Cloud. It makes no network request.
func (g *GoogleCloud) Detect(context.Context) bool {
	if g.cfg.isSet("GOOGLE_SERVICE_ACCOUNT_NAME") || g.cfg.isSet("GCE_METADATA_HOST") {
		return true
	}
	data, err := g.cfg.readFile(gceProductNameFile)
	if err != nil {
		return false
	}
	switch strings.TrimSpace(string(data)) {
	case "Google", "Google Compute Engine":
		return true
	}
	return false
}

// Probe asks the metadata server's root with the Metadata-Flavor header,
// bounded by the probe timeout, and checks that it answers as Google's does.
func (g *GoogleCloud) Probe(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.probeTimeout)
	defer cancel()
	req, err := newRequest(ctx, "GET", "http://"+g.host()+"/computeMetadata/v1/", nil)
	if err != nil {
		return false
	}
	req.Header.Set("Metadata-Flavor", "Google")
	resp, err := g.cfg.client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == 200 && resp.Header.Get("Metadata-Flavor") == "Google"
}

func (g *GoogleCloud) host() string {
	if g.cfg.gceHost != "" {
		return g.cfg.gceHost
	}
	if h := g.cfg.lookup("GCE_METADATA_HOST"); h != "" {
		return h
	}
	return "metadata"
}

func (g *GoogleCloud) metadataURL(path string, q url.Values) string {
	u := url.URL{Scheme: "http", Host: g.host(), Path: "/computeMetadata/v1/instance/service-accounts/default/" + path, RawQuery: q.Encode()}
	return u.String()
}

// IDToken returns an identity token for audience in the "full" format.
func (g *GoogleCloud) IDToken(ctx context.Context, audience string) (string, error) {
	if sa := g.cfg.lookup("GOOGLE_SERVICE_ACCOUNT_NAME"); sa != "" {
		return g.impersonate(ctx, sa, audience)
	}
	req, err := newRequest(ctx, "GET", g.metadataURL("identity", url.Values{"audience": {audience}, "format": {"full"}}), nil)
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "requesting an identity token", Err: err}
	}
	req.Header.Set("Metadata-Flavor", "Google")
	body, err := do(g.cfg.client, req, "request identity token")
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "requesting an identity token from the metadata server", Err: err}
	}
	tok := strings.TrimSpace(string(body))
	if err := checkJWT(tok); err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "metadata server response", Err: err}
	}
	return tok, nil
}

func (g *GoogleCloud) impersonate(ctx context.Context, account, audience string) (string, error) {
	req, err := newRequest(ctx, "GET", g.metadataURL("token", url.Values{"scopes": {"https://www.googleapis.com/auth/cloud-platform"}}), nil)
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "requesting an access token", Err: err}
	}
	req.Header.Set("Metadata-Flavor", "Google")
	body, err := do(g.cfg.client, req, "request access token")
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "requesting an access token from the metadata server", Err: err}
	}
	access, err := decodeField(body, "access_token")
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "metadata server access token response", Err: err}
	}

	payload, err := json.Marshal(map[string]any{"audience": audience, "includeEmail": true})
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "encoding generateIdToken request", Err: err}
	}
	endpoint := g.cfg.iamURL + "/v1/projects/-/serviceAccounts/" + url.PathEscape(account) + ":generateIdToken"
	req, err = newRequest(ctx, "POST", endpoint, bytes.NewReader(payload))
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "impersonating " + account, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("Content-Type", "application/json")
	body, err = do(g.cfg.client, req, "generateIdToken", access)
	if err != nil {
		return "", &ProviderError{
			Provider: g.Name(),
			Reason:   "impersonating " + account,
			Hint:     "the VM's service account needs roles/iam.serviceAccountTokenCreator on " + account,
			Err:      err,
		}
	}
	tok, err := decodeField(body, "token")
	if err == nil {
		err = checkJWT(tok)
	}
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "generateIdToken response", Err: err}
	}
	return tok, nil
}
