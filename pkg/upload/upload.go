package upload

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// File is one distribution to upload.
type File struct {
	// Dist is the opened distribution (dist.Open): path, digests, metadata.
	Dist *dist.Dist
	// Attestations is the PEP 740 "attestations" form field: a JSON array of
	// attestation objects, sent verbatim. Nil sends no field.
	Attestations []byte
	// Attest, when set and Attestations is nil, makes the attestations
	// field just before the file is sent: it is called once, with the
	// file's sha256 in lowercase hex, after WithSkipExisting's check (a
	// file the index has is not attested) and never on a dry run. It runs
	// in the file's own job, so attesting one file does not hold up the
	// others. Its error fails the file, without a retry.
	Attest func(ctx context.Context, sha256 string) ([]byte, error)
}

// Status is the outcome of one file.
type Status string

// The outcomes of an upload.
const (
	// StatusUploaded: the index accepted the file (or a retry found the
	// file stored by an earlier attempt of this run).
	StatusUploaded Status = "uploaded"
	// StatusSkipped: the index already held the same file.
	StatusSkipped Status = "skipped"
	// StatusFailed: see Result.Err.
	StatusFailed Status = "failed"
	// StatusWouldUpload: dry run; the file would have been uploaded.
	StatusWouldUpload Status = "would-upload"
	// StatusNotAttempted: UploadAll did not start the file (Err is
	// ErrNotAttempted).
	StatusNotAttempted Status = "not-attempted"
)

// Result reports one file.
type Result struct {
	// File is the distribution's file name.
	File string
	// Size is the file size in bytes.
	Size int64
	// SHA256 and Blake2b256 are the file's lowercase hex digests: those of
	// the Dist, or computed by Upload (ahead of the send or while sending).
	// Empty when the Dist had none and the file was never read whole (for
	// example the index refused it before the body was sent).
	SHA256, Blake2b256 string
	// Status is the outcome.
	Status Status
	// Attempts is the number of POSTs made (0 when none was).
	Attempts int
	// Duration is the wall time spent on the file, lookups included.
	Duration time.Duration
	// Message explains a skip (for example "already on the index").
	Message string
	// Err is set when Status is StatusFailed or StatusNotAttempted. Its
	// message is one line naming the file; match it with errors.Is against
	// the package's sentinels or errors.As to *HTTPError.
	Err error
}

// maxErrorBody bounds how much of an error answer (or of a successful
// upload's answer, drained) is read.
const maxErrorBody = 64 << 10

// maxRetryAfter caps a server's Retry-After.
const maxRetryAfter = 5 * time.Minute

// Upload uploads one file, retrying transient failures, and settles "already
// exists" answers by comparing hashes through the simple API: the same file
// is success (StatusSkipped, or StatusUploaded when an earlier attempt of
// this call stored it), another file of that name is ErrHashMismatch, and an
// unverifiable one is ErrFileExists (StatusSkipped with WithSkipExisting).
// With WithSkipExisting the simple API is asked first, so files the index
// holds are not sent at all.
//
// A Dist without digests (dist.WithoutDigests) is read once: hashed while
// it is sent, its sha256_digest and blake2_256_digest after the content
// part. It is hashed ahead, in twine's order, only when the digests are
// needed first: WithHashFirst, WithDryRun, or an index that already lists a
// file of that name (to compare hashes).
func (c *Client) Upload(ctx context.Context, f File) Result {
	return c.timedUpload(ctx, f, nil)
}

// timedUpload runs upload, timing it and naming the file in its error.
func (c *Client) timedUpload(ctx context.Context, f File, lookups *lookupCache) Result {
	start := time.Now()
	r := c.upload(ctx, f, lookups)
	r.Duration = time.Since(start)
	if r.Err != nil {
		r.Err = fileError(r.File, r.Err)
	}
	return r
}

// upload does the work of Upload; lookups, when not nil, shares the
// skip-existing pre-check's simple-API answers between the files of one
// UploadAll (a release's files share one project page).
func (c *Client) upload(ctx context.Context, f File, lookups *lookupCache) Result {
	r := Result{Status: StatusFailed}
	d := f.Dist
	if d != nil {
		r.File, r.Size, r.SHA256, r.Blake2b256 = d.Filename, d.Size, d.SHA256, d.Blake2b256
	}
	if err := validateFile(f); err != nil {
		r.Err = err
		return r
	}
	// The digests, when known before the send: from dist.Open, or computed
	// here when they are needed ahead (WithHashFirst, a name the index
	// already has, a dry run). Otherwise the file is hashed while it is sent.
	sums := digests{sha: d.SHA256, b2: d.Blake2b256}
	ahead := func() bool {
		if sums.known() {
			return true
		}
		var err error
		if sums, err = c.digestsOf(ctx, d); err != nil {
			r.Err = err
			return false
		}
		r.SHA256, r.Blake2b256 = sums.sha, sums.b2
		return true
	}
	project := projectName(d)
	if c.s.skipExisting && c.checkURL != "" {
		files, err := lookups.existing(ctx, c, project)
		switch {
		case err != nil && ctx.Err() != nil:
			r.Err = ctx.Err()
			return r
		case err != nil:
			c.warnf("cannot ask the index which files %s has, uploading %s anyway: %v", project, d.Filename, err)
		default:
			if sha, ok := files[d.Filename]; ok {
				if sha != "" && !ahead() {
					return r
				}
				if sha != "" && sha != sums.sha {
					r.Err = &HashMismatchError{File: d.Filename, Local: sums.sha, Remote: sha}
					return r
				}
				r.Status, r.Message = StatusSkipped, "already on the index"
				if sha == "" {
					r.Message = "already on the index (the index publishes no sha256 to compare)"
				}
				return r
			}
		}
	}
	if (c.s.dryRun || c.s.hashFirst) && !ahead() {
		return r
	}
	if c.s.dryRun {
		r.Status = StatusWouldUpload
		return r
	}
	if f.Attestations == nil && f.Attest != nil {
		// The statement names the file's sha256: it is needed first.
		if !ahead() {
			return r
		}
		att, err := f.Attest(ctx, sums.sha)
		if err != nil {
			r.Err = fmt.Errorf("%w: %w", ErrAttest, err)
			return r
		}
		f.Attestations = att
		if err := validateFile(f); err != nil {
			r.Err = err
			return r
		}
	}
	fields := formFields(d, sums.sha, sums.b2)
	if f.Attestations != nil {
		fields = append(fields, [2]string{"attestations", string(f.Attestations)})
	}
	var layout *bodyLayout
	var err error
	if sums.known() {
		layout, err = newBodyLayout(fields, d.Filename, d.Size)
	} else {
		layout, err = newOnePassLayout(fields, d.Filename, d.Size)
	}
	if err != nil {
		r.Err = err
		return r
	}
	for attempt := 1; ; attempt++ {
		r.Attempts = attempt
		out := c.attempt(ctx, d, layout, attempt)
		if !sums.known() && out.sums.known() {
			sums = out.sums
			r.SHA256, r.Blake2b256 = sums.sha, sums.b2
		}
		if out.err == nil {
			r.Status = StatusUploaded
			return r
		}
		if ctx.Err() != nil {
			r.Err = out.err
			if !errors.Is(out.err, ctx.Err()) {
				r.Err = fmt.Errorf("%w (interrupted: %v)", out.err, context.Cause(ctx))
			}
			return r
		}
		if he := out.answer; he != nil && isAlreadyExists(he.StatusCode, he.Reason+" "+he.Body) {
			if !ahead() {
				return r
			}
			return c.settleExisting(ctx, d, sums.sha, project, he, attempt, r)
		}
		if !out.retryable || attempt > c.s.retries {
			if attempt > 1 {
				out.err = fmt.Errorf("%w (gave up after %d attempts)", out.err, attempt)
			}
			r.Err = out.err
			return r
		}
		delay := c.backoff(attempt)
		if out.retryAfter > 0 {
			delay = min(out.retryAfter, maxRetryAfter)
		}
		c.warnf("%s: attempt %d failed (%v), retrying in %s", d.Filename, attempt, out.err, delay.Round(time.Millisecond))
		if err := c.s.sleep(ctx, delay); err != nil {
			r.Err = fmt.Errorf("%w (interrupted while waiting to retry: %v)", out.err, err)
			return r
		}
	}
}

// settleExisting decides what an "already exists" answer means by asking the
// simple API for the file's hash.
func (c *Client) settleExisting(ctx context.Context, d *dist.Dist, localSHA, project string, answer *HTTPError, attempt int, r Result) Result {
	var detail string
	if c.checkURL == "" {
		detail = "no simple-API URL to compare hashes with"
	} else if files, err := c.Existing(ctx, project); err != nil {
		detail = "cannot compare hashes: " + err.Error()
	} else if sha, ok := files[d.Filename]; !ok {
		detail = "the simple API does not list it"
	} else if sha == "" {
		detail = "the simple API publishes no sha256 for it"
	} else if sha != localSHA {
		r.Err = &HashMismatchError{File: d.Filename, Local: localSHA, Remote: sha}
		return r
	} else {
		if attempt > 1 {
			// An earlier attempt whose answer was lost stored it.
			r.Status, r.Message = StatusUploaded, "stored by an earlier attempt"
			return r
		}
		r.Status, r.Message = StatusSkipped, "already on the index"
		return r
	}
	if attempt > 1 {
		detail += "; an earlier attempt may have stored it"
	}
	if c.s.skipExisting {
		r.Status, r.Message = StatusSkipped, "the index says it already exists ("+detail+")"
		return r
	}
	r.Err = &ExistsError{File: d.Filename, Answer: answer, Detail: detail}
	return r
}

// digests are a file's hex digests; empty until known.
type digests struct{ sha, b2 string }

func (s digests) known() bool { return s.sha != "" && s.b2 != "" }

// digestsOf reads d's file once to hash it, for the cases that need the
// digests before (or without) sending it.
func (c *Client) digestsOf(ctx context.Context, d *dist.Dist) (digests, error) {
	fh, err := dist.OpenFile(d.Path)
	if err != nil {
		return digests{}, err
	}
	defer fh.Close()
	dg, err := dist.ComputeDigests(ctx, fh)
	if err != nil {
		return digests{}, fmt.Errorf("hashing: %w", err)
	}
	if dg.Size != d.Size {
		return digests{}, fmt.Errorf("%w: size %d, was %d when opened", ErrFileChanged, dg.Size, d.Size)
	}
	return digests{sha: dg.SHA256, b2: dg.Blake2b256}, nil
}

// expectContinueAbove: bodies larger than this are sent with "Expect:
// 100-continue" (curl's threshold), so an index that refuses on the request
// head (bad credentials, wrong URL, too large) refuses before the body goes.
// The transport waits for the go-ahead at most ExpectContinueTimeout (1 s),
// then sends anyway, for servers that never answer 100 (pypiserver under
// wsgiref, which speaks HTTP/1.0); after one such wait the Client stops
// asking that index (see expectProbe).
const expectContinueAbove = 1 << 20

// expectProbe finds out whether the index answers "Expect: 100-continue".
// The transport starts reading the body when the index says 100 Continue,
// when it answers with a final status and keeps the connection, or when
// ExpectContinueTimeout runs out; only the last, seen at the body's first
// read, means the index ignores Expect, and then every later file would
// wait for nothing too.
type expectProbe struct {
	waited, got100, answered atomic.Bool
}

func (p *expectProbe) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		Wait100Continue:      func() { p.waited.Store(true) },
		Got100Continue:       func() { p.got100.Store(true) },
		GotFirstResponseByte: func() { p.answered.Store(true) },
	}
}

// ignored reports whether the wait for 100 Continue ran out unanswered.
func (p *expectProbe) ignored() bool {
	return p.waited.Load() && !p.got100.Load() && !p.answered.Load()
}

// attemptOutcome is the result of one POST.
type attemptOutcome struct {
	sums       digests // of the bytes sent, when the whole file was hashed while sent
	err        error
	answer     *HTTPError // the index's answer, when there was one
	retryable  bool
	retryAfter time.Duration
}

// attempt makes one POST, reopening the file so each attempt streams it
// from the start.
func (c *Client) attempt(ctx context.Context, d *dist.Dist, layout *bodyLayout, n int) attemptOutcome {
	fh, err := dist.OpenFile(d.Path) // refuses a FIFO swapped in since Open
	if err != nil {
		return attemptOutcome{err: err}
	}
	defer fh.Close()
	if fi, err := fh.Stat(); err != nil {
		return attemptOutcome{err: err}
	} else if fi.Size() != d.Size {
		return attemptOutcome{err: fmt.Errorf("%w: size %d, was %d when opened", ErrFileChanged, fi.Size(), d.Size)}
	}

	actx, wd := startWatchdog(ctx, c.s.stall)
	defer wd.stop()
	total := layout.length()
	var h *sendHasher
	if layout.digestsAfter {
		h = newSendHasher()
	}
	m := &meter{r: layout.open(fh, h), w: wd, total: total, chunk: c.s.progressChunk}
	if c.s.progress != nil {
		report := c.s.progress
		m.report = func(sent int64, done bool) {
			report(Progress{File: d.Filename, Sent: sent, Total: total, Attempt: n, Done: done})
		}
		m.report(0, false)
	}
	rctx := actx
	expect := total > expectContinueAbove && !c.ignoresExpect.Load()
	if expect {
		probe := &expectProbe{}
		rctx = httptrace.WithClientTrace(actx, probe.trace())
		m.start = func() {
			if probe.ignored() && !c.ignoresExpect.Swap(true) {
				c.logf("%s did not answer \"Expect: 100-continue\"; the next files go without it", redactURL(c.repo))
			}
		}
	}
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.repo.String(), m)
	if err != nil {
		return attemptOutcome{err: err}
	}
	// A known length, never chunked: some proxies and private indexes refuse
	// chunked bodies. GetBody stays nil so net/http never replays the body
	// on its own; retries happen here, with a reopened file.
	req.ContentLength = total
	req.Header.Set("Content-Type", layout.contentType)
	req.Header.Set("Accept", "application/json")
	if expect {
		req.Header.Set("Expect", "100-continue")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportFailure(ctx, actx, err)
	}
	defer resp.Body.Close()
	wd.reading()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// Drain so the connection is reused for the next file; an answer
		// that is long or slow to come is cut short (the upload succeeded).
		readAnswer(actx, wd, resp.Body, maxErrorBody, c.s.smallReadTimeout(), "reading the answer")
		out := attemptOutcome{}
		if s, b, ok := h.result(); ok {
			out.sums = digests{sha: s, b2: b}
		}
		return out
	}
	b := readAnswer(actx, wd, resp.Body, maxErrorBody, c.s.smallReadTimeout(), "reading the error answer")
	he := httpErrorFrom(http.MethodPost, redactURL(req.URL), resp, b)
	out := attemptOutcome{err: he, answer: he}
	if s, b, ok := h.result(); ok {
		out.sums = digests{sha: s, b2: b}
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		out.retryable = true
		out.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if isRedirect(resp.StatusCode) {
		out.err = fmt.Errorf("%w: %w", ErrRedirect, he)
	}
	return out
}

// transportFailure classifies an error from the client: the caller's
// context ending and local problems are final, the network failing is not.
func (c *Client) transportFailure(ctx, actx context.Context, err error) attemptOutcome {
	if ctx.Err() != nil {
		return attemptOutcome{err: fmt.Errorf("POST %s: %w", redactURL(c.repo), context.Cause(ctx))}
	}
	inner := unwrapURLError(err)
	if cause := context.Cause(actx); cause != nil && errors.Is(cause, ErrStalled) {
		return attemptOutcome{err: fmt.Errorf("POST %s: %w", redactURL(c.repo), cause), retryable: true}
	}
	var ce *credentialsError
	var uae x509.UnknownAuthorityError
	var he x509.HostnameError
	var cie x509.CertificateInvalidError
	var tlsv *tls.CertificateVerificationError
	final := errors.As(err, &ce) || errors.Is(err, ErrFileChanged) ||
		errors.As(err, &uae) || errors.As(err, &he) || errors.As(err, &cie) || errors.As(err, &tlsv)
	if ce != nil {
		return attemptOutcome{err: ce}
	}
	return attemptOutcome{err: fmt.Errorf("POST %s: %w", redactURL(c.repo), inner), retryable: !final}
}

// backoff is the delay before retry number attempt (1-based): exponential,
// capped, with "equal jitter" so parallel jobs do not retry in lockstep.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.s.backoffMin
	for i := 1; i < attempt && d < c.s.backoffMax; i++ {
		d *= 2
	}
	d = min(d, c.s.backoffMax)
	half := d / 2
	return half + rand.N(half+1)
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent or
// unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// warnf reports what the user should see without a request log (see
// WithWarnings).
func (c *Client) warnf(format string, args ...any) {
	if c.s.warnf != nil {
		c.s.warnf(format, args...)
		return
	}
	c.logf(format, args...)
}

func (c *Client) logf(format string, args ...any) {
	if c.s.logf != nil {
		c.s.logf(format, args...)
	}
}

func validateFile(f File) error {
	d := f.Dist
	switch {
	case d == nil:
		return errors.New("no distribution given")
	case d.Path == "" || d.Filename == "":
		return errors.New("distribution has no path or file name")
	case d.Kind != dist.Wheel && d.Kind != dist.Sdist:
		return fmt.Errorf("unknown distribution kind %q", d.Kind)
	case (d.SHA256 != "" || d.Blake2b256 != "") && (!isHex64(d.SHA256) || !isHex64(d.Blake2b256)):
		// Both empty is fine: the file is hashed while it is sent.
		return errors.New("distribution digests incomplete or malformed")
	case d.Metadata == nil:
		return errors.New("distribution has no metadata")
	}
	if f.Attestations != nil {
		s := strings.TrimSpace(string(f.Attestations))
		if !strings.HasPrefix(s, "[") {
			return errors.New("attestations must be a JSON array")
		}
	}
	return nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// projectName is the metadata Name, else the file name's first component.
func projectName(d *dist.Dist) string {
	if n := strings.TrimSpace(d.Metadata.Name()); n != "" {
		return n
	}
	name, _, _ := strings.Cut(d.Filename, "-")
	return name
}

// fileError prefixes err with the file name unless its message names it.
func fileError(name string, err error) error {
	if name == "" || strings.HasPrefix(err.Error(), name) {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// lookupCache remembers Existing's answers per project for one UploadAll.
// Only the pre-check uses it: settling an "already exists" answer always
// asks afresh.
type lookupCache struct {
	mu sync.Mutex
	m  map[string]*lookup
}

type lookup struct {
	once  sync.Once
	files map[string]string
	err   error
}

func (lc *lookupCache) existing(ctx context.Context, c *Client, project string) (map[string]string, error) {
	if lc == nil {
		return c.Existing(ctx, project)
	}
	key := dist.NormalizeName(project)
	lc.mu.Lock()
	if lc.m == nil {
		lc.m = map[string]*lookup{}
	}
	l := lc.m[key]
	if l == nil {
		l = &lookup{}
		lc.m[key] = l
	}
	lc.mu.Unlock()
	l.once.Do(func() { l.files, l.err = c.Existing(ctx, project) })
	return l.files, l.err
}
