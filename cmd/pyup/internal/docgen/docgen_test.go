package docgen

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestCommittedReferenceIsCurrent fails when docs/cli or docs/man differ
// from what the command tree generates: run
// `go run ./cmd/pyup/internal/docgen/gen` from the repository root.
func TestCommittedReferenceIsCurrent(t *testing.T) {
	repo := filepath.Join("..", "..", "..", "..")
	tmp := t.TempDir()
	md, man := filepath.Join(tmp, "cli"), filepath.Join(tmp, "man")
	if err := Generate(md, man); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{md, filepath.Join(repo, "docs", "cli")}, {man, filepath.Join(repo, "docs", "man")}} {
		want, err := Files(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		got, err := Files(pair[1])
		if err != nil {
			t.Fatalf("%v (generate the reference: go run ./cmd/pyup/internal/docgen/gen)", err)
		}
		if !slices.Equal(want, got) {
			t.Fatalf("%s lists %v, the command tree generates %v: run go run ./cmd/pyup/internal/docgen/gen", pair[1], got, want)
		}
		for _, f := range want {
			a, _ := os.ReadFile(filepath.Join(pair[0], f))
			b, _ := os.ReadFile(filepath.Join(pair[1], f))
			if !bytes.Equal(a, b) {
				t.Errorf("%s is stale: run go run ./cmd/pyup/internal/docgen/gen", filepath.Join(pair[1], f))
			}
		}
	}
}
