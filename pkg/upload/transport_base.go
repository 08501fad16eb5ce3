package upload

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
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
		// Larger buffers than the 4 KiB default: fewer syscalls per GiB.
		WriteBufferSize: 256 << 10,
		ReadBufferSize:  64 << 10,
	}, nil
}

// largeWritesDialer hides the connection's io.ReaderFrom. net/http copies a
// request body through a bufio.Writer; when the connection implements
// ReaderFrom, the writer hands the body to it and a non-file body then moves
// in 32 KiB pieces. Without it, the body is read straight into the 256 KiB
// write buffer and written in 256 KiB writes: fewer syscalls per GiB.
func largeWritesDialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return plainConn{c}, nil
	}
}

// plainConn exposes only net.Conn's methods.
type plainConn struct{ net.Conn }
