// Package whoami implements `pyup whoami`.
package whoami

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/escape"
	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// WhoamiOptions holds `pyup whoami`'s dependencies and flag values.
type WhoamiOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	cmdutil.RepoFlags
	cmdutil.CredFlags
	// Sources say which flags the user gave, and where (config.Apply).
	Sources config.Sources

	Offline bool
	JSON    bool
	Verbose bool
	// Now is the clock (time.Now).
	Now func() time.Time
}

// NewCmdWhoami returns `pyup whoami`.
func NewCmdWhoami(f *cmdutil.Factory, runF func(context.Context, *WhoamiOptions) error) *cobra.Command {
	opts := &WhoamiOptions{IO: f.IOStreams, Factory: f, Now: time.Now, RepoFlags: cmdutil.RepoFlags{Warn: f.IOStreams.ErrOut}}
	cmd := &cobra.Command{
		Use:   "whoami [-r NAME | --repository-url URL] [flags]",
		Short: "Show which credential pyup would use, from where, and what it allows",
		Long: `Show the repository pyup would upload to, the credential source that wins
(and why each earlier source did not apply), and what the credential allows.

For a PyPI API token, the restrictions embedded in it are decoded (projects,
expiry, user or trusted publisher) and the token is shown masked. The index
may hold restrictions that are not embedded in the token, so pyup never calls
a token unrestricted.

For trusted publishing, the CI provider, the ID token's claims (issuer,
subject, repository, workflow, ref, environment) and the result of a real
token exchange are shown, so a publisher configuration is proven before a
release depends on it. --offline skips the exchange (and everything else
that needs the network).

For a private index (Google Artifact Registry, AWS CodeArtifact, Azure
Artifacts, GitLab CI, Artifactory OIDC), the provider that found the token
(Source), who it acts as (Identity: a service account, an IAM role session,
an Entra ID user or app, a CI job) and its expiry are shown (JSON: source,
identity, expires); see docs/indexes.md.

Only the trusted-publishing exchange proves the index accepts a credential: no index offers a
way to check a password or token without uploading, so any other credential
is reported "not verified", with the reason (JSON: verified, verified_reason).

When no credential is found, whoami lists every place it looked: --password,
PYUP_PASSWORD and TWINE_PASSWORD, the repository URL, the config file and
section, trusted publishing, the keyring entry, the prompt, and the username
variables (JSON: looked_at).

whoami exits non-zero when no credential is found or the exchange fails.`,
		Example: `  pyup whoami
  pyup whoami -r testpypi --json
  pyup whoami --repository-url https://upload.pypi.org/legacy/ --offline`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Sources = config.SourcesOf(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return whoamiRun(cmd.Context(), opts)
		},
	}
	opts.AddRepoFlags(cmd.Flags())
	opts.AddCredentialFlags(cmd.Flags())
	cmd.Flags().BoolVar(&opts.Offline, "offline", false, "Do not touch the network: skip the trusted-publishing exchange")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print one JSON report on stdout")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "Log requests and responses to stderr (credentials redacted, no bodies)")
	return cmd
}

// Report is `pyup whoami --json`'s output.
type Report struct {
	Repository        string                `json:"repository"`
	RepositoryName    string                `json:"repository_name,omitempty"`
	Config            string                `json:"config_file,omitempty"`
	Found             bool                  `json:"found"`
	Credential        *CredentialReport     `json:"credential,omitempty"`
	Steps             []credential.Step     `json:"steps"`
	Token             *credential.TokenInfo `json:"token,omitempty"`
	TrustedPublishing *TPReport             `json:"trusted_publishing,omitempty"`
	// Attestations says whether pyup upload (--attest auto) would sign
	// PEP 740 attestations with this credential in this environment.
	Attestations *AttestReport `json:"attestations,omitempty"`
	// LookedAt lists every place searched, when no credential was found.
	LookedAt []LookedAt `json:"looked_at,omitempty"`
	Error    string     `json:"error,omitempty"`
}

// CredentialReport describes the winning credential, masked.
type CredentialReport struct {
	Source   credential.Source `json:"source"`
	Detail   string            `json:"detail"`
	Username string            `json:"username"`
	// Identity is who the credential acts as, when its provider knows
	// (a service account, an IAM role's session, an Entra ID user or app).
	Identity string            `json:"identity,omitempty"`
	Password credential.Secret `json:"password"`
	Expires  *time.Time        `json:"expires,omitempty"`
	// Verified is true only when the index proved it accepts the
	// credential (a trusted-publishing exchange); VerifiedReason says why.
	Verified       bool   `json:"verified"`
	VerifiedReason string `json:"verified_reason"`
}

// AttestReport says whether `pyup upload` would sign attestations.
type AttestReport struct {
	WouldSign bool `json:"would_sign"`
	// Provider is the CI identity they would be signed with.
	Provider string `json:"provider,omitempty"`
	// Signer is the certificate subject the signatures would carry, as
	// the CI's ID token predicts it (a workflow URI or an email).
	Signer string `json:"signer,omitempty"`
	Reason string `json:"reason"`
}

// TPReport describes trusted publishing.
type TPReport struct {
	Provider string       `json:"provider"`
	Exchange string       `json:"exchange"` // "ok", "failed", "skipped"
	Claims   *oidc.Claims `json:"claims,omitempty"`
	Warnings []string     `json:"warnings,omitempty"`
	Errors   []string     `json:"errors,omitempty"`
}

func whoamiRun(ctx context.Context, opts *WhoamiOptions) error {
	ios := opts.IO
	remote, err := opts.Factory.Remote(&opts.RepoFlags, cmdutil.RemoteOptions{Creds: &opts.CredFlags, Sources: opts.Sources, Verbose: opts.Verbose, Offline: opts.Offline})
	if err != nil {
		return err
	}
	target := remote.Target
	cred, steps, rerr := remote.Resolve(ctx)
	if steps == nil {
		return rerr // nothing was asked: a usage error
	}
	tp, err := remote.TrustedPublisher()
	if err != nil {
		return err
	}

	rep := &Report{Repository: target.URL, RepositoryName: target.Name, Config: target.ConfigPath, Steps: []credential.Step{}}
	if steps != nil {
		rep.Steps = steps.Steps
	}
	if cred != nil {
		rep.Found = true
		cr := &CredentialReport{Source: cred.Source, Detail: cred.Detail, Username: cred.Username, Identity: cred.Identity, Password: cred.Password}
		if !cred.Expires.IsZero() {
			e := cred.Expires.UTC()
			cr.Expires = &e
		}
		cr.Verified, cr.VerifiedReason = verification(target, cred)
		rep.Credential = cr
		if info, err := credential.ParseToken(cred.Password.Reveal()); err == nil {
			rep.Token = info
		}
	}
	if name, ok := tp.Detect(ctx); ok || (cred != nil && cred.Source == credential.SourceTrustedPublishing) {
		if name == "" && tp.Provider() != nil {
			name = tp.Provider().Name()
		}
		tpr := &TPReport{Provider: name, Claims: tp.Claims()}
		tpr.Warnings = oidc.Warnings(tpr.Claims)
		switch {
		case cred != nil && cred.Source == credential.SourceTrustedPublishing:
			tpr.Exchange = "ok"
		case errors.Is(rerr, cmdutil.ErrOffline):
			tpr.Exchange = "skipped"
		case rerr != nil && errors.Is(rerr, credential.ErrTrustedPublishing):
			tpr.Exchange = "failed"
			var me *oidc.MintError
			if errors.As(rerr, &me) {
				tpr.Errors = me.Details()
			}
		default:
			tpr.Exchange = "not used"
		}
		rep.TrustedPublishing = tpr
	}
	offlineTP := errors.Is(rerr, cmdutil.ErrOffline)
	trusted := (cred != nil && cred.Source == credential.SourceTrustedPublishing) || offlineTP
	if plan, err := cmdutil.PlanAttest(ctx, opts.Factory, cmdutil.AttestAuto, trusted); err == nil && (plan.Sign || plan.Identity != nil || trusted) {
		ar := &AttestReport{WouldSign: plan.Sign, Reason: plan.Reason}
		if plan.Identity != nil {
			ar.Provider = plan.Identity.Provider
		}
		if plan.Sign && rep.TrustedPublishing != nil {
			ar.Signer = cmdutil.PredictedSigner(rep.TrustedPublishing.Claims)
		}
		rep.Attestations = ar
	}
	if cred == nil && !offlineTP && steps != nil {
		rep.LookedAt = lookedAt(opts, target, steps)
	}
	if rerr != nil && !offlineTP {
		rep.Error = rerr.Error()
	}

	if opts.JSON {
		if err := cmdutil.WriteJSON(ios.Out, rep); err != nil {
			return err
		}
	} else {
		writeText(ios.Out, rep, opts.Now(), offlineTP)
	}
	switch {
	case offlineTP:
		return nil
	case rerr != nil:
		// The report above showed every source and the exchange's errors.
		return cmdutil.CredentialError(rerr, nil)
	}
	return nil
}

func writeText(w io.Writer, rep *Report, now time.Time, offlineTP bool) {
	repo := rep.Repository
	if rep.RepositoryName != "" {
		repo += " (" + rep.RepositoryName + ")"
	}
	// Every value may come from outside pyup (the index, the CI's ID token,
	// the environment, the token itself): each goes through escape.Text.
	e := escape.Text
	fmt.Fprintf(w, "Repository:  %s\n", e(repo))
	if rep.Config != "" {
		fmt.Fprintf(w, "Config file: %s\n", e(rep.Config))
	}
	switch {
	case rep.Credential != nil:
		c := rep.Credential
		fmt.Fprintf(w, "Credential:  %s\n", e(c.Detail))
		fmt.Fprintf(w, "Source:      %s\n", c.Source)
		if c.Identity != "" {
			fmt.Fprintf(w, "Identity:    %s\n", e(c.Identity))
		}
		fmt.Fprintf(w, "Username:    %s\n", e(c.Username))
		fmt.Fprintf(w, "Password:    %s\n", e(c.Password.Masked()))
		if c.Expires != nil {
			fmt.Fprintf(w, "Expires:     %s (%s)\n", c.Expires.Format(time.RFC3339), relative(*c.Expires, now))
		}
		if c.Verified {
			fmt.Fprintf(w, "Verified:    yes: %s\n", e(c.VerifiedReason))
		} else {
			fmt.Fprintf(w, "Verified:    not verified: %s\n", e(c.VerifiedReason))
		}
	case offlineTP:
		fmt.Fprintf(w, "Credential:  trusted publishing via %s (exchange skipped: --offline)\n", e(rep.TrustedPublishing.Provider))
	default:
		fmt.Fprintln(w, "Credential:  none found")
		if len(rep.LookedAt) > 0 {
			fmt.Fprintln(w, "Looked at:")
			for _, l := range rep.LookedAt {
				fmt.Fprintf(w, "  %s %s: %s\n", strings.ReplaceAll(l.Source, "-", " "), e(l.Name), e(l.Result))
			}
		}
	}
	fmt.Fprintln(w, "Sources, in order:")
	for _, s := range rep.Steps {
		reason := s.Reason
		if offlineTP && s.Source == credential.SourceTrustedPublishing {
			reason = "would be used; " + cmdutil.ErrOffline.Error()
		}
		fmt.Fprintf(w, "  %-19s %-12s %s\n", s.Source, s.Status, e(reason))
	}
	if tp := rep.TrustedPublishing; tp != nil {
		fmt.Fprintf(w, "Trusted publishing (%s): exchange %s\n", e(tp.Provider), tp.Exchange)
		if tp.Claims != nil {
			fmt.Fprintln(w, "  ID token claims:")
			fmt.Fprintf(w, "    iss: %s\n", e(orMissing(tp.Claims.Issuer)))
			for _, l := range tp.Claims.Lines() {
				fmt.Fprintf(w, "    %s\n", e(l))
			}
		}
		for _, msg := range tp.Errors {
			fmt.Fprintf(w, "  %s\n", e(msg))
		}
		for _, warn := range tp.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", e(warn))
		}
	}
	if a := rep.Attestations; a != nil {
		if a.WouldSign {
			line := "Attestations: pyup upload would sign them (" + e(a.Reason) + ")"
			if a.Signer != "" {
				line += " as " + e(a.Signer)
			}
			fmt.Fprintln(w, line)
		} else {
			fmt.Fprintf(w, "Attestations: not signed: %s\n", e(a.Reason))
		}
	}
	if rep.Token != nil {
		fmt.Fprintln(w, "Token restrictions:")
		for _, l := range rep.Token.Summary() {
			fmt.Fprintf(w, "  %s\n", e(l))
		}
	} else if rep.Credential != nil && strings.HasPrefix(rep.Credential.Password.Reveal(), credential.TokenPrefix) {
		fmt.Fprintln(w, "Token restrictions: cannot decode the token (it is not a well-formed PyPI token)")
	}
}

func orMissing(s string) string {
	if s == "" {
		return "MISSING"
	}
	return s
}

func relative(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d < 0 {
		return "expired " + (-d).String() + " ago"
	}
	return "in " + d.String()
}
