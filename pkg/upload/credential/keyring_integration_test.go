package credential

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// These tests talk to a real Secret Service. They run only with
// PYUP_KEYRING_INTEGRATION=1 and a D-Bus session (DBUS_SESSION_BUS_ADDRESS);
// README-keyring.md has the commands that start one.

func requireRealKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("PYUP_KEYRING_INTEGRATION") != "1" {
		t.Skip("set PYUP_KEYRING_INTEGRATION=1 to test against a real Secret Service")
	}
	// Asked for explicitly (as .ci/run does), a missing session is a failure,
	// not a skip: CI must not pass without testing the real keyring.
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("PYUP_KEYRING_INTEGRATION=1 but DBUS_SESSION_BUS_ADDRESS is unset: run inside dbus-run-session with gnome-keyring (see README-keyring.md)")
	}
}

// uniqueURL keeps runs from seeing each other's entries.
func uniqueURL(t *testing.T) string {
	return fmt.Sprintf("https://keyring-test.invalid/%s/%d/legacy/", t.Name(), time.Now().UnixNano())
}

func TestRealKeyringRoundTrip(t *testing.T) {
	requireRealKeyring(t)
	ctx := t.Context()
	r := NewResolver(WithLookupEnv(os.LookupEnv), WithKeyringTimeout(10*time.Second))
	repo := uniqueURL(t)
	secret := Secret("pypi-integration-" + marker)
	if err := r.Store(ctx, repo, "", secret); err != nil {
		t.Fatalf("Store: %v", err)
	}
	t.Cleanup(func() { _ = r.Delete(context.Background(), repo, "") })

	c, rep, err := r.Resolve(ctx, Request{RepositoryURL: repo, TrustedPublishing: ModeNever})
	assertNoLeak(t, c, rep, err)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if c.Source != SourceKeyring || c.Password != secret {
		t.Fatalf("got %v", c)
	}
	if err := r.Delete(ctx, repo, ""); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := r.Delete(ctx, repo, ""); !errors.Is(err, ErrNoEntry) {
		t.Fatalf("second Delete: %v, want ErrNoEntry", err)
	}
}

// TestRealKeyringPythonInterop checks that an entry written by Python's
// keyring (what twine reads) is found by pyup, and the reverse.
func TestRealKeyringPythonInterop(t *testing.T) {
	requireRealKeyring(t)
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import keyring").Run(); err != nil {
		t.Skipf("%s cannot import keyring (install Debian's python3-keyring): %v", python, err)
	}
	ctx := t.Context()
	r := NewResolver(WithLookupEnv(os.LookupEnv), WithKeyringTimeout(10*time.Second))
	repo := uniqueURL(t)
	secret := "pypi-from-python-" + marker
	t.Cleanup(func() { _ = r.Delete(context.Background(), repo, "") })

	// Python writes, pyup reads. The password goes on stdin, never argv.
	set := exec.CommandContext(ctx, python, "-m", "keyring", "set", repo, TokenUsername)
	set.Stdin = strings.NewReader(secret + "\n")
	if out, err := set.CombinedOutput(); err != nil {
		t.Fatalf("python -m keyring set: %v\n%s", err, strings.ReplaceAll(string(out), secret, "****"))
	}
	c, _, err := r.Resolve(ctx, Request{RepositoryURL: repo, TrustedPublishing: ModeNever})
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if c.Password.Reveal() != secret {
		t.Fatalf("read %s, want the value Python stored", c.Password)
	}

	// pyup writes, Python reads.
	secret2 := "pypi-from-pyup-" + marker
	if err := r.Store(ctx, repo, "", Secret(secret2)); err != nil {
		t.Fatalf("Store: %v", err)
	}
	out, err := exec.CommandContext(ctx, python, "-m", "keyring", "get", repo, TokenUsername).Output()
	if err != nil {
		t.Fatalf("python -m keyring get: %v", err)
	}
	if strings.TrimSpace(string(out)) != secret2 {
		t.Fatal("Python read a different value than pyup stored")
	}
}
