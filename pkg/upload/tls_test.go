package upload_test

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
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
