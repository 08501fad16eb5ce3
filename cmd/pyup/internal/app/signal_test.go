//go:build unix

package app

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
)

// childEnv makes the test binary run pyup's Main instead of the tests, so a
// test can signal a real pyup process.
const childEnv = "PYUP_APP_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		// Until Main installs its handlers a signal would kill the child
		// outright; ignoring them (Main's signal.Notify takes them back)
		// lets the parent signal from "ready" on without knowing when
		// Main got that far.
		signal.Ignore(os.Interrupt, syscall.SIGTERM)
		os.Stderr.WriteString("ready\n")
		os.Args = append([]string{"pyup"}, strings.Fields(os.Getenv(childEnv+"_ARGS"))...)
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer safe to read while exec copies into it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSecondSignalEndsBlockedProcess runs pyup login, which blocks reading a
// token from stdin (a read no context can stop), signals it once, waits for
// it to say it is stopping, and signals it again: it must end at once with
// 128 + the signal number.
func TestSecondSignalEndsBlockedProcess(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{
		{syscall.SIGINT, cmdutil.ExitInterrupted},
		{syscall.SIGTERM, cmdutil.ExitTerminated},
	} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"=1",
				childEnv+"_ARGS=login --repository-url https://pypi.example.invalid/legacy/",
				"HOME="+t.TempDir())
			stdin, err := cmd.StdinPipe() // held open and never written: login blocks
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()

			// The guard only bounds a failing run; a passing one ends as
			// soon as the second signal is handled.
			guard := time.After(60 * time.Second)
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			stopping := false
			var werr error
		wait:
			for {
				select {
				case werr = <-done:
					break wait
				case <-guard:
					cmd.Process.Kill()
					<-done
					t.Fatalf("pyup did not end after two signals; stderr:\n%s", stderr.String())
				case <-tick.C:
					// Once the child is ready, signal until pyup says it is
					// stopping (signals before Main's handlers are ignored),
					// then once more.
					if !stopping && strings.Contains(stderr.String(), "ready") {
						stopping = strings.Contains(stderr.String(), "stopping")
						cmd.Process.Signal(tt.sig)
					}
				}
			}
			var ee *exec.ExitError
			if !errors.As(werr, &ee) {
				t.Fatalf("wait: %v; stderr:\n%s", werr, stderr.String())
			}
			if got := ee.ExitCode(); got != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", got, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "stopping") {
				t.Errorf("pyup did not say it was stopping; stderr:\n%s", stderr.String())
			}
		})
	}
}
