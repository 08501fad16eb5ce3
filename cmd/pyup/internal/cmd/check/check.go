// Package check implements `pyup check`.
package check

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/escape"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
	"github.com/pyup-dev/pyup/pkg/dist"
)

// CheckOptions holds `pyup check`'s dependencies and flag values.
type CheckOptions struct {
	IO *iostreams.IOStreams

	Dists  []string
	Strict bool
	JSON   bool
}

// NewCmdCheck returns `pyup check`. A test passes runF to capture the options
// instead of running.
func NewCmdCheck(f *cmdutil.Factory, runF func(context.Context, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "check [flags] DIST...",
		Short: "Check distributions the way PyPI would, offline",
		Long: `Check wheels and sdists for everything PyPI would refuse on upload: file
names, core metadata, archive layout, classifiers, licence fields, and a long
description that would fail to render (reStructuredText is checked the way
docutils checks it, with no Python needed).

DIST is a file, a directory (its .whl, .tar.gz and .zip files) or a glob,
which pyup expands itself so quoting works on every shell.

Each file is PASSED, PASSED with warnings, or FAILED, followed by its
problems, each with a stable code (see docs/checks.md). Notes are listed but
never fail a file, not even with --strict. The check is offline: it touches
no network and no keyring.`,
		Example: `  pyup check dist/*
  pyup check --strict dist/
  pyup check --json 'dist/*.whl' | jq '.files[] | select(.status == "failed")'`,
		Args: cmdutil.RequireDists("check"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dists, err := cmdutil.ExpandDists(args)
			if err != nil {
				return err
			}
			opts.Dists = dists
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "Fail files that have warnings (notes never fail)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print one JSON report on stdout")
	return cmd
}

// Status is a file's verdict.
type Status string

// The verdicts, as the JSON report spells them.
const (
	Passed             Status = "passed"
	PassedWithWarnings Status = "passed-with-warnings"
	Failed             Status = "failed"
)

// FileReport is one file's result in the JSON report.
type FileReport struct {
	Path       string         `json:"path"`
	Filename   string         `json:"filename"`
	Status     Status         `json:"status"`
	Kind       string         `json:"kind,omitempty"`
	Name       string         `json:"name,omitempty"`
	Version    string         `json:"version,omitempty"`
	Size       int64          `json:"size,omitempty"`
	SHA256     string         `json:"sha256,omitempty"`
	Blake2b256 string         `json:"blake2_256,omitempty"`
	Problems   []dist.Problem `json:"problems"`
}

// Report is `pyup check --json`'s output.
type Report struct {
	Files   []FileReport `json:"files"`
	Passed  int          `json:"passed"`
	Warned  int          `json:"passed_with_warnings"`
	Failed  int          `json:"failed"`
	Strict  bool         `json:"strict"`
	Success bool         `json:"success"`
}

// CheckFiles opens (in parallel) and checks each path; results keep the
// order of paths.
func CheckFiles(ctx context.Context, paths []string, strict bool) *Report {
	dists, errs := dist.OpenAll(ctx, paths)
	r := &Report{Files: make([]FileReport, len(paths)), Strict: strict}
	rst := dist.WithRSTValidator(dist.NewDocutilsValidator())
	for i, p := range paths {
		r.Files[i] = checkOne(p, dists[i], errs[i], strict, rst)
		switch r.Files[i].Status {
		case Passed:
			r.Passed++
		case PassedWithWarnings:
			r.Warned++
		default:
			r.Failed++
		}
	}
	r.Success = r.Failed == 0
	return r
}

// checkOne turns one opened file (or the error opening it) into its report.
func checkOne(path string, d *dist.Dist, openErr error, strict bool, opts ...dist.CheckOption) FileReport {
	fr := FileReport{Path: path, Filename: baseName(path), Problems: []dist.Problem{}}
	if openErr != nil {
		fr.Status = Failed
		fr.Problems = append(fr.Problems, dist.Problem{Severity: dist.Error, Code: "unreadable", File: fr.Filename, Message: openErr.Error()})
		return fr
	}
	fr.Kind, fr.Size, fr.SHA256, fr.Blake2b256 = string(d.Kind), d.Size, d.SHA256, d.Blake2b256
	if d.Metadata != nil {
		fr.Name, fr.Version = d.Metadata.Name(), d.Metadata.Version()
	}
	fr.Problems = append(fr.Problems, dist.Check(d, opts...)...)
	fr.Status = Verdict(fr.Problems, strict)
	return fr
}

// Verdict is a file's status given its problems: failed on any error (or,
// with strict, any warning), passed with warnings, or passed. Notes count
// for nothing, strict or not.
func Verdict(problems []dist.Problem, strict bool) Status {
	status := Passed
	for _, p := range problems {
		switch p.Severity {
		case dist.Note:
			continue
		case dist.Error:
			return Failed
		}
		if strict {
			return Failed
		}
		status = PassedWithWarnings
	}
	return status
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	r := CheckFiles(ctx, opts.Dists, opts.Strict)
	if err := ctx.Err(); err != nil {
		return err
	}
	if opts.JSON {
		if err := cmdutil.WriteJSON(opts.IO.Out, r); err != nil {
			return err
		}
	} else {
		writeText(opts.IO.Out, r, opts.IO.ColorEnabled())
	}
	if !r.Success {
		if opts.JSON {
			return cmdutil.SilentExit(cmdutil.ExitCheckFailed)
		}
		return cmdutil.WithExit(cmdutil.ExitCheckFailed,
			fmt.Errorf("%s of %d failed the check", cmdutil.Plural(r.Failed, "file"), len(r.Files)), "")
	}
	return nil
}

func writeText(w io.Writer, r *Report, color bool) {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	for _, f := range r.Files {
		var verdict string
		switch f.Status {
		case Passed:
			verdict = paint("32", "PASSED")
		case PassedWithWarnings:
			verdict = paint("33", "PASSED with warnings")
		default:
			verdict = paint("31", "FAILED")
		}
		fmt.Fprintf(w, "Checking %s: %s\n", escape.Text(f.Path), verdict)
		for _, p := range f.Problems {
			sev := string(p.Severity)
			switch p.Severity {
			case dist.Error:
				sev = paint("31", sev)
			case dist.Warning:
				sev = paint("33", sev)
			default:
				sev = paint("36", sev)
			}
			fmt.Fprintf(w, "  %s [%s] %s\n", sev, p.Code, escape.Text(p.Message))
		}
	}
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' || p[i] == '\\' {
			return p[i+1:]
		}
	}
	return p
}
