package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/spf13/pflag"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/pkg/escape"

	"github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/oidc"
)

// Attest modes of `pyup upload --attest`.
const (
	AttestAuto   = "auto"
	AttestAlways = "always"
	AttestNever  = "never"
)

// SignFlags are the flags of the commands that sign attestations.
type SignFlags struct {
	FulcioURL   string
	RekorURL    string
	TrustedRoot string

	// check is what each new attestation is verified against (Check
	// loads it); nil when there is nothing to check against.
	check root.TrustedMaterial
}

// AddSignFlags registers --fulcio-url, --rekor-url and --trusted-root.
func (s *SignFlags) AddSignFlags(fs *pflag.FlagSet) {
	fs.StringVar(&s.FulcioURL, "fulcio-url", attest.DefaultFulcioURL, "Sigstore certificate authority that certifies the CI identity attestations are signed with")
	fs.StringVar(&s.RekorURL, "rekor-url", attest.DefaultRekorURL, "Sigstore transparency log every signature is recorded in")
	fs.StringVar(&s.TrustedRoot, "trusted-root", "", "Sigstore trusted_root.json every new attestation is verified against before it is used (default: the public-good root built into pyup, when --fulcio-url and --rekor-url are Sigstore's)")
	config.SetEnv(fs, "trusted-root", "PYUP_SIGSTORE_TRUSTED_ROOT")
}

// Check refuses a Sigstore URL the ID token would travel to in clear, and
// loads the trusted root new attestations are verified against.
func (s *SignFlags) Check() error {
	if err := attest.CheckServiceURL("--fulcio-url", s.FulcioURL); err != nil {
		return &FlagError{Err: err}
	}
	if err := attest.CheckServiceURL("--rekor-url", s.RekorURL); err != nil {
		return &FlagError{Err: err}
	}
	switch {
	case s.TrustedRoot != "":
		tr, err := LoadTrustedRoot(s.TrustedRoot)
		if err != nil {
			return err
		}
		s.check = tr
	case s.FulcioURL == attest.DefaultFulcioURL && s.RekorURL == attest.DefaultRekorURL:
		tr, err := attest.PublicGood()
		if err != nil {
			return err
		}
		s.check = tr
	}
	return nil
}

// SigningIdentity is the ambient CI identity attestations are signed with.
type SigningIdentity struct {
	// Provider names the CI ("GitHub Actions").
	Provider string
	// Accepted reports whether PyPI takes attestations signed by this CI's
	// identities; Why says why not when it does not.
	Accepted bool
	Why      string
	p        oidc.Provider
}

// ErrNoSigningIdentity: no CI identity to sign attestations with.
var ErrNoSigningIdentity = errors.New("no CI identity to sign attestations with")

// DetectSigningIdentity finds the CI identity of f's environment. PyPI
// verifies attestations against trusted publishers of three kinds, so it
// takes them from GitHub Actions, GitLab CI/CD and Google Cloud only.
func DetectSigningIdentity(ctx context.Context, f *Factory) (*SigningIdentity, error) {
	p, err := oidc.Detect(ctx, oidc.DefaultProviders(oidc.WithEnv(f.LookupEnv)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoSigningIdentity, err)
	}
	id := &SigningIdentity{Provider: p.Name(), p: p}
	switch p.(type) {
	case *oidc.GitHubActions, *oidc.GitLabCI, *oidc.GoogleCloud:
		id.Accepted = true
	default:
		id.Why = fmt.Sprintf("PyPI accepts attestations only from GitHub Actions, GitLab CI/CD and Google Cloud identities, not %s", p.Name())
	}
	return id, nil
}

// NewSigner returns a signer for id's identity, its ID tokens joining the
// run's secrets before they are sent.
func NewSigner(f *Factory, id *SigningIdentity, flags SignFlags) *attest.Signer {
	secrets := f.IOStreams.Secrets()
	tokens := func(ctx context.Context) (string, error) {
		return id.p.IDToken(ctx, attest.SigstoreAudience)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = time.Minute
	opts := []attest.SignerOption{
		attest.WithFulcioURL(flags.FulcioURL),
		attest.WithRekorURL(flags.RekorURL),
		attest.WithTransport(tr),
		attest.WithOnIDToken(secrets.Add),
	}
	if flags.check != nil {
		opts = append(opts, attest.WithVerifyAfterSigning(flags.check))
	}
	return attest.NewSigner(tokens, opts...)
}

// AttestError maps a signing failure to its exit code and hint: no
// identity, or a certificate refused, is a credential problem (4); a
// failure of the transparency log is an upload-side failure (5).
func AttestError(err error) error {
	var se *attest.SignError
	code := ExitUploadFailed
	hint := "check that the Sigstore instance is reachable; re-running the same command is safe"
	switch {
	case errors.Is(err, ErrNoSigningIdentity):
		code, hint = ExitAuth, "run in GitHub Actions with `permissions: id-token: write`, in GitLab CI/CD with an `id_tokens:` entry SIGSTORE_ID_TOKEN (aud: sigstore), or on Google Cloud"
	case errors.As(err, &se) && se.Step == "verification":
		hint = "the new attestation does not verify against the trusted root: sign with the Sigstore instance it trusts, or give that instance's root with --trusted-root"
	case errors.As(err, &se) && (se.Step == "identity" || se.Step == "certificate"):
		code = ExitAuth
		var pe *oidc.ProviderError
		if errors.As(err, &pe) && pe.Hint != "" {
			hint = pe.Hint
		} else {
			hint = "the CI must grant an ID token for audience \"sigstore\" (GitHub: `permissions: id-token: write`; GitLab: `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore`)"
		}
	}
	return &ExitError{Code: code, Err: err, Hint: hint}
}

// AttestPlan is whether a run signs attestations, with what, and why.
type AttestPlan struct {
	Sign     bool
	Identity *SigningIdentity // nil when no CI identity was found
	// Reason says why attestations are (or are not) signed, for people.
	Reason string
}

// PlanAttest decides, for --attest mode and whether the credential came
// from trusted publishing, if the run signs attestations. auto signs only
// with trusted publishing from a CI whose identities PyPI accepts (PyPI
// refuses attestations otherwise); always signs whatever the credential and
// is an error (AttestError's codes) where it cannot; never does not sign.
func PlanAttest(ctx context.Context, f *Factory, mode string, trusted bool) (AttestPlan, error) {
	switch {
	case mode == AttestNever:
		return AttestPlan{Reason: "--attest never"}, nil
	case mode == AttestAuto && !trusted:
		return AttestPlan{Reason: "the credential is not from trusted publishing, and PyPI accepts attestations only with it (--attest always signs anyway)"}, nil
	}
	id, err := DetectSigningIdentity(ctx, f)
	if err != nil {
		if mode == AttestAlways {
			return AttestPlan{}, AttestError(fmt.Errorf("--attest always: %w", err))
		}
		return AttestPlan{Reason: err.Error()}, nil
	}
	if !id.Accepted {
		if mode == AttestAlways {
			return AttestPlan{}, &ExitError{Code: ExitAuth,
				Err:  fmt.Errorf("--attest always: cannot sign attestations PyPI accepts here: %s", id.Why),
				Hint: "pass --attest never, or sign elsewhere and upload the <DIST>.publish.attestation files with --attestations"}
		}
		return AttestPlan{Identity: id, Reason: id.Why}, nil
	}
	why := "trusted publishing from " + id.Provider
	if mode == AttestAlways {
		why = "--attest always, with the " + id.Provider + " identity"
	}
	return AttestPlan{Sign: true, Identity: id, Reason: why}, nil
}

// PredictedSigner is the certificate subject Fulcio gives the identity of
// claims: for GitHub Actions the URI of the job's workflow
// (https://github.com/OWNER/REPO/.github/workflows/FILE@REF). It is ""
// where the claims pyup reads do not tell.
func PredictedSigner(c *oidc.Claims) string {
	if c == nil || c.JobWorkflowRef == "" || c.Issuer != attest.GitHubIssuer {
		return ""
	}
	return "https://github.com/" + c.JobWorkflowRef
}

// LoadTrustedRoot reads --trusted-root's file; a file that is not a
// Sigstore trusted root is a usage error naming the flag.
func LoadTrustedRoot(path string) (*root.TrustedRoot, error) {
	tr, err := attest.LoadTrustedRoot(path)
	if err != nil {
		return nil, &FlagError{Err: fmt.Errorf("--trusted-root: %s", escape.Text(err.Error()))}
	}
	return tr, nil
}
