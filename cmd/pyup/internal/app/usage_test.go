package app

import (
	"context"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
)

// TestUsageErrors checks that cobra's own complaints about the command line
// exit with the usage code and its hint, and that they are recognised by
// type, not by their wording.
func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"nope"},
		{"check", "--nope"},
		{"check", "-Z"},
		{"upload", "--repository"},
		{"whoami", "extra"},
		{"logout", "extra"},
		{"check"},
		{"upload", "--retries", "many", "x.whl"},
	} {
		ios, _, _, errOut := iostreams.Test()
		f := &cmdutil.Factory{IOStreams: ios, LookupEnv: func(string) (string, bool) { return "", false }}
		if code := Run(context.Background(), f, args); code != cmdutil.ExitUsage || !strings.Contains(errOut.String(), "hint: run with --help") {
			t.Errorf("pyup %s: exit %d, want %d with the usage hint; stderr:\n%s", strings.Join(args, " "), code, cmdutil.ExitUsage, errOut)
		}
	}
}
