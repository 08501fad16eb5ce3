package cmdutil

import (
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
)

// Factory gives commands their dependencies. It stays small and lazy: a
// command that never asks for the network or the keyring never touches them.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// LookupEnv reads the environment (os.LookupEnv in the binary).
	LookupEnv func(string) (string, bool)
}

// Getenv returns the environment variable's value, or "".
func (f *Factory) Getenv(name string) string {
	v, _ := f.LookupEnv(name)
	return v
}
