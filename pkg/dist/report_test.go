package dist_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist"
)

func TestVerdictIgnoresNotes(t *testing.T) {
	note := dist.Problem{Severity: dist.Note, Code: "license-file-ignored"}
	warn := dist.Problem{Severity: dist.Warning, Code: "unknown-field"}
	errp := dist.Problem{Severity: dist.Error, Code: "invalid-version"}
	for _, tc := range []struct {
		ps     []dist.Problem
		strict bool
		want   dist.Status
	}{
		{[]dist.Problem{note}, false, dist.Passed},
		{[]dist.Problem{note}, true, dist.Passed},
		{[]dist.Problem{note, warn}, false, dist.PassedWithWarnings},
		{[]dist.Problem{warn, note}, true, dist.Failed},
		{[]dist.Problem{note, errp}, false, dist.Failed},
	} {
		if got := dist.Verdict(tc.ps, tc.strict); got != tc.want {
			t.Errorf("Verdict(%v, strict %v) = %s, want %s", tc.ps, tc.strict, got, tc.want)
		}
	}
}

func TestWriteTextOneFormat(t *testing.T) {
	fr := dist.FileReport{Path: "dist/demo\x1b[2J-1.0.tar.gz", Status: dist.PassedWithWarnings, Problems: []dist.Problem{
		{Severity: dist.Warning, Code: "unknown-field", Message: "field \u202eX"},
		{Severity: dist.Note, Code: "license-file-ignored", Message: "ignored"},
	}}
	var b bytes.Buffer
	dist.WriteText(&b, []dist.FileReport{fr}, dist.WithNotes(false))
	got := b.String()
	want := "Checking dist/demo\\x1b[2J-1.0.tar.gz: PASSED with warnings\n  warning [unknown-field] field \\u202eX\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	b.Reset()
	dist.WriteText(&b, []dist.FileReport{fr}, dist.WithEscape(strings.ToUpper))
	if !strings.Contains(b.String(), "  note [license-file-ignored] IGNORED") {
		t.Errorf("notes or the escape option not applied: %q", b.String())
	}
}
