package uploadtest

import (
	"net"
	"sync"
	"time"
)

// Throttle wraps ln so that every accepted connection behaves like a slow
// index: it reads at most bytesPerSecond (0: unlimited), and each write (an
// answer, a "100 Continue") is held back by latency. Each connection has its
// own limit, so parallel uploads each get the full rate, as they would from
// an index whose per-connection bandwidth, not its disk, is the bottleneck.
// For benchmarks of --jobs, not for tests that must be fast.
func Throttle(ln net.Listener, bytesPerSecond int64, latency time.Duration) net.Listener {
	return &throttledListener{Listener: ln, rate: bytesPerSecond, latency: latency}
}

type throttledListener struct {
	net.Listener
	rate    int64
	latency time.Duration
}

func (l *throttledListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &throttledConn{Conn: c, rate: l.rate, latency: l.latency, start: time.Now()}, nil
}

// throttleSlice bounds one read so the pace is smooth.
const throttleSlice = 16 << 10

type throttledConn struct {
	net.Conn
	rate    int64
	latency time.Duration

	mu    sync.Mutex
	start time.Time
	read  int64
}

func (c *throttledConn) Read(p []byte) (int, error) {
	if c.rate > 0 && len(p) > throttleSlice {
		p = p[:throttleSlice]
	}
	n, err := c.Conn.Read(p)
	if c.rate > 0 && n > 0 {
		c.mu.Lock()
		c.read += int64(n)
		due := c.start.Add(time.Duration(float64(c.read) / float64(c.rate) * float64(time.Second)))
		c.mu.Unlock()
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
	}
	return n, err
}

func (c *throttledConn) Write(p []byte) (int, error) {
	if c.latency > 0 {
		time.Sleep(c.latency)
	}
	return c.Conn.Write(p)
}
