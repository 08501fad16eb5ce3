package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/escape"

	"github.com/pyup-dev/pyup/pkg/oidc"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// NewTrustedPublisher returns the trusted publisher for f's environment:
// pkg/oidc's providers reading f's environment, exchanging through client.
// onMint sees every minted token before anything else (GitHub Actions masks
// it).
func NewTrustedPublisher(f *Factory, client *http.Client, onMint func(token string)) *credential.OIDCPublisher {
	return credential.NewOIDCPublisher(oidc.DefaultProviders(oidc.WithEnv(f.LookupEnv)), client,
		oidc.WithOnMint(func(tok *oidc.Token) {
			if onMint != nil {
				onMint(tok.Value)
			}
		}))
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
	var pe *oidc.ProviderError
	if errors.As(err, &pe) && pe.Hint != "" {
		return pe.Hint
	}
	return "see " + oidc.TroubleshootingDoc + "; `pyup whoami` repeats the exchange and shows the token's claims"
}
