package cmdutil

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// CredFlags are the flags shared by every command that needs a credential.
type CredFlags struct {
	Username          string
	Password          string
	NonInteractive    bool
	NoKeyring         bool
	TrustedPublishing string
	OIDCAudience      string
}

// AddCredentialFlags binds the credential flags to fs.
func (c *CredFlags) AddCredentialFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&c.Username, "username", "u", credential.TokenUsername, "Username (keep __token__ for API tokens)")
	fs.StringVarP(&c.Password, "password", "p", "", "Password or API token (prefer PYUP_PASSWORD or TWINE_PASSWORD: flags show up in process lists)")
	fs.BoolVar(&c.NonInteractive, "non-interactive", false, "Never prompt; fail when no credential is found")
	fs.BoolVar(&c.NoKeyring, "no-keyring", false, "Do not read credentials from the OS keyring")
	fs.StringVar(&c.TrustedPublishing, "trusted-publishing", "auto", "Trusted publishing (OIDC from CI): auto, always or never")
	fs.StringVar(&c.OIDCAudience, "oidc-audience", "", "Audience of the ID token trusted publishing may send to an index other than PyPI or TestPyPI (it must equal the one the index asks for)")
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

// CredentialRequest builds the resolver's request from the flags, the
// environment and the target, in precedence order: --password or its
// environment variables, credentials in the repository URL, the .pypirc
// password.
func CredentialRequest(cmd *cobra.Command, f *Factory, t *Target, c *CredFlags) (credential.Request, error) {
	mode, err := credential.ParseMode(c.TrustedPublishing)
	if err != nil {
		return credential.Request{}, &FlagError{Err: fmt.Errorf("--trusted-publishing: %w", err)}
	}
	req := credential.Request{RepositoryURL: t.URL, TrustedPublishing: mode, NoKeyring: c.NoKeyring}

	// The username: an explicit --username (or env) wins, then the URL's,
	// then the .pypirc's, then __token__.
	switch {
	case config.SourceOf(cmd, "username") != "":
		req.Username = c.Username
	case t.URLUsername != "":
		req.Username = t.URLUsername
	case t.Config.Username != "":
		req.Username = t.Config.Username
	default:
		req.Username = credential.TokenUsername
	}

	pwSource := config.SourceOf(cmd, "password")
	if pwSource == "" {
		pwSource = "flag --password"
	}
	// Every password the user gave is a secret of the run, used or not.
	secrets := f.IOStreams.Secrets()
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
	case !f.IOStreams.CanPrompt():
		req.NotInteractiveReason = "stdin is not a terminal"
	default:
		req.Interactive = true
	}
	return req, nil
}

// NewResolver returns the credential resolver commands share: the system
// keyring (unless the request skips it), trusted publishing through the
// ambient CI provider, and a no-echo prompt on the terminal.
func NewResolver(f *Factory, tp credential.TrustedPublisher) *credential.Resolver {
	opts := []credential.Option{
		credential.WithLookupEnv(f.LookupEnv),
		credential.WithOnSecret(f.IOStreams.Secrets().AddBasic),
		credential.WithPrompt(func(ctx context.Context, label string, echo bool) (string, error) {
			fmt.Fprint(f.IOStreams.ErrOut, strings.TrimRight(label, ": ")+": ")
			if echo {
				return f.IOStreams.ReadLine()
			}
			return f.IOStreams.ReadSecret()
		}),
	}
	if tp != nil {
		opts = append(opts, credential.WithTrustedPublisher(tp))
	}
	return credential.NewResolver(opts...)
}
