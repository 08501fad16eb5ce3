// Package gitlab is the credential provider for GitLab's package registry
// inside GitLab CI/CD: for a repository at
// <CI_SERVER_URL>/api/v4/projects/<id>/packages/pypi it sends the username
// "gitlab-ci-token" and the job's CI_JOB_TOKEN. Anywhere else (another
// GitLab server, a laptop) a deploy or personal token is given as for any
// index.
package gitlab

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// Source is the provider's source name in reports and pyup whoami.
const Source credential.Source = "gitlab-ci-job"

// Username is the username GitLab expects with a job token.
const Username = "gitlab-ci-token"

// pathRE matches a project's PyPI endpoint, its ID numeric or a URL-encoded
// path, under whatever relative URL the server is installed at.
var pathRE = regexp.MustCompile(`/api/v4/projects/[^/]+/packages/pypi(/.*)?$`)

// IsRegistryPath reports whether u's path is a GitLab project's PyPI
// package registry endpoint.
func IsRegistryPath(u *url.URL) bool { return pathRE.MatchString(u.EscapedPath()) }

// Option configures the provider.
type Option func(*provider)

// WithLookupEnv sets how the provider reads the environment (CI_JOB_TOKEN,
// CI_SERVER_URL, GITLAB_CI, CI_PROJECT_PATH, CI_JOB_ID). Default: nothing
// is set, so the provider never applies.
func WithLookupEnv(f func(string) (string, bool)) Option { return func(p *provider) { p.env = f } }

// New returns the GitLab CI job token provider.
func New(opts ...Option) credential.Provider {
	p := &provider{env: func(string) (string, bool) { return "", false }}
	for _, o := range opts {
		o(p)
	}
	return p
}

type provider struct{ env func(string) (string, bool) }

func (p *provider) get(k string) string {
	v, _ := p.env(k)
	return strings.TrimSpace(v)
}

func (*provider) Source() credential.Source { return Source }

func (p *provider) Applies(req credential.Request) (bool, string) {
	u, err := url.Parse(req.RepositoryURL)
	if err != nil || !IsRegistryPath(u) {
		return false, "not a GitLab project package registry URL (/api/v4/projects/<id>/packages/pypi)"
	}
	if p.get("GITLAB_CI") == "" || p.get("CI_JOB_TOKEN") == "" {
		return false, "not in a GitLab CI/CD job (no CI_JOB_TOKEN)"
	}
	server, err := url.Parse(p.get("CI_SERVER_URL"))
	if err != nil || server.Host == "" {
		return false, "CI_SERVER_URL is not set: cannot tell whether the registry is this job's GitLab"
	}
	if u.Scheme != "https" || !strings.EqualFold(u.Scheme, server.Scheme) || !strings.EqualFold(u.Host, server.Host) {
		return false, fmt.Sprintf("%s is not this job's GitLab server over https (%s)", hostOf(u), hostOf(server))
	}
	return true, ""
}

func hostOf(u *url.URL) string { return u.Scheme + "://" + u.Host }

func (p *provider) Resolve(_ context.Context, _ credential.Request) (*credential.Credential, credential.Outcome, error) {
	identity := "GitLab CI/CD job"
	if id := p.get("CI_JOB_ID"); id != "" {
		identity += " " + id
	}
	if proj := p.get("CI_PROJECT_PATH"); proj != "" {
		identity += " of " + proj
	}
	c := &credential.Credential{Username: Username, Password: credential.Secret(p.get("CI_JOB_TOKEN")),
		Detail: "env CI_JOB_TOKEN (GitLab CI/CD job token)", Identity: identity}
	return c, credential.Outcome{Status: credential.StatusUsed, Reason: "job token of " + identity}, nil
}

var _ credential.Provider = (*provider)(nil)
