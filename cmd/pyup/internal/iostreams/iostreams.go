// Package iostreams gives commands their standard streams and what is known
// about them (terminal or not, colour or not), so tests can swap them.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"sync"

	"golang.org/x/term"

	"github.com/pyup-dev/pyup/pkg/redact"
)

// IOStreams are a command's input and outputs. Data goes to Out; progress,
// diagnostics and errors go to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	noColor   bool
	stdinFd   int

	secretsOnce sync.Once
	secrets     *redact.Set
}

// Secrets returns the run's secrets: what Redact scrubs from Out and ErrOut.
// Every part of pyup that learns a secret (a password, a minted or ID token,
// a CI's request token) adds it here before it can reach any output.
func (s *IOStreams) Secrets() *redact.Set {
	s.secretsOnce.Do(func() { s.secrets = &redact.Set{} })
	return s.secrets
}

// Redact makes Out and ErrOut scrub Secrets from everything written to them,
// whoever writes it. Calling it again changes nothing. Call Flush when done.
func (s *IOStreams) Redact() {
	set := s.Secrets()
	if _, ok := s.Out.(*redact.Writer); !ok {
		s.Out = redact.NewWriter(s.Out, set)
	}
	if _, ok := s.ErrOut.(*redact.Writer); !ok {
		s.ErrOut = redact.NewWriter(s.ErrOut, set)
	}
}

// Flush writes out the text Out and ErrOut hold back while a line is
// unfinished (see Redact).
func (s *IOStreams) Flush() {
	for _, w := range []io.Writer{s.Out, s.ErrOut} {
		if f, ok := w.(interface{ Flush() error }); ok {
			_ = f.Flush()
		}
	}
}

// System returns the process's own streams. Colour is off when NO_COLOR is
// set (to anything) or TERM is "dumb", as lookupEnv (os.LookupEnv in the
// binary) says.
func System(lookupEnv func(string) (string, bool)) *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, stdinFd: int(os.Stdin.Fd())}
	s.stdinTTY = term.IsTerminal(int(os.Stdin.Fd()))
	s.stdoutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.stderrTTY = term.IsTerminal(int(os.Stderr.Fd()))
	_, nc := lookupEnv("NO_COLOR")
	termName, _ := lookupEnv("TERM")
	s.noColor = nc || termName == "dumb"
	return s
}

// Test returns streams backed by buffers: no terminals, no colour.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, noColor: true, stdinFd: -1}, in, out, errOut
}

// SetTTY marks the streams as terminals (or not); for tests.
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// ColorEnabled reports whether Out may carry ANSI colour: a terminal, and
// NO_COLOR unset.
func (s *IOStreams) ColorEnabled() bool { return s.stdoutTTY && !s.noColor }

// CanPrompt reports whether pyup may ask the user something: stdin and
// stderr are both terminals.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }

// ReadSecret reads one line from In without echo when In is a terminal. The
// answer is added to Secrets before it is returned.
func (s *IOStreams) ReadSecret() (string, error) {
	s.Flush() // the prompt
	var v string
	var err error
	if s.stdinTTY && s.stdinFd >= 0 {
		var b []byte
		b, err = term.ReadPassword(s.stdinFd)
		io.WriteString(s.ErrOut, "\n")
		v = string(b)
	} else {
		v, err = readLine(s.In)
	}
	s.Secrets().Add(v)
	return v, err
}

// ReadLine reads one line from In, echoed.
func (s *IOStreams) ReadLine() (string, error) {
	s.Flush() // the prompt
	return readLine(s.In)
}

func readLine(r io.Reader) (string, error) {
	var buf []byte
	one := make([]byte, 1)
	for {
		n, err := r.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			buf = append(buf, one[0])
			if len(buf) > 64<<10 {
				break
			}
		}
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				break
			}
			return "", err
		}
	}
	return string(bytes.TrimRight(buf, "\r")), nil
}
