package uploadtest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

func TestEcho(t *testing.T) {
	const secret = "pypi-s3cr3t"
	for _, ch := range []uploadtest.EchoChannel{
		uploadtest.EchoBody, uploadtest.EchoReason, uploadtest.EchoJSON,
		uploadtest.EchoHTML, uploadtest.EchoHeader, uploadtest.EchoAll,
	} {
		t.Run(string(ch), func(t *testing.T) {
			srv := httptest.NewServer(uploadtest.Echo(http.StatusForbidden, ch))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/legacy/", strings.NewReader("form"))
			req.SetBasicAuth("__token__", secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %s", resp.Status)
			}
			var where string
			switch ch {
			case uploadtest.EchoBody, uploadtest.EchoHTML:
				where = string(body)
			case uploadtest.EchoJSON:
				var v struct{ Code, Message string }
				if err := json.Unmarshal(body, &v); err != nil {
					t.Fatalf("JSON body %q: %v", body, err)
				}
				where = v.Code + "\n" + v.Message
			case uploadtest.EchoHeader:
				where = resp.Header.Get("X-Error")
			case uploadtest.EchoReason:
				where = resp.Status
			case uploadtest.EchoAll:
				for _, w := range []string{resp.Status, resp.Header.Get("X-Error"), string(body)} {
					if !strings.Contains(w, secret) || !strings.Contains(w, "__token__:"+secret) {
						t.Errorf("EchoAll: %q lacks the credentials", w)
					}
				}
				return
			}
			for _, want := range []string{"authorization=Basic ", "userpass=__token__:" + secret, "password=" + secret} {
				if !strings.Contains(where, want) {
					t.Errorf("%s echo %q lacks %q", ch, where, want)
				}
			}
		})
	}
}

func TestEchoReasonStatusLine(t *testing.T) {
	srv := httptest.NewServer(uploadtest.Echo(http.StatusForbidden, uploadtest.EchoReason))
	defer srv.Close()
	// A raw read shows the status line exactly as sent.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-123\r\n\r\n")
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if want := "HTTP/1.1 403 authorization=Bearer tok-123\r\n"; line != want {
		t.Errorf("status line %q, want %q", line, want)
	}
}

func TestEchoMintToken(t *testing.T) {
	srv := httptest.NewServer(uploadtest.Echo(http.StatusUnprocessableEntity, uploadtest.EchoBody))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/_/oidc/mint-token", "application/json", strings.NewReader(`{"token": "eyJ.jwt.sig"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "token=eyJ.jwt.sig") {
		t.Errorf("body %q lacks the mint request's token", body)
	}
	resp2, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	if b, _ := io.ReadAll(resp2.Body); strings.TrimSpace(string(b)) != "no credentials" {
		t.Errorf("no credentials: body %q", b)
	}
}

func TestRedirectToHTTP(t *testing.T) {
	srv := httptest.NewServer(uploadtest.RedirectToHTTP("http://plain.example:8080/"))
	defer srv.Close()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		method string
		status int
	}{{http.MethodPost, http.StatusPermanentRedirect}, {http.MethodGet, http.StatusTemporaryRedirect}} {
		req, _ := http.NewRequest(tc.method, srv.URL+"/legacy/?a=b", strings.NewReader(""))
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Location") != "http://plain.example:8080/legacy/?a=b" {
			t.Errorf("%s: %s Location %q", tc.method, resp.Status, resp.Header.Get("Location"))
		}
	}
}

func TestDrip(t *testing.T) {
	srv := httptest.NewServer(uploadtest.Drip(10*time.Millisecond, 5))
	defer srv.Close()
	start := time.Now()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s", resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "xxxxx" {
		t.Fatalf("body %q, %v", b, err)
	}
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Errorf("5 bytes at 10ms came in %s", d)
	}

	// The handler stops when the client goes away.
	done := make(chan struct{})
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uploadtest.Drip(time.Millisecond, 1<<30).ServeHTTP(w, r)
		close(done)
	}))
	defer srv2.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv2.URL, nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = resp.Body.Read(make([]byte, 1))
	cancel()
	resp.Body.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Drip kept writing after the client left")
	}
}

func TestHugeSimplePage(t *testing.T) {
	const n = 1000
	for _, jsonForm := range []bool{false, true} {
		srv := httptest.NewServer(uploadtest.HugeSimplePage(n, jsonForm))
		resp, err := http.Get(srv.URL + "/simple/demo/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if jsonForm {
			var page struct {
				Files []struct {
					Filename string
					Hashes   map[string]string
				}
			}
			if err := json.Unmarshal(b, &page); err != nil {
				t.Fatal(err)
			}
			if len(page.Files) != n || page.Files[n-1].Filename != uploadtest.HugeFilename(n-1) ||
				page.Files[7].Hashes["sha256"] != uploadtest.HugeSHA256(7) {
				t.Errorf("JSON page: %d files, last %+v", len(page.Files), page.Files[len(page.Files)-1])
			}
			continue
		}
		if got := strings.Count(string(b), "<a "); got != n {
			t.Errorf("HTML page: %d anchors", got)
		}
		want := `<a href="/files/demo/` + uploadtest.HugeFilename(42) + "#sha256=" + uploadtest.HugeSHA256(42) + `">` + uploadtest.HugeFilename(42) + "</a>"
		if !strings.Contains(string(b), want) {
			t.Errorf("HTML page lacks %s", want)
		}
	}
}
