package ci

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestAnnotationsOnlyInGitHubActions(t *testing.T) {
	var buf bytes.Buffer
	Detect(env(nil)).Error(&buf, "dist/a.whl", "bad")
	if buf.Len() != 0 {
		t.Fatalf("outside GitHub Actions wrote %q", buf.String())
	}
	gh := Detect(env(map[string]string{"GITHUB_ACTIONS": "true"}))
	gh.Error(&buf, "dist/a,b:c.whl", "line one\nline two 100%")
	want := "::error file=dist/a%2Cb%3Ac.whl::line one%0Aline two 100%25\n"
	if buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}
}

func TestMask(t *testing.T) {
	var buf bytes.Buffer
	Detect(env(map[string]string{"GITHUB_ACTIONS": "true"})).Mask(&buf, "pypi-secret")
	if buf.String() != "::add-mask::pypi-secret\n" {
		t.Fatalf("got %q", buf.String())
	}
	buf.Reset()
	Detect(env(map[string]string{"GITHUB_ACTIONS": "false"})).Mask(&buf, "pypi-secret")
	if buf.Len() != 0 {
		t.Fatalf("masked outside Actions: %q", buf.String())
	}
}

func TestAppendSummary(t *testing.T) {
	p := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(p, []byte("before\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := Detect(env(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": p}))
	if err := e.AppendSummary("| a |\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "before\n| a |\n" {
		t.Fatalf("summary %q", b)
	}
	if err := Detect(env(nil)).AppendSummary("x"); err != nil {
		t.Fatal(err)
	}
}

func TestSections(t *testing.T) {
	var buf bytes.Buffer
	gl := Detect(env(map[string]string{"GITLAB_CI": "true"}))
	gl.now = func() time.Time { return time.Unix(42, 0) }
	end := gl.Section(&buf, "upload", "Uploading 2 files")
	end()
	got := buf.String()
	if !strings.Contains(got, "section_start:42:upload[collapsed=true]\r\x1b[0KUploading 2 files") || !strings.Contains(got, "section_end:42:upload") {
		t.Fatalf("gitlab section %q", got)
	}
	buf.Reset()
	gh := Detect(env(map[string]string{"GITHUB_ACTIONS": "true"}))
	gh.Section(&buf, "upload", "Uploading")()
	if buf.String() != "::group::Uploading\n::endgroup::\n" {
		t.Fatalf("github group %q", buf.String())
	}
	buf.Reset()
	Detect(env(nil)).Section(&buf, "x", "y")()
	if buf.Len() != 0 {
		t.Fatalf("plain terminal got %q", buf.String())
	}
}
