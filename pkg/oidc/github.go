package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// GitHubActions gets ID tokens from the GitHub Actions token endpoint
// (ACTIONS_ID_TOKEN_REQUEST_URL, authenticated with
// ACTIONS_ID_TOKEN_REQUEST_TOKEN). It is detected by GITHUB_ACTIONS.
// Create it with [DefaultProviders].
type GitHubActions struct{ cfg *providerConfig }

var _ Provider = (*GitHubActions)(nil)

// Name returns "GitHub Actions".
func (*GitHubActions) Name() string { return "GitHub Actions" }

// Detect reports whether GITHUB_ACTIONS is set.
func (g *GitHubActions) Detect(context.Context) bool { return g.cfg.isSet("GITHUB_ACTIONS") }

const githubPermissionHint = "grant the publishing job `permissions: id-token: write` in the workflow"

// IDToken requests a fresh token for audience. When the request variables
// are absent, the error wraps [ErrIDTokenPermission], or [ErrForkPullRequest]
// when the event is a pull request from a fork.
func (g *GitHubActions) IDToken(ctx context.Context, audience string) (string, error) {
	reqURL := g.cfg.lookup("ACTIONS_ID_TOKEN_REQUEST_URL")
	reqToken := g.cfg.lookup("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	if reqURL == "" || reqToken == "" {
		return "", g.permissionError(reqURL == "", reqToken == "")
	}
	u, err := url.Parse(reqURL)
	if err != nil || u.Host == "" {
		return "", &ProviderError{Provider: g.Name(), Reason: "ACTIONS_ID_TOKEN_REQUEST_URL is not a valid URL"}
	}
	// An empty audience asks for GitHub's default one (the repository
	// owner's URL), as the Actions toolkit does.
	if audience != "" {
		q := u.Query()
		q.Set("audience", audience)
		u.RawQuery = q.Encode()
	}

	req, err := newRequest(ctx, "GET", u.String(), nil)
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "requesting an ID token", Err: err}
	}
	req.Header.Set("Authorization", "bearer "+reqToken)
	req.Header.Set("Accept", "application/json")
	body, err := do(g.cfg.client, req, "request ID token", reqToken)
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "requesting an ID token", Err: err}
	}
	tok, err := decodeField(body, "value")
	if err == nil {
		err = checkJWT(tok)
	}
	if err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: "token endpoint response", Err: err}
	}
	return tok, nil
}

func (g *GitHubActions) permissionError(noURL, noToken bool) error {
	var missing []string
	if noURL {
		missing = append(missing, "ACTIONS_ID_TOKEN_REQUEST_URL")
	}
	if noToken {
		missing = append(missing, "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	}
	reason := strings.Join(missing, " and ") + " not set: the job lacks `permissions: id-token: write`"
	if g.cfg.lookup("GITHUB_EVENT_NAME") != "pull_request" {
		return &ProviderError{Provider: g.Name(), Reason: reason, Hint: githubPermissionHint, Err: ErrIDTokenPermission}
	}
	fork, head, known := g.forkPullRequest()
	switch {
	case known && fork:
		return &ProviderError{
			Provider: g.Name(),
			Reason:   fmt.Sprintf("this pull_request run comes from the fork %s; GitHub gives pull requests from forks no OIDC token, even with `id-token: write`", head),
			Hint:     "publish from an event forks cannot trigger (a tag push, a release, workflow_dispatch)",
			Err:      ErrForkPullRequest,
		}
	case known:
		return &ProviderError{Provider: g.Name(), Reason: reason, Hint: githubPermissionHint, Err: ErrIDTokenPermission}
	default:
		return &ProviderError{
			Provider: g.Name(),
			Reason:   reason + " (or this is a pull request from a fork: pull requests from forks get no OIDC token)",
			Hint:     githubPermissionHint + "; publish from an event forks cannot trigger",
			Err:      ErrIDTokenPermission,
		}
	}
}

// forkPullRequest reads the event payload and reports whether the pull
// request's head repository differs from GITHUB_REPOSITORY (or is marked as
// a fork). known is false when the payload cannot be read.
func (g *GitHubActions) forkPullRequest() (fork bool, head string, known bool) {
	path := g.cfg.lookup("GITHUB_EVENT_PATH")
	if path == "" {
		return false, "", false
	}
	data, err := g.cfg.readFile(path)
	if err != nil {
		return false, "", false
	}
	var ev struct {
		PullRequest *struct {
			Head struct {
				Repo *struct {
					FullName string `json:"full_name"`
					Fork     bool   `json:"fork"`
				} `json:"repo"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(data, &ev); err != nil || ev.PullRequest == nil {
		return false, "", false
	}
	repo := ev.PullRequest.Head.Repo
	if repo == nil {
		// GitHub sends a null head repo when the fork was deleted.
		return true, "(a deleted fork)", true
	}
	self := g.cfg.lookup("GITHUB_REPOSITORY")
	if repo.Fork || (self != "" && repo.FullName != "" && !strings.EqualFold(repo.FullName, self)) {
		return true, repo.FullName, true
	}
	return false, repo.FullName, true
}
