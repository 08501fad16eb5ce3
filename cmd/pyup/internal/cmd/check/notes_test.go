package check

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

// A setuptools < 77 wheel (License-File under Metadata-Version 2.1), which
// PyPI accepts and twine check --strict passes, passes check --strict: the
// condition is shown as a note.
func TestCheckStrictPassesOnNotes(t *testing.T) {
	p := disttest.Wheel(t, t.TempDir(), disttest.MetadataVersion("2.1"), disttest.Header("License-File", "LICENSE"))
	for _, asJSON := range []bool{false, true} {
		ios, _, out, _ := iostreams.Test()
		err := checkRun(context.Background(), &CheckOptions{IO: ios, Dists: []string{p}, Strict: true, JSON: asJSON})
		if err != nil {
			t.Fatalf("json=%v: %v\n%s", asJSON, err, out)
		}
		if !asJSON {
			if !strings.Contains(out.String(), ": PASSED\n") || !strings.Contains(out.String(), "  note [license-file-ignored] ") {
				t.Errorf("text report:\n%s", out)
			}
			continue
		}
		var r dist.Report
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		f := r.Files[0]
		if f.Status != dist.Passed || len(f.Problems) != 1 || f.Problems[0].Severity != "note" || r.Warned != 0 || !r.Success {
			t.Errorf("json report: %+v", r)
		}
	}
}
