// Package redact scrubs secrets from everything pyup writes and from the
// server text its libraries put into errors.
//
// Redaction is a property of the output, not of each place that builds a
// message: every secret pyup learns during a run (a password or API token
// in each form it travels, a minted token, an ID token, a CI's request
// token) is added to one Set, and the command's standard streams, the CI
// step summary and the annotations all pass through it. Whatever package
// produced a line, and whatever a hostile index echoed back into it, no
// secret reaches the user's terminal, a log or a file.
//
// A Set finds a secret whole and also in pieces: any run of Window or more
// bytes taken from a secret is replaced, so a server reply cut to an excerpt
// in the middle of an echoed Authorization header still shows nothing of it.
//
// The libraries use the same Set on what a server answered before it goes
// into an error (Scrub), so that every user of pkg/upload and pkg/oidc gets
// errors without the secrets a request carried; Lookalikes also masks what
// is shaped like a credential though nobody named it.
package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Window is the length of the shortest piece of a secret that a Set finds
// inside other text. Secrets shorter than Window are found whole.
const Window = 12

// MinLen is the length of the shortest secret a Set scrubs: shorter values
// (an empty or one-letter password) would turn ordinary words into masks.
const MinLen = 4

// Mask replaces every secret, or piece of one, in the output.
const Mask = "****"

// Set holds the secrets of one run. The zero value is empty and ready; it is
// safe for concurrent use.
type Set struct {
	mu      sync.RWMutex
	seen    map[string]bool     // secrets added, to add each once
	windows map[string]struct{} // every Window-byte piece of every form
	whole   []string            // forms shorter than Window, found whole
}

// Add records secret and the forms it travels in: as is, percent-encoded
// (URL userinfo and query strings), JSON- and HTML-escaped (an index that
// echoes it in a JSON or HTML answer), and base64-encoded at each of the
// three alignments (an HTTP Basic Authorization header, whatever username
// comes before it). Values shorter than MinLen are ignored. Output is
// scrubbed a line at a time, so a secret with line breaks in it is also
// added line by line.
func (s *Set) Add(secret string) {
	secret = strings.TrimSpace(secret)
	if len(secret) < MinLen {
		return
	}
	if strings.ContainsAny(secret, "\r\n") {
		for _, line := range strings.FieldsFunc(secret, func(r rune) bool { return r == '\r' || r == '\n' }) {
			s.Add(line)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[secret] {
		return
	}
	s.init()
	s.seen[secret] = true
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret), html.EscapeString(secret),
		url.UserPassword("x", secret).String()[2:], jsonEscaped(secret), strings.ReplaceAll(secret, "%", "%25")}
	for _, f := range forms {
		s.addForm(f)
	}
	for _, f := range base64Pieces(secret) {
		s.addForm(f)
	}
}

// AddBasic records the Authorization header value an HTTP client builds
// from user and password, in addition to the password itself.
func (s *Set) AddBasic(user, password string) {
	s.Add(password)
	if len(strings.TrimSpace(password)) < MinLen {
		return
	}
	b := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	s.addForm(b)
}

// init makes the maps of a zero Set; the caller holds the lock.
func (s *Set) init() {
	if s.seen == nil {
		s.seen = map[string]bool{}
		s.windows = map[string]struct{}{}
	}
}

// addForm indexes one form; the caller holds the lock.
func (s *Set) addForm(f string) {
	if len(f) < MinLen {
		return
	}
	if len(f) < Window {
		for _, w := range s.whole {
			if w == f {
				return
			}
		}
		s.whole = append(s.whole, f)
		return
	}
	for i := 0; i+Window <= len(f); i++ {
		s.windows[f[i:i+Window]] = struct{}{}
	}
}

// base64Pieces returns the part of secret's base64 encoding that does not
// depend on what precedes it, for each of the three byte alignments it can
// have inside a longer encoded value such as "user:secret".
func base64Pieces(secret string) []string {
	var out []string
	for pad := 0; pad < 3; pad++ {
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00", pad) + secret))
		// The first group holding a padding byte also holds secret's first
		// bytes mixed with the prefix; the last group may mix with a suffix.
		start := 0
		if pad > 0 {
			start = 4
		}
		end := len(enc) - 4
		if end > start {
			out = append(out, enc[start:end])
		}
		for _, e := range []*base64.Encoding{base64.RawURLEncoding, base64.RawStdEncoding} {
			raw := e.EncodeToString([]byte(strings.Repeat("\x00", pad) + secret))
			if len(raw)-3 > start {
				out = append(out, raw[start:len(raw)-3])
			}
		}
	}
	return out
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// Empty reports whether the Set holds no secret.
func (s *Set) Empty() bool {
	if s == nil {
		return true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.seen) == 0
}

// String returns text with every secret, and every piece of one at least
// Window bytes long, replaced by Mask.
func (s *Set) String(text string) string {
	if s.Empty() {
		return text
	}
	return string(s.scrub([]byte(text)))
}

// scrub returns b with secrets masked; it returns b itself when there are none.
func (s *Set) scrub(b []byte) []byte {
	if s.Empty() {
		return b
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var covered []bool
	mark := func(i, n int) {
		if covered == nil {
			covered = make([]bool, len(b))
		}
		for j := i; j < i+n; j++ {
			covered[j] = true
		}
	}
	if len(s.windows) > 0 {
		for i := 0; i+Window <= len(b); i++ {
			if _, ok := s.windows[string(b[i:i+Window])]; ok {
				mark(i, Window)
			}
		}
	}
	for _, w := range s.whole {
		for off := 0; ; {
			k := bytes.Index(b[off:], []byte(w))
			if k < 0 {
				break
			}
			mark(off+k, len(w))
			off += k + 1
		}
	}
	if covered == nil {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if !covered[i] {
			out = append(out, b[i])
			i++
			continue
		}
		for i < len(b) && covered[i] {
			i++
		}
		out = append(out, Mask...)
	}
	return out
}

// maxPending bounds what a Writer holds back waiting for the end of a line.
const maxPending = 64 << 10

// Writer scrubs a Set's secrets from what passes through it to the
// underlying writer. It holds back the text after the last line break (or
// carriage return, which progress bars end their frames with) until the line
// is complete, Flush is called, or 64 KiB are pending, so that a secret
// written in two pieces is still found. It is safe for concurrent use.
type Writer struct {
	set *Set
	w   io.Writer

	mu      sync.Mutex
	pending []byte
}

// NewWriter returns a Writer that scrubs set's secrets from what it passes to w.
func NewWriter(w io.Writer, set *Set) *Writer { return &Writer{set: set, w: w} }

// Write scrubs and passes on every complete line of p, keeping the rest.
// It reports len(p) written unless the underlying writer fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = append(w.pending, p...)
	// A line ends after its '\n'; a progress frame is complete when the next
	// one starts with '\r'.
	cut := max(bytes.LastIndexByte(w.pending, '\n')+1, bytes.LastIndexByte(w.pending, '\r'))
	if len(w.pending) >= maxPending {
		cut = len(w.pending)
	}
	if cut == 0 {
		return len(p), nil
	}
	if err := w.emit(cut); err != nil {
		return 0, err
	}
	return len(p), nil
}

// emit scrubs and writes pending[:n]; the caller holds the lock.
func (w *Writer) emit(n int) error {
	out := w.set.scrub(w.pending[:n])
	_, err := w.w.Write(out)
	rest := copy(w.pending, w.pending[n:])
	w.pending = w.pending[:rest]
	return err
}

// Flush writes out the text held back, scrubbed. Call it before waiting for
// input after a prompt, and when the run ends.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) == 0 {
		return nil
	}
	return w.emit(len(w.pending))
}

// Unredacted returns the underlying writer, for the one message that must
// carry a secret: GitHub Actions' ::add-mask:: command, which tells the
// runner what to hide from its own logs. Pending text is flushed first so
// the order of lines is kept.
func (w *Writer) Unredacted() io.Writer {
	_ = w.Flush()
	return w.w
}

// Unwrap returns the writer under w when w is a *Writer, else w.
func Unwrap(w io.Writer) io.Writer {
	if rw, ok := w.(*Writer); ok {
		return rw.Unredacted()
	}
	return w
}

// Scrub returns text with each of secrets, in every form Set.Add knows and
// in pieces of Window bytes or more, replaced by Mask.
func Scrub(text string, secrets ...string) string {
	var s Set
	for _, v := range secrets {
		s.Add(v)
	}
	return s.String(text)
}

var (
	jwtLike    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?`)
	pypiLike   = regexp.MustCompile(`pypi-[A-Za-z0-9_-]{8,}`)
	bearerLike = regexp.MustCompile(`(?i)(bearer\s+)[^\s"',;]+`)
)

// Lookalikes returns text with whatever is shaped like a credential
// replaced by Mask, though no secret was named: a JWT (an ID token), a PyPI
// API token (keeping its "pypi-" prefix) and the value after "Bearer". It is
// for text from a source that may hold credentials pyup never saw, such as
// a CI's token endpoint or a credential helper's stderr; it would mask
// project names like pypi-something in an index's answers, so those use
// Scrub alone.
func Lookalikes(text string) string {
	text = jwtLike.ReplaceAllString(text, Mask)
	text = pypiLike.ReplaceAllString(text, "pypi-"+Mask)
	return bearerLike.ReplaceAllString(text, "${1}"+Mask)
}
