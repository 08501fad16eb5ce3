package upload

import (
	"bytes"
	"context"
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

// Bounds on a simple-API page. PyPI's largest projects list tens of
// thousands of files: a few hundred bytes each, so tens of MiB of HTML and
// about half as much again in JSON. The caps leave room for twice that and
// stop a hostile or broken index from holding pyup's memory or time: the
// page is parsed while it arrives, never held whole, and reading stops at
// the first byte past the cap.
const (
	// maxSimpleHTML bounds a PEP 503 HTML page (after decompression).
	maxSimpleHTML = 64 << 20
	// maxSimpleJSON bounds a PEP 691 JSON page (after decompression).
	maxSimpleJSON = 128 << 20
	// maxSimpleFiles bounds the number of distinct file names a page may
	// list: the answer map is the one thing that grows with the page.
	maxSimpleFiles = 1_000_000
	// maxSimpleTag bounds one HTML tag (an anchor with its attributes is a
	// few hundred bytes); a longer tag is no anchor.
	maxSimpleTag = 64 << 10
	// maxSimpleText bounds a file name or hash as written: an HTML
	// anchor's longer text is not taken as the file name (the URL's last
	// segment is); a longer JSON filename or sha256 refuses the page.
	maxSimpleText = 4 << 10
)

// ErrNoCheckURL: Existing was called on a client whose lookups are disabled.
var ErrNoCheckURL = errors.New("no simple-API URL to check the index with (set one with WithCheckURL)")

// Existing asks the index's simple API which files project has, returning
// file name -> lowercase hex SHA-256 ("" when the index publishes no
// SHA-256 for a file). An unknown project (404) has no files: an empty map
// and no error.
//
// The page is parsed as it arrives. A page must arrive in full within the
// response timeout (WithResponseTimeout) and be at most 64 MiB of HTML or
// 128 MiB of JSON listing at most 1,000,000 files; otherwise Existing
// fails. It also returns as soon as ctx ends, in the middle of a page too.
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
	if resp.StatusCode == http.StatusNotFound {
		return map[string]string{}, nil
	}
	if resp.StatusCode != http.StatusOK {
		b := readAnswer(actx, wd, resp.Body, maxErrorBody, c.s.smallReadTimeout(), "reading the error answer")
		return nil, httpErrorFrom(http.MethodGet, redactURL(resp.Request.URL), resp, b)
	}
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	jsonPage := strings.Contains(ct, "json")
	limit := int64(maxSimpleHTML)
	if jsonPage {
		limit = maxSimpleJSON
	}
	disarm := wd.within(c.s.responseTimeout, "reading the simple-API page")
	defer disarm()
	body := &answerReader{r: resp.Body, ctx: actx, w: wd, left: limit, over: &pageTooLargeError{limit: limit}}
	var files map[string]string
	if jsonPage {
		files, err = parseSimpleJSON(actx, body, maxSimpleFiles)
	} else {
		files, err = parseSimpleHTML(actx, body, resp.Request.URL, maxSimpleFiles)
	}
	if err != nil {
		if cause := context.Cause(actx); ctx.Err() == nil && cause != nil {
			err = cause
		} else if ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		return nil, fmt.Errorf("simple API %s: %w", redactURL(resp.Request.URL), err)
	}
	return files, nil
}

// pageTooLargeError: a simple-API page went past its cap.
type pageTooLargeError struct{ limit int64 }

func (e *pageTooLargeError) Error() string {
	return fmt.Sprintf("page larger than %d MiB", e.limit>>20)
}

// errTooManyFiles: a page listed more files than the parser was allowed
// to keep (maxSimpleFiles).
var errTooManyFiles = errors.New("page lists too many files")

// addFile records a file, refusing to grow the answer past maxFiles.
func addFile(files map[string]string, name, sha string, maxFiles int) error {
	files[name] = sha
	if len(files) > maxFiles {
		delete(files, name)
		return fmt.Errorf("%w (more than %d)", errTooManyFiles, maxFiles)
	}
	return nil
}

// parseSimpleHTML reads the anchors of a PEP 503 page in one pass as it
// arrives: the text is the file name (falling back to the URL's last path
// segment when the text is empty, holds markup, or is longer than
// maxSimpleText), the URL fragment "#sha256=<hex>" its hash; at most
// maxFiles distinct file names are kept. A tag runs from "<" to the next
// ">"; an anchor is a tag named a, and its text ends at the next tag, which
// counts as its end tag when it starts with "</a". Time is linear in the
// page, and memory holds the answer plus one tag and one anchor text,
// whatever the page's size. It returns as soon as ctx ends.
func parseSimpleHTML(ctx context.Context, r io.Reader, base *url.URL, maxFiles int) (map[string]string, error) {
	s := &htmlScanner{base: base, files: map[string]string{}, maxFiles: maxFiles}
	buf := make([]byte, 32<<10)
	for {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		n, err := r.Read(buf)
		if n > 0 {
			if ferr := s.feed(buf[:n]); ferr != nil {
				return nil, ferr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			return nil, err
		}
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return s.files, nil
}

// htmlScanner is the state of parseSimpleHTML between chunks.
type htmlScanner struct {
	base     *url.URL
	files    map[string]string
	maxFiles int

	inTag   bool   // between "<" and ">"
	tag     []byte // the tag so far, without "<" (at most maxSimpleTag bytes)
	tagLong bool   // the tag was longer than maxSimpleTag

	inAnchor bool   // an anchor's start tag was read, its end not yet
	text     []byte // its text so far
	textLong bool

	// The last anchor's href as written, parsed, and its last segment.
	href     []byte
	ref      *url.URL
	refErr   error
	fallback string
}

func (s *htmlScanner) feed(p []byte) error {
	for len(p) > 0 {
		if s.inTag {
			i := bytes.IndexByte(p, '>')
			if i < 0 {
				s.appendTag(p)
				return nil
			}
			s.appendTag(p[:i])
			p = p[i+1:]
			s.inTag = false
			if err := s.endTag(); err != nil {
				return err
			}
			continue
		}
		i := bytes.IndexByte(p, '<')
		if i < 0 {
			s.appendText(p)
			return nil
		}
		s.appendText(p[:i])
		p = p[i+1:]
		s.inTag, s.tag, s.tagLong = true, s.tag[:0], false
	}
	return nil
}

func (s *htmlScanner) appendTag(p []byte) {
	if room := maxSimpleTag - len(s.tag); len(p) > room {
		p, s.tagLong = p[:room], true
	}
	s.tag = append(s.tag, p...)
}

func (s *htmlScanner) appendText(p []byte) {
	if !s.inAnchor || s.textLong {
		return
	}
	if room := maxSimpleText - len(s.text); len(p) > room {
		s.textLong = true
		return
	}
	s.text = append(s.text, p...)
}

// isEndAnchor reports whether tag (without "<") starts with "/a".
func isEndAnchor(tag []byte) bool {
	return len(tag) >= 2 && tag[0] == '/' && tag[1]|0x20 == 'a'
}

// endTag handles a complete tag: an end tag closes the open anchor with its
// text, any other tag closes it without (its text holds markup), and an
// anchor's start tag opens a new one.
func (s *htmlScanner) endTag() error {
	t := s.tag
	if isEndAnchor(t) {
		if s.inAnchor {
			return s.closeAnchor(true)
		}
		return nil
	}
	if s.inAnchor {
		if err := s.closeAnchor(false); err != nil {
			return err
		}
	}
	if len(t) == 0 || t[0]|0x20 != 'a' || len(t) > 1 && !isSpace(t[1]) || s.tagLong {
		return nil // not an anchor (<abbr>, <br>, ...)
	}
	// Pages repeat an href rarely, but a hostile one may repeat it a
	// million times: the last one is parsed once.
	href := attr(t, "href")
	if s.ref == nil || !bytes.Equal(href, s.href) {
		ref, err := url.Parse(html.UnescapeString(string(href)))
		s.href = append(s.href[:0], href...)
		s.ref, s.refErr, s.fallback = ref, err, ""
	}
	if s.refErr != nil {
		return nil
	}
	s.inAnchor, s.text, s.textLong = true, s.text[:0], false
	return nil
}

// end finishes the page: an anchor still open closes with its text only
// when the page ends inside its end tag.
func (s *htmlScanner) end() error {
	if s.inAnchor {
		return s.closeAnchor(s.inTag && isEndAnchor(s.tag))
	}
	return nil
}

func (s *htmlScanner) closeAnchor(withText bool) error {
	s.inAnchor = false
	name := ""
	if withText && !s.textLong {
		name = strings.TrimSpace(html.UnescapeString(string(s.text)))
	}
	if name == "" || strings.ContainsAny(name, "<>") {
		if s.fallback == "" {
			s.fallback = path.Base(s.base.ResolveReference(s.ref).Path)
		}
		name = s.fallback
	}
	sha := ""
	if k, v, ok := strings.Cut(s.ref.Fragment, "="); ok && strings.EqualFold(k, "sha256") {
		sha = strings.ToLower(v)
	}
	return addFile(s.files, name, sha, s.maxFiles)
}

// attr returns the value of a quoted or bare attribute in a start tag
// (name in lower case; the tag's names match it in any case).
func attr(tag []byte, name string) []byte {
	for i := 1; i+len(name) <= len(tag); i++ {
		if !isSpace(tag[i-1]) || !hasPrefixFold(tag[i:], name) {
			continue
		}
		k := i + len(name)
		for k < len(tag) && isSpace(tag[k]) {
			k++
		}
		if k >= len(tag) || tag[k] != '=' {
			continue
		}
		k++
		for k < len(tag) && isSpace(tag[k]) {
			k++
		}
		if k >= len(tag) {
			return nil
		}
		if q := tag[k]; q == '"' || q == '\'' {
			e := bytes.IndexByte(tag[k+1:], q)
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
	return nil
}

// hasPrefixFold reports whether b starts with the lower-case ASCII word
// prefix, in any case.
func hasPrefixFold(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
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
