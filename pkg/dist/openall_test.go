package dist_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/dist/disttest"
)

func TestOpenAllKeepsOrderAndErrors(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, v := range []string{"1.0", "2.0", "3.0"} {
		paths = append(paths, disttest.Wheel(t, dir, disttest.Name("demo"), disttest.Version(v)))
	}
	paths = append(paths[:1], append([]string{filepath.Join(dir, "missing-1.0.tar.gz")}, paths[1:]...)...)
	dists, errs := dist.OpenAll(context.Background(), paths)
	if len(dists) != 4 || len(errs) != 4 {
		t.Fatalf("got %d dists, %d errs", len(dists), len(errs))
	}
	for i, want := range []string{"1.0", "", "2.0", "3.0"} {
		if want == "" {
			if errs[i] == nil || dists[i] != nil {
				t.Fatalf("%d: want an error and no dist, got %v, %v", i, dists[i], errs[i])
			}
			continue
		}
		if errs[i] != nil || dists[i].Metadata.Version() != want {
			t.Fatalf("%d: got %v, %v; want version %s", i, dists[i], errs[i], want)
		}
	}
	if d, e := dist.OpenAll(context.Background(), nil); len(d) != 0 || len(e) != 0 {
		t.Fatal("nil paths")
	}
}
