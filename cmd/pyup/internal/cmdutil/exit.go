// Package cmdutil holds what every pyup command shares: the exit-code table,
// the error types that carry an exit code and a hint, and the factory.
package cmdutil

import (
	"errors"
	"fmt"
)

// Exit codes. This is the one table; docs/exit-codes.md and every command's
// help repeat it.
const (
	// ExitOK: everything asked for was done.
	ExitOK = 0
	// ExitUnexpected: an unexpected error outside an upload (a local I/O
	// error, a bug). A network failure during an upload is ExitUploadFailed.
	ExitUnexpected = 1
	// ExitUsage: the command line was wrong (unknown flag, no such file).
	ExitUsage = 2
	// ExitCheckFailed: a distribution failed its checks (or could not be read).
	ExitCheckFailed = 3
	// ExitAuth: no credential could be found, the index refused it, or the
	// trusted-publishing exchange failed; or there is no CI identity to sign
	// attestations with, or Fulcio refused it.
	ExitAuth = 4
	// ExitUploadFailed: the index refused a file or an upload did not
	// complete, including a network failure (connection refused, reset,
	// timeout) after all retries and an answer that is not PyPI's protocol.
	ExitUploadFailed = 5
	// ExitVerifyFailed: pyup verify found an attestation missing, malformed,
	// or not verifying (wrong signer, changed file, bad signature).
	ExitVerifyFailed = 6
	// ExitInterrupted: the first Ctrl-C or SIGTERM stopped pyup, or a second
	// Ctrl-C ended it at once (128 + SIGINT).
	ExitInterrupted = 130
	// ExitTerminated: a second SIGTERM ended pyup at once (128 + SIGTERM).
	ExitTerminated = 143
)

// ExitStatusHelp is the EXIT STATUS section appended to every command's long help.
const ExitStatusHelp = `
EXIT STATUS
  0    success
  1    unexpected error (local I/O error, a bug)
  2    usage error (unknown flag, missing argument, no such file)
  3    a distribution failed its checks or could not be read
  4    credentials: none found, refused by the index, or the trusted-publishing exchange failed;
       no CI identity to sign attestations with, or Fulcio refused it
  5    upload failed: the index refused a file, or the upload did not complete (network failure
       after all retries, an answer that is not PyPI's protocol); pyup verify --index: the
       index could not be read
  6    verification failed: an attestation is missing, malformed, or does not verify (pyup verify)
  130  interrupted: Ctrl-C or SIGTERM (a second Ctrl-C ends pyup at once)
  143  terminated: a second SIGTERM ended pyup at once`

// ExitError is an error that decides pyup's exit code and may carry one hint.
type ExitError struct {
	Code int
	Err  error
	// Hint is one line on what to do next; may be empty.
	Hint string
	// Silent: the command already reported the failure (for example a check
	// report on stdout), so Main prints nothing more.
	Silent bool
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// WithExit wraps err so that pyup exits with code, printing hint below it.
func WithExit(code int, err error, hint string) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: code, Err: err, Hint: hint}
}

// SilentExit makes pyup exit with code without printing anything more.
func SilentExit(code int) error {
	return &ExitError{Code: code, Silent: true}
}

// FlagError is a usage error: pyup exits 2.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf makes a usage error.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ExitCode maps an error to pyup's exit code and its hint.
func ExitCode(err error) (code int, hint string) {
	if err == nil {
		return ExitOK, ""
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code, ee.Hint
	}
	var fe *FlagError
	if errors.As(err, &fe) {
		return ExitUsage, "run with --help for usage"
	}
	return ExitUnexpected, ""
}
