// Package tokenfile is a credential provider that reads an API token from
// the file PYUP_TOKEN_FILE names. It is a throwaway: it proves that a
// provider takes one package and one line in cmdutil's provider list.
package tokenfile

import (
	"context"
	"os"
	"strings"

	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// New returns the provider, reading the environment through lookupEnv.
func New(lookupEnv func(string) (string, bool)) credential.Provider {
	return provider{lookupEnv}
}

type provider struct{ lookupEnv func(string) (string, bool) }

func (provider) Source() credential.Source { return "token-file" }

func (p provider) Applies(credential.Request) (bool, string) {
	if v, ok := p.lookupEnv("PYUP_TOKEN_FILE"); !ok || v == "" {
		return false, "PYUP_TOKEN_FILE is unset"
	}
	return true, ""
}

func (p provider) Resolve(_ context.Context, req credential.Request) (*credential.Credential, credential.Outcome, error) {
	name, _ := p.lookupEnv("PYUP_TOKEN_FILE")
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, credential.Outcome{Status: credential.StatusFailed, Reason: "cannot read " + name}, nil
	}
	return &credential.Credential{Username: req.Username, Password: credential.Secret(strings.TrimSpace(string(b))), Detail: "token file " + name},
		credential.Outcome{Status: credential.StatusUsed, Reason: "token from " + name}, nil
}
