package credential

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

func TestKeyringCommand(t *testing.T) {
	req := Request{RepositoryURL: "https://example.invalid/legacy/", Username: "ci"}
	var got []string
	found := func(_ context.Context, name string, args ...string) ([]byte, error) {
		got = append([]string{name}, args...)
		return []byte("s3cret-from-plugin\n"), nil
	}
	c, _, err := FromKeyringCommand(found).Resolve(t.Context(), req)
	if err != nil || c == nil || c.Password.Reveal() != "s3cret-from-plugin" || c.Username != "ci" {
		t.Fatalf("%v %v", c, err)
	}
	if strings.Join(got, " ") != "keyring get https://example.invalid/legacy/ ci" {
		t.Errorf("ran %q", got)
	}

	exit1 := func(context.Context, string, ...string) ([]byte, error) {
		err := exec.Command("sh", "-c", "exit 1").Run()
		return nil, fmt.Errorf("keyring: %w", err)
	}
	if _, err := exec.LookPath("sh"); err == nil {
		_, out, err := FromKeyringCommand(exit1).Resolve(t.Context(), req)
		if err != nil || out.Status != StatusNotFound {
			t.Errorf("exit 1: %+v %v", out, err)
		}
	}
	missing := func(context.Context, string, ...string) ([]byte, error) { return nil, exec.ErrNotFound }
	_, out, _ := FromKeyringCommand(missing).Resolve(t.Context(), req)
	if out.Status != StatusFailed || !strings.Contains(out.Reason, "not on PATH") {
		t.Errorf("missing: %+v", out)
	}
	leaky := func(context.Context, string, ...string) ([]byte, error) {
		return nil, errors.New("plugin said: token s3cret-in-stderr")
	}
	_, out, _ = FromKeyringCommand(leaky).Resolve(t.Context(), req)
	if strings.Contains(out.Reason, "s3cret") {
		t.Errorf("the reason repeats the command's stderr: %s", out.Reason)
	}
	if ok, _ := FromKeyringCommand(nil).Applies(req); ok {
		t.Error("applies when not chosen")
	}
	if ok, _ := FromKeyringCommand(found).Applies(Request{RepositoryURL: req.RepositoryURL, NoKeyring: true}); ok {
		t.Error("applies with NoKeyring")
	}
}
