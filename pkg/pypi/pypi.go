// Package pypi is what pyup knows of PyPI and TestPyPI: their hosts, which
// URLs belong to them, and where their upload, simple, JSON and integrity
// APIs are. Every other package asks here instead of keeping its own list,
// so that the answer to "is this PyPI?" is the same everywhere.
//
// It imports nothing of pyup and nothing outside the standard library.
package pypi

import (
	"net/url"
	"slices"
	"strings"
)

// Upload URLs of the two indexes, the defaults of the repositories named
// pypi and testpypi.
const (
	UploadURL     = "https://upload.pypi.org/legacy/"
	TestUploadURL = "https://test.pypi.org/legacy/"
)

// Index is one of the two indexes the Python Packaging Authority runs.
type Index struct {
	// Name is the index's repository name in .pypirc and on the command
	// line, and the audience of ID tokens for its trusted publishing:
	// "pypi" or "testpypi".
	Name string
	// WebURL is where its web pages and read APIs are, without a trailing
	// slash: "https://pypi.org".
	WebURL string
	// UploadURL is its upload endpoint.
	UploadURL string

	// hosts are the hosts it serves today; retired are names it served
	// once, which twine and old configuration files still use and which
	// redirect to hosts.
	hosts, retired []string
}

// PyPI and TestPyPI. Callers must not change them.
var (
	PyPI = Index{
		Name:      "pypi",
		WebURL:    "https://pypi.org",
		UploadURL: UploadURL,
		hosts:     []string{"pypi.org", "upload.pypi.org"},
		retired:   []string{"pypi.python.org"},
	}
	TestPyPI = Index{
		Name:      "testpypi",
		WebURL:    "https://test.pypi.org",
		UploadURL: TestUploadURL,
		hosts:     []string{"test.pypi.org"},
		retired:   []string{"testpypi.python.org"},
	}
)

// Lookup returns the index whose host, today's or a retired one, rawURL
// names, whatever its scheme and port; ok is false for any other URL.
// It answers "which of the two is meant", never "may a secret go there":
// that is IsPyPI.
func Lookup(rawURL string) (idx Index, ok bool) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return Index{}, false
	}
	host := strings.ToLower(u.Hostname())
	for _, i := range []Index{PyPI, TestPyPI} {
		if slices.Contains(i.hosts, host) || slices.Contains(i.retired, host) {
			return i, true
		}
	}
	return Index{}, false
}

// IsPyPI reports whether rawURL is an https URL on a host PyPI or TestPyPI
// serves today (pypi.org, upload.pypi.org, test.pypi.org), on the default
// port. Only such a URL reaches the real index: an ID token for audience
// "pypi" can be replayed at PyPI by whoever receives it, so one is sent
// only where IsPyPI holds unless the user names another audience.
func IsPyPI(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || (u.Port() != "" && u.Port() != "443") {
		return false
	}
	i, ok := Lookup(rawURL)
	return ok && slices.Contains(i.hosts, strings.ToLower(u.Hostname()))
}

// SimpleURL returns the base of the index's simple API (PEP 503/691),
// ending in "/": "https://pypi.org/simple/".
func (i Index) SimpleURL() string { return i.WebURL + "/simple/" }

// ProjectURL returns the web page of project: "https://pypi.org/project/<project>/".
func (i Index) ProjectURL(project string) string {
	return i.WebURL + "/project/" + url.PathEscape(project) + "/"
}

// JSONURL returns the JSON API's URL for project, or for one of its
// releases when version is not "": "https://pypi.org/pypi/<project>/json",
// "https://pypi.org/pypi/<project>/<version>/json".
func (i Index) JSONURL(project, version string) string {
	p := i.WebURL + "/pypi/" + url.PathEscape(project) + "/"
	if version != "" {
		p += url.PathEscape(version) + "/"
	}
	return p + "json"
}

// IntegrityURL returns the integrity API's URL of the provenance (PEP 740
// attestations) of one file of a release:
// "https://pypi.org/integrity/<project>/<version>/<filename>/provenance".
func (i Index) IntegrityURL(project, version, filename string) string {
	return i.WebURL + "/integrity/" + url.PathEscape(project) + "/" + url.PathEscape(version) + "/" +
		url.PathEscape(filename) + "/provenance"
}
