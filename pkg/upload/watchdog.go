package upload

import (
	"context"
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
}

func (m *meter) Read(p []byte) (int, error) {
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

// touchReader resets the watchdog on every read of a response body.
type touchReader struct {
	r io.Reader
	w *watchdog
}

func (t *touchReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.w.touch()
	}
	return n, err
}
