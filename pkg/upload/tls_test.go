package upload_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/upload"
	"github.com/pyup-dev/pyup/pkg/upload/uploadtest"
)

func TestCustomCAAndCertificateErrorsAreFinal(t *testing.T) {
	ix := uploadtest.New(uploadtest.WithToken(testToken))
	srv := httptest.NewUnstartedServer(ix)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	creds := upload.WithCredentials(upload.BasicAuth("__token__", testToken))

	r := newClient(t, srv.URL+"/legacy/", creds, upload.WithTLS(ca, "")).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusUploaded {
		t.Fatalf("with CA: %+v", r)
	}
	var s sleeps
	r = newClient(t, srv.URL+"/legacy/", creds, upload.WithSleep(s.sleep)).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusFailed || r.Attempts != 1 {
		t.Fatalf("without CA: %+v", r)
	}
	if _, err := upload.New(srv.URL+"/legacy/", upload.WithTLS(filepath.Join(t.TempDir(), "missing.pem"), "")); err == nil {
		t.Error("missing CA file accepted")
	}
}

// Over HTTP/2 there is no reason phrase: the message must come from the
// JSON body, as with PyPI behind its CDN.
func TestHTTP2MessageFromJSONBody(t *testing.T) {
	ix := uploadtest.New(uploadtest.WithToken(testToken))
	srv := httptest.NewUnstartedServer(ix)
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	d := newDist(t, t.TempDir(), "demo-1.0.tar.gz", []byte("x"))
	var protos []string
	logf := func(f string, a ...any) { protos = append(protos, fmt.Sprintf(f, a...)) }
	c := newClient(t, srv.URL+"/legacy/", upload.WithTLSConfig(&tls.Config{RootCAs: pool}),
		upload.WithCredentials(upload.BasicAuth("__token__", "pypi-wrong")), upload.WithLogger(logf))
	r := c.Upload(context.Background(), upload.File{Dist: d})
	var he *upload.HTTPError
	if !errors.As(r.Err, &he) || he.StatusCode != 403 || !strings.HasPrefix(he.Reason, "Invalid or non-existent authentication information") {
		t.Fatalf("err = %v", r.Err)
	}
	if !errors.Is(r.Err, upload.ErrUnauthorized) {
		t.Errorf("not ErrUnauthorized: %v", r.Err)
	}
	// Check that HTTP/2 was really used: its status line has no phrase.
	found := false
	for _, l := range protos {
		if strings.Contains(l, ": 403 Forbidden (") {
			found = true
		}
	}
	if !found {
		t.Errorf("log = %q", protos)
	}
	r = newClient(t, srv.URL+"/legacy/", upload.WithTLSConfig(&tls.Config{RootCAs: pool}),
		upload.WithCredentials(upload.BasicAuth("__token__", testToken))).Upload(context.Background(), upload.File{Dist: d})
	if r.Status != upload.StatusUploaded {
		t.Fatalf("result = %+v", r)
	}
}
