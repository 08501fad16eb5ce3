package attest

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
)

// OIDC issuers of the identities PyPI's trusted publishers sign with.
const (
	GitHubIssuer = "https://token.actions.githubusercontent.com"
	GitLabIssuer = "https://gitlab.com"
	GoogleIssuer = "https://accounts.google.com"
)

// Policy says whose signature an attestation must carry: what its signing
// certificate's identity (subject alternative name), OIDC issuer and
// Fulcio claims must be. Build one with GitHubPolicy, GitLabPolicy,
// GooglePolicy, IdentityPolicy, RepositoryPolicy or PublisherPolicy;
// combine with AllOf.
type Policy interface {
	// String describes the policy for messages: "GitHub repository
	// owner/repo, workflow release.yml".
	String() string
	// check returns nil when the certificate satisfies the policy, else an
	// identity *VerificationError saying what was expected and what the
	// certificate holds.
	check(c certificate.Summary) error
}

func identityErr(expected, got string) error {
	return &VerificationError{Check: CheckIdentity, Msg: fmt.Sprintf("expected %s, got %s", expected, got)}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func checkIssuer(c certificate.Summary, want string) error {
	if c.Issuer != want {
		return identityErr("OIDC issuer "+want, orNone(c.Issuer))
	}
	return nil
}

// GitHubPolicy requires a signature by a GitHub Actions workflow of
// repository ("OWNER/REPO", compared ignoring case as GitHub does), as
// PyPI's GitHub trusted publisher does: the
// issuer is GitHub Actions, the certificate's source repository is
// https://github.com/OWNER/REPO, and its build config (the workflow that
// started the run) is https://github.com/OWNER/REPO/.github/workflows/FILE@X
// where X is the certificate's source digest or ref. workflow pins FILE
// ("release.yml"); "" accepts any workflow file of the repository.
func GitHubPolicy(repository, workflow string) (Policy, error) {
	if err := checkSlug(repository, false); err != nil {
		return nil, fmt.Errorf("GitHub repository %q: %w", repository, err)
	}
	if strings.ContainsAny(workflow, "/@") {
		return nil, fmt.Errorf("GitHub workflow %q: want a file name in .github/workflows, such as release.yml", workflow)
	}
	return githubPolicy{repo: repository, workflow: workflow}, nil
}

type githubPolicy struct{ repo, workflow string }

func (p githubPolicy) String() string {
	s := "GitHub repository " + p.repo
	if p.workflow != "" {
		s += ", workflow " + p.workflow
	}
	return s
}

func (p githubPolicy) check(c certificate.Summary) error {
	if err := checkIssuer(c, GitHubIssuer); err != nil {
		return err
	}
	// GitHub's owner and repository names are case-insensitive (one
	// repository has one name whatever the case); a user's --repository
	// need not match the case the certificate records.
	repoURL := "https://github.com/" + p.repo
	if !strings.EqualFold(c.SourceRepositoryURI, repoURL) {
		return identityErr("source repository "+repoURL, orNone(c.SourceRepositoryURI))
	}
	prefix := repoURL + "/.github/workflows/"
	if c.SourceRepositoryDigest == "" && c.SourceRepositoryRef == "" {
		return identityErr("a source repository digest or ref in the certificate", "neither")
	}
	for _, at := range []string{c.SourceRepositoryDigest, c.SourceRepositoryRef} {
		if at == "" || len(c.BuildConfigURI) < len(prefix) || !strings.EqualFold(c.BuildConfigURI[:len(prefix)], prefix) {
			continue
		}
		file := c.BuildConfigURI[len(prefix):]
		file, ok := strings.CutSuffix(file, "@"+at)
		if ok && file != "" && !strings.Contains(file, "/") && (p.workflow == "" || file == p.workflow) {
			return nil
		}
	}
	want := "a workflow of " + repoURL
	if p.workflow != "" {
		want = "workflow " + prefix + p.workflow
	}
	return identityErr(want, orNone(c.BuildConfigURI))
}

// GitLabPolicy requires a signature by a GitLab CI/CD pipeline of project
// ("GROUP/[SUBGROUP/...]PROJECT") on gitlab.com, as PyPI's GitLab trusted
// publisher does: the issuer is https://gitlab.com, the source repository
// is https://gitlab.com/PROJECT, and the build config is
// https://gitlab.com/PROJECT//PATH@X where X is the source digest or ref.
// ciFile pins PATH (".gitlab-ci.yml"); "" accepts any CI file of the project.
func GitLabPolicy(project, ciFile string) (Policy, error) {
	if err := checkSlug(project, true); err != nil {
		return nil, fmt.Errorf("GitLab project %q: %w", project, err)
	}
	if strings.Contains(ciFile, "@") || strings.HasPrefix(ciFile, "/") {
		return nil, fmt.Errorf("GitLab CI file %q: want a path in the repository, such as .gitlab-ci.yml", ciFile)
	}
	return gitlabPolicy{project: project, ciFile: ciFile}, nil
}

type gitlabPolicy struct{ project, ciFile string }

func (p gitlabPolicy) String() string {
	s := "GitLab project " + p.project
	if p.ciFile != "" {
		s += ", CI file " + p.ciFile
	}
	return s
}

func (p gitlabPolicy) check(c certificate.Summary) error {
	if err := checkIssuer(c, GitLabIssuer); err != nil {
		return err
	}
	repoURL := "https://gitlab.com/" + p.project
	if c.SourceRepositoryURI != repoURL {
		return identityErr("source repository "+repoURL, orNone(c.SourceRepositoryURI))
	}
	// PyPI's GitLab policy requires both claims.
	if c.SourceRepositoryDigest == "" || c.SourceRepositoryRef == "" {
		return identityErr("a source repository digest and ref in the certificate", "a certificate without them")
	}
	prefix := repoURL + "//"
	for _, at := range []string{c.SourceRepositoryDigest, c.SourceRepositoryRef} {
		file, ok := strings.CutPrefix(c.BuildConfigURI, prefix)
		if !ok {
			continue
		}
		file, ok = strings.CutSuffix(file, "@"+at)
		if ok && file != "" && (p.ciFile == "" || file == p.ciFile) {
			return nil
		}
	}
	want := "a CI file of " + repoURL
	if p.ciFile != "" {
		want = "CI file " + prefix + p.ciFile
	}
	return identityErr(want, orNone(c.BuildConfigURI))
}

// GooglePolicy requires a signature by the Google Cloud service account
// email, as PyPI's Google trusted publisher does: the certificate's
// identity is email and the issuer https://accounts.google.com.
func GooglePolicy(email string) (Policy, error) {
	if _, err := mail.ParseAddress(email); err != nil || strings.ContainsAny(email, "<> ") {
		return nil, fmt.Errorf("Google service account %q: not an email address", email)
	}
	return identityPolicy{san: email, issuer: GoogleIssuer}, nil
}

// IdentityPolicy requires the certificate's identity (its subject
// alternative name: an email address or a URI) to equal san exactly, and
// its OIDC issuer to equal issuer. An empty issuer is derived from san: a
// https://github.com/ workflow URI needs GitHub Actions' issuer, a
// https://gitlab.com/ URI GitLab's; any other identity, such as an email
// address, accepts whichever issuer the trusted root's certificate
// authority vouched for.
func IdentityPolicy(san, issuer string) (Policy, error) {
	if san == "" {
		return nil, fmt.Errorf("empty identity")
	}
	if issuer == "" {
		switch {
		case strings.HasPrefix(san, "https://github.com/"):
			issuer = GitHubIssuer
		case strings.HasPrefix(san, "https://gitlab.com/"):
			issuer = GitLabIssuer
		}
	}
	return identityPolicy{san: san, issuer: issuer}, nil
}

type identityPolicy struct{ san, issuer string }

func (p identityPolicy) String() string {
	s := "identity " + p.san
	if p.issuer != "" {
		s += " (issuer " + p.issuer + ")"
	}
	return s
}

func (p identityPolicy) check(c certificate.Summary) error {
	if c.SubjectAlternativeName != p.san {
		return identityErr("identity "+p.san, orNone(c.SubjectAlternativeName))
	}
	if p.issuer != "" {
		return checkIssuer(c, p.issuer)
	}
	return nil
}

// RepositoryPolicy is GitHubPolicy or GitLabPolicy for a repository's web
// URL: https://github.com/OWNER/REPO or https://gitlab.com/GROUP/PROJECT
// (a trailing slash or ".git" is ignored). workflow pins the workflow file
// (GitHub) or CI file path (GitLab); "" accepts any.
func RepositoryPolicy(repoURL, workflow string) (Policy, error) {
	u, err := url.Parse(repoURL)
	if err != nil || u.Scheme != "https" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Port() != "" {
		return nil, fmt.Errorf("repository %q: want https://github.com/OWNER/REPO or https://gitlab.com/GROUP/PROJECT", repoURL)
	}
	slug := strings.TrimSuffix(strings.TrimSuffix(strings.Trim(u.Path, "/"), ".git"), "/")
	switch strings.ToLower(u.Host) {
	case "github.com":
		return GitHubPolicy(slug, workflow)
	case "gitlab.com":
		return GitLabPolicy(slug, workflow)
	}
	return nil, fmt.Errorf("repository %q: only github.com and gitlab.com repositories are known; use --identity for others", repoURL)
}

// checkSlug accepts OWNER/REPO, or with nested, GROUP/SUB/.../PROJECT.
func checkSlug(s string, nested bool) error {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || (!nested && len(parts) != 2) {
		if nested {
			return fmt.Errorf("want GROUP/PROJECT")
		}
		return fmt.Errorf("want OWNER/REPO")
	}
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return fmt.Errorf("empty or relative path segment")
		}
		for _, r := range p {
			if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return fmt.Errorf("character %q not allowed", r)
			}
		}
	}
	return nil
}

// AllOf requires every policy to hold; the first that does not decides the
// error.
func AllOf(ps ...Policy) Policy { return allOf(ps) }

type allOf []Policy

func (a allOf) String() string {
	s := make([]string, len(a))
	for i, p := range a {
		s[i] = p.String()
	}
	return strings.Join(s, " and ")
}

func (a allOf) check(c certificate.Summary) error {
	for _, p := range a {
		if err := p.check(c); err != nil {
			return err
		}
	}
	return nil
}

// Publisher is the trusted publisher an index records for a file's
// attestations: the "publisher" of an attestation bundle in PyPI's
// integrity API.
type Publisher struct {
	// Kind is "GitHub", "GitLab" or "Google".
	Kind string `json:"kind"`
	// Repository is OWNER/REPO (GitHub) or GROUP/PROJECT (GitLab).
	Repository string `json:"repository,omitempty"`
	// Workflow is the GitHub workflow file name.
	Workflow string `json:"workflow,omitempty"`
	// WorkflowFilepath is the GitLab CI file path.
	WorkflowFilepath string `json:"workflow_filepath,omitempty"`
	// Environment is the deployment environment, if the publisher names
	// one. Certificates do not carry it, so it is not checked.
	Environment string `json:"environment,omitempty"`
	// Email is the Google service account.
	Email string `json:"email,omitempty"`
}

// PublisherPolicy returns the policy PyPI's verifier applies to a
// publisher: GitHubPolicy(repository, workflow),
// GitLabPolicy(repository, workflow_filepath) or GooglePolicy(email). The
// workflow is required for GitHub and GitLab, as PyPI records it. An
// unknown kind is an error.
func PublisherPolicy(p Publisher) (Policy, error) {
	switch p.Kind {
	case "GitHub":
		if p.Workflow == "" {
			return nil, fmt.Errorf("GitHub publisher without a workflow")
		}
		return GitHubPolicy(p.Repository, p.Workflow)
	case "GitLab":
		if p.WorkflowFilepath == "" {
			return nil, fmt.Errorf("GitLab publisher without a workflow_filepath")
		}
		return GitLabPolicy(p.Repository, p.WorkflowFilepath)
	case "Google":
		return GooglePolicy(p.Email)
	}
	return nil, fmt.Errorf("unknown publisher kind %q", p.Kind)
}
