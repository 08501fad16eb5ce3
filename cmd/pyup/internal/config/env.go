// Package config fills the flags a user did not set from the environment:
// PYUP_<FLAG> first, then twine's TWINE_* variable where one exists. Flags
// stay the single source of truth; the .pypirc is read by the commands that
// need it, after this.
package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// EnvVar declares one environment variable pyup reads.
type EnvVar struct {
	// Name is the variable, e.g. PYUP_PASSWORD.
	Name string
	// Flag is the flag it fills, e.g. "password"; empty for variables that
	// are not flags (NO_COLOR, GITHUB_ACTIONS...).
	Flag string
	// Sensitive variables are never printed, even with --verbose.
	Sensitive bool
	// Doc says what it does, for docs/configuration.md.
	Doc string
}

// twineFallbacks maps a flag to twine's variable for it, read after PYUP_*.
var twineFallbacks = map[string]string{
	"username":        "TWINE_USERNAME",
	"password":        "TWINE_PASSWORD",
	"repository":      "TWINE_REPOSITORY",
	"repository-url":  "TWINE_REPOSITORY_URL",
	"cert":            "TWINE_CERT",
	"non-interactive": "TWINE_NON_INTERACTIVE",
}

// sensitiveFlags hold secrets: their values are never printed.
var sensitiveFlags = map[string]bool{"password": true}

// EnvName is the PYUP_* variable for a flag: PYUP_ + upper-cased name with
// '-' turned into '_'.
func EnvName(flag string) string {
	return "PYUP_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// skipFlag lists flags that make no sense from the environment.
func skipFlag(name string) bool {
	return name == "help" || name == "version"
}

// envAnnotation on a flag replaces the variables that fill it (see SetEnv).
const envAnnotation = "pyup_env_names"

// SetEnv makes the flag named flag of fs read the variables names, in that
// order, instead of PYUP_<FLAG> and twine's variable; no names means the
// flag is never read from the environment. A command uses it when one of
// its flags shares a name, not a meaning, with another command's (verify's
// --repository is a source repository, upload's an index: TWINE_REPOSITORY
// must not fill the first). It panics if there is no such flag.
func SetEnv(fs *pflag.FlagSet, flag string, names ...string) {
	f := fs.Lookup(flag)
	if f == nil {
		panic("config.SetEnv: no flag --" + flag)
	}
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[envAnnotation] = append([]string{}, names...)
}

// Vars lists the variables cmd reads for its flags, in flag order.
func Vars(cmd *cobra.Command) []EnvVar {
	var out []EnvVar
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if skipFlag(f.Name) {
			return
		}
		if names, ok := f.Annotations[envAnnotation]; ok {
			for _, n := range names {
				out = append(out, EnvVar{Name: n, Flag: f.Name, Sensitive: sensitiveFlags[f.Name], Doc: f.Usage})
			}
			return
		}
		out = append(out, EnvVar{Name: EnvName(f.Name), Flag: f.Name, Sensitive: sensitiveFlags[f.Name], Doc: f.Usage})
		if tw, ok := twineFallbacks[f.Name]; ok {
			out = append(out, EnvVar{Name: tw, Flag: f.Name, Sensitive: sensitiveFlags[f.Name], Doc: "twine's name for --" + f.Name + ", read when " + EnvName(f.Name) + " is unset"})
		}
	})
	return out
}

// TwineFallbacks returns flag -> TWINE_* variable, sorted by flag, for docs.
func TwineFallbacks() [][2]string {
	var out [][2]string
	for f, v := range twineFallbacks {
		out = append(out, [2]string{f, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// Origin says where one flag's value came from.
type Origin struct {
	// Flag is true when the value was given on the command line.
	Flag bool
	// Env is the variable the value was read from, "" when none was.
	Env string
}

// Sources says where each flag's value came from; a flag it does not name
// holds its default. Commands keep it in their options: it is how they ask
// "did the user give this?".
type Sources map[string]Origin

// Given reports whether the user set flag, on the command line or in the
// environment.
func (s Sources) Given(flag string) bool {
	o := s[flag]
	return o.Flag || o.Env != ""
}

// FlagGiven reports whether flag was given on the command line.
func (s Sources) FlagGiven(flag string) bool { return s[flag].Flag }

// Describe says where flag's value came from for people: "flag --NAME",
// "env VAR", or "" when it holds its default.
func (s Sources) Describe(flag string) string {
	switch o := s[flag]; {
	case o.Flag:
		return "flag --" + flag
	case o.Env != "":
		return "env " + o.Env
	}
	return ""
}

// flagEnvNames are the variables that may fill f, in precedence order.
func flagEnvNames(f *pflag.Flag) []string {
	if names, ok := f.Annotations[envAnnotation]; ok {
		return names
	}
	return envNames(f.Name)
}

// envNames are the variables that may fill flag, in precedence order.
func envNames(flag string) []string {
	names := []string{EnvName(flag)}
	if tw, ok := twineFallbacks[flag]; ok {
		names = append(names, tw)
	}
	return names
}

// lookupFirst returns the first of names that lookup finds set to a value
// that is not empty: an empty variable counts as unset, so the next name
// is read.
func lookupFirst(lookup func(string) (string, bool), names []string) (name, value string) {
	for _, n := range names {
		if v, ok := lookup(n); ok && v != "" {
			return n, v
		}
	}
	return "", ""
}

// originAnnotation records a flag's Origin on the flag, so that the command
// that runs after Apply can read it (SourcesOf).
const originAnnotation = "pyup_env_origin"

// Apply fills every flag of cmd the user did not set on the command line from
// PYUP_<FLAG>, else from twine's variable, reading the environment only
// through lookup (an empty variable counts as unset). A fresh viper instance
// per call binds the layers (command line, then environment, then the
// flag's default) and keeps runs independent. It returns where each value
// that was not a default came from, and records it on cmd for SourcesOf.
// An invalid value is an error naming the variable it came from.
func Apply(cmd *cobra.Command, lookup func(string) (string, bool)) (Sources, error) {
	v := viper.New()
	sources := Sources{}
	fromEnv := map[string]any{}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if skipFlag(f.Name) {
			return
		}
		if f.Changed {
			sources[f.Name] = Origin{Flag: true}
		} else if name, val := lookupFirst(lookup, flagEnvNames(f)); name != "" {
			sources[f.Name] = Origin{Env: name}
			fromEnv[f.Name] = val
		}
	})
	if err := v.MergeConfigMap(fromEnv); err != nil {
		return nil, err
	}
	var firstErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if firstErr != nil || skipFlag(f.Name) {
			return
		}
		if err := v.BindPFlag(f.Name, f); err != nil {
			firstErr = err
			return
		}
		o, ok := sources[f.Name]
		if ok {
			if f.Annotations == nil {
				f.Annotations = map[string][]string{}
			}
			f.Annotations[originAnnotation] = []string{o.Env}
		}
		if !ok || o.Flag {
			return
		}
		if err := setFlag(f, v.GetString(f.Name)); err != nil {
			firstErr = fmt.Errorf("%s: %w", o.Env, err)
		}
	})
	return sources, firstErr
}

// SourcesOf returns where each of cmd's flags got its value: the command
// line, or the variable Apply read it from.
func SourcesOf(cmd *cobra.Command) Sources {
	sources := Sources{}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		switch env := f.Annotations[originAnnotation]; {
		case f.Changed:
			sources[f.Name] = Origin{Flag: true}
		case len(env) == 1 && env[0] != "":
			sources[f.Name] = Origin{Env: env[0]}
		}
	})
	return sources
}

func setFlag(f *pflag.Flag, val string) error {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		return sv.Replace(splitList(val))
	}
	if err := f.Value.Set(val); err != nil {
		if sensitiveFlags[f.Name] {
			return fmt.Errorf("invalid value for --%s", f.Name)
		}
		return fmt.Errorf("invalid value %q for --%s: %v", val, f.Name, err)
	}
	return nil
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })
}

// SecretVars are the environment variables whose values are secrets that pyup
// may handle in a run, besides the sensitive flags' variables (PYUP_PASSWORD,
// TWINE_PASSWORD): CI request tokens and ready-made ID tokens. Their values
// are scrubbed from all output from the start of the run.
var SecretVars = []EnvVar{
	{Name: "ACTIONS_ID_TOKEN_REQUEST_TOKEN", Sensitive: true, Doc: "GitHub Actions: the bearer token that fetches ID tokens"},
	{Name: "ACTIONS_RUNTIME_TOKEN", Sensitive: true, Doc: "GitHub Actions: the runner's own token"},
	{Name: "GITHUB_TOKEN", Sensitive: true, Doc: "GitHub: a repository token some workflows export"},
	{Name: "PYPI_ID_TOKEN", Sensitive: true, Doc: "GitLab CI: the ID token for audience pypi"},
	{Name: "TESTPYPI_ID_TOKEN", Sensitive: true, Doc: "GitLab CI: the ID token for audience testpypi"},
	{Name: "CI_JOB_TOKEN", Sensitive: true, Doc: "GitLab CI: the job token"},
	{Name: "CI_JOB_JWT", Sensitive: true, Doc: "GitLab CI: the job's legacy ID token"},
	{Name: "CI_JOB_JWT_V2", Sensitive: true, Doc: "GitLab CI: the job's legacy ID token"},
	{Name: "CIRCLE_OIDC_TOKEN", Sensitive: true, Doc: "CircleCI: the job's ID token"},
	{Name: "CIRCLE_OIDC_TOKEN_V2", Sensitive: true, Doc: "CircleCI: the job's ID token"},
	{Name: "BUILDKITE_AGENT_ACCESS_TOKEN", Sensitive: true, Doc: "Buildkite: the agent's token"},
	{Name: "SYSTEM_ACCESSTOKEN", Sensitive: true, Doc: "Azure Pipelines: the job's access token"},
	{Name: "AWS_SECRET_ACCESS_KEY", Sensitive: true, Doc: "AWS: the secret key that signs CodeArtifact requests"},
	{Name: "AWS_SESSION_TOKEN", Sensitive: true, Doc: "AWS: the session token of temporary keys"},
	{Name: "AZURE_CLIENT_SECRET", Sensitive: true, Doc: "Azure: an app registration's client secret"},
	{Name: "IDENTITY_HEADER", Sensitive: true, Doc: "Azure: the managed identity endpoint's secret header"},
}

// SecretValues returns the values of every sensitive variable pyup knows
// (the sensitive flags' PYUP_* and TWINE_* names and SecretVars) that lookup
// finds set, for the run's redaction.
func SecretValues(lookup func(string) (string, bool)) []string {
	var names []string
	for flag := range sensitiveFlags {
		names = append(names, EnvName(flag))
		if tw, ok := twineFallbacks[flag]; ok {
			names = append(names, tw)
		}
	}
	for _, v := range SecretVars {
		names = append(names, v.Name)
	}
	var out []string
	for _, n := range names {
		if v, ok := lookup(n); ok && v != "" {
			out = append(out, v)
		}
	}
	return out
}
