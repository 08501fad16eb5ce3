// Package pypirc reads the .pypirc configuration file the way twine does.
//
// The file is INI, parsed like Python's configparser.RawConfigParser: no "%"
// interpolation, no inline comments (a "#" after a value is part of the value),
// values may continue on deeper-indented lines, keys are case-insensitive and
// section names are case-sensitive. The [distutils] section's index-servers
// names the repositories the file defines (default "pypi testpypi"); each has
// a section with repository, username, password, ca_cert and client_cert, and
// the obsolete [server-login] section supplies a default username and
// password for all of them. pypi always exists and testpypi exists whenever
// index-servers names it, with their public upload URLs unless the file
// overrides them.
package pypirc

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/ini.v1"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/pypi"
)

// DefaultIndexServers is the index-servers value used when the file has none.
const DefaultIndexServers = "pypi testpypi"

// SpecURL documents the file format; error messages point to it.
const SpecURL = "https://packaging.python.org/specifications/pypirc/"

// ErrUnknownRepository is returned (wrapped in *UnknownRepositoryError) when a
// repository name is not defined by the file.
var ErrUnknownRepository = errors.New("unknown repository")

// ErrNoURL is returned (wrapped) by File.Repository when a repository listed
// in index-servers has no repository key and no built-in default URL.
var ErrNoURL = errors.New("repository has no URL")

// ErrMalformed is returned (wrapped in *MalformedError) when the file is not
// valid INI.
var ErrMalformed = errors.New("malformed configuration")

// UnknownRepositoryError reports a repository name that the configuration
// does not define. It matches ErrUnknownRepository with errors.Is.
type UnknownRepositoryError struct {
	// Name is the repository asked for.
	Name string
	// Path is the configuration file, or "" when none was read.
	Path string
	// Known lists the repositories the configuration defines, sorted.
	Known []string
}

// Error lists the known repositories.
func (e *UnknownRepositoryError) Error() string {
	where := e.Path
	if where == "" {
		where = "the configuration"
	}
	return fmt.Sprintf("missing %q section from %s (known repositories: %s); more info: %s",
		e.Name, where, strings.Join(e.Known, ", "), SpecURL)
}

// Is reports whether target is ErrUnknownRepository.
func (e *UnknownRepositoryError) Is(target error) bool { return target == ErrUnknownRepository }

// MalformedError reports a file that cannot be parsed. Like twine, it never
// quotes the parser's message, which could contain a password from the file.
type MalformedError struct {
	// Path is the configuration file.
	Path string
}

// Error names the file only.
func (e *MalformedError) Error() string {
	return fmt.Sprintf("malformed configuration in %s; more info: %s", e.Path, SpecURL)
}

// Is reports whether target is ErrMalformed.
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

// Repository is one repository's settings. Empty strings mean "not set".
type Repository struct {
	// Name is the section name (the -r / --repository value).
	Name string
	// URL is the upload URL. It is set for every repository Load returns
	// except one whose section lacks a repository key; callers must check.
	URL string
	// Username is the login name, from the section or [server-login].
	Username string
	// Password is the password or API token. It is sensitive: never print or
	// log it.
	Password string
	// CACert is a path to a CA bundle to verify the server with.
	CACert string
	// ClientCert is a path to a PEM client certificate (with its key).
	ClientCert string
	// OIDCAudience is the audience of the ID tokens trusted publishing may
	// send to this index when it is not PyPI or TestPyPI (key oidc_audience).
	OIDCAudience string
	// ArtifactoryOIDCProvider is the JFrog Platform's OIDC provider name
	// through which the CI's ID token is exchanged for an Artifactory
	// token (key artifactory_oidc_provider).
	ArtifactoryOIDCProvider string
	// ArtifactoryOIDCAudience is the audience of that ID token (key
	// artifactory_oidc_audience).
	ArtifactoryOIDCAudience string
}

// String describes the repository without its password.
func (r Repository) String() string {
	pw := "unset"
	if r.Password != "" {
		pw = "set"
	}
	return fmt.Sprintf("%s (url %q, username %q, password %s)", r.Name, r.URL, r.Username, pw)
}

// GoString is String, so %#v does not print the password either.
func (r Repository) GoString() string { return "pypirc.Repository{" + r.String() + "}" }

// File is a parsed .pypirc.
type File struct {
	// Path is the file that was read (after ~ expansion).
	Path string
	// Exists reports whether the file existed. When false, the File holds
	// only the built-in defaults.
	Exists bool
	// IndexServers are the names from [distutils] index-servers, in order.
	IndexServers []string
	// Mode is the file's permission bits, when it exists.
	Mode fs.FileMode
	// HasPassword reports whether any section of the file (listed in
	// index-servers or not, [server-login] and [DEFAULT] included) sets a
	// non-empty password.
	HasPassword bool

	repos map[string]Repository
}

// LoadOption configures Load.
type LoadOption func(*loadConfig)

type loadConfig struct {
	mustExist bool
	home      func() (string, error)
}

// MustExist makes a missing file an error, as twine does for a file named
// with --config-file. The default (false) treats a missing file as empty so
// the built-in defaults apply, as twine does for ~/.pypirc.
func MustExist(b bool) LoadOption { return func(c *loadConfig) { c.mustExist = b } }

// WithHomeDir sets the function used to expand a leading "~" in the path.
// The default is os.UserHomeDir.
func WithHomeDir(f func() (string, error)) LoadOption {
	return func(c *loadConfig) { c.home = f }
}

// DefaultPath returns the default configuration path, ~/.pypirc, unexpanded.
func DefaultPath() string { return "~/.pypirc" }

// Load reads the configuration at path ("~/" is expanded). A missing file is
// not an error unless MustExist(true) is given: the result then has the
// built-in pypi and testpypi repositories only. A file that cannot be read
// or parsed is an error; parse errors are *MalformedError.
func Load(path string, opts ...LoadOption) (*File, error) {
	cfg := loadConfig{home: os.UserHomeDir}
	for _, o := range opts {
		o(&cfg)
	}
	expanded, err := expandHome(path, cfg.home)
	if err != nil {
		return nil, err
	}
	// Through dist.ReadFile: a named pipe in its place must not hang pyup.
	data, err := dist.ReadFile(expanded, maxFileSize)
	switch {
	case err == nil:
		f, perr := Parse(data)
		if perr != nil {
			return nil, &MalformedError{Path: expanded}
		}
		f.Path, f.Exists = expanded, true
		if st, err := os.Stat(expanded); err == nil {
			f.Mode = st.Mode().Perm()
		}
		return f, nil
	case errors.Is(err, fs.ErrNotExist) && !cfg.mustExist:
		f, _ := Parse(nil)
		f.Path = expanded
		return f, nil
	default:
		return nil, fmt.Errorf("read configuration: %w", err)
	}
}

// maxFileSize bounds the configuration file pyup reads.
const maxFileSize = 4 << 20

func expandHome(path string, home func() (string, error)) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") && !strings.HasPrefix(path, `~`+string(filepath.Separator)) {
		return path, nil
	}
	h, err := home()
	if err != nil {
		return "", fmt.Errorf("expand %s: %w", path, err)
	}
	return filepath.Join(h, path[1:]), nil
}

// Parse parses configuration text. The error, if any, may quote the input, so
// callers that show it must not pass it on; Load wraps it as *MalformedError.
func Parse(data []byte) (*File, error) {
	cf, err := ini.LoadSources(ini.LoadOptions{
		InsensitiveKeys:            true,
		IgnoreInlineComment:        true,
		AllowPythonMultilineValues: true,
		PreserveSurroundedQuote:    true,
		KeyValueDelimiters:         "=:",
		// configparser has no child sections; ini.v1 would otherwise make
		// [a.b] inherit keys from [a].
		ChildSectionDelimiter: "\x00",
		ReaderBufferSize:      len(data) + 1,
	}, stripIgnoredLines(data))
	if err != nil {
		return nil, err
	}
	get := func(section, key string) (string, bool) {
		return lookup(cf, section, key)
	}

	f := &File{repos: map[string]Repository{}}
	for _, sec := range cf.Sections() {
		if k, err := sec.GetKey("password"); err == nil && joinLines(k.Value()) != "" {
			f.HasPassword = true
		}
	}
	servers := DefaultIndexServers
	if v, ok := get("distutils", "index-servers"); ok {
		servers = v
	}
	f.IndexServers = strings.Fields(servers)

	// [server-login] is obsolete but still the default for every repository.
	defUser, _ := get("server-login", "username")
	defPass, _ := get("server-login", "password")
	newRepo := func(name string) Repository {
		return Repository{Name: name, Username: defUser, Password: defPass}
	}

	def := newRepo("pypi")
	def.URL = pypi.UploadURL
	f.repos["pypi"] = def
	if slices.Contains(f.IndexServers, "testpypi") {
		t := newRepo("testpypi")
		t.URL = pypi.TestUploadURL
		f.repos["testpypi"] = t
	}
	for _, name := range f.IndexServers {
		r, ok := f.repos[name]
		if !ok {
			r = newRepo(name)
		}
		for key, dst := range map[string]*string{
			"repository":                &r.URL,
			"username":                  &r.Username,
			"password":                  &r.Password,
			"ca_cert":                   &r.CACert,
			"client_cert":               &r.ClientCert,
			"oidc_audience":             &r.OIDCAudience,
			"artifactory_oidc_provider": &r.ArtifactoryOIDCProvider,
			"artifactory_oidc_audience": &r.ArtifactoryOIDCAudience,
		} {
			if v, ok := get(name, key); ok {
				*dst = v
			}
		}
		f.repos[name] = r
	}
	return f, nil
}

// lookup finds key in section, falling back to [DEFAULT] as configparser
// does, but only when the section exists.
func lookup(cf *ini.File, section, key string) (string, bool) {
	sec, err := cf.GetSection(section)
	if err != nil {
		return "", false
	}
	for _, s := range []*ini.Section{sec, cf.Section(ini.DefaultSection)} {
		for _, k := range s.Keys() {
			if k.Name() == key {
				return joinLines(k.Value()), true
			}
		}
	}
	return "", false
}

// stripIgnoredLines drops the lines configparser ignores: blank lines and
// full-line comments ("#" or ";" after optional indentation). ini.v1 would
// otherwise end a multi-line value at a blank line and then reject the
// indented line after it, where configparser continues the value. The one
// difference left: a blank line inside a multi-line value is kept by
// configparser and dropped here, which only matters to multi-line passwords.
func stripIgnoredLines(data []byte) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	var b strings.Builder
	b.Grow(len(data))
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' || t[0] == ';' {
			continue
		}
		b.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}

// joinLines strips each line of a (possibly multi-line) value and the value
// as a whole, as configparser does.
func joinLines(v string) string {
	lines := strings.Split(v, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Repository returns the named repository, its URL normalized by
// NormalizeURL. An unknown name is an *UnknownRepositoryError listing the
// known ones; a repository without a URL (listed in index-servers but with
// no repository key) is an error wrapping ErrNoURL.
func (f *File) Repository(name string) (Repository, error) {
	r, ok := f.repos[name]
	if !ok {
		return Repository{}, &UnknownRepositoryError{Name: name, Path: f.Path, Known: f.Names()}
	}
	if r.URL == "" {
		return Repository{}, fmt.Errorf("%w: [%s] in %s sets no repository; more info: %s", ErrNoURL, name, f.where(), SpecURL)
	}
	r.URL = NormalizeURL(r.URL)
	return r, nil
}

func (f *File) where() string {
	if f.Path == "" {
		return "the configuration"
	}
	return f.Path
}

// NormalizeURL upgrades an http URL of a PyPI or TestPyPI host (see
// pypi.Lookup: pypi.org, upload.pypi.org, test.pypi.org and the retired
// pypi.python.org names) without a port to https, as twine does. Any other
// URL is returned unchanged.
func NormalizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Port() != "" {
		return raw
	}
	if _, ok := pypi.Lookup(raw); !ok {
		return raw
	}
	u.Scheme = "https"
	return u.String()
}

// ExposesPassword reports whether the file holds a password and is
// readable by its group or by everyone, as ssh judges a private key. It
// says nothing about systems without Unix permissions; callers skip it there.
func (f *File) ExposesPassword() bool {
	return f.Exists && f.HasPassword && f.Mode&0o044 != 0
}

// Names returns the names of the repositories the file defines, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.repos))
	for n := range f.repos {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
