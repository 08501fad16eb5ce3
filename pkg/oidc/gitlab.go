package oidc

import (
	"context"
	"fmt"
	"strings"
)

// GitLabCI reads the ID token GitLab CI/CD puts in the environment variable
// named by [GitLabTokenVar] when the job declares it under `id_tokens:`.
// It is detected by GITLAB_CI. Create it with [DefaultProviders].
type GitLabCI struct{ cfg *providerConfig }

var _ Provider = (*GitLabCI)(nil)

// Name returns "GitLab CI/CD".
func (*GitLabCI) Name() string { return "GitLab CI/CD" }

// Detect reports whether GITLAB_CI is set.
func (g *GitLabCI) Detect(context.Context) bool { return g.cfg.isSet("GITLAB_CI") }

// IDToken returns the token in <AUD>_ID_TOKEN. GitLab mints it when the job
// starts, so every call in one job returns the same token: one job can
// exchange it once. A missing variable yields an error wrapping
// [ErrIDTokenPermission] whose hint is the YAML to declare.
func (g *GitLabCI) IDToken(_ context.Context, audience string) (string, error) {
	name := GitLabTokenVar(audience)
	tok := strings.TrimSpace(g.cfg.lookup(name))
	if tok == "" {
		return "", &ProviderError{
			Provider: g.Name(),
			Reason:   fmt.Sprintf("%s is not set: declare it under `id_tokens:` in .gitlab-ci.yml with `aud: %s`", name, audience),
			Hint:     fmt.Sprintf("in the publishing job of .gitlab-ci.yml add:\n  id_tokens:\n    %s:\n      aud: %s", name, audience),
			Err:      ErrIDTokenPermission,
		}
	}
	if err := checkJWT(tok); err != nil {
		return "", &ProviderError{Provider: g.Name(), Reason: name + " does not hold an ID token", Err: err}
	}
	return tok, nil
}

// GitLabTokenVar returns the environment variable that holds a GitLab ID
// token for audience: the audience upper-cased, every character other than
// A-Z, 0-9 and _ replaced by _, a leading digit replaced by _, then
// "_ID_TOKEN" ("pypi" -> "PYPI_ID_TOKEN"). This is di/id's convention.
func GitLabTokenVar(audience string) string {
	b := []byte(strings.ToUpper(audience))
	for i, c := range b {
		ok := c == '_' || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			b[i] = '_'
		}
	}
	return string(b) + "_ID_TOKEN"
}
