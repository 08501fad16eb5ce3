package main

import (
	"fmt"
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
			// Scripts marked [keyring] use the real Secret Service of the
			// D-Bus session .ci/run starts.
			if os.Getenv("PYUP_KEYRING_INTEGRATION") == "1" {
				env.Setenv("DBUS_SESSION_BUS_ADDRESS", os.Getenv("DBUS_SESSION_BUS_ADDRESS"))
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "keyring":
				return os.Getenv("PYUP_KEYRING_INTEGRATION") == "1" && os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: scriptCmds(),
	})
}
