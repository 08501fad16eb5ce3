package credential

import (
	"net/url"
	"strings"
)

// HTTPSHost returns the lower-cased host name (no port) of repositoryURL
// when it is an https:// URL, else "" and false. Providers of cloud
// credentials choose themselves by this host alone: a cloud's token never
// goes to a plain-http URL, even on loopback, nor to a host they do not
// recognise.
func HTTPSHost(repositoryURL string) (string, bool) {
	u, err := url.Parse(repositoryURL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return "", false
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), true
}

// HostUnder reports whether host is domain or a name under it, matched on
// a dot boundary: "us-python.pkg.dev" is under "pkg.dev";
// "evilpkg.dev" and "pkg.dev.example.com" are not. Both are compared
// lower-cased.
func HostUnder(host, domain string) bool {
	host, domain = strings.ToLower(host), strings.ToLower(domain)
	return host == domain || strings.HasSuffix(host, "."+domain)
}
