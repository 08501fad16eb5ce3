package upload

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestReasonFromStatusLineOrJSON(t *testing.T) {
	for _, tc := range []struct {
		status string
		code   int
		body   string
		want   string
	}{
		// HTTP/1.1 from Warehouse: the message is the reason phrase.
		{"400 File already exists ('a.whl', with blake2_256 hash 'x').", 400, "", "File already exists ('a.whl', with blake2_256 hash 'x')."},
		// HTTP/2 has no reason phrase: the JSON "code" carries it.
		{"400 Bad Request", 400, `{"message": "The server could not comply.\n\n\nError: Use 'source' as Python version for an sdist.\n\n", "code": "400 Error: Use 'source' as Python version for an sdist.", "title": "Bad Request"}`, "Error: Use 'source' as Python version for an sdist."},
		// Artifactory's error list.
		{"403 Forbidden", 403, `{"errors":[{"status":403,"message":"Not enough permissions to delete/overwrite artifact 'x'"}]}`, "Not enough permissions to delete/overwrite artifact 'x'"},
		// GitLab / Azure: {"message": ...}.
		{"400 Bad Request", 400, `{"message":"Validation failed: File name has already been taken"}`, "Validation failed: File name has already been taken"},
		// Plain text bodies stay in Body; the reason is the standard text.
		{"409 Conflict", 409, "Package 'a.whl' already exists!\n", "Conflict"},
	} {
		resp := &http.Response{Status: tc.status, StatusCode: tc.code, Header: http.Header{}}
		e := httpErrorFrom("POST", "https://x/legacy/", resp, []byte(tc.body))
		if e.Reason != tc.want {
			t.Errorf("%q: reason %q, want %q", tc.status, e.Reason, tc.want)
		}
		if strings.Contains(e.Error(), "\n") {
			t.Errorf("multi-line error %q", e.Error())
		}
		if !isAlreadyExists(e.StatusCode, e.Reason+" "+e.Body) && tc.code != 400 {
			t.Errorf("%q not recognised as already exists", tc.status)
		}
	}
}

func TestUnauthorizedClassification(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
		want   bool
	}{
		{401, "Unauthorized", true},
		{403, "Invalid or non-existent authentication information.", true},
		{403, "Not enough permissions to delete/overwrite artifact", false},
		{400, "Bad Request", false},
	} {
		e := &HTTPError{StatusCode: tc.code, Reason: tc.reason}
		if got := errors.Is(e, ErrUnauthorized); got != tc.want {
			t.Errorf("%d %s: ErrUnauthorized = %v", tc.code, tc.reason, got)
		}
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	c := &Client{s: defaultSettings()}
	for attempt, max := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: 30 * time.Second} {
		d := c.backoff(attempt)
		if d < max/2 || d > max {
			t.Errorf("backoff(%d) = %v, want in [%v, %v]", attempt, d, max/2, max)
		}
	}
}

func TestHTTPErrorScrubsTheRequestsCredentials(t *testing.T) {
	const token = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlszLCJ1c2VyIl0AAAYgSCRUBSCRUB"
	req, _ := http.NewRequest("POST", "https://x/legacy/", nil)
	req.SetBasicAuth("__token__", token)
	auth := req.Header.Get("Authorization")
	resp := &http.Response{StatusCode: 403, Status: "403 Invalid token " + token, Request: req,
		Header: http.Header{}}
	e := httpErrorFrom("POST", "https://x/legacy/", resp, []byte("you sent "+auth+" i.e. __token__:"+token))
	if msg := e.Error(); strings.Contains(msg, token) || strings.Contains(msg, auth[len("Basic "):]) {
		t.Fatalf("the error repeats the request's credentials: %s", msg)
	}
}
