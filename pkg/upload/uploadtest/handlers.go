package uploadtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pyup-dev/pyup/pkg/internal/pyrepr"
)

// maxField bounds one non-file form field (descriptions are the largest).
const maxField = 16 << 20

// Warehouse's help links, as its messages carry them.
const (
	helpInvalidAuth = "https://pypi.org/help/#invalid-auth"
	helpReuse       = "https://pypi.org/help/#file-name-reuse"
	helpMetadata    = "https://packaging.python.org/specifications/core-metadata"
)

// supportedMetadataVersions are the Metadata-Version values Warehouse takes.
var supportedMetadataVersions = map[string]bool{
	"1.0": true, "1.1": true, "1.2": true, "2.1": true, "2.2": true, "2.3": true, "2.4": true, "2.5": true,
}

func (ix *Index) serveMissingSlash(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Location", "/legacy/")
	respond(w, r, http.StatusPermanentRedirect,
		"An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)")
}

func (ix *Index) serveUpload(w http.ResponseWriter, r *http.Request) {
	ix.mu.Lock()
	ix.posts++
	post := ix.posts
	f := ix.faultFor(post)
	ix.mu.Unlock()

	u := Upload{Attempt: post, UserAgent: r.UserAgent(), ContentLength: r.ContentLength, ContentType: r.Header.Get("Content-Type")}
	user, pass, hasAuth := r.BasicAuth()
	u.Username = user

	if f != nil {
		switch f.kind {
		case "reset":
			_, _ = io.CopyN(io.Discard, r.Body, max(r.ContentLength/2, 1))
			ix.record(u)
			cut(w)
			return
		case "stall":
			_, _ = io.CopyN(io.Discard, r.Body, 4<<10)
			ix.record(u)
			time.Sleep(f.d)
			cut(w)
			return
		case "status":
			_, _ = io.Copy(io.Discard, r.Body)
			if f.retryAfter != "" {
				w.Header().Set("Retry-After", f.retryAfter)
			}
			u.Status, u.Message = f.status, "injected failure"
			ix.record(u)
			respond(w, r, f.status, http.StatusText(f.status))
			return
		}
	}

	fail := func(status int, msg string) {
		_, _ = io.Copy(io.Discard, r.Body)
		u.Status, u.Message = status, msg
		ix.record(u)
		respond(w, r, status, msg)
	}

	// Authentication comes first, as in Warehouse.
	ix.mu.Lock()
	needAuth := len(ix.tokens) > 0 || len(ix.logins) > 0
	tokenOK := ix.tokens[pass]
	loginOK := hasAuth && ix.logins[[2]string{user, pass}]
	ix.mu.Unlock()
	if hasAuth && user != "__token__" && !loginOK {
		fail(http.StatusForbidden, "Username/Password authentication is no longer supported. "+
			"Migrate to API Tokens or Trusted Publishers instead. "+
			"See https://pypi.org/help/#apitoken and https://pypi.org/help/#trusted-publishers")
		return
	}
	if needAuth && (!hasAuth || !tokenOK && !loginOK) {
		fail(http.StatusForbidden, "Invalid or non-existent authentication information. See "+helpInvalidAuth+" for more information.")
		return
	}

	// Read the form, streaming the file through the hashers.
	mr, err := r.MultipartReader()
	if err != nil {
		fail(http.StatusBadRequest, "Invalid multipart form: "+err.Error())
		return
	}
	var content []byte
	var hs *hashers
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail(http.StatusBadRequest, "Invalid multipart form: "+err.Error())
			return
		}
		name := part.FormName()
		if name == "content" {
			u.Filename = part.FileName()
			hs = newHashers()
			var dst io.Writer = hs
			var buf *bytes.Buffer
			if !ix.discard {
				buf = &bytes.Buffer{}
				dst = io.MultiWriter(hs, buf)
			}
			if _, err := io.Copy(dst, part); err != nil {
				ix.record(u)
				return // the client went away
			}
			if buf != nil {
				content = buf.Bytes()
			}
			u.FileLast = true
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, maxField+1))
		if err != nil {
			ix.record(u)
			return
		}
		if len(v) > maxField {
			fail(http.StatusBadRequest, fmt.Sprintf("Field %s is too large.", name))
			return
		}
		u.FileLast = false
		u.Fields = append(u.Fields, [2]string{name, string(v)})
	}
	if hs != nil {
		u.Size = hs.n
		u.SHA256, u.Blake2b256, u.MD5 = hs.sums()
	}

	if msg := validateForm(&u, hs != nil); msg != "" {
		fail(http.StatusBadRequest, msg)
		return
	}
	project := normalize(first(u, "name"))

	pypi := ix.dialect == "pypi" || ix.dialect == ""
	ix.mu.Lock()
	existing := ix.projects[project][u.Filename]
	var sameBlake *StoredFile
	if pypi {
		// Warehouse also refuses the same content under another name.
		for _, p := range ix.projects {
			for _, sf := range p {
				if sf.Blake2b256 == u.Blake2b256 {
					sameBlake = sf
				}
			}
		}
	}
	ix.mu.Unlock()
	if existing == nil && sameBlake == nil {
		// As Warehouse, attestations are checked after the file is known to
		// be new, before it is stored.
		prov, msg := ix.checkAttestations(r.Context(), &u, pass)
		if msg != "" {
			fail(http.StatusBadRequest, "Invalid attestations supplied during upload: "+msg)
			return
		}
		ix.mu.Lock()
		if ix.projects[project][u.Filename] == nil {
			ix.store(&StoredFile{Project: project, Filename: u.Filename, Size: u.Size,
				SHA256: u.SHA256, Blake2b256: u.Blake2b256, Content: content})
			if prov != nil {
				ix.storeProvenance(project, u.Filename, prov)
			}
		}
		ix.mu.Unlock()
	}

	if existing != nil || sameBlake != nil {
		if pypi {
			if existing != nil && existing.SHA256 == u.SHA256 && existing.Blake2b256 == u.Blake2b256 {
				ix.succeed(w, r, &u, f)
				return
			}
			fail(http.StatusBadRequest, fmt.Sprintf("File already exists (%s, with blake2_256 hash %s). See %s for more information.",
				pyrepr.Str(u.Filename), pyrepr.Str(u.Blake2b256), helpReuse))
			return
		}
		ix.dialectExists(w, r, &u)
		return
	}
	ix.succeed(w, r, &u, f)
}

func (ix *Index) succeed(w http.ResponseWriter, r *http.Request, u *Upload, f *fault) {
	if f != nil && f.kind == "lose" {
		ix.record(*u)
		cut(w)
		return
	}
	u.Status = http.StatusOK
	ix.record(*u)
	w.WriteHeader(http.StatusOK)
}

// dialectExists answers an upload of a file name the index holds the way
// other index implementations do.
func (ix *Index) dialectExists(w http.ResponseWriter, r *http.Request, u *Upload) {
	status, msg, body, ctype := 0, "", "", "text/plain; charset=utf-8"
	switch ix.dialect {
	case "pypiserver":
		status, body = http.StatusConflict, fmt.Sprintf("Package %s already exists!\n", pyrepr.Str(u.Filename))
	case "gitea":
		status, body = http.StatusConflict, "package file already exists\n"
	case "nexus":
		status, msg = http.StatusBadRequest, "Repository does not allow updating assets: pypi-hosted"
	case "artifactory":
		status, ctype = http.StatusForbidden, "application/json"
		body = fmt.Sprintf(`{"errors":[{"status":403,"message":"Not enough permissions to delete/overwrite artifact 'pypi-local:%s' (user: 'ci' needs DELETE permission)."}]}`, u.Filename)
	case "gitlab":
		status, ctype = http.StatusBadRequest, "application/json"
		body = `{"message":"Validation failed: File name has already been taken"}`
	case "azure":
		status, ctype = http.StatusConflict, "application/json"
		body = fmt.Sprintf(`{"$id":"1","message":"The feed 'pyup-feed' already contains file '%s' in package '%s'.","typeName":"Microsoft.VisualStudio.Services.Packaging.Shared.WebApi.Exceptions.PackageExistsException"}`,
			u.Filename, first(*u, "name"))
	default:
		status, body = http.StatusConflict, "already exists\n"
	}
	u.Status, u.Message = status, msg
	if msg == "" {
		u.Message = strings.TrimSpace(body)
	}
	ix.record(*u)
	if msg != "" {
		respond(w, r, status, msg)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// validateForm applies Warehouse's form and metadata checks that a fake
// index can apply cheaply; it returns Warehouse's message or "".
func validateForm(u *Upload, hasContent bool) string {
	if v := first(*u, ":action"); v != "file_upload" {
		return "Unknown action."
	}
	if v := first(*u, "protocol_version"); v != "" && v != "1" {
		return "Unknown protocol version."
	}
	name := first(*u, "name")
	if name == "" {
		return "'' is an invalid value for Name. Error: This field is required. See " + helpMetadata + " for more information."
	}
	if !validName(name) {
		return fmt.Sprintf("%s is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'. See %s for more information.",
			pyrepr.Str(name), helpMetadata)
	}
	ft := first(*u, "filetype")
	if ft != "sdist" && ft != "bdist_wheel" {
		return "Invalid value for filetype. Error: Use a known file type."
	}
	pv := first(*u, "pyversion")
	if ft == "bdist_wheel" && pv == "" {
		return "Invalid value for pyversion. Error: Python version is required for binary distribution uploads."
	}
	if ft == "sdist" && pv != "" && pv != "source" {
		return "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist."
	}
	sha, blake := first(*u, "sha256_digest"), first(*u, "blake2_256_digest")
	if sha == "" && blake == "" && first(*u, "md5_digest") == "" {
		return "Error: Include at least one message digest."
	}
	if sha != "" && !isHex64(sha) {
		return "Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest."
	}
	if blake != "" && !isHex64(blake) {
		return "Invalid value for blake2_256_digest. Error: Use a valid, hex-encoded, BLAKE2 message digest."
	}
	mv := first(*u, "metadata_version")
	if mv == "" {
		return "'metadata-version' is a required field. See " + helpMetadata + " for more information."
	}
	if !supportedMetadataVersions[mv] {
		return fmt.Sprintf("%s is not a valid metadata version. See %s for more information.", pyrepr.Str(mv), helpMetadata)
	}
	if len(u.Field("name")) > 1 || len(u.Field("version")) > 1 || len(u.Field("metadata_version")) > 1 {
		return "'name', 'version' and 'metadata_version' may be given once. See " + helpMetadata + " for more information."
	}
	ver := first(*u, "version")
	if ver == "" {
		return "'version' is a required field. See " + helpMetadata + " for more information."
	}
	if strings.Contains(ver, "+") {
		return fmt.Sprintf("The use of local versions in %s is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.", pyrepr.Str(ver))
	}
	if !hasContent {
		return "Upload payload does not have a file."
	}
	fn := u.Filename
	if strings.ContainsAny(fn, "/\\") {
		return "Cannot upload a file with '/' or '\\' in the name."
	}
	switch {
	case ft == "bdist_wheel" && !strings.HasSuffix(fn, ".whl"),
		ft == "sdist" && !strings.HasSuffix(fn, ".tar.gz"):
		return "Invalid file extension: Use .tar.gz or .whl extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0625/ for more information"
	}
	md5 := first(*u, "md5_digest")
	if sha != "" && !strings.EqualFold(sha, u.SHA256) || blake != "" && !strings.EqualFold(blake, u.Blake2b256) ||
		md5 != "" && !strings.EqualFold(md5, u.MD5) {
		return "The digest supplied does not match a digest calculated from the uploaded file."
	}
	return ""
}

func first(u Upload, name string) string {
	if vs := u.Field(name); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// validName is Warehouse's project-name rule,
// ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$ ignoring case.
func validName(s string) bool {
	alnum := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	if s == "" || !alnum(s[0]) || !alnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !alnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// respond answers an error the way Warehouse does: the message is the
// reason phrase of the status line ("400 File already exists (...)") and
// the body, JSON {"message","code","title"} when the client accepts JSON.
// net/http always writes the standard reason phrase, so on HTTP/1.x the
// connection is hijacked and the response written by hand.
func respond(w http.ResponseWriter, r *http.Request, status int, message string) {
	title := http.StatusText(status)
	var body, ctype string
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		b, _ := json.Marshal(map[string]string{
			"message": genericExplanation(status) + "\n\n\n" + message + "\n\n",
			"code":    fmt.Sprintf("%d %s", status, message),
			"title":   title,
		})
		body, ctype = string(b), "application/json"
	} else {
		t := html.EscapeString(fmt.Sprintf("%d %s", status, message))
		body = fmt.Sprintf("<html>\n <head>\n  <title>%s</title>\n </head>\n <body>\n  <h1>%s</h1>\n  %s<br/><br/>\n\n\n\n </body>\n</html>",
			t, t, html.EscapeString(genericExplanation(status)))
		ctype = "text/html; charset=UTF-8"
	}
	hj, ok := w.(http.Hijacker)
	if !ok || r.ProtoMajor != 1 {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	writeRaw(rw, status, statusPhrase(message), w.Header(), ctype, body)
}

func writeRaw(rw *bufio.ReadWriter, status int, phrase string, h http.Header, ctype, body string) {
	fmt.Fprintf(rw, "HTTP/1.1 %d %s\r\n", status, phrase)
	for k, vs := range h {
		for _, v := range vs {
			fmt.Fprintf(rw, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(rw, "Content-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\nDate: %s\r\n\r\n%s",
		ctype, len(body), time.Now().UTC().Format(http.TimeFormat), body)
	_ = rw.Flush()
}

// statusPhrase keeps a message within what a status line may carry:
// Latin-1 (Warehouse encodes with "replace"), no line breaks.
func statusPhrase(msg string) string {
	var b strings.Builder
	for _, r := range msg {
		switch {
		case r == '\r' || r == '\n':
			b.WriteByte(' ')
		case r > 0xff:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func genericExplanation(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "The server could not comply with the request since it is either malformed or otherwise incorrect."
	case http.StatusForbidden:
		return "Access was denied to this resource."
	case http.StatusPermanentRedirect:
		return "The resource has been moved to /legacy/; you should be redirected automatically."
	}
	return http.StatusText(status)
}

// cut closes the connection with a TCP RST, without any answer.
func cut(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

func (ix *Index) serveSimple(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("project")
	name := normalize(raw)
	if raw != name {
		http.Redirect(w, r, "/simple/"+name+"/", http.StatusMovedPermanently)
		return
	}
	ix.mu.Lock()
	var files []StoredFile
	for _, f := range ix.projects[name] {
		files = append(files, *f)
	}
	ix.mu.Unlock()
	if files == nil {
		http.Error(w, "404 Not Found", http.StatusNotFound)
		return
	}
	sortFiles(files)
	if !ix.htmlOnly && strings.Contains(r.Header.Get("Accept"), "application/vnd.pypi.simple.v1+json") {
		type jf struct {
			Filename string            `json:"filename"`
			URL      string            `json:"url"`
			Hashes   map[string]string `json:"hashes"`
			Size     int64             `json:"size"`
			Yanked   bool              `json:"yanked"`
		}
		page := struct {
			Meta  map[string]string `json:"meta"`
			Name  string            `json:"name"`
			Files []jf              `json:"files"`
		}{Meta: map[string]string{"api-version": "1.1"}, Name: name, Files: []jf{}}
		for _, f := range files {
			page.Files = append(page.Files, jf{f.Filename, fileURL(f), map[string]string{"sha256": f.SHA256}, f.Size, false})
		}
		w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
		_ = json.NewEncoder(w).Encode(page)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.1\">\n    <title>Links for %s</title>\n  </head>\n  <body>\n    <h1>Links for %s</h1>\n", name, name)
	for _, f := range files {
		fmt.Fprintf(&b, "    <a href=\"%s#sha256=%s\">%s</a><br />\n", html.EscapeString(fileURL(f)), f.SHA256, html.EscapeString(f.Filename))
	}
	b.WriteString("  </body>\n</html>\n")
	_, _ = io.WriteString(w, b.String())
}

func fileURL(f StoredFile) string { return "/files/" + f.Project + "/" + f.Filename }

func sortFiles(fs []StoredFile) {
	sort.Slice(fs, func(i, j int) bool { return fs[i].Filename < fs[j].Filename })
}

func (ix *Index) serveFile(w http.ResponseWriter, r *http.Request) {
	ix.mu.Lock()
	f := ix.projects[r.PathValue("project")][path.Base(r.PathValue("filename"))]
	ix.mu.Unlock()
	if f == nil || f.Content == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	_, _ = w.Write(f.Content)
}
