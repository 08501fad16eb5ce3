// Package codeartifact is the credential provider for AWS CodeArtifact:
// for a repository on <domain>-<owner>.d.codeartifact.<region>.amazonaws.com
// it sends the username "aws" and a token from GetAuthorizationToken for
// that domain and owner, signed with the AWS default credential chain
// (environment, shared config and profiles, SSO, web identity such as
// GitHub OIDC to an IAM role, container and instance roles), as
// `aws codeartifact login` does. The SDK's own variables apply, among them
// AWS_PROFILE, AWS_ENDPOINT_URL_CODEARTIFACT and AWS_ENDPOINT_URL_STS.
package codeartifact

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/codeartifact"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// Source is the provider's source name in reports and pyup whoami.
const Source credential.Source = "aws-codeartifact"

// Username is the username CodeArtifact expects with an authorization token.
const Username = "aws"

// Repository is what the host of a CodeArtifact repository URL says.
type Repository struct {
	// Domain is the CodeArtifact domain.
	Domain string
	// Owner is the AWS account ID that owns the domain (12 digits).
	Owner string
	// Region is the AWS region ("eu-west-1").
	Region string
}

// hostRE matches <domain>-<owner>.d.codeartifact.<region>.amazonaws.com
// (and .amazonaws.com.cn): a domain is 2 to 50 lower-case letters, digits
// and hyphens starting with a letter, an owner 12 digits.
var hostRE = regexp.MustCompile(`^([a-z][a-z0-9-]{0,48}[a-z0-9])-([0-9]{12})\.d\.codeartifact\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)

// ParseHost returns the domain, owner and region of an https repository
// URL on a CodeArtifact host, or false for any other URL.
func ParseHost(repositoryURL string) (Repository, bool) {
	host, ok := credential.HTTPSHost(repositoryURL)
	if !ok {
		return Repository{}, false
	}
	m := hostRE.FindStringSubmatch(host)
	if m == nil {
		return Repository{}, false
	}
	return Repository{Domain: m[1], Owner: m[2], Region: m[3]}, true
}

// Option configures the provider.
type Option func(*provider)

// WithHTTPClient sets the client for STS, CodeArtifact and the credential
// chain's own requests. Default: the SDK's.
func WithHTTPClient(c *http.Client) Option { return func(p *provider) { p.client = c } }

// WithOnSecret sets a hook that receives the AWS secret access key and
// session token the chain finds, so that the caller can scrub them from
// its output. Default: none.
func WithOnSecret(f func(secret string)) Option { return func(p *provider) { p.onSecret = f } }

// WithCIRole makes the provider assume roleARN (AWS_ROLE_ARN) with the CI's
// own ID token (audience sts.amazonaws.com) when the environment names a
// role but no web identity token file: in GitHub Actions, AWS_ROLE_ARN is
// then all it takes, without a separate step to configure AWS credentials.
// ci names the CI; idToken fetches a fresh ID token. An empty roleARN or a
// nil idToken leaves the AWS chain alone. Default: none.
func WithCIRole(roleARN, ci string, idToken func(ctx context.Context, audience string) (string, error)) Option {
	return func(p *provider) { p.roleARN, p.ciName, p.idToken = roleARN, ci, idToken }
}

// STSAudience is the audience AWS STS expects in a web identity token.
const STSAudience = "sts.amazonaws.com"

// WithConfigOptions adds options for config.LoadDefaultConfig (a profile,
// a credentials provider in tests). Default: none: the environment and
// shared files decide, as for the AWS CLI.
func WithConfigOptions(opts ...func(*config.LoadOptions) error) Option {
	return func(p *provider) { p.cfgOpts = append(p.cfgOpts, opts...) }
}

// New returns the CodeArtifact provider.
func New(opts ...Option) credential.Provider {
	p := &provider{}
	for _, o := range opts {
		o(p)
	}
	return p
}

type provider struct {
	client   *http.Client
	onSecret func(string)
	cfgOpts  []func(*config.LoadOptions) error
	roleARN  string
	ciName   string
	idToken  func(ctx context.Context, audience string) (string, error)
}

func (*provider) Source() credential.Source { return Source }

func (*provider) Applies(req credential.Request) (bool, string) {
	if _, ok := ParseHost(req.RepositoryURL); !ok {
		return false, "not an AWS CodeArtifact host (https://<domain>-<owner>.d.codeartifact.<region>.amazonaws.com)"
	}
	return true, ""
}

func (p *provider) Resolve(ctx context.Context, req credential.Request) (*credential.Credential, credential.Outcome, error) {
	repo, _ := ParseHost(req.RepositoryURL)
	opts := []func(*config.LoadOptions) error{config.WithRegion(repo.Region)}
	if p.client != nil {
		opts = append(opts, config.WithHTTPClient(p.client))
	}
	cfg, err := config.LoadDefaultConfig(ctx, append(opts, p.cfgOpts...)...)
	if err != nil {
		return nil, failed("AWS configuration: %s", summarize(err)), nil
	}
	if p.roleARN != "" && p.idToken != nil {
		// The CI's ID token for the role, fetched fresh by the SDK whenever
		// it (re)assumes the role.
		retriever := ciToken{ctx: ctx, fetch: p.idToken, onSecret: p.secret}
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(cfg), p.roleARN, retriever,
			func(o *stscreds.WebIdentityRoleOptions) {
				o.RoleSessionName = "pyup-" + strings.ReplaceAll(p.ciName, " ", "-")
			}))
	}
	keys, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, credential.Outcome{Status: credential.StatusNotFound,
			Reason: "no AWS credentials (environment, profile, SSO, web identity, container or instance role): " + summarize(err)}, nil
	}
	p.secret(keys.SecretAccessKey)
	p.secret(keys.SessionToken)

	out, err := codeartifact.NewFromConfig(cfg).GetAuthorizationToken(ctx, &codeartifact.GetAuthorizationTokenInput{
		Domain: aws.String(repo.Domain), DomainOwner: aws.String(repo.Owner)})
	if err != nil {
		return nil, failed("GetAuthorizationToken for domain %s (owner %s): %s", repo.Domain, repo.Owner, summarize(err)), nil
	}
	token := aws.ToString(out.AuthorizationToken)
	if token == "" {
		return nil, failed("GetAuthorizationToken returned an empty token"), nil
	}
	// Who the token acts as: not needed for the upload, so a refused
	// GetCallerIdentity only leaves the identity unknown.
	identity := ""
	if id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
		identity = aws.ToString(id.Arn)
	}
	c := &credential.Credential{Username: Username, Password: credential.Secret(token),
		Detail:   fmt.Sprintf("AWS CodeArtifact domain %s (owner %s, %s) via %s", repo.Domain, repo.Owner, repo.Region, keys.Source),
		Identity: identity}
	if out.Expiration != nil {
		c.Expires = *out.Expiration
	}
	who := identity
	if who == "" {
		who = "an unknown identity"
	}
	return c, credential.Outcome{Status: credential.StatusUsed,
		Reason: fmt.Sprintf("authorization token for domain %s as %s", repo.Domain, who)}, nil
}

// ciToken hands the SDK the CI's ID token for STS.
type ciToken struct {
	ctx      context.Context
	fetch    func(ctx context.Context, audience string) (string, error)
	onSecret func(string)
}

func (t ciToken) GetIdentityToken() ([]byte, error) {
	tok, err := t.fetch(t.ctx, STSAudience)
	if err != nil {
		return nil, err
	}
	t.onSecret(tok)
	return []byte(tok), nil
}

func (p *provider) secret(s string) {
	if s != "" && p.onSecret != nil {
		p.onSecret(s)
	}
}

func failed(format string, args ...any) credential.Outcome {
	return credential.Outcome{Status: credential.StatusFailed, Reason: fmt.Sprintf(format, args...)}
}

// summarize keeps an AWS error's code and message (never a secret: the
// SDK puts no credential in its errors) on one bounded line.
func summarize(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if len(msg) > 400 {
		msg = msg[:400] + "…"
	}
	return msg
}

var _ credential.Provider = (*provider)(nil)
