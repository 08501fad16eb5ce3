package uploadtest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

// form builds an upload body the way a client would.
func form(t *testing.T, fields [][2]string, filename string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	if filename != "" {
		w, _ := mw.CreateFormFile("content", filename)
		w.Write(content)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func validFields(content []byte) [][2]string {
	s := sha256.Sum256(content)
	b := blake2b.Sum256(content)
	return [][2]string{
		{":action", "file_upload"}, {"protocol_version", "1"},
		{"metadata_version", "2.4"}, {"name", "demo"}, {"version", "1.0"},
		{"filetype", "sdist"}, {"pyversion", "source"},
		{"sha256_digest", hex.EncodeToString(s[:])}, {"blake2_256_digest", hex.EncodeToString(b[:])},
	}
}

func post(t *testing.T, url, token, accept string, fields [][2]string, filename string, content []byte) *http.Response {
	t.Helper()
	ct, body := form(t, fields, filename, content)
	req, _ := http.NewRequest(http.MethodPost, url, body)
	req.Header.Set("Content-Type", ct)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if token != "" {
		req.SetBasicAuth("__token__", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestUploadAndDuplicates(t *testing.T) {
	ix := uploadtest.New(uploadtest.WithToken("pypi-good"))
	srv := httptest.NewServer(ix)
	defer srv.Close()
	content := []byte("sdist bytes")

	resp := post(t, srv.URL+"/legacy/", "pypi-good", "", validFields(content), "demo-1.0.tar.gz", content)
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %s", resp.Status)
	}
	// Identical re-upload: 200, nothing written.
	resp = post(t, srv.URL+"/legacy/", "pypi-good", "", validFields(content), "demo-1.0.tar.gz", content)
	if resp.StatusCode != 200 || len(ix.Files("demo")) != 1 {
		t.Fatalf("identical re-upload: %s", resp.Status)
	}
	// Same name, other bytes: 400 with Warehouse's message in the status line
	// and in the JSON body.
	other := []byte("other bytes")
	resp = post(t, srv.URL+"/legacy/", "pypi-good", "application/json", validFields(other), "demo-1.0.tar.gz", other)
	if resp.StatusCode != 400 || !strings.HasPrefix(resp.Status, "400 File already exists ('demo-1.0.tar.gz', with blake2_256 hash '") {
		t.Fatalf("status = %q", resp.Status)
	}
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || !strings.HasPrefix(body["code"], "400 File already exists") || body["title"] != "Bad Request" {
		t.Fatalf("body = %v, %v", body, err)
	}
	ups := ix.Uploads()
	if len(ups) != 3 || ups[2].Status != 400 || !ups[2].FileLast {
		t.Fatalf("uploads = %+v", ups)
	}
}

func TestValidation(t *testing.T) {
	srv := httptest.NewServer(uploadtest.New())
	defer srv.Close()
	content := []byte("x")
	with := func(k, v string) [][2]string {
		fs := validFields(content)
		for i := range fs {
			if fs[i][0] == k {
				fs[i][1] = v
				return fs
			}
		}
		return append(fs, [2]string{k, v})
	}
	for _, tc := range []struct {
		fields   [][2]string
		filename string
		want     string
	}{
		{with("name", "-bad-"), "demo-1.0.tar.gz", "is an invalid value for Name"},
		{with("filetype", "egg"), "demo-1.0.tar.gz", "Use a known file type"},
		{with("metadata_version", "3.0"), "demo-1.0.tar.gz", "not a valid metadata version"},
		{with("version", "1.0+abc"), "demo-1.0.tar.gz", "The use of local versions in '1.0+abc' is not allowed"},
		{with("sha256_digest", strings.Repeat("0", 64)), "demo-1.0.tar.gz", "The digest supplied does not match"},
		// Warehouse hashes md5 too and checks an md5_digest that is sent.
		{with("md5_digest", strings.Repeat("0", 32)), "demo-1.0.tar.gz", "The digest supplied does not match"},
		{validFields(content), "demo-1.0.zip", "Invalid file extension"},
		{validFields(content), "", "Upload payload does not have a file"},
		{with("pyversion", "py3"), "demo-1.0.tar.gz", "Use 'source' as Python version for an sdist"},
	} {
		resp := post(t, srv.URL+"/legacy/", "", "", tc.fields, tc.filename, content)
		if resp.StatusCode != 400 || !strings.Contains(resp.Status, tc.want) {
			t.Errorf("want %q, got %q", tc.want, resp.Status)
		}
	}
	// The right md5 (of "x") is taken, and recorded with the upload.
	ix := uploadtest.New()
	srv2 := httptest.NewServer(ix)
	defer srv2.Close()
	resp := post(t, srv2.URL+"/legacy/", "", "", with("md5_digest", "9dd4e461268c8034f5c8564e155c67a6"), "demo-1.0.tar.gz", content)
	if ups := ix.Uploads(); resp.StatusCode != 200 || len(ups) != 1 || ups[0].MD5 != "9dd4e461268c8034f5c8564e155c67a6" {
		t.Fatalf("right md5: %s, %+v", resp.Status, ups)
	}
}

func TestAuthAndRedirect(t *testing.T) {
	ix := uploadtest.New(uploadtest.WithToken("pypi-good"))
	srv := httptest.NewServer(ix)
	defer srv.Close()
	content := []byte("x")
	resp := post(t, srv.URL+"/legacy/", "pypi-minted", "", validFields(content), "demo-1.0.tar.gz", content)
	if resp.StatusCode != 403 || !strings.Contains(resp.Status, "Invalid or non-existent authentication information") {
		t.Fatalf("status = %q", resp.Status)
	}
	ix.AddToken("pypi-minted")
	if resp = post(t, srv.URL+"/legacy/", "pypi-minted", "", validFields(content), "demo-1.0.tar.gz", content); resp.StatusCode != 200 {
		t.Fatalf("minted token: %q", resp.Status)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ct, body := form(t, validFields(content), "demo-1.0.tar.gz", content)
	resp, err := c.Post(srv.URL+"/legacy", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 308 || resp.Header.Get("Location") != "/legacy/" || !strings.Contains(resp.Status, "(with a trailing slash)") {
		t.Fatalf("status = %q, location %q", resp.Status, resp.Header.Get("Location"))
	}
}

func TestSimpleAPI(t *testing.T) {
	mint := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "minted") })
	ix := uploadtest.New(uploadtest.WithFile("My.Pkg", "my_pkg-1.0.tar.gz", []byte("abc")), uploadtest.WithHandler("/_/oidc/", mint))
	srv := httptest.NewServer(ix)
	defer srv.Close()
	sum := sha256.Sum256([]byte("abc"))
	sha := hex.EncodeToString(sum[:])

	get := func(path, accept string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := get("/simple/my-pkg/", "application/vnd.pypi.simple.v1+json")
	if resp.Header.Get("Content-Type") != "application/vnd.pypi.simple.v1+json" || !strings.Contains(body, `"sha256":"`+sha+`"`) {
		t.Errorf("JSON: %s %s", resp.Header.Get("Content-Type"), body)
	}
	resp, body = get("/simple/My_Pkg/", "text/html")
	if resp.StatusCode != 200 || !strings.Contains(body, "#sha256="+sha+`">my_pkg-1.0.tar.gz</a>`) || resp.Request.URL.Path != "/simple/my-pkg/" {
		t.Errorf("HTML: %d %s %s", resp.StatusCode, resp.Request.URL.Path, body)
	}
	if resp, _ = get("/simple/nothing/", "text/html"); resp.StatusCode != 404 {
		t.Errorf("unknown project: %d", resp.StatusCode)
	}
	if resp, body = get("/files/my-pkg/my_pkg-1.0.tar.gz", "*/*"); body != "abc" {
		t.Errorf("file: %d %q", resp.StatusCode, body)
	}
	if _, body = get("/_/oidc/mint-token", "*/*"); body != "minted" {
		t.Errorf("mounted handler: %q", body)
	}
}
