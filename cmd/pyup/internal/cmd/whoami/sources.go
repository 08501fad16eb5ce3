package whoami

import (
	"fmt"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
	"github.com/pyup-dev/pyup/pkg/upload/credential/artifactory"
	"github.com/pyup-dev/pyup/pkg/upload/credential/azure"
	"github.com/pyup-dev/pyup/pkg/upload/credential/codeartifact"
	"github.com/pyup-dev/pyup/pkg/upload/credential/gcp"
	"github.com/pyup-dev/pyup/pkg/upload/credential/gitlab"
)

// LookedAt is one place pyup looked for a credential, in the JSON report
// when none was found.
type LookedAt struct {
	// Source is the kind of place: "flag", "env", "repository-url",
	// "config-file", "trusted-publishing", "keyring" or "prompt".
	Source string `json:"source"`
	// Name says exactly where: "--password", "PYUP_PASSWORD", the URL, the
	// file and its section, the keyring entry.
	Name string `json:"name"`
	// Result is what pyup found there: "unset", "no password", ...
	Result string `json:"result"`
}

// verification says whether whoami proved that the index accepts the
// credential. Only a trusted-publishing exchange does: the index minted the
// token. Nothing else can be checked without uploading.
// cloudSources are the providers of private indexes' short-lived tokens.
var cloudSources = map[credential.Source]bool{
	gcp.Source: true, codeartifact.Source: true, azure.Source: true, gitlab.Source: true, artifactory.Source: true,
}

func verification(t *cmdutil.Target, cred *credential.Credential) (bool, string) {
	switch {
	case cred.Source == credential.SourceTrustedPublishing:
		return true, "the index minted this token for the CI's identity just now"
	case cloudSources[cred.Source]:
		return false, fmt.Sprintf("the %s token was obtained, but no index can check it without an upload: whether %s lets this identity publish shows on the first upload", cred.Source.Label(), t.URL)
	case t.IsPyPI():
		return false, "PyPI has no endpoint to check a token without uploading; the restrictions embedded in it are shown, the server may hold more"
	}
	return false, fmt.Sprintf("%s is not PyPI: pyup cannot check a password there without uploading, so whether the index accepts it shows on the first upload", t.URL)
}

// lookedAt lists every place pyup looked for a password and the username
// that goes with it, with what it found there, for a report that found none.
func lookedAt(opts *WhoamiOptions, t *cmdutil.Target, rep *credential.Report) []LookedAt {
	var out []LookedAt
	add := func(src, name, result string) { out = append(out, LookedAt{src, name, result}) }
	env := func(name string) string {
		v, ok := opts.Factory.LookupEnv(name)
		switch {
		case !ok:
			return "unset"
		case v == "":
			return "set but empty"
		}
		return "set"
	}

	if opts.Sources.FlagGiven("password") {
		add("flag", "--password", "given but empty")
	} else {
		add("flag", "--password", "not given")
	}
	add("env", config.EnvName("password"), env(config.EnvName("password")))
	add("env", "TWINE_PASSWORD", env("TWINE_PASSWORD"))
	add("repository-url", t.URL, "no password in the URL (https://user:password@host/...)")

	configFile := opts.ConfigFile
	switch {
	case t.Name == "":
		add("config-file", configFile, "not read: --repository-url was given")
	case t.ConfigPath == "":
		add("config-file", configFile, "no such file")
	default:
		add("config-file", fmt.Sprintf("%s [%s]", t.ConfigPath, t.Name), "no password (nor in [server-login])")
	}

	// Every provider after the explicit ones (listed above in detail), in
	// the resolver's order.
	for _, s := range rep.Steps {
		result := string(s.Status) + ": " + s.Reason
		switch s.Source {
		case credential.SourceExplicit:
		case credential.SourceTrustedPublishing:
			add(string(s.Source), "OIDC from the CI", result)
		case credential.SourceKeyring:
			add(string(s.Source), fmt.Sprintf("service %s, user %s", t.URL, rep.Username), result)
		case credential.SourcePrompt:
			add(string(s.Source), "terminal", result)
		default:
			add(string(s.Source), "provider", result)
		}
	}

	// The username decides the keyring entry and trusted publishing.
	if opts.Sources.FlagGiven("username") {
		add("flag", "--username", "given")
	} else {
		add("flag", "--username", "not given")
	}
	add("env", config.EnvName("username"), env(config.EnvName("username")))
	add("env", "TWINE_USERNAME", env("TWINE_USERNAME"))
	return out
}
