package cmdutil

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/build"
	"github.com/pyup-dev/pyup/pkg/escape"
	pkgupload "github.com/pyup-dev/pyup/pkg/upload"
)

// HTTPOptions are the transport options every command that talks to an
// index shares: pyup's User-Agent, the target's CA and client certificate,
// and, with verbose, a request log (credentials redacted) on w.
func HTTPOptions(t *Target, verbose bool, w io.Writer) []pkgupload.Option {
	opts := []pkgupload.Option{pkgupload.WithUserAgent(build.Current().Version)}
	if t.CACert != "" || t.ClientCert != "" {
		opts = append(opts, pkgupload.WithTLS(t.CACert, t.ClientCert))
	}
	if verbose {
		opts = append(opts, pkgupload.WithLogger(func(format string, args ...any) {
			// Log lines quote the server (status lines, errors).
			fmt.Fprintf(w, "pyup: %s\n", escape.Text(fmt.Sprintf(format, args...)))
		}))
	}
	return opts
}

// HTTPClient returns a client built from opts for the small JSON exchanges
// around an upload (the trusted-publishing exchange), each bounded by 30 s.
// A certificate that cannot be loaded is a usage error.
func HTTPClient(opts []pkgupload.Option) (*http.Client, error) {
	c, err := pkgupload.NewHTTPClient(30*time.Second, opts...)
	if err != nil {
		return nil, WithExit(ExitUsage, err, "")
	}
	return c, nil
}

// RequireDists is the Args check of commands taking DIST arguments.
func RequireDists(command string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return FlagErrorf("pyup %s needs at least one DIST (a file, directory or glob)", command)
		}
		return nil
	}
}
