package cmdutil

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// Factory gives commands their dependencies. It stays small and lazy: a
// command that never asks for the network or the keyring never touches them.
// Per index, Remote builds what commands that send credentials share.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// LookupEnv reads the environment (os.LookupEnv in the binary). It is
	// the one way pyup reads it: flags' variables (config.Apply), colour,
	// CI detection, trusted publishing, the keyring's D-Bus check.
	LookupEnv func(string) (string, bool)
	// Keyring is the OS keyring pyup reads credentials from and pyup login
	// writes to; nil means the system keyring. Tests put a fake here.
	Keyring credential.Keyring

	keyringOnce  sync.Once
	keyringStore *credential.KeyringStore
}

// New returns the factory of the binary: the process's streams and
// lookupEnv as its one view of the environment.
func New(lookupEnv func(string) (string, bool)) *Factory {
	return &Factory{IOStreams: iostreams.System(lookupEnv), LookupEnv: lookupEnv}
}

// KeyringStore returns the keyring, built on first use: f.Keyring (or the
// system keyring), each call bounded by the default timeout.
func (f *Factory) KeyringStore() *credential.KeyringStore {
	f.keyringOnce.Do(func() {
		opts := []credential.KeyringOption{credential.KeyringLookupEnv(f.LookupEnv)}
		if f.Keyring != nil {
			opts = append(opts, credential.KeyringBackend(f.Keyring))
		}
		f.keyringStore = credential.NewKeyringStore(opts...)
	})
	return f.keyringStore
}

// prompt asks on the terminal: the label on ErrOut, the answer from In,
// without echo unless echo is true.
func (f *Factory) prompt(_ context.Context, label string, echo bool) (string, error) {
	fmt.Fprint(f.IOStreams.ErrOut, strings.TrimRight(label, ": ")+": ")
	if echo {
		return f.IOStreams.ReadLine()
	}
	return f.IOStreams.ReadSecret()
}
