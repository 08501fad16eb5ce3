// Package attest implements `pyup attest`.
package attest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	pkgattest "github.com/pyup-dev/pyup/pkg/attest"
	"github.com/pyup-dev/pyup/pkg/dist"
	"github.com/pyup-dev/pyup/pkg/escape"
)

// AttestOptions holds `pyup attest`'s dependencies and flag values.
type AttestOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Dists []string
	cmdutil.SignFlags
	Overwrite bool
	JSON      bool
}

// NewCmdAttest returns `pyup attest`. A test passes runF to capture the
// options instead of running.
func NewCmdAttest(f *cmdutil.Factory, runF func(context.Context, *AttestOptions) error) *cobra.Command {
	opts := &AttestOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "attest [flags] DIST...",
		Short: "Sign PEP 740 publish attestations with Sigstore, without uploading",
		Long: `Sign a PEP 740 publish attestation for each DIST with the CI's identity
and write it beside the file as <DIST>.publish.attestation, in PyPI's
format, for pyup upload (or any uploader) to send later.

The identity is the ambient one of GitHub Actions (the job needs
permissions: id-token: write), GitLab CI/CD (an id_tokens: entry named
SIGSTORE_ID_TOKEN with aud: sigstore) or Google Cloud: an ID token for
audience "sigstore" gets one short-lived certificate from Fulcio for the
run, and each signature is recorded in Rekor. The attestation states the
file's name and sha256, with predicate type
https://docs.pypi.org/attestations/publish/v1.

A DIST whose attestation file already attests its sha256 is left as it is,
so re-running is safe; one attesting other content is an error unless
--overwrite is given.` + cmdutil.ExitStatusHelp,
		Example: `  # In a GitHub Actions job with id-token: write
  pyup attest dist/*
  pyup upload dist/*

  # Check the result
  pyup verify --repository https://github.com/OWNER/REPO dist/*`,
		Args: cmdutil.RequireDists("attest"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dists, err := cmdutil.ExpandDists(args)
			if err != nil {
				return err
			}
			opts.Dists = dists
			if err := opts.SignFlags.Check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return attestRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.AddSignFlags(fl)
	fl.BoolVar(&opts.Overwrite, "overwrite", false, "Replace an attestation file that attests other content")
	fl.BoolVar(&opts.JSON, "json", false, "Print one JSON report on stdout")
	return cmd
}

// FileReport is one file in the JSON report.
type FileReport struct {
	File        string `json:"file"`
	SHA256      string `json:"sha256,omitempty"`
	Attestation string `json:"attestation,omitempty"`
	// Status is "signed", "kept" (its attestation already attested it) or
	// "failed".
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// Report is `pyup attest --json`'s output.
type Report struct {
	// Identity is the CI the signatures are made with.
	Identity string `json:"identity,omitempty"`
	// Certificate is the signing certificate's subject (the workflow URI
	// or email) and Issuer its OIDC issuer, once one was obtained.
	Subject string       `json:"subject,omitempty"`
	Issuer  string       `json:"issuer,omitempty"`
	Files   []FileReport `json:"files"`
	Success bool         `json:"success"`
}

func attestRun(ctx context.Context, opts *AttestOptions) error {
	ios := opts.IO
	id, err := cmdutil.DetectSigningIdentity(ctx, opts.Factory)
	if err != nil {
		return cmdutil.AttestError(err)
	}
	if !id.Accepted {
		return &cmdutil.ExitError{Code: cmdutil.ExitAuth, Err: fmt.Errorf("cannot sign attestations PyPI accepts here: %s", id.Why)}
	}
	signer := cmdutil.NewSigner(opts.Factory, id, opts.SignFlags)
	rep := &Report{Identity: id.Provider, Files: []FileReport{}, Success: true}
	var firstErr error
	for _, p := range opts.Dists {
		fr, err := attestOne(ctx, opts, signer, p)
		if err != nil {
			fr.Status, fr.Error = "failed", err.Error()
			rep.Success = false
			if firstErr == nil {
				firstErr = err
			}
		}
		rep.Files = append(rep.Files, fr)
		if ctx.Err() != nil {
			break
		}
	}
	if c := signer.Certificate(); c != nil {
		rep.Subject, rep.Issuer = pkgattest.CertificateIdentity(c)
	}
	if opts.JSON {
		if err := cmdutil.WriteJSON(ios.Out, rep); err != nil {
			return err
		}
	} else {
		writeText(ios.Out, rep)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if firstErr != nil {
		n := 0
		for _, f := range rep.Files {
			if f.Status == "failed" {
				n++
			}
		}
		err := fmt.Errorf("%s failed; first: %w", cmdutil.Plural(n, "file"), firstErr)
		var ee *cmdutil.ExitError
		if errors.As(firstErr, &ee) {
			return &cmdutil.ExitError{Code: ee.Code, Err: err, Hint: ee.Hint}
		}
		return cmdutil.AttestError(err)
	}
	return nil
}

// attestOne signs one DIST and writes its attestation file.
func attestOne(ctx context.Context, opts *AttestOptions, signer *pkgattest.Signer, path string) (FileReport, error) {
	fr := FileReport{File: filepath.Base(path)}
	d, err := dist.Open(ctx, path)
	if err != nil {
		return fr, &cmdutil.ExitError{Code: cmdutil.ExitCheckFailed, Err: err, Hint: "pyup check shows what is wrong with the file"}
	}
	fr.File, fr.SHA256 = d.Filename, d.SHA256
	out := pkgattest.Path(path)
	fr.Attestation = out
	switch a, err := pkgattest.Load(path); {
	case err == nil:
		same, err := a.Attests(d.Filename, d.SHA256)
		switch {
		case err == nil && same:
			fr.Status = "kept"
			return fr, nil
		case !opts.Overwrite && err != nil:
			return fr, overwriteError(fmt.Errorf("%s: %w (pass --overwrite to replace it)", filepath.Base(out), err))
		case !opts.Overwrite:
			return fr, overwriteError(fmt.Errorf("%s attests other content than %s (pass --overwrite to replace it)", filepath.Base(out), d.Filename))
		}
	case !errors.Is(err, pkgattest.ErrNotFound) && !opts.Overwrite:
		return fr, overwriteError(fmt.Errorf("%w (pass --overwrite to replace it)", err))
	}
	a, err := signer.Sign(ctx, d.Filename, d.SHA256)
	if err != nil {
		return fr, fmt.Errorf("%s: %w", d.Filename, err)
	}
	if err := writeFileAtomic(out, a.Bytes()); err != nil {
		return fr, &cmdutil.ExitError{Code: cmdutil.ExitUnexpected, Err: err}
	}
	fr.Status = "signed"
	return fr, nil
}

// overwriteError is an attestation file in the way: a usage error.
func overwriteError(err error) error {
	return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err, Hint: "remove the attestation file or pass --overwrite"}
}

// writeFileAtomic writes b to path through a temporary file in the same
// directory, so a reader never sees half an attestation.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func writeText(w io.Writer, rep *Report) {
	width := 0
	for _, f := range rep.Files {
		width = max(width, len(escape.Text(f.File)))
	}
	for _, f := range rep.Files {
		switch f.Status {
		case "failed":
			fmt.Fprintf(w, "%-7s %s\n    %s\n", f.Status, escape.Text(f.File), escape.Text(f.Error))
		default:
			fmt.Fprintf(w, "%-7s %-*s  -> %s\n", f.Status, width, escape.Text(f.File), escape.Text(f.Attestation))
		}
	}
	if rep.Subject != "" {
		fmt.Fprintf(w, "Signed as %s (issuer %s)\n", escape.Text(rep.Subject), escape.Text(rep.Issuer))
	}
}
