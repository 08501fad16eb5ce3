package credential

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"time"
)

// SourceKeyringCommand is a password printed by Python's keyring command
// (--keyring-provider subprocess), so that every keyring plugin
// (keyrings.google-artifactregistry-auth, artifacts-keyring, ...) keeps
// working.
const SourceKeyringCommand Source = "keyring-subprocess"

// DefaultKeyringCommandTimeout bounds one run of the keyring command: long
// enough for a plugin that fetches a token over the network, short enough
// that a plugin waiting for an answer nobody gives does not hang a CI job.
const DefaultKeyringCommandTimeout = 2 * time.Minute

// CommandRunner runs an executable and returns its standard output; the
// error says why it failed and wraps exec.ErrNotFound when the executable
// is not on PATH (oidc.ExecCommand does all this).
type CommandRunner func(ctx context.Context, name string, args ...string) ([]byte, error)

// FromKeyringCommand returns the provider that runs `keyring get URL
// USERNAME`, the command of Python's keyring package, as pip and uv do with
// --keyring-provider subprocess. run runs it (nil: the provider does not
// apply: subprocess was not chosen). An exit without output is no
// credential; a missing command or another failure is recorded and the
// resolution moves on. Unless Request.NoKeyring.
func FromKeyringCommand(run CommandRunner) Provider { return keyringCommandProvider{run} }

type keyringCommandProvider struct{ run CommandRunner }

func (keyringCommandProvider) Source() Source { return SourceKeyringCommand }

func (p keyringCommandProvider) Applies(req Request) (bool, string) {
	switch {
	case req.NoKeyring:
		return false, "disabled (no-keyring)"
	case p.run == nil:
		return false, "not chosen (--keyring-provider subprocess runs the keyring command)"
	case req.RepositoryURL == "":
		return false, "no repository URL to look up"
	}
	return true, ""
}

func (p keyringCommandProvider) Resolve(ctx context.Context, req Request) (*Credential, Outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, DefaultKeyringCommandTimeout)
	defer cancel()
	entry := req.RepositoryURL + " " + req.Username
	out, err := p.run(ctx, "keyring", "get", req.RepositoryURL, req.Username)
	pw := strings.TrimRight(string(out), "\r\n")
	var exitErr *exec.ExitError
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return nil, outcome(StatusFailed, "the keyring command is not on PATH (pip install keyring, plus your index's plugin)"), nil
	case errors.As(err, &exitErr) && pw == "":
		return nil, outcome(StatusNotFound, "no entry for %s (keyring exited with status %d)", entry, exitErr.ExitCode()), nil
	case err != nil:
		// The runner's error carries an excerpt of stderr, which a plugin
		// might fill with anything: only the fact is reported.
		if ctx.Err() != nil {
			return nil, outcome(StatusFailed, "keyring get did not finish within %s", DefaultKeyringCommandTimeout), nil
		}
		return nil, outcome(StatusFailed, "keyring get failed"), nil
	case pw == "":
		return nil, outcome(StatusNotFound, "no entry for %s", entry), nil
	}
	return &Credential{Username: req.Username, Password: Secret(pw), Detail: "keyring get " + entry},
		outcome(StatusUsed, "keyring get %s", entry), nil
}

var _ Provider = keyringCommandProvider{}
