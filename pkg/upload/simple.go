package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// simpleAccept asks for PEP 691 JSON and accepts PEP 503 HTML from indexes
// that have no JSON form.
const simpleAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

// maxSimpleBody bounds a simple-API page (the largest projects on PyPI list
// tens of thousands of files in a few MiB of JSON).
const maxSimpleBody = 256 << 20

// ErrNoCheckURL: Existing was called on a client whose lookups are disabled.
var ErrNoCheckURL = errors.New("no simple-API URL to check the index with (set one with WithCheckURL)")

// Existing asks the index's simple API which files project has, returning
// file name -> lowercase hex SHA-256 ("" when the index publishes no
// SHA-256 for a file). An unknown project (404) has no files: an empty map
// and no error.
func (c *Client) Existing(ctx context.Context, project string) (map[string]string, error) {
	if c.checkURL == "" {
		return nil, ErrNoCheckURL
	}
	u := c.checkURL + dist.NormalizeName(project) + "/"
	actx, wd := startWatchdog(ctx, c.s.stall)
	defer wd.stop()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("simple API: %w", err)
	}
	req.Header.Set("Accept", simpleAccept)
	resp, err := c.http.Do(req)
	if err != nil {
		if cause := context.Cause(actx); ctx.Err() == nil && cause != nil && errors.Is(cause, ErrStalled) {
			err = cause
		}
		return nil, fmt.Errorf("simple API GET %s: %w", redactURL(req.URL), unwrapURLError(err))
	}
	defer resp.Body.Close()
	wd.reading()
	body := io.LimitReader(&touchReader{r: resp.Body, w: wd}, maxSimpleBody)
	if resp.StatusCode == http.StatusNotFound {
		return map[string]string{}, nil
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(body, 64<<10))
		return nil, httpErrorFrom(http.MethodGet, redactURL(resp.Request.URL), resp, b)
	}
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	base := resp.Request.URL
	var files map[string]string
	if strings.Contains(ct, "json") {
		files, err = parseSimpleJSON(body)
	} else {
		var b []byte
		b, err = io.ReadAll(body)
		if err == nil {
			files = parseSimpleHTML(string(b), base)
		}
	}
	if err != nil {
		if cause := context.Cause(actx); ctx.Err() == nil && cause != nil {
			err = cause
		}
		return nil, fmt.Errorf("simple API %s: %w", redactURL(resp.Request.URL), err)
	}
	return files, nil
}

func parseSimpleJSON(r io.Reader) (map[string]string, error) {
	var page struct {
		Files []struct {
			Filename string            `json:"filename"`
			Hashes   map[string]string `json:"hashes"`
		} `json:"files"`
	}
	if err := json.NewDecoder(r).Decode(&page); err != nil {
		return nil, fmt.Errorf("invalid PEP 691 JSON: %w", err)
	}
	files := make(map[string]string, len(page.Files))
	for _, f := range page.Files {
		files[f.Filename] = strings.ToLower(f.Hashes["sha256"])
	}
	return files, nil
}

// parseSimpleHTML reads the anchors of a PEP 503 page: the text is the file
// name (falling back to the URL's last path segment), the URL fragment
// "#sha256=<hex>" its hash.
func parseSimpleHTML(page string, base *url.URL) map[string]string {
	files := map[string]string{}
	lower := strings.ToLower(page)
	for i := 0; ; {
		j := strings.Index(lower[i:], "<a")
		if j < 0 {
			break
		}
		start := i + j
		end := strings.IndexByte(page[start:], '>')
		if end < 0 {
			break
		}
		tag := page[start : start+end]
		i = start + end + 1
		if len(tag) > 2 && !isSpace(tag[2]) {
			continue // <abbr> and the like
		}
		closeIdx := strings.Index(lower[i:], "</a")
		text := ""
		if closeIdx >= 0 {
			text = strings.TrimSpace(html.UnescapeString(page[i : i+closeIdx]))
		}
		href := html.UnescapeString(attr(tag, "href"))
		ref, err := url.Parse(href)
		if err != nil {
			continue
		}
		name := text
		if name == "" || strings.ContainsAny(name, "<>") {
			name = path.Base(base.ResolveReference(ref).Path)
		}
		sha := ""
		if k, v, ok := strings.Cut(ref.Fragment, "="); ok && strings.EqualFold(k, "sha256") {
			sha = strings.ToLower(v)
		}
		files[name] = sha
	}
	return files
}

// attr returns the value of a quoted or bare attribute in a start tag.
func attr(tag, name string) string {
	l := strings.ToLower(tag)
	for i := 0; ; {
		j := strings.Index(l[i:], name)
		if j < 0 {
			return ""
		}
		k := i + j + len(name)
		i = k
		if k-len(name) == 0 || !isSpace(l[k-len(name)-1]) {
			continue
		}
		for k < len(l) && isSpace(l[k]) {
			k++
		}
		if k >= len(l) || l[k] != '=' {
			continue
		}
		k++
		for k < len(l) && isSpace(l[k]) {
			k++
		}
		if k >= len(l) {
			return ""
		}
		if q := tag[k]; q == '"' || q == '\'' {
			e := strings.IndexByte(tag[k+1:], q)
			if e < 0 {
				return tag[k+1:]
			}
			return tag[k+1 : k+1+e]
		}
		e := k
		for e < len(tag) && !isSpace(tag[e]) {
			e++
		}
		return tag[k:e]
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// unwrapURLError drops net/http's *url.Error wrapper, whose message repeats
// method and URL that the caller already names.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
