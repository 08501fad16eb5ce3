package uploadtest

// A hostile-index kit: handlers that misbehave the ways a compromised or
// buggy index can, to test that a client leaks no credentials and never
// hangs. Mount each with httptest.NewServer; they answer every path.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// EchoChannel is where Echo puts the credentials it echoes.
type EchoChannel string

const (
	// EchoBody: a text/plain body.
	EchoBody EchoChannel = "body"
	// EchoReason: the reason phrase of the status line
	// ("HTTP/1.1 403 <text>"), as Warehouse words its errors. The
	// connection is hijacked to write it; on HTTP/2, which has no reason
	// phrase, the answer falls back to EchoBody.
	EchoReason EchoChannel = "reason"
	// EchoJSON: a JSON body {"code": "<status> <text>", "message": "<text>"},
	// as Warehouse answers clients that accept JSON.
	EchoJSON EchoChannel = "json"
	// EchoHTML: an HTML error page (<title> and <h1> "<status> <text>",
	// HTML-escaped like Warehouse's).
	EchoHTML EchoChannel = "html"
	// EchoHeader: the response header X-Error.
	EchoHeader EchoChannel = "header"
	// EchoAll: the reason phrase, the X-Error header and a body at once:
	// JSON when the request accepts application/json, else an HTML page
	// that also carries the text unescaped in a <pre> block.
	EchoAll EchoChannel = "all"
)

// echoBodyLimit bounds how much of a request body Echo and RedirectToHTTP
// keep (for the "token" field); the rest is read and discarded.
const echoBodyLimit = 1 << 20

// Echo answers every request with status and echoes the request's
// credentials back through channel: the raw Authorization header value, for
// Basic auth the decoded "user:password" and the password alone, and the
// "token" field of a JSON request body (the trusted-publishing mint
// request) when present. The echoed text is
//
//	authorization=<raw> userpass=<user:password> password=<password> token=<token>
//
// with the parts that are absent left out (a request without any gives
// "no credentials"). Line breaks in credentials become spaces in the
// reason phrase and the header. The request body is read to its end first.
func Echo(status int, channel EchoChannel) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		text := echoText(r)
		switch channel {
		case EchoBody:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, text+"\n")
		case EchoJSON:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write(echoJSON(status, text))
		case EchoHTML:
			w.Header().Set("Content-Type", "text/html; charset=UTF-8")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, echoHTML(status, text, false))
		case EchoHeader:
			w.Header().Set("X-Error", oneLineText(text))
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, http.StatusText(status)+"\n")
		case EchoReason:
			writeWithReason(w, r, status, text, "text/plain; charset=utf-8", http.StatusText(status)+"\n")
		case EchoAll:
			w.Header().Set("X-Error", oneLineText(text))
			if strings.Contains(r.Header.Get("Accept"), "json") {
				writeWithReason(w, r, status, text, "application/json", string(echoJSON(status, text)))
			} else {
				writeWithReason(w, r, status, text, "text/html; charset=UTF-8", echoHTML(status, text, true))
			}
		default:
			panic("uploadtest: unknown EchoChannel " + strconv.Quote(string(channel)))
		}
	})
}

// echoText reads r's body and describes the credentials r carries.
func echoText(r *http.Request) string {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, echoBodyLimit))
		_, _ = io.Copy(io.Discard, r.Body)
	}
	var parts []string
	if a := r.Header.Get("Authorization"); a != "" {
		parts = append(parts, "authorization="+a)
		if scheme, cred, ok := strings.Cut(a, " "); ok && strings.EqualFold(scheme, "Basic") {
			if dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred)); err == nil {
				parts = append(parts, "userpass="+string(dec))
				if _, pass, ok := strings.Cut(string(dec), ":"); ok {
					parts = append(parts, "password="+pass)
				}
			}
		}
	}
	if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '{' {
		var v struct {
			Token string `json:"token"`
		}
		if json.Unmarshal(b, &v) == nil && v.Token != "" {
			parts = append(parts, "token="+v.Token)
		}
	}
	if len(parts) == 0 {
		return "no credentials"
	}
	return strings.Join(parts, " ")
}

func echoJSON(status int, text string) []byte {
	b, _ := json.Marshal(map[string]string{
		"code":    fmt.Sprintf("%d %s", status, text),
		"message": text,
		"title":   http.StatusText(status),
	})
	return b
}

func echoHTML(status int, text string, pre bool) string {
	t := html.EscapeString(fmt.Sprintf("%d %s", status, text))
	extra := ""
	if pre {
		extra = "  <pre>" + text + "</pre>\n"
	}
	return fmt.Sprintf("<html>\n <head>\n  <title>%s</title>\n </head>\n <body>\n  <h1>%s</h1>\n%s </body>\n</html>\n", t, t, extra)
}

// oneLineText makes text fit a header value or a status line.
func oneLineText(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ", "\x00", " ").Replace(s)
}

// writeWithReason answers with text as the reason phrase, hijacking the
// connection on HTTP/1.x; the headers already set on w are kept. HTTP/2
// has no reason phrase: there the text is added to the body instead.
func writeWithReason(w http.ResponseWriter, r *http.Request, status int, text, ctype, body string) {
	hj, ok := w.(http.Hijacker)
	if !ok || r.ProtoMajor != 1 {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		if !strings.Contains(body, text) {
			_, _ = io.WriteString(w, "\n"+text+"\n")
		}
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	writeRaw(rw, status, oneLineText(text), w.Header(), ctype, body)
}

// RedirectToHTTP answers every request with a redirect to the same path and
// query on target (an http:// URL, such as an httptest server's): 308
// Permanent Redirect for POST, PUT and PATCH (the upload, the mint
// request), 307 Temporary Redirect otherwise (the simple-API GET). Both
// keep method and body, so a client that follows would resend its
// credentials in clear text. The request body is read to its end first.
func RedirectToHTTP(target string) http.Handler {
	target = strings.TrimRight(target, "/")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		status := http.StatusTemporaryRedirect
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			status = http.StatusPermanentRedirect
		}
		w.Header().Set("Location", target+r.URL.RequestURI())
		w.WriteHeader(status)
	})
}

// Drip reads the request body to its end, answers 200 OK at once, then
// writes one byte ('x') per interval, flushing each, up to total bytes, and
// stops when the client goes away. The answer is text/html without a
// Content-Length (chunked): a client that reads it to its end with only a
// per-byte stall timer waits total*interval.
func Drip(interval time.Duration, total int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		t := time.NewTicker(interval)
		defer t.Stop()
		for i := 0; i < total; i++ {
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
			}
			if _, err := w.Write([]byte{'x'}); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
		}
	})
}

// HugeFilename is the name of file i (0-based) of a HugeSimplePage.
func HugeFilename(i int) string { return "demo-" + strconv.Itoa(i) + ".0.tar.gz" }

// HugeSHA256 is the SHA-256 a HugeSimplePage lists for file i: i in
// lowercase hex, zero-padded to 64 digits (not the digest of any content).
func HugeSHA256(i int) string { return fmt.Sprintf("%064x", i) }

// HugeSimplePage answers every request with a simple-API page of project
// "demo" listing anchors files, named HugeFilename(i) with hash
// HugeSHA256(i): PEP 691 JSON (application/vnd.pypi.simple.v1+json) when
// jsonForm, else PEP 503 HTML with one <a href="...#sha256=...">name</a>
// per file. The page is generated while it is written, never held in
// memory (about 130 bytes per file in HTML, 190 in JSON), and writing stops
// when the client goes away.
func HugeSimplePage(anchors int, jsonForm bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bw := bufio.NewWriterSize(w, 64<<10)
		ctx := r.Context()
		if jsonForm {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			_, _ = bw.WriteString(`{"meta": {"api-version": "1.1"}, "name": "demo", "files": [`)
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = bw.WriteString("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.1\">\n" +
				"    <title>Links for demo</title>\n  </head>\n  <body>\n    <h1>Links for demo</h1>\n")
		}
		for i := 0; i < anchors; i++ {
			if i%4096 == 0 && ctx.Err() != nil {
				return
			}
			name, sha := HugeFilename(i), HugeSHA256(i)
			var err error
			if jsonForm {
				sep := ", "
				if i == 0 {
					sep = ""
				}
				_, err = fmt.Fprintf(bw, `%s{"filename": "%s", "url": "/files/demo/%s", "hashes": {"sha256": "%s"}, "size": 1, "yanked": false}`,
					sep, name, name, sha)
			} else {
				_, err = fmt.Fprintf(bw, "    <a href=\"/files/demo/%s#sha256=%s\">%s</a><br />\n", name, sha, name)
			}
			if err != nil {
				return
			}
		}
		if jsonForm {
			_, _ = bw.WriteString("]}\n")
		} else {
			_, _ = bw.WriteString("  </body>\n</html>\n")
		}
		_ = bw.Flush()
	})
}
