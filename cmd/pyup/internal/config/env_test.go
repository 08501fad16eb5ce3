package config

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func newCmd() (*cobra.Command, *string, *string, *bool, *int) {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	user := cmd.Flags().String("username", "__token__", "")
	pw := cmd.Flags().String("password", "", "")
	ni := cmd.Flags().Bool("non-interactive", false, "")
	jobs := cmd.Flags().Int("jobs", 1, "")
	return cmd, user, pw, ni, jobs
}

func TestApplyPrecedence(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantUser string
		wantPW   string
		wantNI   bool
		wantJobs int
		wantSrc  string
		wantErr  bool
	}{
		{name: "defaults", wantUser: "__token__", wantJobs: 1},
		{name: "twine fallback", env: map[string]string{"TWINE_PASSWORD": "tw", "TWINE_NON_INTERACTIVE": "1"},
			wantUser: "__token__", wantPW: "tw", wantNI: true, wantJobs: 1, wantSrc: "env TWINE_PASSWORD"},
		{name: "PYUP beats TWINE", env: map[string]string{"TWINE_PASSWORD": "tw", "PYUP_PASSWORD": "py", "PYUP_JOBS": "4"},
			wantUser: "__token__", wantPW: "py", wantJobs: 4, wantSrc: "env PYUP_PASSWORD"},
		{name: "flag beats env", env: map[string]string{"PYUP_PASSWORD": "py", "PYUP_USERNAME": "bob"}, args: []string{"--password", "fl"},
			wantUser: "bob", wantPW: "fl", wantJobs: 1, wantSrc: "flag --password"},
		{name: "bad env value is an error", env: map[string]string{"PYUP_JOBS": "many"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"TWINE_PASSWORD", "PYUP_PASSWORD", "PYUP_USERNAME", "TWINE_USERNAME", "PYUP_JOBS", "TWINE_NON_INTERACTIVE", "PYUP_NON_INTERACTIVE"} {
				t.Setenv(k, "")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cmd, user, pw, ni, jobs := newCmd()
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			srcs, err := Apply(cmd, os.LookupEnv)
			if tt.wantErr {
				if err == nil {
					t.Fatal("want error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *user != tt.wantUser || *pw != tt.wantPW || *ni != tt.wantNI || *jobs != tt.wantJobs {
				t.Fatalf("user=%q pw=%q ni=%v jobs=%d", *user, *pw, *ni, *jobs)
			}
			if got := srcs.Describe("password"); got != tt.wantSrc {
				t.Fatalf("source %q, want %q", got, tt.wantSrc)
			}
		})
	}
}

func TestSensitiveValueNotInError(t *testing.T) {
	cmd := &cobra.Command{Use: "x"}
	cmd.Flags().Int("password", 0, "") // a sensitive flag whose value fails to parse
	t.Setenv("PYUP_PASSWORD", "pypi-SECRET")
	_, err := Apply(cmd, os.LookupEnv)
	if err == nil {
		t.Fatal("want error")
	}
	if got := err.Error(); contains(got, "SECRET") {
		t.Fatalf("error leaks the value: %s", got)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// envOf is an environment lookup over a map, as the factory supplies one.
func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// The value, the error and the recorded source are decided by one lookup,
// so they name the same variable: an empty PYUP_* counts as unset and the
// TWINE_* variable behind it is the one read and blamed.
func TestApplyOneLookupDecidesValueAndSource(t *testing.T) {
	t.Run("error blames the variable read", func(t *testing.T) {
		cmd, _, _, _, _ := newCmd()
		_, err := Apply(cmd, envOf(map[string]string{"PYUP_NON_INTERACTIVE": "", "TWINE_NON_INTERACTIVE": "maybe"}))
		if err == nil || !strings.Contains(err.Error(), "TWINE_NON_INTERACTIVE") || strings.Contains(err.Error(), "PYUP_NON_INTERACTIVE") {
			t.Fatalf("err = %v, want it to name TWINE_NON_INTERACTIVE only", err)
		}
	})
	t.Run("returned and recorded sources agree", func(t *testing.T) {
		cmd, _, _, ni, _ := newCmd()
		srcs, err := Apply(cmd, envOf(map[string]string{"PYUP_NON_INTERACTIVE": "", "TWINE_NON_INTERACTIVE": "1", "PYUP_PASSWORD": "pw"}))
		if err != nil || !*ni {
			t.Fatalf("ni %v, err %v", *ni, err)
		}
		for _, s := range []Sources{srcs, SourcesOf(cmd)} {
			if got := s.Describe("non-interactive"); got != "env TWINE_NON_INTERACTIVE" {
				t.Errorf("non-interactive from %q", got)
			}
			if got := s.Describe("password"); got != "env PYUP_PASSWORD" {
				t.Errorf("password from %q", got)
			}
			if s.Given("username") || s.Given("jobs") {
				t.Errorf("defaults counted as given: %v", s)
			}
		}
	})
	t.Run("the process environment is not read", func(t *testing.T) {
		t.Setenv("PYUP_JOBS", "7")
		cmd, _, _, _, jobs := newCmd()
		srcs, err := Apply(cmd, envOf(nil))
		if err != nil || *jobs != 1 || srcs.Given("jobs") {
			t.Fatalf("jobs %d from %v, err %v", *jobs, srcs, err)
		}
	})
	t.Run("flag given", func(t *testing.T) {
		cmd, _, _, _, _ := newCmd()
		if err := cmd.ParseFlags([]string{"--username", "bob"}); err != nil {
			t.Fatal(err)
		}
		srcs, err := Apply(cmd, envOf(map[string]string{"PYUP_USERNAME": "alice"}))
		if err != nil || !srcs.FlagGiven("username") || !SourcesOf(cmd).FlagGiven("username") {
			t.Fatalf("srcs %v, err %v", srcs, err)
		}
	})
}

func TestSetEnv(t *testing.T) {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	repo := cmd.Flags().String("repository", "", "")
	root := cmd.Flags().String("trusted-root", "", "")
	SetEnv(cmd.Flags(), "repository")
	SetEnv(cmd.Flags(), "trusted-root", "PYUP_SIGSTORE_TRUSTED_ROOT")
	env := map[string]string{
		"TWINE_REPOSITORY": "pypi", "PYUP_REPOSITORY": "testpypi",
		"PYUP_TRUSTED_ROOT": "ignored.json", "PYUP_SIGSTORE_TRUSTED_ROOT": "root.json",
	}
	src, err := Apply(cmd, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if *repo != "" || *root != "root.json" {
		t.Errorf("repository=%q trusted-root=%q, want \"\" and root.json", *repo, *root)
	}
	if got := src.Describe("trusted-root"); got != "env PYUP_SIGSTORE_TRUSTED_ROOT" {
		t.Errorf("Describe = %q", got)
	}
	vars := Vars(cmd)
	if len(vars) != 1 || vars[0].Name != "PYUP_SIGSTORE_TRUSTED_ROOT" {
		t.Errorf("Vars = %+v", vars)
	}
}
