// Package uploadtest is a PyPI-like package index for tests: an http.Handler
// that answers the legacy upload API and the simple repository API the way
// Warehouse (pypi.org) does, records what it received, and injects the
// failures real networks and other index implementations produce.
//
// Mount it with httptest.NewServer(uploadtest.New(...)); the upload URL is
// server.URL + "/legacy/" and the simple API is server.URL + "/simple/".
package uploadtest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/blake2b"
)

// Option configures an Index.
type Option func(*Index)

// Index is the fake index. It is safe for concurrent use. The zero value is
// not usable; call New.
type Index struct {
	mu       sync.Mutex
	tokens   map[string]bool
	logins   map[[2]string]bool
	projects map[string]map[string]*StoredFile // normalized name -> filename -> file
	uploads  []Upload
	posts    int

	discard  bool
	htmlOnly bool
	dialect  string
	faults   []fault
	mux      *http.ServeMux

	attestations // PEP 740: see attest.go
}

// StoredFile is a file the index holds.
type StoredFile struct {
	// Project is the normalized project name.
	Project string
	// Filename is the file's name.
	Filename string
	// Size is its length in bytes.
	Size int64
	// SHA256 and Blake2b256 are lowercase hex digests of the content.
	SHA256, Blake2b256 string
	// Content is the file's bytes, nil with WithDiscardContent.
	Content []byte
}

// Upload records one POST to the upload endpoint.
type Upload struct {
	// Attempt is the 1-based number of the POST among all POSTs.
	Attempt int
	// Username is the Basic auth username ("" when none was sent).
	Username string
	// UserAgent and ContentLength are the request's.
	UserAgent     string
	ContentLength int64
	// ContentType is the request's Content-Type header.
	ContentType string
	// Fields holds every form field except content, in the order received.
	Fields [][2]string
	// Filename is the content part's file name; Size, SHA256, Blake2b256
	// and MD5 describe its bytes as received. The index computes all three
	// digests of every file, as Warehouse does, and refuses a form whose
	// digest of any of the three does not match.
	Filename           string
	Size               int64
	SHA256, Blake2b256 string
	MD5                string
	// FileLast reports whether content was the last part of the form.
	FileLast bool
	// Status is the status code answered (0 when the connection was cut).
	Status int
	// Message is the reason phrase of an error answer.
	Message string
}

// Field returns the values of form field name.
func (u Upload) Field(name string) []string {
	var vs []string
	for _, f := range u.Fields {
		if f[0] == name {
			vs = append(vs, f[1])
		}
	}
	return vs
}

// New returns an Index configured by opts. An Index without tokens (see
// WithToken) accepts uploads without credentials, like a local pypiserver;
// with tokens it requires the username __token__ and a registered token.
func New(opts ...Option) *Index {
	ix := &Index{
		tokens:   map[string]bool{},
		logins:   map[[2]string]bool{},
		projects: map[string]map[string]*StoredFile{},
		dialect:  "pypi",
		mux:      http.NewServeMux(),
	}
	for _, o := range opts {
		o(ix)
	}
	ix.mux.HandleFunc("POST /legacy/", ix.serveUpload)
	ix.mux.HandleFunc("POST /legacy", ix.serveMissingSlash)
	ix.mux.HandleFunc("GET /simple/{project}/", ix.serveSimple)
	ix.mux.HandleFunc("GET /simple/{project}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/simple/"+normalize(r.PathValue("project"))+"/", http.StatusMovedPermanently)
	})
	ix.mux.HandleFunc("GET /files/{project}/{filename}", ix.serveFile)
	ix.mux.HandleFunc("GET /pypi/{project}/{version}/json", ix.serveReleaseJSON)
	ix.mux.HandleFunc("GET /integrity/{project}/{version}/{filename}/provenance", ix.serveProvenance)
	return ix
}

// WithToken registers an API token accepted as the password of __token__.
func WithToken(token string) Option {
	return func(ix *Index) { ix.tokens[token] = true }
}

// WithLogin registers a username and password (a private index's token)
// accepted for uploads, as private indexes accept usernames other than
// __token__.
func WithLogin(username, password string) Option {
	return func(ix *Index) { ix.logins[[2]string{username, password}] = true }
}

// WithUploadPath also accepts uploads POSTed to path (a private index's
// upload URL path, such as "/project/repo/" on Artifact Registry), besides
// /legacy/.
func WithUploadPath(path string) Option {
	return func(ix *Index) { ix.mux.HandleFunc("POST "+path, ix.serveUpload) }
}

// WithDiscardContent keeps only the digests of uploaded files, not their
// bytes, so benchmarks can send GiBs without holding them in memory.
func WithDiscardContent() Option {
	return func(ix *Index) { ix.discard = true }
}

// WithHTMLOnly makes the simple API answer PEP 503 HTML whatever the client
// accepts, as older indexes do.
func WithHTMLOnly() Option {
	return func(ix *Index) { ix.htmlOnly = true }
}

// WithHandler mounts h at pattern (http.ServeMux syntax), for example the
// trusted-publishing mint handler at "/_/oidc/".
func WithHandler(pattern string, h http.Handler) Option {
	return func(ix *Index) { ix.mux.Handle(pattern, h) }
}

// WithFile preloads a file into the index, as if uploaded earlier.
func WithFile(project, filename string, content []byte) Option {
	return func(ix *Index) { ix.AddFile(project, filename, content) }
}

// Dialect makes the index answer an upload of a file name it already holds
// the way another implementation does (and, unlike PyPI, even when the
// content is identical): "pypi" (default: 200 for an identical file, else
// 400 "File already exists ..."), "pypiserver" (409), "gitea" (409),
// "nexus" (400 "...does not allow updating assets..."), "artifactory" (403
// "Not enough permissions to delete/overwrite artifact ..."), "gitlab" (400
// "...has already been taken"), "azure" (409 "The feed ... already contains
// file ...").
func Dialect(name string) Option {
	return func(ix *Index) { ix.dialect = name }
}

// AddToken registers an API token; a trusted-publishing mint handler calls
// it with the tokens it mints.
func (ix *Index) AddToken(token string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.tokens[token] = true
}

// AddLogin registers a username and password accepted for uploads; a fake
// token service calls it with the tokens it issues.
func (ix *Index) AddLogin(username, password string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.logins[[2]string{username, password}] = true
}

// AddFile stores a file as if uploaded earlier.
func (ix *Index) AddFile(project, filename string, content []byte) {
	s := sha256.Sum256(content)
	b := blake2b.Sum256(content)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.store(&StoredFile{
		Project: normalize(project), Filename: filename, Size: int64(len(content)),
		SHA256: hex.EncodeToString(s[:]), Blake2b256: hex.EncodeToString(b[:]),
		Content: content,
	})
}

func (ix *Index) store(f *StoredFile) {
	p := ix.projects[f.Project]
	if p == nil {
		p = map[string]*StoredFile{}
		ix.projects[f.Project] = p
	}
	p[f.Filename] = f
}

// Uploads returns a copy of the record of POSTs to the upload endpoint.
func (ix *Index) Uploads() []Upload {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return append([]Upload(nil), ix.uploads...)
}

// Posts returns how many POSTs the upload endpoint received.
func (ix *Index) Posts() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.posts
}

// Files returns the files of project (any spelling), sorted by name.
func (ix *Index) Files(project string) []StoredFile {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var out []StoredFile
	for _, f := range ix.projects[normalize(project)] {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Filename < out[j].Filename })
	return out
}

// ServeHTTP routes to the upload endpoint, the simple API, file downloads
// and handlers mounted with WithHandler.
func (ix *Index) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ix.mux.ServeHTTP(w, r)
}

var _ http.Handler = (*Index)(nil)

// normalize is PEP 503's name normalization.
func normalize(name string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// hashers computes the three digests Warehouse computes of every upload
// (md5, sha256 and blake2_256, one after the other as it reads).
type hashers struct {
	sha, blake, md5 hash.Hash
	n               int64
}

func newHashers() *hashers {
	b, _ := blake2b.New256(nil)
	return &hashers{sha: sha256.New(), blake: b, md5: md5.New()}
}

func (h *hashers) Write(p []byte) (int, error) {
	h.md5.Write(p)
	h.sha.Write(p)
	h.blake.Write(p)
	h.n += int64(len(p))
	return len(p), nil
}

func (h *hashers) sums() (sha, b2, md5 string) {
	return hex.EncodeToString(h.sha.Sum(nil)), hex.EncodeToString(h.blake.Sum(nil)), hex.EncodeToString(h.md5.Sum(nil))
}

// fault is one injected failure, applied to POSTs number 1..n.
type fault struct {
	n          int
	kind       string
	status     int
	retryAfter string
	d          time.Duration
}

// FailFirst answers the first n POSTs with status (after reading the body).
func FailFirst(n, status int) Option {
	return func(ix *Index) { ix.faults = append(ix.faults, fault{n: n, kind: "status", status: status}) }
}

// TooManyRequests answers the first n POSTs with 429 and the Retry-After
// header retryAfter (seconds or an HTTP date; "" sends none).
func TooManyRequests(n int, retryAfter string) Option {
	return func(ix *Index) {
		ix.faults = append(ix.faults, fault{n: n, kind: "status", status: http.StatusTooManyRequests, retryAfter: retryAfter})
	}
}

// ResetMidBody cuts the connection (TCP RST) half-way through the body of
// the first n POSTs.
func ResetMidBody(n int) Option {
	return func(ix *Index) { ix.faults = append(ix.faults, fault{n: n, kind: "reset"}) }
}

// Stall stops reading the body of the first n POSTs after a few KiB, for d
// or until the client gives up, then cuts the connection.
func Stall(n int, d time.Duration) Option {
	return func(ix *Index) { ix.faults = append(ix.faults, fault{n: n, kind: "stall", d: d}) }
}

// LoseAnswer processes (and stores) the first n POSTs normally, then cuts
// the connection instead of answering: the client cannot know its upload
// succeeded.
func LoseAnswer(n int) Option {
	return func(ix *Index) { ix.faults = append(ix.faults, fault{n: n, kind: "lose"}) }
}

func (ix *Index) faultFor(post int) *fault {
	for i := range ix.faults {
		if post <= ix.faults[i].n {
			return &ix.faults[i]
		}
	}
	return nil
}

func (ix *Index) record(u Upload) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.uploads = append(ix.uploads, u)
}
