// Package cmdutiltest gives command tests a factory over fakes: test
// streams, an environment of their own, and an in-memory keyring.
package cmdutiltest

import (
	"bytes"
	"context"
	"io"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// Keyring is an in-memory credential.Keyring that counts its calls. The
// zero value is empty and ready to use.
type Keyring struct {
	mu      sync.Mutex
	entries map[string]string
	calls   atomic.Int32
}

var _ credential.Keyring = (*Keyring)(nil)

func key(service, user string) string { return service + "\x00" + user }

// Get implements credential.Keyring.
func (k *Keyring) Get(service, user string) (string, error) {
	k.calls.Add(1)
	k.mu.Lock()
	defer k.mu.Unlock()
	pw, ok := k.entries[key(service, user)]
	if !ok {
		return "", credential.ErrNoEntry
	}
	return pw, nil
}

// Set implements credential.Keyring.
func (k *Keyring) Set(service, user, password string) error {
	k.calls.Add(1)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.entries == nil {
		k.entries = map[string]string{}
	}
	k.entries[key(service, user)] = password
	return nil
}

// Delete implements credential.Keyring.
func (k *Keyring) Delete(service, user string) error {
	k.calls.Add(1)
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.entries[key(service, user)]; !ok {
		return credential.ErrNoEntry
	}
	delete(k.entries, key(service, user))
	return nil
}

// Entry returns the stored password, and whether there is one, without
// counting a call.
func (k *Keyring) Entry(service, user string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	pw, ok := k.entries[key(service, user)]
	return pw, ok
}

// Calls is how many times Get, Set or Delete ran.
func (k *Keyring) Calls() int { return int(k.calls.Load()) }

// Streams are the buffers behind a test factory's IOStreams.
type Streams struct {
	In, Out, ErrOut *bytes.Buffer
}

// New returns a factory over test streams (no terminals), the environment
// env (nothing else of the process's is read) and the keyring kr.
func New(env map[string]string, kr credential.Keyring) (*cmdutil.Factory, Streams) {
	ios, in, out, errOut := iostreams.Test()
	f := &cmdutil.Factory{
		IOStreams: ios,
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Keyring:   kr,
	}
	return f, Streams{In: in, Out: out, ErrOut: errOut}
}

// Parse runs the command newCmd builds on args the way pyup does (flags,
// then f's environment through config.Apply) and returns the options its
// run function received, without running it.
func Parse[O any](t testing.TB, f *cmdutil.Factory, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, args ...string) *O {
	t.Helper()
	var got *O
	cmd := newCmd(f, func(_ context.Context, o *O) error { got = o; return nil })
	cmd.PreRunE = func(c *cobra.Command, _ []string) error { _, err := config.Apply(c, f.LookupEnv); return err }
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	return got
}
