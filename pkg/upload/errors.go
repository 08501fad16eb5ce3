package upload

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pyup-dev/pyup/pkg/redact"
)

// Sentinel errors. Errors returned by this package wrap them, so callers
// choose exit codes and hints with errors.Is.
var (
	// ErrInsecureURL: credentials would travel over plain http:// to a host
	// that is not a loopback address.
	ErrInsecureURL = errors.New("refusing to send credentials over plain http:// (use https://, or a loopback address for a local test index)")
	// ErrUnauthorized: the index refused the credentials (401, or a 403 that is
	// not an "already exists" answer). Hint: check the token's scope
	// (`pyup whoami`).
	ErrUnauthorized = errors.New("the index refused the credentials")
	// ErrFileExists: the index already holds a file of that name and pyup
	// could not prove it identical. Hint: --skip-existing.
	ErrFileExists = errors.New("file already exists on the index")
	// ErrHashMismatch: the index holds a file of that name with different
	// content. A filename can never be reused: bump the version.
	ErrHashMismatch = errors.New("a different file of that name is already on the index")
	// ErrRedirect: the upload URL answered with a redirect. Uploads are never
	// re-sent to another URL; the error names the one to configure.
	ErrRedirect = errors.New("the upload URL redirects")
	// ErrStalled: no bytes moved for the stall timeout.
	ErrStalled = errors.New("connection stalled")
	// ErrNotAttempted: UploadAll did not start this file because an earlier
	// one failed or the context ended.
	ErrNotAttempted = errors.New("not attempted")
	// ErrFileChanged: the file on disk no longer matches the size it had when
	// it was opened (its digests would be wrong).
	ErrFileChanged = errors.New("file changed since it was opened")
	// ErrCredentials: the Credentials source failed.
	ErrCredentials = errors.New("cannot obtain credentials")
	// ErrAttest: File.Attest failed, so the file was not sent.
	ErrAttest = errors.New("cannot attest the file")
)

// HTTPError is an unexpected HTTP answer from the index. It has the shape
// of oidc.HTTPError (the same fields, meaning the same), with Location at
// the end.
type HTTPError struct {
	// Method and URL of the request; URL never carries userinfo.
	Method string
	URL    string
	// StatusCode is the HTTP status code.
	StatusCode int
	// Reason is the server's message: the reason phrase PyPI puts after the
	// code in the status line, or a JSON body's message, else the standard
	// status text.
	Reason string
	// Body is an excerpt of the response body (at most 1 KiB, one line).
	Body string
	// Location is the Location header of a redirect answer.
	Location string
}

// Error returns one line: method, URL, status code and the server's message.
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.StatusCode, e.Reason)
	if e.Body != "" && !strings.Contains(e.Reason, e.Body) && !strings.Contains(e.Body, e.Reason) {
		msg += " (" + e.Body + ")"
	}
	if e.Location != "" {
		msg += "; use " + e.Location
	}
	return msg
}

// Is reports ErrUnauthorized for 401 and for a 403 that is not one of the
// "already exists" answers some indexes give with 403 (Artifactory).
func (e *HTTPError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized ||
			(e.StatusCode == http.StatusForbidden && !isAlreadyExists(e.StatusCode, e.Reason+" "+e.Body))
	case ErrRedirect:
		return isRedirect(e.StatusCode)
	}
	return false
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// ExistsError reports a file the index says it already holds, which pyup
// could not prove identical to the local one.
type ExistsError struct {
	// File is the distribution's file name.
	File string
	// Answer is the index's answer to the upload.
	Answer *HTTPError
	// Detail says why the hashes could not be compared (may be empty).
	Detail string
}

// Error names the file and the server's message.
func (e *ExistsError) Error() string {
	msg := fmt.Sprintf("%s already exists on the index: %d %s", e.File, e.Answer.StatusCode, e.Answer.Reason)
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// Is matches ErrFileExists.
func (e *ExistsError) Is(target error) bool { return target == ErrFileExists }

// Unwrap returns the index's answer.
func (e *ExistsError) Unwrap() error { return e.Answer }

// HashMismatchError reports a file of the same name but different content
// on the index.
type HashMismatchError struct {
	// File is the distribution's file name.
	File string
	// Local and Remote are the lowercase hex SHA-256 digests.
	Local, Remote string
}

// Error names the file and both hashes.
func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("%s is already on the index with sha256 %s, the local file has sha256 %s: a file name cannot be reused, release a new version",
		e.File, e.Remote, e.Local)
}

// Is matches ErrHashMismatch.
func (e *HashMismatchError) Is(target error) bool { return target == ErrHashMismatch }

// httpErrorFrom builds an HTTPError from a response whose body excerpt was
// read already.
func httpErrorFrom(method, redactedURL string, resp *http.Response, body []byte) *HTTPError {
	e := &HTTPError{Method: method, URL: redactedURL, StatusCode: resp.StatusCode}
	sent := requestCredentials(resp.Request)
	e.Reason = sent.String(reasonFrom(resp, body))
	e.Body = sent.String(excerpt(body, e.Reason))
	if isRedirect(resp.StatusCode) {
		e.Location = redirectTarget(resp)
	}
	return e
}

// reasonFrom finds the server's message: PyPI's custom reason phrase first
// (HTTP/1.1), then a JSON body's "code"/"message" (HTTP/2 has no reason
// phrase), else the standard text.
func reasonFrom(resp *http.Response, body []byte) string {
	std := http.StatusText(resp.StatusCode)
	phrase := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
	if phrase != "" && !strings.EqualFold(phrase, std) {
		return oneLine(phrase)
	}
	if m := jsonMessage(resp.StatusCode, body); m != "" {
		return m
	}
	if std == "" {
		return "unknown status"
	}
	return std
}

// excerpt returns a one-line, 1 KiB excerpt of an error body, empty when it
// only repeats the reason or is an HTML page (whose text is the reason
// again).
func excerpt(body []byte, reason string) string {
	s := strings.TrimSpace(string(body))
	if s == "" || strings.HasPrefix(s, "<") {
		return ""
	}
	s = oneLine(s)
	if len(s) > 1024 {
		s = s[:1024] + "…"
	}
	if s == reason || strings.HasPrefix(s, "{") && strings.Contains(s, reason) {
		return ""
	}
	return s
}

// requestCredentials is the set of the credentials req carried (the
// Authorization header's value, its Basic password and "user:password"),
// which an index may echo in its reason or body, built once per error. The CLI scrubs every secret
// of the run from its output as well; this keeps them out of the error
// itself for every user of the package.
func requestCredentials(req *http.Request) *redact.Set {
	var secrets redact.Set
	if req == nil {
		return &secrets
	}
	if h := req.Header.Get("Authorization"); h != "" {
		if _, cred, ok := strings.Cut(h, " "); ok {
			secrets.Add(cred)
		}
		secrets.Add(h)
	}
	if user, pass, ok := req.BasicAuth(); ok {
		secrets.AddBasic(user, pass)
		secrets.Add(user + ":" + pass)
	}
	return &secrets
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
