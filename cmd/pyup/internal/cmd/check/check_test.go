package check

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
)

func TestNewCmdCheckArgs(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a-1.0-py3-none-any.whl", "a-1.0.tar.gz", "notes.txt", "a-1.0-py3-none-any.whl.publish.attestation"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		args    []string
		want    []string
		strict  bool
		json    bool
		wantErr bool
	}{
		{name: "directory picks distributions only", args: []string{dir},
			want: []string{filepath.Join(dir, "a-1.0-py3-none-any.whl"), filepath.Join(dir, "a-1.0.tar.gz")}},
		{name: "glob expanded by pyup, non-dists dropped", args: []string{filepath.Join(dir, "*"), "--strict", "--json"},
			want: []string{filepath.Join(dir, "a-1.0-py3-none-any.whl"), filepath.Join(dir, "a-1.0.tar.gz")}, strict: true, json: true},
		{name: "duplicates dropped", args: []string{filepath.Join(dir, "a-1.0.tar.gz"), dir},
			want: []string{filepath.Join(dir, "a-1.0.tar.gz"), filepath.Join(dir, "a-1.0-py3-none-any.whl")}},
		{name: "missing file is a usage error", args: []string{filepath.Join(dir, "nope.whl")}, wantErr: true},
		{name: "glob matching nothing is a usage error", args: []string{filepath.Join(dir, "*.zip")}, wantErr: true},
		{name: "no args is a usage error", args: nil, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *CheckOptions
			cmd := NewCmdCheck(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *CheckOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if tt.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				if code, _ := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
					t.Fatalf("exit code %d, want %d (%v)", code, cmdutil.ExitUsage, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Dists) != len(tt.want) {
				t.Fatalf("dists %v, want %v", got.Dists, tt.want)
			}
			for i := range tt.want {
				if got.Dists[i] != tt.want[i] {
					t.Fatalf("dists %v, want %v", got.Dists, tt.want)
				}
			}
			if got.Strict != tt.strict || got.JSON != tt.json {
				t.Fatalf("strict=%v json=%v", got.Strict, got.JSON)
			}
		})
	}
}
