package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"runtime"

	"github.com/spf13/pflag"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/pypirc"
	"github.com/pyup-dev/pyup/pkg/pypi"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// RepoFlags are the flags shared by every command that talks to an index.
type RepoFlags struct {
	Repository    string
	RepositoryURL string
	ConfigFile    string
	Cert          string
	ClientCert    string

	// Warn receives Resolve's warnings about the config file (one that
	// holds a password and is readable by others); nil drops them.
	Warn io.Writer
}

// AddRepoFlags binds the repository flags to fs.
func (r *RepoFlags) AddRepoFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&r.Repository, "repository", "r", "pypi", "Repository to use: a section of the config file, or the built-ins pypi and testpypi")
	fs.StringVar(&r.RepositoryURL, "repository-url", "", "Upload URL of the index (overrides --repository)")
	fs.StringVar(&r.ConfigFile, "config-file", pypirc.DefaultPath(), "The .pypirc file to read repositories and credentials from")
	fs.StringVar(&r.Cert, "cert", "", "CA bundle (PEM) to verify the index's TLS certificate with")
	fs.StringVar(&r.ClientCert, "client-cert", "", "Client certificate (PEM, with its key) to present to the index")
}

// Target is the index a command talks to, resolved from flags and .pypirc.
type Target struct {
	// Name is the -r name, or "" when --repository-url was given.
	Name string
	// URL is the upload URL, without credentials.
	URL string
	// URLUsername and URLPassword were embedded in --repository-url or the
	// .pypirc repository value (https://user:pass@host/...).
	URLUsername, URLPassword string
	// Config holds the .pypirc section's settings (username, password,
	// certificates); empty when --repository-url was given.
	Config pypirc.Repository
	// ConfigPath is the .pypirc file consulted ("" if none existed).
	ConfigPath string
	// CACert and ClientCert are the effective certificate paths.
	CACert, ClientCert string
}

// IsPyPI reports whether the target is PyPI or TestPyPI (see pypi.IsPyPI).
func (t *Target) IsPyPI() bool { return pypi.IsPyPI(t.URL) }

// ProjectURL returns the project's page on PyPI or TestPyPI, or "" for other indexes.
func (t *Target) ProjectURL(project string) string {
	if idx, ok := pypi.Lookup(t.URL); ok {
		return idx.ProjectURL(project)
	}
	return ""
}

// Resolve finds the target: --repository-url wins, else the -r section of
// the config file (a missing default ~/.pypirc is fine; a missing file named
// with --config-file is a usage error, as in twine).
func (r *RepoFlags) Resolve(configFileGiven bool) (*Target, error) {
	t := &Target{}
	if r.RepositoryURL != "" {
		t.URL = r.RepositoryURL
	} else {
		f, err := pypirc.Load(r.ConfigFile, pypirc.MustExist(configFileGiven))
		if err != nil {
			return nil, &FlagError{Err: err}
		}
		if f.Exists {
			t.ConfigPath = f.Path
		}
		if r.Warn != nil && runtime.GOOS != "windows" && f.ExposesPassword() {
			fmt.Fprintf(r.Warn, "pyup: warning: %s holds a password and is readable by others (mode %04o); run chmod 600 %s\n",
				r.ConfigFile, f.Mode, r.ConfigFile)
		}
		repo, err := f.Repository(r.Repository)
		if err != nil {
			if errors.Is(err, pypirc.ErrUnknownRepository) || errors.Is(err, pypirc.ErrNoURL) {
				return nil, &FlagError{Err: err}
			}
			return nil, err
		}
		t.Name, t.Config, t.URL = repo.Name, repo, repo.URL
	}
	clean, user, pass, err := splitUserinfo(t.URL)
	if err != nil {
		return nil, FlagErrorf("repository URL: %v", err)
	}
	t.URL, t.URLUsername, t.URLPassword = pypirc.NormalizeURL(clean), user, pass
	t.CACert, t.ClientCert = r.Cert, r.ClientCert
	if t.CACert == "" {
		t.CACert = t.Config.CACert
	}
	if t.ClientCert == "" {
		t.ClientCert = t.Config.ClientCert
	}
	return t, nil
}

// splitUserinfo removes user:password@ from a URL. Errors never quote the URL,
// which may hold a password.
func splitUserinfo(raw string) (clean, user, pass string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", "", errors.New("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", "", "", fmt.Errorf("scheme must be http or https, not %q", u.Scheme)
	}
	if u.Host == "" {
		return "", "", "", errors.New("no host")
	}
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
		u.User = nil
	}
	return u.String(), user, pass, nil
}

// Judge refuses a target no credential may be sent to (plain http:// to a
// host other than a loopback address), before any credential is looked up,
// minted or typed. Commands that send credentials call it first.
func (t *Target) Judge() error {
	if err := credential.CheckURL(t.URL); err != nil {
		return WithExit(ExitUsage, err, "use the index's https:// URL (plain http is accepted only for an index on this machine)")
	}
	return nil
}
