package upload

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/pyup-dev/pyup/pkg/dist"
)

// maxPEMFile bounds a CA bundle or client certificate file.
const maxPEMFile = 16 << 20

// newBaseTransport is the innermost layer: proxy from the environment
// (HTTPS_PROXY, NO_PROXY: CI runners behind proxies need it), connection
// timeouts, custom CA and client certificate. It has no overall timeout: the
// stall watchdog bounds attempts instead, so large uploads can take as long
// as they need.
func newBaseTransport(s *settings) (*http.Transport, error) {
	cfg := s.tlsConfig
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if s.caFile != "" {
		pem, err := dist.ReadFile(s.caFile, maxPEMFile)
		if err != nil {
			return nil, fmt.Errorf("CA certificate: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA certificate %s: no PEM certificate found", s.caFile)
		}
		cfg.RootCAs = pool
	}
	if s.certFile != "" {
		// twine's --client-cert is one PEM file holding certificate and key.
		pem, err := dist.ReadFile(s.certFile, maxPEMFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cert, err := tls.X509KeyPair(pem, pem)
		if err != nil {
			return nil, fmt.Errorf("client certificate %s: %w", s.certFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           largeWritesDialer(d),
		TLSClientConfig:       cfg,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   15 * time.Second,
		MaxIdleConns:          16,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		// Larger buffers than the 4 KiB default, fewer syscalls per GiB;
		// not larger, as each connection at --jobs N holds both.
		WriteBufferSize: 64 << 10,
		ReadBufferSize:  16 << 10,
	}, nil
}

// largeWritesDialer returns connections that keep an index's early answer
// (see answerKeepingConn) and hide the connection's io.ReaderFrom. net/http copies a
// request body through a bufio.Writer; when the connection implements
// ReaderFrom, the writer hands the body to it and a non-file body then moves
// in 32 KiB pieces. Without it, the body is read straight into the 64 KiB
// write buffer and written in 64 KiB writes: fewer syscalls per GiB.
func largeWritesDialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &answerKeepingConn{Conn: c}, nil
	}
}

// answerKeepingConn exposes only net.Conn's methods (no ReaderFrom) and
// keeps the answer of an index that refuses a request before reading its
// body. pypiserver under wsgiref, nginx over client_max_body_size and
// others send their 403/405/413 as soon as they have the request head, then
// close: the rest of the body then fails to write ("broken pipe",
// "connection reset"). net/http, seeing the write fail, closes the
// connection and reports only the write error, even when the answer is
// already in the socket's receive buffer (golang/go#51109).
//
// So once a write fails because the peer hung up, this connection reports
// success for every write until it is closed, discarding the bytes; net/http
// then goes on to read the answer. If the index sent one, the upload gets
// it, with its status and message; if it sent none, the read fails (EOF,
// connection reset) and the attempt is a transport failure, retried. The
// discarded writes last until net/http closes the connection, which it does
// right after such an answer (the peer has gone). This works the same under
// TLS (the connection sits below it) and through an HTTP proxy (the answer
// is then the proxy's); an HTTP/2 index signals early answers in the
// protocol itself.
type answerKeepingConn struct {
	net.Conn
	mu       sync.Mutex
	peerGone bool
	closed   bool
}

func (c *answerKeepingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	gone, closed := c.peerGone, c.closed
	c.mu.Unlock()
	switch {
	case closed:
		return 0, net.ErrClosed
	case gone:
		return len(p), nil
	}
	n, err := c.Conn.Write(p)
	if err != nil && peerHungUp(err) {
		c.mu.Lock()
		c.peerGone = true
		c.mu.Unlock()
		return len(p), nil
	}
	return n, err
}

func (c *answerKeepingConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return c.Conn.Close()
}

// peerHungUp reports whether a write failed because the other end closed
// the connection.
func peerHungUp(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED)
}
