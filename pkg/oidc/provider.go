package oidc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Provider obtains ambient OIDC ID tokens from one kind of environment.
type Provider interface {
	// Name is a human-readable name such as "GitHub Actions".
	Name() string
	// Detect reports whether the environment looks like this provider's.
	// It is cheap: it reads environment variables or local files only.
	Detect(ctx context.Context) bool
	// IDToken returns a fresh ID token for audience. Every call returns a
	// new token (a new jti) where the platform allows it. Errors never
	// contain the token or the credentials used to get it.
	IDToken(ctx context.Context, audience string) (string, error)
}

// Prober is implemented by providers whose environment can only be
// recognised over the network (Google Cloud's metadata server). [Detect]
// calls Probe only after no provider's Detect matched.
type Prober interface {
	Provider
	// Probe reports whether the provider's service answers. It must bound
	// its own duration with a short timeout.
	Probe(ctx context.Context) bool
}

// CommandRunner runs an executable and returns its standard output. The
// error should say why it failed (exit status, stderr excerpt) and wrap
// [exec.ErrNotFound] when the executable is not on PATH.
type CommandRunner func(ctx context.Context, name string, args ...string) ([]byte, error)

// ProviderOption configures [DefaultProviders].
type ProviderOption func(*providerConfig)

type providerConfig struct {
	env          func(string) (string, bool)
	client       *http.Client
	run          CommandRunner
	readFile     func(string) ([]byte, error)
	gceHost      string
	iamURL       string
	probeTimeout time.Duration
}

// WithEnv sets how providers read environment variables. Default: an empty
// environment, so nothing is detected; the CLI passes [os.LookupEnv].
func WithEnv(lookup func(string) (string, bool)) ProviderOption {
	return func(c *providerConfig) { c.env = lookup }
}

// WithHTTPClient sets the client for the GitHub token endpoint, the Google
// metadata server and IAM Credentials. Default: a client with a 30 s
// timeout and no other settings.
func WithHTTPClient(client *http.Client) ProviderOption {
	return func(c *providerConfig) { c.client = client }
}

// WithCommandRunner sets how the Buildkite and CircleCI providers run their
// agents' CLIs. Default: [ExecCommand].
func WithCommandRunner(run CommandRunner) ProviderOption {
	return func(c *providerConfig) { c.run = run }
}

// WithFileReader sets how providers read local files (GITHUB_EVENT_PATH,
// the DMI product name used to recognise Google Compute Engine). Default:
// [os.ReadFile].
func WithFileReader(read func(name string) ([]byte, error)) ProviderOption {
	return func(c *providerConfig) { c.readFile = read }
}

// WithGCEMetadataHost sets the Google metadata server's host[:port].
// Default: the GCE_METADATA_HOST environment variable (Google's own
// convention), else "metadata".
func WithGCEMetadataHost(host string) ProviderOption {
	return func(c *providerConfig) { c.gceHost = host }
}

// WithIAMCredentialsURL sets the base URL of Google's IAM Credentials API,
// used to impersonate GOOGLE_SERVICE_ACCOUNT_NAME. Default:
// "https://iamcredentials.googleapis.com".
func WithIAMCredentialsURL(base string) ProviderOption {
	return func(c *providerConfig) { c.iamURL = strings.TrimSuffix(base, "/") }
}

// WithGCEProbeTimeout bounds the metadata server probe made when no other
// provider matched. Default: 1 s.
func WithGCEProbeTimeout(d time.Duration) ProviderOption {
	return func(c *providerConfig) { c.probeTimeout = d }
}

// DefaultIAMCredentialsURL is the default base URL of Google's IAM
// Credentials API.
const DefaultIAMCredentialsURL = "https://iamcredentials.googleapis.com"

// DefaultProviders returns the providers pyup supports, in detection order:
// GitHub Actions, GitLab CI/CD, Buildkite, CircleCI, Google Cloud. CI
// systems come first because each announces itself with an environment
// variable, while Google Cloud is recognised by the machine it runs on: a
// self-hosted GitLab runner on a Compute Engine VM must publish with the
// GitLab identity, not the VM's.
func DefaultProviders(opts ...ProviderOption) []Provider {
	c := &providerConfig{
		env:          func(string) (string, bool) { return "", false },
		client:       &http.Client{Timeout: 30 * time.Second},
		run:          ExecCommand,
		readFile:     os.ReadFile,
		iamURL:       DefaultIAMCredentialsURL,
		probeTimeout: time.Second,
	}
	for _, o := range opts {
		o(c)
	}
	// A nil from an option means "the default", never a nil dereference later.
	if c.env == nil {
		c.env = func(string) (string, bool) { return "", false }
	}
	c.client = clientOrDefault(c.client)
	if c.run == nil {
		c.run = ExecCommand
	}
	if c.readFile == nil {
		c.readFile = os.ReadFile
	}
	if c.iamURL == "" {
		c.iamURL = DefaultIAMCredentialsURL
	}
	if c.probeTimeout <= 0 {
		c.probeTimeout = time.Second
	}
	return []Provider{
		&GitHubActions{cfg: c},
		&GitLabCI{cfg: c},
		&Buildkite{cfg: c},
		&CircleCI{cfg: c},
		&GoogleCloud{cfg: c},
	}
}

// Detect returns the first provider whose Detect reports true. When none
// does, it gives each [Prober], in order, a chance to probe its service.
// It returns an error wrapping [ErrNoAmbientCredential] when nothing matched.
func Detect(ctx context.Context, providers []Provider) (Provider, error) {
	for _, p := range providers {
		if p.Detect(ctx) {
			return p, nil
		}
	}
	for _, p := range providers {
		if pr, ok := p.(Prober); ok && pr.Probe(ctx) {
			return p, nil
		}
	}
	names := make([]string, len(providers))
	for i, p := range providers {
		names[i] = p.Name()
	}
	return nil, fmt.Errorf("%w (tried %s)", ErrNoAmbientCredential, strings.Join(names, ", "))
}

// ExecCommand is the default [CommandRunner]: it runs name with args in the
// current process environment and returns stdout. On failure the error
// carries the exit status and a redacted excerpt of stderr; a missing
// executable yields an error wrapping [exec.ErrNotFound].
func ExecCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("%s: %w", name, exec.ErrNotFound)
		}
		if msg := scrub(stderr.String()); msg != "" {
			return nil, fmt.Errorf("%s: %w: %s", name, err, msg)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return stdout.Bytes(), nil
}

func (c *providerConfig) lookup(key string) string {
	v, _ := c.env(key)
	return v
}

func (c *providerConfig) isSet(key string) bool {
	v, ok := c.env(key)
	return ok && v != ""
}

// checkJWT verifies that s has the shape of a compact JWS, without echoing
// it back in the error.
func checkJWT(s string) error {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return fmt.Errorf("%w: not a JWT (%d characters, %d dot-separated parts)", ErrMalformedResponse, len(s), len(parts))
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return fmt.Errorf("%w: not a JWT (contains whitespace)", ErrMalformedResponse)
	}
	return nil
}
