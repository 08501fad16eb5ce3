package oidctest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

var tokenChars = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// WriteFakeCLIs writes executable shell scripts named buildkite-agent and
// circleci into dir. Each prints token on stdout when called the way pyup
// calls it:
//
//	buildkite-agent oidc request-token --audience <aud>
//	circleci run oidc get --claims '{"aud":"<aud>"}' [--root-issuer]
//
// and otherwise prints a usage error on stderr and exits 2. Each call also
// records its arguments, one per line, in <dir>/<name>.args, so tests can
// check the audience. Put dir first on PATH. token must be made of
// base64url characters and dots (a JWT); each call prints the same token,
// so a MintServer accepts only the first exchange with it.
func WriteFakeCLIs(dir, token string) error {
	if !tokenChars.MatchString(token) {
		return fmt.Errorf("oidctest: token must be a JWT (base64url characters and dots)")
	}
	scripts := map[string]string{
		"buildkite-agent": `#!/bin/sh
# Fake buildkite-agent written by pyup's oidctest.
printf '%s\n' "$@" > "$(dirname "$0")/buildkite-agent.args"
if [ "$#" -ne 4 ] || [ "$1" != oidc ] || [ "$2" != request-token ] || [ "$3" != --audience ] || [ -z "$4" ]; then
	echo "fake buildkite-agent: unexpected arguments: $*" >&2
	echo "usage: buildkite-agent oidc request-token --audience <aud>" >&2
	exit 2
fi
printf '%s\n' '` + token + `'
`,
		"circleci": `#!/bin/sh
# Fake circleci written by pyup's oidctest.
printf '%s\n' "$@" > "$(dirname "$0")/circleci.args"
if [ "$1" != run ] || [ "$2" != oidc ] || [ "$3" != get ] || [ "$4" != --claims ]; then
	echo "fake circleci: unexpected arguments: $*" >&2
	exit 2
fi
case "$5" in
*'"aud":"'?*'"'*) ;;
*) echo "fake circleci: --claims must set aud: $5" >&2; exit 2 ;;
esac
if [ "$#" -gt 6 ] || { [ "$#" -eq 6 ] && [ "$6" != --root-issuer ]; }; then
	echo "fake circleci: unexpected arguments: $*" >&2
	exit 2
fi
printf '%s\n' '` + token + `'
`,
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			return fmt.Errorf("oidctest: writing fake %s: %w", name, err)
		}
	}
	return nil
}
