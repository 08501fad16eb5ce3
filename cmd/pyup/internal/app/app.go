// Package app runs pyup: it builds the command tree, executes it with a
// signal-aware context, and turns the outcome into one message and an exit code.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmd/root"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
	"github.com/pyup-dev/pyup/pkg/escape"
	"github.com/pyup-dev/pyup/pkg/upload/credential"
)

// Main runs pyup with the process's arguments and streams and returns the exit code.
//
// The first SIGINT or SIGTERM cancels the context: pyup says it is stopping,
// winds down and exits 130. A second one ends the process at once (130 for
// SIGINT, 143 for SIGTERM), even when something is blocked and deaf to the
// context, such as a read from a terminal or a special file.
func Main() int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	f := cmdutil.New(os.LookupEnv)
	go watchSignals(sigs, cancel, f.IOStreams.ErrOut)
	return Run(ctx, f, os.Args[1:])
}

// watchSignals cancels the run on the first signal and exits the process on
// the second.
func watchSignals(sigs <-chan os.Signal, cancel context.CancelFunc, w io.Writer) {
	first := <-sigs
	fmt.Fprintf(w, "pyup: %s: stopping; %s again to quit at once\n", signalName(first), signalAction(first))
	cancel()
	second := <-sigs
	fmt.Fprintf(w, "pyup: %s again: quitting at once\n", signalName(second))
	os.Exit(signalExitCode(second))
}

func signalName(s os.Signal) string {
	if s == syscall.SIGTERM {
		return "terminated"
	}
	return "interrupted"
}

func signalAction(s os.Signal) string {
	if s == syscall.SIGTERM {
		return "send SIGTERM"
	}
	return "press Ctrl-C"
}

// signalExitCode is the shell's convention, 128 + the signal number.
func signalExitCode(s os.Signal) int {
	if s == syscall.SIGTERM {
		return cmdutil.ExitTerminated
	}
	return cmdutil.ExitInterrupted
}

// Run executes pyup with args and returns the exit code. Tests call it with
// test streams.
//
// Everything pyup writes to f's streams passes through the run's redaction
// (see iostreams.IOStreams.Redact): the secrets in the environment are known
// from the start, and each command adds those it learns.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	f.IOStreams.Redact()
	defer f.IOStreams.Flush()
	for _, v := range config.SecretValues(f.LookupEnv) {
		f.IOStreams.Secrets().AddBasic(credential.TokenUsername, v)
	}
	rootCmd := root.NewCmdRoot(f)
	argErrorsAreUsageErrors(rootCmd)
	rootCmd.SetArgs(args)
	rootCmd.SetIn(f.IOStreams.In)
	rootCmd.SetOut(f.IOStreams.Out)
	rootCmd.SetErr(f.IOStreams.ErrOut)
	cmd, err := rootCmd.ExecuteContextC(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	if isUsageError(cmd, err) {
		err = &cmdutil.FlagError{Err: err}
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(f.IOStreams.ErrOut, "pyup: interrupted")
		return cmdutil.ExitInterrupted
	}
	code, hint := cmdutil.ExitCode(err)
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) && ee.Silent {
		return code
	}
	printError(f.IOStreams.ErrOut, cmd, err, code, hint)
	return code
}

// printError prints err once: JSON under --json, else "pyup: <err>" and the hint.
func printError(w io.Writer, cmd *cobra.Command, err error, code int, hint string) {
	// The message may quote a server's answer or a file's metadata: each
	// line is escaped, so only pyup's own line breaks remain.
	msg := escapeLines(strings.TrimSpace(err.Error()))
	hint = escapeLines(hint)
	if cmd != nil {
		if fl := cmd.Flags().Lookup("json"); fl != nil && fl.Value.String() == "true" {
			enc := json.NewEncoder(w)
			_ = enc.Encode(struct {
				Error    string `json:"error"`
				Hint     string `json:"hint,omitempty"`
				ExitCode int    `json:"exit_code"`
			}{msg, hint, code})
			return
		}
	}
	fmt.Fprintf(w, "pyup: %s\n", msg)
	if hint != "" {
		fmt.Fprintf(w, "hint: %s\n", hint)
	}
}

func escapeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = escape.Text(l)
	}
	return strings.Join(lines, "\n")
}

// argErrorsAreUsageErrors makes the errors of every command's positional
// argument validator (cobra.NoArgs and the like, which cobra returns as
// plain errors) *cmdutil.FlagError, as the root's flag error function does
// for flag errors.
func argErrorsAreUsageErrors(c *cobra.Command) {
	if validate := c.Args; validate != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			err := validate(cmd, args)
			var fe *cmdutil.FlagError
			if err == nil || errors.As(err, &fe) {
				return err
			}
			return &cmdutil.FlagError{Err: err}
		}
	}
	for _, sub := range c.Commands() {
		argErrorsAreUsageErrors(sub)
	}
}

// isUsageError recognises the usage errors cobra returns as plain errors
// (flag and argument errors are typed already, see argErrorsAreUsageErrors):
// any error of a command that cannot run, which can only come from cobra
// finding the command (an unknown subcommand), and a missing required flag
// or a broken flag group, for which cobra has no hook.
func isUsageError(cmd *cobra.Command, err error) bool {
	var fe *cmdutil.FlagError
	var ee *cmdutil.ExitError
	switch {
	case errors.As(err, &fe), errors.As(err, &ee):
		return false
	case cmd != nil && !cmd.Runnable():
		return true
	}
	s := err.Error()
	return strings.HasPrefix(s, "required flag") || strings.HasPrefix(s, "if any flags in the group")
}
