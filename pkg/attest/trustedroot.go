package attest

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// publicGoodRoot is a snapshot of the trusted root of Sigstore's
// public-good instance (Fulcio, Rekor v1 and v2, CT log, timestamp
// authority), the target trusted_root.json of its TUF repository, taken from
// github.com/sigstore/root-signing (targets/trusted_root.json at commit
// 60cf2ce8, 2026-08-21: Rekor v1 and the Rekor v2 log log2025-1, Fulcio,
// CT log 2022, timestamp.sigstore.dev). It is refreshed by
// scripts/refresh-trusted-root.sh; see docs/attestations.md.
//
//go:embed trusted_root.json
var publicGoodRoot []byte

// MaxTrustedRootSize bounds a trusted root file given by the user.
const MaxTrustedRootSize = 1 << 20

var (
	publicGoodOnce sync.Once
	publicGood     *root.TrustedRoot
	publicGoodErr  error
)

// PublicGood returns the trusted root of Sigstore's public-good instance,
// the one PyPI's attestations are signed with, from the snapshot built
// into pyup. It does not touch the network: pyup verifies offline.
func PublicGood() (*root.TrustedRoot, error) {
	publicGoodOnce.Do(func() {
		publicGood, publicGoodErr = root.NewTrustedRootFromJSON(publicGoodRoot)
		if publicGoodErr != nil {
			publicGoodErr = fmt.Errorf("built-in Sigstore trusted root: %w", publicGoodErr)
		}
	})
	return publicGood, publicGoodErr
}

// PublicGoodJSON returns the built-in trusted root as JSON.
func PublicGoodJSON() []byte { return append([]byte(nil), publicGoodRoot...) }

// LoadTrustedRoot reads a Sigstore trusted_root.json (the
// application/vnd.dev.sigstore.trustedroot+json format) from path: to
// verify against another Sigstore instance, or a newer root than the
// built-in one. A special file or a file over MaxTrustedRootSize is refused.
func LoadTrustedRoot(path string) (*root.TrustedRoot, error) {
	b, err := dist.ReadFile(path, MaxTrustedRootSize)
	if err != nil {
		return nil, err
	}
	tr, err := root.NewTrustedRootFromJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Sigstore trusted root: %w", path, err)
	}
	return tr, nil
}
