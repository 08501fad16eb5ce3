// Package login implements `pyup login` and `pyup logout`: a token kept in
// the OS keyring, where twine's keyring support finds it too.
package login

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/escape"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// Options holds `pyup login`'s and `pyup logout`'s dependencies and flag values.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	cmdutil.RepoFlags
	Username string
	// Sources say which flags the user gave, and where (config.Apply).
	Sources config.Sources
}

func newOptions(f *cmdutil.Factory) *Options {
	return &Options{IO: f.IOStreams, Factory: f, RepoFlags: cmdutil.RepoFlags{Warn: f.IOStreams.ErrOut}}
}

func (o *Options) bind(cmd *cobra.Command) {
	o.AddRepoFlags(cmd.Flags())
	cmd.Flags().StringVarP(&o.Username, "username", "u", credential.TokenUsername, "Username the token is stored under (keep __token__ for API tokens)")
}

// NewCmdLogin returns `pyup login`.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "login [-r NAME | --repository-url URL]",
		Short: "Store an API token in the OS keyring",
		Long: `Store an API token in the OS keyring under the repository's upload URL and
the username (__token__), the entry twine's keyring support reads too.

The token is read from standard input when it is not a terminal (so
'pyup login < token.txt' and pipes work), else from a prompt that does not
echo. For PyPI and TestPyPI a string that is not a well-formed PyPI token is
refused, and the stored token's embedded restrictions are shown.`,
		Example: `  pyup login
  pyup login -r testpypi
  printf '%s' "$TOKEN" | pyup login --repository-url https://pypi.example.com/legacy/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Sources = config.SourcesOf(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	opts.bind(cmd)
	return cmd
}

// NewCmdLogout returns `pyup logout`.
func NewCmdLogout(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "logout [-r NAME | --repository-url URL]",
		Short: "Remove a stored API token from the OS keyring",
		Long: `Remove the token pyup login (or twine's keyring support) stored for the
repository's upload URL and username. Removing a token that is not there is
not an error: the outcome is the same.`,
		Example: `  pyup logout
  pyup logout -r testpypi`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Sources = config.SourcesOf(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
	}
	opts.bind(cmd)
	return cmd
}

func loginRun(ctx context.Context, opts *Options) error {
	// A token stored for a URL pyup will never send it to is a trap: the
	// target is judged.
	target, err := cmdutil.ResolveTarget(&opts.RepoFlags, opts.Sources, true)
	if err != nil {
		return err
	}
	var token string
	if opts.IO.IsStdinTTY() {
		fmt.Fprintf(opts.IO.ErrOut, "API token for %s (input is hidden): ", target.URL)
		token, err = opts.IO.ReadSecret()
	} else {
		token, err = opts.IO.ReadLine()
	}
	if err != nil {
		return fmt.Errorf("reading the token: %w", err)
	}
	token = strings.TrimSpace(token)
	opts.IO.Secrets().AddBasic(opts.Username, token)
	if token == "" {
		return cmdutil.FlagErrorf("no token given")
	}
	var info *credential.TokenInfo
	if target.IsPyPI() {
		if err := credential.LooksLikePyPIToken(token); err != nil {
			return cmdutil.WithExit(cmdutil.ExitUsage, fmt.Errorf("not a PyPI API token: %w", err),
				"copy the whole token, starting with pypi-, from your account's API tokens page")
		}
		info, _ = credential.ParseToken(token)
	} else if i, err := credential.ParseToken(token); err == nil {
		info = i
	}
	if err := opts.Factory.KeyringStore().Store(ctx, target.URL, opts.Username, credential.Secret(token)); err != nil {
		return cmdutil.WithExit(cmdutil.ExitUnexpected, err, "is a keyring (Secret Service, macOS Keychain, Windows Credential Manager) available? CI jobs should use PYUP_PASSWORD or trusted publishing instead")
	}
	fmt.Fprintf(opts.IO.Out, "Stored %s for %s (%s) in the keyring.\n", credential.Secret(token).Masked(), target.URL, opts.Username)
	if info != nil {
		fmt.Fprintln(opts.IO.Out, "Token restrictions:")
		for _, l := range info.Summary() {
			fmt.Fprintf(opts.IO.Out, "  %s\n", escape.Text(l)) // caveats are the token's own text
		}
	}
	return nil
}

func logoutRun(ctx context.Context, opts *Options) error {
	target, err := cmdutil.ResolveTarget(&opts.RepoFlags, opts.Sources, false)
	if err != nil {
		return err
	}
	err = opts.Factory.KeyringStore().Delete(ctx, target.URL, opts.Username)
	switch {
	case err == nil:
		fmt.Fprintf(opts.IO.Out, "Removed the token for %s (%s) from the keyring.\n", target.URL, opts.Username)
	case errors.Is(err, credential.ErrNoEntry):
		fmt.Fprintf(opts.IO.ErrOut, "pyup: no token stored for %s (%s); nothing to remove\n", target.URL, opts.Username)
	default:
		return cmdutil.WithExit(cmdutil.ExitUnexpected, err, "")
	}
	return nil
}
