package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/ci"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/pkg/oidc"
	pkgupload "github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
	"github.com/pyup-dev/pyup/pkg/upload/credential/artifactory"
	"github.com/pyup-dev/pyup/pkg/upload/credential/azure"
	"github.com/pyup-dev/pyup/pkg/upload/credential/codeartifact"
	"github.com/pyup-dev/pyup/pkg/upload/credential/gcp"
	"github.com/pyup-dev/pyup/pkg/upload/credential/gitlab"
)

// CredFlags are the flags shared by every command that needs a credential.
type CredFlags struct {
	Username          string
	Password          string
	NonInteractive    bool
	NoKeyring         bool
	TrustedPublishing string
	OIDCAudience      string
	// KeyringProvider is auto (the OS keyring), subprocess (the keyring
	// command) or disabled.
	KeyringProvider string
	// ArtifactoryOIDCProvider and ArtifactoryOIDCAudience configure the
	// JFrog OIDC exchange.
	ArtifactoryOIDCProvider string
	ArtifactoryOIDCAudience string
}

// AddCredentialFlags binds the credential flags to fs.
func (c *CredFlags) AddCredentialFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&c.Username, "username", "u", credential.TokenUsername, "Username (keep __token__ for API tokens)")
	fs.StringVarP(&c.Password, "password", "p", "", "Password or API token (prefer PYUP_PASSWORD or TWINE_PASSWORD: flags show up in process lists)")
	fs.BoolVar(&c.NonInteractive, "non-interactive", false, "Never prompt; fail when no credential is found")
	fs.BoolVar(&c.NoKeyring, "no-keyring", false, "Do not read credentials from the OS keyring")
	fs.StringVar(&c.TrustedPublishing, "trusted-publishing", "auto", "Trusted publishing (OIDC from CI): auto, always or never")
	fs.StringVar(&c.OIDCAudience, "oidc-audience", "", "Audience of the ID token trusted publishing may send to an index other than PyPI or TestPyPI (it must equal the one the index asks for)")
	fs.StringVar(&c.KeyringProvider, "keyring-provider", "auto", "Keyring to read passwords from: auto (the OS keyring), subprocess (run Python's `keyring get URL USERNAME`, so keyring plugins work) or disabled")
	fs.StringVar(&c.ArtifactoryOIDCProvider, "artifactory-oidc-provider", "", "JFrog Platform OIDC provider name: exchange the CI's ID token for an Artifactory access token (.pypirc: artifactory_oidc_provider)")
	fs.StringVar(&c.ArtifactoryOIDCAudience, "artifactory-oidc-audience", "", "Audience of the ID token sent to JFrog (default: the CI's default audience; .pypirc: artifactory_oidc_audience)")
}

// keyringMode parses --keyring-provider.
func (c *CredFlags) keyringMode() (string, error) {
	switch m := strings.ToLower(strings.TrimSpace(c.KeyringProvider)); m {
	case "", "auto":
		return "auto", nil
	case "subprocess", "disabled":
		return m, nil
	}
	return "", &FlagError{Err: fmt.Errorf("--keyring-provider: invalid value %q (want auto, subprocess or disabled)", c.KeyringProvider)}
}

// Audience returns the ID-token audience the user accepts for t: the
// --oidc-audience flag (or PYUP_OIDC_AUDIENCE), else the .pypirc section's
// oidc_audience, else "".
func (c *CredFlags) Audience(t *Target) string {
	if c.OIDCAudience != "" {
		return c.OIDCAudience
	}
	return t.Config.OIDCAudience
}

// ResolveTarget resolves rf's target (a config file named by flag or
// environment must exist) and, when judge is true, refuses one no
// credential may be sent to.
func ResolveTarget(rf *RepoFlags, sources config.Sources, judge bool) (*Target, error) {
	t, err := rf.Resolve(sources.Given("config-file"))
	if err != nil {
		return nil, err
	}
	if judge {
		if err := t.Judge(); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// ErrOffline is the trusted-publishing failure of a Remote made Offline:
// the CI provider was detected, the exchange skipped.
var ErrOffline = errors.New("exchange skipped (--offline)")

// RemoteOptions are what a command says about its Remote.
type RemoteOptions struct {
	// Creds are the command's credential flags.
	Creds *CredFlags
	// Sources say which flags the user gave (config.Apply).
	Sources config.Sources
	// Verbose logs each request to ErrOut.
	Verbose bool
	// Offline lets trusted publishing detect the CI provider but never
	// exchange: Resolve then fails with an error matching ErrOffline.
	Offline bool
}

// Remote is what a command needs to act as the user on one index: the
// judged target, the CI environment, the transport options, and, built on
// first use, the HTTP client, the trusted publisher and the credential
// resolution. Get one from Factory.Remote.
type Remote struct {
	// Target is the index, already judged (Target.Judge).
	Target *Target
	// CI is the CI environment (step summary, masking, sections).
	CI *ci.Env
	// HTTPOptions are the transport options for Target (HTTPOptions).
	HTTPOptions []pkgupload.Option

	f    *Factory
	opts RemoteOptions

	once      sync.Once
	cloudOnce sync.Once
	cloud     *http.Client
	client    *http.Client
	publisher *credential.OIDCPublisher
	err       error
}

// Remote resolves and judges the target of rf, before any credential is
// looked for, and returns what the command needs to talk to it. Nothing is
// loaded (certificates) or asked (network, keyring) yet.
func (f *Factory) Remote(rf *RepoFlags, opts RemoteOptions) (*Remote, error) {
	t, err := ResolveTarget(rf, opts.Sources, true)
	if err != nil {
		return nil, err
	}
	if opts.Creds == nil {
		opts.Creds = &CredFlags{TrustedPublishing: "auto"}
	}
	return &Remote{Target: t, CI: DetectCI(f), HTTPOptions: HTTPOptions(t, opts.Verbose, f.IOStreams.ErrOut), f: f, opts: opts}, nil
}

func (r *Remote) build() {
	r.once.Do(func() {
		r.client, r.err = HTTPClient(r.HTTPOptions)
		if r.err != nil {
			return
		}
		errOut := r.f.IOStreams.ErrOut
		r.publisher = NewTrustedPublisher(r.f, r.client, r.opts.Creds.Audience(r.Target), func(token string) { r.CI.Mask(errOut, token) })
	})
}

// HTTPClient returns the client for the small JSON exchanges around an
// upload (HTTPClient), built on first use.
func (r *Remote) HTTPClient() (*http.Client, error) {
	r.build()
	return r.client, r.err
}

// TrustedPublisher returns the trusted publisher for Target, exchanging
// through HTTPClient, built on first use; whoami reads its provider and
// claims after Resolve.
func (r *Remote) TrustedPublisher() (*credential.OIDCPublisher, error) {
	r.build()
	return r.publisher, r.err
}

// Resolve finds the credential for Target: the request from the flags, the
// environment and the target, asked of the providers in order. Every
// password the user gave, and every credential found, joins the run's
// secrets first. Errors other than the client's are the resolver's; map
// them with CredentialError.
func (r *Remote) Resolve(ctx context.Context) (*credential.Credential, *credential.Report, error) {
	tp, err := r.TrustedPublisher()
	if err != nil {
		return nil, nil, err
	}
	req, err := r.request()
	if err != nil {
		return nil, nil, err
	}
	var publisher credential.TrustedPublisher = tp
	if r.opts.Offline {
		publisher = offlinePublisher{tp}
	}
	res := credential.NewResolver(
		credential.WithOnSecret(r.f.IOStreams.Secrets().AddBasic),
		credential.WithProviders(r.credentialProviders(publisher)...),
	)
	return res.Resolve(ctx, req)
}

// credentialProviders is the one list of places pyup looks for a
// credential, in the order it asks them. A provider is one line here.
// Each private index's provider chooses itself by the repository URL's
// host alone, after explicit credentials and before the keyring.
func (r *Remote) credentialProviders(tp credential.TrustedPublisher) []credential.Provider {
	f, cloud, secret := r.f, r.cloudClient(), r.f.IOStreams.Secrets().Add
	return []credential.Provider{
		credential.Explicit(),
		credential.TrustedPublishing(tp),
		gcp.New(gcp.WithHTTPClient(cloud), gcp.WithOnSecret(secret)),
		codeartifact.New(codeartifact.WithHTTPClient(cloud), codeartifact.WithOnSecret(secret), r.awsCIRole()),
		azure.New(azure.WithLookupEnv(f.LookupEnv), azure.WithHTTPClient(cloud), azure.WithCommandRunner(runner(oidc.ExecCommand)),
			azure.WithIDToken(r.ciIDToken()), azure.WithOnSecret(secret)),
		gitlab.New(gitlab.WithLookupEnv(f.LookupEnv)),
		artifactory.New(artifactory.WithProviderName(r.artifactoryProvider()), artifactory.WithAudience(r.artifactoryAudience()),
			artifactory.WithIDToken(r.artifactoryIDToken), artifactory.WithHTTPClient(r.client), artifactory.WithOnSecret(secret)),
		credential.FromKeyring(r.keyringStore()),
		credential.FromKeyringCommand(r.keyringCommand()),
		credential.FromPrompt(f.prompt),
	}
}

func runner(run oidc.CommandRunner) credential.CommandRunner { return credential.CommandRunner(run) }

// keyringStore is the OS keyring unless --keyring-provider chose another.
func (r *Remote) keyringStore() *credential.KeyringStore {
	if m, _ := r.opts.Creds.keyringMode(); m != "auto" {
		return nil
	}
	return r.f.KeyringStore()
}

// keyringCommand runs Python's keyring command with --keyring-provider
// subprocess, else nil.
func (r *Remote) keyringCommand() credential.CommandRunner {
	if m, _ := r.opts.Creds.keyringMode(); m != "subprocess" {
		return nil
	}
	return runner(oidc.ExecCommand)
}

// cloudClient is the client for a cloud's token services: the user agent
// and --verbose log of every request, but not the repository's own CA
// bundle or client certificate, which are the index's, not the cloud's;
// plain http only to loopback and link-local addresses.
func (r *Remote) cloudClient() *http.Client {
	r.cloudOnce.Do(func() {
		c, err := HTTPClient(HTTPOptions(&Target{}, r.opts.Verbose, r.f.IOStreams.ErrOut))
		if err != nil {
			c = &http.Client{Timeout: 30 * time.Second}
		}
		// No token request over plain http, but to this machine and its
		// cloud's metadata services.
		guarded := *c
		guarded.Transport = credential.GuardTransport(c.Transport)
		r.cloud = &guarded
	})
	return r.cloud
}

// ambientCI returns the CI whose environment announces it (no probe), or nil.
func (r *Remote) ambientCI() oidc.Provider {
	for _, p := range oidc.DefaultProviders(oidc.WithEnv(r.f.LookupEnv), oidc.WithHTTPClient(r.cloudClient())) {
		if p.Detect(context.Background()) {
			return p
		}
	}
	return nil
}

// ciIDToken is how a federated cloud credential gets the CI's ID token:
// the announced CI's, or none.
func (r *Remote) ciIDToken() (string, func(context.Context, string) (string, error)) {
	p := r.ambientCI()
	if p == nil {
		return "", nil
	}
	return p.Name(), p.IDToken
}

// awsCIRole lets CodeArtifact assume AWS_ROLE_ARN with the CI's ID token
// when no web identity token file is set (the AWS SDK's own variables
// otherwise decide).
func (r *Remote) awsCIRole() codeartifact.Option {
	role, _ := r.f.LookupEnv("AWS_ROLE_ARN")
	if file, _ := r.f.LookupEnv("AWS_WEB_IDENTITY_TOKEN_FILE"); file != "" {
		role = ""
	}
	ci, idToken := r.ciIDToken()
	return codeartifact.WithCIRole(role, ci, idToken)
}

func (r *Remote) artifactoryIDToken(ctx context.Context, audience string) (string, string, error) {
	p := r.ambientCI()
	if p == nil {
		return "", "", errors.New("no CI identity provider detected (GitHub Actions, GitLab CI/CD, Buildkite, CircleCI)")
	}
	tok, err := p.IDToken(ctx, audience)
	return tok, p.Name(), err
}

// artifactoryProvider is --artifactory-oidc-provider (or its variable),
// else the .pypirc section's artifactory_oidc_provider.
func (r *Remote) artifactoryProvider() string {
	if v := r.opts.Creds.ArtifactoryOIDCProvider; v != "" {
		return v
	}
	return r.Target.Config.ArtifactoryOIDCProvider
}

func (r *Remote) artifactoryAudience() string {
	if v := r.opts.Creds.ArtifactoryOIDCAudience; v != "" {
		return v
	}
	return r.Target.Config.ArtifactoryOIDCAudience
}

// offlinePublisher detects providers but never exchanges.
type offlinePublisher struct{ credential.TrustedPublisher }

func (offlinePublisher) Token(context.Context, string) (credential.TokenSource, error) {
	return nil, ErrOffline
}

// request builds the resolver's request from the flags, the environment
// and the target, in precedence order: --password or its environment
// variables, credentials in the repository URL, the .pypirc password.
func (r *Remote) request() (credential.Request, error) {
	c, t := r.opts.Creds, r.Target
	mode, err := credential.ParseMode(c.TrustedPublishing)
	if err != nil {
		return credential.Request{}, &FlagError{Err: fmt.Errorf("--trusted-publishing: %w", err)}
	}
	krMode, err := c.keyringMode()
	if err != nil {
		return credential.Request{}, err
	}
	req := credential.Request{RepositoryURL: t.URL, TrustedPublishing: mode, NoKeyring: c.NoKeyring || krMode == "disabled"}

	// The username: an explicit --username (or env) wins, then the URL's,
	// then the .pypirc's, then __token__.
	switch {
	case r.opts.Sources.Given("username"):
		req.Username = c.Username
	case t.URLUsername != "":
		req.Username = t.URLUsername
	case t.Config.Username != "":
		req.Username = t.Config.Username
	default:
		req.Username = credential.TokenUsername
	}

	pwSource := r.opts.Sources.Describe("password")
	if pwSource == "" {
		pwSource = "flag --password"
	}
	// Every password the user gave is a secret of the run, used or not.
	secrets := r.f.IOStreams.Secrets()
	secrets.AddBasic(req.Username, c.Password)
	secrets.AddBasic(t.URLUsername, t.URLPassword)
	secrets.AddBasic(req.Username, t.Config.Password)
	req.Explicit = []credential.Candidate{
		{Password: credential.Secret(c.Password), Detail: pwSource},
		{Username: t.URLUsername, Password: credential.Secret(t.URLPassword), Detail: "repository URL"},
	}
	if t.Name != "" {
		where := ".pypirc"
		if t.ConfigPath != "" {
			where = t.ConfigPath
		}
		req.Explicit = append(req.Explicit, credential.Candidate{Password: credential.Secret(t.Config.Password),
			Detail: fmt.Sprintf("%s [%s]", where, t.Name)})
	}
	switch {
	case c.NonInteractive:
		req.NotInteractiveReason = "--non-interactive"
	case !r.f.IOStreams.CanPrompt():
		req.NotInteractiveReason = "stdin is not a terminal"
	default:
		req.Interactive = true
	}
	return req, nil
}

// CredentialError maps an error of Remote.Resolve to pyup's exit code and
// one hint, the same for every command. explain receives what a
// trusted-publishing failure carries beyond its message (the index's
// refusal codes); pass nil when the command has shown the resolution
// already, as whoami's report does: the message is then the short one.
func CredentialError(err error, explain io.Writer) error {
	var nf *credential.NotFoundError
	var ee *ExitError
	var fe *FlagError
	switch {
	case errors.As(err, &ee), errors.As(err, &fe), errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &nf):
		hint := "set PYUP_PASSWORD (or TWINE_PASSWORD) to an API token, run `pyup login`, or use trusted publishing"
		if explain == nil {
			return WithExit(ExitAuth, errors.New("no credential found"), hint)
		}
		return WithExit(ExitAuth, err, hint+"; `pyup whoami` shows what pyup finds")
	case errors.Is(err, credential.ErrTrustedPublishing):
		if explain == nil {
			return WithExit(ExitAuth, errors.New("trusted publishing exchange failed"), TrustedPublishingHint(err))
		}
		return WithExit(ExitAuth, err, ExplainTrustedPublishing(explain, err))
	}
	return WithExit(ExitAuth, err, "")
}
