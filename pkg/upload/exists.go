package upload

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// isAlreadyExists recognises the answers indexes give to an upload of a file
// name they already hold. Each index has its own dialect; the phrases are
// matched case-insensitively in the reason phrase and the body.
func isAlreadyExists(code int, message string) bool {
	m := strings.ToLower(message)
	switch code {
	case http.StatusConflict:
		// pypiserver, Gitea, Azure Artifacts ("The feed ... already contains
		// file"): 409 means nothing else on an upload endpoint.
		return true
	case http.StatusBadRequest:
		// PyPI/TestPyPI (and Google Artifact Registry): "File already exists";
		// Nexus: "...updating asset..." / "cannot be updated"; GitLab:
		// "...has already been taken".
		return strings.Contains(m, "already exist") ||
			strings.Contains(m, "updating asset") ||
			strings.Contains(m, "cannot be updated") ||
			strings.Contains(m, "already been taken")
	case http.StatusForbidden:
		// Artifactory refuses an overwrite as a permission problem.
		return strings.Contains(m, "overwrite artifact") ||
			strings.Contains(m, "not enough permissions to delete/overwrite") ||
			strings.Contains(m, "not enough permissions to overwrite")
	}
	return false
}

// jsonMessage extracts the message of a JSON error body. Warehouse (Pyramid)
// sends {"message": "<generic>\n\n\n<detail>", "code": "<status> <detail>",
// "title": "<reason>"}: the detail is the useful part.
func jsonMessage(status int, body []byte) string {
	var v struct {
		Message string `json:"message"`
		Code    string `json:"code"`
		Detail  string `json:"detail"`
		// Artifactory: {"errors":[{"status":403,"message":"..."}]}
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &v) != nil {
		return ""
	}
	if c := strings.TrimSpace(strings.TrimPrefix(v.Code, strconv.Itoa(status))); c != "" && !strings.EqualFold(c, http.StatusText(status)) {
		return oneLine(c)
	}
	if v.Detail != "" {
		return oneLine(v.Detail)
	}
	if len(v.Errors) > 0 && v.Errors[0].Message != "" {
		return oneLine(v.Errors[0].Message)
	}
	// The last non-empty paragraph of message is the detail.
	paras := strings.Split(strings.TrimSpace(v.Message), "\n\n")
	for i := len(paras) - 1; i >= 0; i-- {
		if p := strings.TrimSpace(paras[i]); p != "" {
			return oneLine(p)
		}
	}
	return ""
}

// redirectTarget returns the absolute Location of a redirect answer, with
// PyPI's /legacy -> /legacy/ mistake fixed even when Location is missing.
func redirectTarget(resp *http.Response) string {
	loc, err := resp.Location()
	if err != nil {
		if resp.Request == nil {
			return ""
		}
		u := *resp.Request.URL
		if strings.HasSuffix(u.Path, "/legacy") {
			u.Path += "/"
			return redactURL(&u)
		}
		return ""
	}
	return redactURL(loc)
}

// redactURL drops userinfo and query values that could carry secrets.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		c.RawQuery = "REDACTED"
	}
	return c.String()
}
