package attest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/attest"
)

const valid = `{"version":1,"verification_material":{"certificate":"MIIB","transparency_entries":[]},"envelope":{"statement":"eyJ9","signature":"c2ln"}}`

func TestLoadAndFormValue(t *testing.T) {
	dir := t.TempDir()
	dist := filepath.Join(dir, "demo-1.0-py3-none-any.whl")
	if err := os.WriteFile(attest.Path(dist), []byte(valid), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := attest.Load(dist)
	if err != nil {
		t.Fatal(err)
	}
	if string(a.Bytes()) != valid {
		t.Errorf("Bytes() = %s, want the file as read", a.Bytes())
	}
	v, err := attest.FormValue(a)
	if err != nil || string(v) != "["+valid+"]" {
		t.Errorf("FormValue = %s, %v", v, err)
	}
}

func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	dist := filepath.Join(dir, "demo-1.0-py3-none-any.whl")
	if _, err := attest.Load(dist); !errors.Is(err, attest.ErrNotFound) || !strings.Contains(err.Error(), "demo-1.0-py3-none-any.whl.publish.attestation") {
		t.Errorf("missing: %v", err)
	}
	for name, content := range map[string]string{
		"not json":      "{",
		"no envelope":   `{"version":1,"verification_material":{}}`,
		"not an object": `[1]`,
		"too large":     strings.Repeat(" ", attest.MaxSize+1),
	} {
		if err := os.WriteFile(attest.Path(dist), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := attest.Load(dist); err == nil || !strings.Contains(err.Error(), "publish.attestation") {
			t.Errorf("%s: err = %v, want one naming the file", name, err)
		}
	}
}
