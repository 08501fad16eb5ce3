package dist

import (
	"errors"
	"regexp"
	"strings"
)

// uriSchemeRe picks the scheme off a URI reference as RFC 3986's appendix
// B regular expression does (which is how PyPI's rfc3986 parser splits it).
var uriSchemeRe = regexp.MustCompile(`^([^:/?#]+):`)

// validateURL reports whether PyPI would take u as a URL for Home-page,
// Download-URL or a Project-URL: PyPI (rfc3986 with allowed schemes http
// and https, authority not required) wants a scheme and that it be http
// or https, compared case-insensitively. It does not require a host, so
// neither does this.
func validateURL(u string) error {
	m := uriSchemeRe.FindStringSubmatch(u)
	if m == nil {
		return errors.New("it has no scheme")
	}
	switch strings.ToLower(m[1]) {
	case "http", "https":
		return nil
	}
	return errors.New("the scheme " + pyRepr(m[1]) + " is not http or https")
}
