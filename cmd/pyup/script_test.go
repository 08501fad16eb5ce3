package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/app"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pyup": func() { os.Exit(app.Main()) },
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/script: each runs
// the real pyup binary against files, fake indexes and fake CI issuers.
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("DISTS", filepath.Join(root, "testdata", "dists"))
			env.Setenv("NO_COLOR", "1")
			// A clean slate: no credentials or CI detection leak in from the machine.
			for _, k := range []string{"HOME"} {
				env.Setenv(k, env.WorkDir)
			}
			return nil
		},
		Cmds: scriptCmds(),
	})
}
