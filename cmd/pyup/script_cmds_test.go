package main

import (
	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCmds are the custom commands test scripts may use.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){}
}
