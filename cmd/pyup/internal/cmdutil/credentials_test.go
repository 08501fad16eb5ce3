package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// One mapping of credential errors for every command: the same exit code
// and hint whether or not the command has shown the resolution already.
func TestCredentialError(t *testing.T) {
	notFound := &credential.NotFoundError{RepositoryURL: "https://upload.pypi.org/legacy/"}
	tpErr := &credential.TrustedPublishingError{Provider: "GitHub Actions", Op: "mint token", Err: errors.New("invalid-publisher")}
	usage := FlagErrorf("--trusted-publishing: bad")
	for _, tc := range []struct {
		name     string
		err      error
		code     int
		hint     string
		shortMsg string
	}{
		{"not found", notFound, ExitAuth, "run `pyup login`", "no credential found"},
		{"trusted publishing", tpErr, ExitAuth, "trusted-publishing", "trusted publishing exchange failed"},
		{"usage error passes", usage, ExitUsage, "--help", usage.Error()},
		{"cancelled passes", fmt.Errorf("prompt: %w", context.Canceled), ExitUnexpected, "", "prompt: context canceled"},
		{"other", errors.New("boom"), ExitAuth, "", "boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var explained bytes.Buffer
			long := CredentialError(tc.err, &explained)
			short := CredentialError(tc.err, nil)
			lc, lh := ExitCode(long)
			sc, sh := ExitCode(short)
			if lc != tc.code || sc != tc.code || !strings.Contains(lh, tc.hint) || !strings.Contains(sh, tc.hint) {
				t.Fatalf("exit %d/%d hints %q / %q; want %d and %q", lc, sc, lh, sh, tc.code, tc.hint)
			}
			if !strings.HasPrefix(lh, sh) {
				t.Errorf("the hints drifted: %q vs %q", lh, sh)
			}
			if short.Error() != tc.shortMsg || long.Error() != tc.err.Error() {
				t.Errorf("messages %q / %q", long, short)
			}
		})
	}
}
