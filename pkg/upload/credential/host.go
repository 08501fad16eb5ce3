package credential

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/pyup-dev/pyup/pkg/oidc"
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

// awsIPv6Metadata reports whether ip is one of AWS's IPv6 metadata
// endpoints: the instance metadata service (fd00:ec2::254) and EKS Pod
// Identity's agent (fd00:ec2::23).
func awsIPv6Metadata(ip net.IP) bool {
	return ip.Equal(net.ParseIP("fd00:ec2::254")) || ip.Equal(net.ParseIP("fd00:ec2::23"))
}

// ErrPlainHTTPToken is matched by the error of a GuardTransport request
// over plain http to a host that is not on this machine or its link.
var ErrPlainHTTPToken = errors.New("refusing a token request over plain http")

// GuardTransport returns a RoundTripper that sends requests through base
// (nil: http.DefaultTransport) only over https, or over plain http to a
// loopback or link-local address: the services on the machine itself or
// its cloud's metadata endpoints (169.254.169.254, 169.254.170.2,
// fd00:ec2::254, fd00:ec2::23), which only speak http. Any other plain-http request (a
// token endpoint misconfigured in a credentials file or variable) fails
// with an error matching ErrPlainHTTPToken before anything is sent.
func GuardTransport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return guardTransport{base}
}

type guardTransport struct{ base http.RoundTripper }

func (g guardTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme != "https" {
		host := r.URL.Hostname()
		ip := net.ParseIP(host)
		local := oidc.IsLoopbackHost(host) || ip != nil && (ip.IsLinkLocalUnicast() || ip.IsLoopback() || awsIPv6Metadata(ip))
		if r.URL.Scheme != "http" || !local {
			if r.Body != nil {
				_ = r.Body.Close()
			}
			return nil, fmt.Errorf("%w to %s", ErrPlainHTTPToken, r.URL.Host)
		}
	}
	return g.base.RoundTrip(r)
}
