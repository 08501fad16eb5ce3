package credential

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// TrustedPublisher gets PyPI tokens through trusted publishing (OIDC).
type TrustedPublisher interface {
	// Detect reports whether an ambient CI identity provider is present,
	// and its name for people ("GitHub Actions"). It must not touch the
	// network.
	Detect(ctx context.Context) (provider string, ok bool)
	// Token prepares token minting for the index that repositoryURL uploads
	// to. The returned TokenSource fetches a fresh ID token and exchanges it
	// on every call.
	Token(ctx context.Context, repositoryURL string) (TokenSource, error)
}

// ErrTrustedPublishing is matched (errors.Is) by every *TrustedPublishingError.
var ErrTrustedPublishing = errors.New("trusted publishing failed")

// TrustedPublishingError reports a trusted publishing attempt that could not
// produce a token. Resolve returns it instead of falling back to the keyring
// or a prompt: like twine, pyup treats a detected CI provider whose exchange
// fails as a configuration error the user must see (a wrong publisher, a
// missing id-token permission), not as "no credentials here".
type TrustedPublishingError struct {
	// Provider is the detected provider, if any.
	Provider string
	// Op is the step that failed: "detect", "prepare", "mint token",
	// "renew token".
	Op string
	// Err is the cause, often from pkg/oidc with the index's error codes.
	Err error
}

func (e *TrustedPublishingError) Error() string {
	via := ""
	if e.Provider != "" {
		via = " via " + e.Provider
	}
	return fmt.Sprintf("trusted publishing%s: %s: %v", via, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *TrustedPublishingError) Unwrap() error { return e.Err }

// Is reports whether target is ErrTrustedPublishing.
func (e *TrustedPublishingError) Is(target error) bool { return target == ErrTrustedPublishing }

// IsPyPI reports whether repositoryURL is PyPI's or TestPyPI's upload
// service (host upload.pypi.org or test.pypi.org), the only indexes an ID
// token is sent to unless trusted publishing is forced.
func IsPyPI(repositoryURL string) bool {
	u, err := url.Parse(repositoryURL)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Hostname()) {
	case "upload.pypi.org", "test.pypi.org":
		return true
	}
	return false
}
