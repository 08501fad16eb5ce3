// Package action tests the GitHub Action's shell logic (install.sh and
// publish.sh) against a local fake release server and a fake pyup.
package action

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const fakePyup = "#!/bin/sh\necho \"fake pyup $*\"\n"

func tarGz(t *testing.T, name, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(body))
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// release serves /download/v1.2.3/<archive> and checksums.txt, and
// /latest -> redirect to /tag/v1.2.3, as GitHub releases do.
func release(t *testing.T, archive []byte, sum string) *httptest.Server {
	t.Helper()
	name := "pyup_1.2.3_linux_amd64.tar.gz"
	mux := http.NewServeMux()
	mux.HandleFunc("/download/v1.2.3/"+name, func(w http.ResponseWriter, r *http.Request) { w.Write(archive) })
	mux.HandleFunc("/latest/download/"+name, func(w http.ResponseWriter, r *http.Request) { w.Write(archive) })
	checksums := func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s  %s\n%s  other.tar.gz\n", sum, name, strings.Repeat("0", 64))
	}
	mux.HandleFunc("/download/v1.2.3/checksums.txt", checksums)
	mux.HandleFunc("/latest/download/checksums.txt", checksums)
	mux.HandleFunc("/latest", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/tag/v1.2.3", http.StatusFound) })
	mux.HandleFunc("/tag/v1.2.3", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func runScript(t *testing.T, script string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", script)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestInstallVerifiesChecksum(t *testing.T) {
	archive := tarGz(t, "pyup", fakePyup)
	sum := sha256.Sum256(archive)
	good := hex.EncodeToString(sum[:])

	for _, version := range []string{"v1.2.3", "latest"} {
		t.Run(version, func(t *testing.T) {
			srv := release(t, archive, good)
			dir := t.TempDir()
			outFile := filepath.Join(t.TempDir(), "out")
			out, err := runScript(t, "install.sh", "PYUP_VERSION="+version, "PYUP_RELEASE_BASE="+srv.URL,
				"PYUP_INSTALL_DIR="+dir, "RUNNER_OS_NAME=Linux", "RUNNER_ARCH_NAME=X64", "GITHUB_OUTPUT="+outFile)
			if err != nil {
				t.Fatalf("install failed: %v\n%s", err, out)
			}
			if !strings.Contains(out, "fake pyup --version") {
				t.Fatalf("installed binary not run: %s", out)
			}
			got, _ := os.ReadFile(outFile)
			if !strings.Contains(string(got), "version=1.2.3\n") || !strings.Contains(string(got), "path="+filepath.Join(dir, "pyup")) {
				t.Fatalf("outputs %q", got)
			}
		})
	}

	t.Run("mismatch refused", func(t *testing.T) {
		srv := release(t, archive, strings.Repeat("a", 64))
		dir := t.TempDir()
		out, err := runScript(t, "install.sh", "PYUP_VERSION=v1.2.3", "PYUP_RELEASE_BASE="+srv.URL, "PYUP_INSTALL_DIR="+dir)
		if err == nil {
			t.Fatalf("install succeeded with a bad checksum:\n%s", out)
		}
		if !strings.Contains(out, "checksum mismatch") {
			t.Fatalf("no checksum message: %s", out)
		}
		if _, err := os.Stat(filepath.Join(dir, "pyup")); err == nil {
			t.Fatal("binary installed despite the mismatch")
		}
	})

	t.Run("unsupported arch", func(t *testing.T) {
		out, err := runScript(t, "install.sh", "PYUP_VERSION=v1.2.3", "RUNNER_ARCH_NAME=ARM", "PYUP_RELEASE_BASE=http://127.0.0.1:1")
		if err == nil || !strings.Contains(out, "unsupported runner architecture") {
			t.Fatalf("err=%v out=%s", err, out)
		}
	})
}

func TestPublishMapsInputs(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "pyup")
	// The fake pyup prints its arguments and whether it got the password by env.
	script := "#!/bin/sh\necho \"args: $*\"\necho \"user: $PYUP_USERNAME\"\n[ -n \"$PYUP_PASSWORD\" ] && echo \"password: set\"\nexit 0\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	dist := t.TempDir()
	out, err := runScript(t, "publish.sh", "PYUP_BIN="+bin, "INPUT_PACKAGES_DIR="+dist+"/", "INPUT_SKIP_EXISTING=true",
		"INPUT_VERIFY_METADATA=false", "INPUT_VERBOSE=True", "INPUT_PASSWORD=pypi-secret", "INPUT_PRINT_HASH=true",
		"INPUT_REPOSITORY_URL=https://test.pypi.org/legacy/")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "args: upload --non-interactive --repository-url https://test.pypi.org/legacy/ --no-check --skip-existing --verbose --attest auto --print-hash " + dist
	if !strings.Contains(out, want) {
		t.Fatalf("got\n%s\nwant line %q", out, want)
	}
	if strings.Contains(out, "pypi-secret") {
		t.Fatal("password reached the command line or output")
	}
	if !strings.Contains(out, "password: set") || !strings.Contains(out, "user: __token__") {
		t.Fatalf("credentials not passed by environment: %s", out)
	}

	// attestations: "false" turns signing off, as the PyPA action's input does.
	out, err = runScript(t, "publish.sh", "PYUP_BIN="+bin, "INPUT_PACKAGES_DIR="+dist, "INPUT_ATTESTATIONS=false")
	if err != nil || !strings.Contains(out, " --attest never ") {
		t.Fatalf("attestations=false: err=%v out=%s", err, out)
	}

	out, err = runScript(t, "publish.sh", "PYUP_BIN="+bin, "INPUT_PACKAGES_DIR="+filepath.Join(dist, "missing"))
	if err == nil || !strings.Contains(out, "does not exist") {
		t.Fatalf("missing dir: err=%v out=%s", err, out)
	}
}
