package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/ci"
	"github.com/pyup-dev/pyup/pkg/escape"
	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// NewTrustedPublisher returns the trusted publisher for f's environment:
// pkg/oidc's providers reading f's environment, exchanging through client.
// audience is the one the user accepts for an index other than PyPI and
// TestPyPI ("" for none: such an index gets no ID token). Every ID token and
// minted token joins the run's secrets before it is used; onMint then sees
// each minted token (GitHub Actions masks it).
func NewTrustedPublisher(f *Factory, client *http.Client, audience string, onMint func(token string)) *credential.OIDCPublisher {
	secrets := f.IOStreams.Secrets()
	return credential.NewOIDCPublisher(oidc.DefaultProviders(oidc.WithEnv(f.LookupEnv)), client,
		oidc.WithExchangeOptions(oidc.ExpectAudience(audience), oidc.OnIDToken(secrets.Add)),
		oidc.WithOnMint(func(tok *oidc.Token) {
			secrets.AddBasic(credential.TokenUsername, tok.Value)
			if onMint != nil {
				onMint(tok.Value)
			}
		}))
}

// DetectCI returns the CI environment of f, writing its step summary
// through the run's redaction.
func DetectCI(f *Factory) *ci.Env {
	env := ci.Detect(f.LookupEnv)
	env.Scrub = f.IOStreams.Secrets().String
	return env
}

// ExplainTrustedPublishing prints what a trusted-publishing failure needs
// beyond its one-line message (each refusal code with its description, then
// the ID token's claims to compare with the configured publisher) and
// returns the one hint to show.
func ExplainTrustedPublishing(w io.Writer, err error) (hint string) {
	var me *oidc.MintError
	if errors.As(err, &me) {
		for _, l := range me.Details() {
			fmt.Fprintf(w, "  %s\n", escape.Text(l))
		}
	}
	return TrustedPublishingHint(err)
}

// TrustedPublishingHint returns the one hint for a trusted-publishing
// failure: the audience flag for an index that asked for an audience the
// user did not name, the provider's own hint, else the troubleshooting guide.
func TrustedPublishingHint(err error) string {
	var ae *oidc.AudienceError
	if errors.As(err, &ae) {
		return fmt.Sprintf("if you trust %s with ID tokens for audience %q, pass --oidc-audience %s (or set PYUP_OIDC_AUDIENCE, or oidc_audience in the .pypirc section)", ae.Host, ae.Asked, ae.Asked)
	}
	var pe *oidc.ProviderError
	if errors.As(err, &pe) && pe.Hint != "" {
		return pe.Hint
	}
	return "see " + oidc.TroubleshootingDoc + "; `pyup whoami` repeats the exchange and shows the token's claims"
}
