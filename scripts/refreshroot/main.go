// Command refreshroot prints the trusted_root.json target of Sigstore's
// public-good TUF repository (https://tuf-repo-cdn.sigstore.dev), fetched
// with sigstore-go's TUF client: the metadata is verified from the TUF root
// built into sigstore-go, so the file is the one Sigstore signed. It is run
// by scripts/refresh-trusted-root.sh to refresh pkg/attest/trusted_root.json.
//
//	refreshroot > trusted_root.json
package main

import (
	"fmt"
	"os"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/tuf"
)

func main() {
	cache, err := os.MkdirTemp("", "pyup-tuf-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(cache)
	opts := tuf.DefaultOptions().WithCachePath(cache)
	c, err := tuf.New(opts)
	if err != nil {
		fail(fmt.Errorf("TUF repository %s: %w", opts.RepositoryBaseURL, err))
	}
	b, err := c.GetTarget("trusted_root.json")
	if err != nil {
		fail(fmt.Errorf("trusted_root.json: %w", err))
	}
	if _, err := root.NewTrustedRootFromJSON(b); err != nil {
		fail(fmt.Errorf("trusted_root.json does not parse: %w", err))
	}
	if _, err := os.Stdout.Write(b); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "refreshroot:", err)
	os.Exit(1)
}
