package upload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// watchdog cancels an attempt when no bytes moved for the stall window. It is
// not a deadline: every read of the request body or the response body resets
// it. While the index processes a fully sent body, the window is longer.
type watchdog struct {
	last    atomic.Int64 // unix nanos of the last movement
	window  atomic.Int64 // current allowance in nanoseconds
	stall   time.Duration
	cancel  context.CancelCauseFunc
	stopped chan struct{}
}

// startWatchdog returns a context derived from ctx that the watchdog
// cancels (cause: ErrStalled) and the watchdog; call stop when the attempt
// ends.
func startWatchdog(ctx context.Context, stall time.Duration) (context.Context, *watchdog) {
	actx, cancel := context.WithCancelCause(ctx)
	w := &watchdog{stall: stall, cancel: cancel, stopped: make(chan struct{})}
	w.touch()
	w.window.Store(int64(stall))
	tick := stall / 4
	if tick < 5*time.Millisecond {
		tick = 5 * time.Millisecond
	}
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-w.stopped:
				return
			case <-actx.Done():
				return
			case now := <-t.C:
				idle := now.UnixNano() - w.last.Load()
				if win := w.window.Load(); idle > win {
					cancel(fmt.Errorf("%w: no bytes moved for %s", ErrStalled, time.Duration(win).Round(time.Millisecond)))
					return
				}
			}
		}
	}()
	return actx, w
}

func (w *watchdog) touch() { w.last.Store(time.Now().UnixNano()) }

// awaitAnswer widens the window once the body is sent: the index hashes and
// inspects the file before it answers.
func (w *watchdog) awaitAnswer() {
	w.touch()
	w.window.Store(int64(5 * w.stall))
}

// reading restores the normal window while the answer is read.
func (w *watchdog) reading() {
	w.touch()
	w.window.Store(int64(w.stall))
}

func (w *watchdog) stop() {
	close(w.stopped)
	w.cancel(nil)
}

// meter counts body bytes for the watchdog and the progress callback.
type meter struct {
	r        io.Reader
	w        *watchdog
	sent     int64
	total    int64
	reported int64
	chunk    int64
	report   func(sent int64, done bool)
	done     bool
	// start, when set, is called once, before the body's first read.
	start func()
}

func (m *meter) Read(p []byte) (int, error) {
	if m.start != nil {
		m.start()
		m.start = nil
	}
	n, err := m.r.Read(p)
	if n > 0 {
		m.w.touch()
		m.sent += int64(n)
	}
	if (err == io.EOF || m.sent >= m.total) && !m.done {
		m.done = true
		m.w.awaitAnswer()
		if m.report != nil {
			m.report(m.sent, m.sent == m.total)
		}
	} else if m.report != nil && m.sent-m.reported >= m.chunk {
		m.reported = m.sent
		m.report(m.sent, false)
	}
	return n, err
}

// ErrResponseTimeout: bytes kept arriving, but the answer did not arrive in
// full within the response timeout (WithResponseTimeout). The stall
// watchdog only catches a connection on which nothing moves; an index that
// drips a byte a second never stalls.
var ErrResponseTimeout = errors.New("the answer took too long to arrive")

// within arms a deadline on one read phase of the attempt: when d passes,
// the attempt's context is cancelled, with ErrResponseTimeout (naming what
// was read) as its cause. Call the returned function to disarm it.
func (w *watchdog) within(d time.Duration, what string) (disarm func() bool) {
	t := time.AfterFunc(d, func() {
		w.cancel(fmt.Errorf("%w: %s took longer than %s", ErrResponseTimeout, what, d))
	})
	return t.Stop
}

// answerReader reads a response body. Every read resets the stall
// watchdog; once ctx has ended a read fails with its cause, even when bytes
// are buffered; at most left bytes are read, then over is returned when
// the body holds more, or io.EOF when over is nil (the body is cut short).
type answerReader struct {
	r    io.Reader
	ctx  context.Context
	w    *watchdog
	left int64
	over error
}

func (a *answerReader) Read(p []byte) (int, error) {
	if a.ctx.Err() != nil {
		return 0, context.Cause(a.ctx)
	}
	if a.left <= 0 {
		if a.over == nil {
			return 0, io.EOF
		}
		// One byte more tells a body of exactly the cap from a larger one.
		var b [1]byte
		n, err := a.r.Read(b[:])
		if n > 0 {
			a.r = errReader{a.over} // and on every later read
			return 0, a.over
		}
		return 0, a.fail(err)
	}
	if int64(len(p)) > a.left {
		p = p[:a.left]
	}
	n, err := a.r.Read(p)
	if n > 0 {
		a.w.touch()
		a.left -= int64(n)
	}
	return n, a.fail(err)
}

// fail reports a read error as the reason the attempt's context ended,
// when it has (the transport only says "context canceled").
func (a *answerReader) fail(err error) error {
	if err != nil && !errors.Is(err, io.EOF) && a.ctx.Err() != nil {
		return context.Cause(a.ctx)
	}
	return err
}

// maxSmallAnswerTime bounds reading the answers besides a simple-API
// page: an error answer, read for its message, and the answer to a
// successful upload, read only so the connection can be reused. Either is
// read for at most maxErrorBody bytes and this long (or the response
// timeout, when shorter); what arrived by then is used.
const maxSmallAnswerTime = 5 * time.Second

// smallReadTimeout is the time allowed to read an error answer or drain a
// successful one.
func (s *settings) smallReadTimeout() time.Duration {
	return min(s.responseTimeout, maxSmallAnswerTime)
}

// readAnswer reads at most limit bytes of body within d and returns what
// arrived: a short answer is not an error, the caller has the status.
func readAnswer(ctx context.Context, w *watchdog, body io.Reader, limit int64, d time.Duration, what string) []byte {
	disarm := w.within(d, what)
	defer disarm()
	b, _ := io.ReadAll(&answerReader{r: body, ctx: ctx, w: w, left: limit})
	return b
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
