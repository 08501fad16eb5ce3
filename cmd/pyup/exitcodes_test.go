package main

import (
	"context"
	"net"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/app"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

// exitMeanings are pyup's exit codes and the meaning docs/exit-codes.md and
// every command's EXIT STATUS give each.
var exitMeanings = map[int]string{
	cmdutil.ExitOK:           "success",
	cmdutil.ExitUnexpected:   "unexpected error",
	cmdutil.ExitUsage:        "usage error",
	cmdutil.ExitCheckFailed:  "a distribution failed its checks",
	cmdutil.ExitAuth:         "credentials",
	cmdutil.ExitUploadFailed: "upload failed",
	cmdutil.ExitVerifyFailed: "verification failed",
	cmdutil.ExitInterrupted:  "interrupted",
	cmdutil.ExitTerminated:   "terminated",
}

type docRow struct{ meaning, causes string }

// documentedExitCodes parses the table of docs/exit-codes.md.
func documentedExitCodes(t *testing.T) map[int]docRow {
	t.Helper()
	b, err := os.ReadFile("../../docs/exit-codes.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[int]docRow{}
	re := regexp.MustCompile(`^\|\s*(\d+)\s*\|([^|]*)\|([^|]*)\|\s*$`)
	for _, line := range strings.Split(string(b), "\n") {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		code, _ := strconv.Atoi(m[1])
		if _, dup := rows[code]; dup {
			t.Errorf("docs/exit-codes.md lists %d twice", code)
		}
		rows[code] = docRow{strings.TrimSpace(m[2]), strings.TrimSpace(m[3])}
	}
	return rows
}

func sortedCodes[V any](m map[int]V) []int {
	var cs []int
	for c := range m {
		cs = append(cs, c)
	}
	sort.Ints(cs)
	return cs
}

// TestExitCodesDocumented: docs/exit-codes.md and the EXIT STATUS help list
// exactly the codes pyup has, each with its meaning.
func TestExitCodesDocumented(t *testing.T) {
	rows := documentedExitCodes(t)
	if got, want := sortedCodes(rows), sortedCodes(exitMeanings); !slicesEqual(got, want) {
		t.Errorf("docs/exit-codes.md lists codes %v, pyup has %v", got, want)
	}
	for code, meaning := range exitMeanings {
		if r, ok := rows[code]; ok && r.meaning != meaning {
			t.Errorf("docs/exit-codes.md: code %d means %q, want %q", code, r.meaning, meaning)
		}
	}

	help := map[int]string{}
	re := regexp.MustCompile(`^  (\d+)\s+(.*)$`)
	for _, line := range strings.Split(cmdutil.ExitStatusHelp, "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			code, _ := strconv.Atoi(m[1])
			help[code] = m[2]
		}
	}
	if got, want := sortedCodes(help), sortedCodes(exitMeanings); !slicesEqual(got, want) {
		t.Errorf("EXIT STATUS help lists codes %v, pyup has %v", got, want)
	}
	for code, meaning := range exitMeanings {
		if h, ok := help[code]; ok && !strings.HasPrefix(h, meaning) {
			t.Errorf("EXIT STATUS help: code %d reads %q, want it to start with %q", code, h, meaning)
		}
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNetworkFailureExitCode: an upload to a port nobody listens on exits
// with the code docs/exit-codes.md gives network failures.
func TestNetworkFailureExitCode(t *testing.T) {
	var documented []int
	for code, r := range documentedExitCodes(t) {
		if strings.Contains(r.causes, "network failure") {
			documented = append(documented, code)
		}
	}
	if len(documented) != 1 {
		t.Fatalf("docs/exit-codes.md gives network failures codes %v, want exactly one", documented)
	}

	// A loopback port that was just closed refuses connections.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	dir := t.TempDir()
	wheel, err := disttest.BuildWheel(dir, disttest.Name("demo"), disttest.Version("1.0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	for _, k := range []string{"PYUP_PASSWORD", "TWINE_PASSWORD", "GITHUB_ACTIONS"} {
		t.Setenv(k, "")
	}
	ios, _, out, errOut := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, LookupEnv: os.LookupEnv}
	code := app.Run(context.Background(), f, []string{"upload", "--repository-url", "http://" + addr + "/legacy/",
		"-p", "pypi-test", "--retries", "0", "--non-interactive", "--no-keyring", wheel})
	if code != documented[0] {
		t.Errorf("connection refused: exit %d, docs/exit-codes.md says %d\n%s%s", code, documented[0], out, errOut)
	}
	if !strings.Contains(errOut.String(), "refused") {
		t.Errorf("the error does not say the connection was refused:\n%s", errOut)
	}
}
