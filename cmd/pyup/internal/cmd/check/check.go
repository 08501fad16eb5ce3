// Package check implements `pyup check`.
package check

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
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

func checkRun(ctx context.Context, opts *CheckOptions) error {
	r := dist.CheckFiles(ctx, opts.Dists, opts.Strict)
	if err := ctx.Err(); err != nil {
		return err
	}
	if opts.JSON {
		if err := cmdutil.WriteJSON(opts.IO.Out, r); err != nil {
			return err
		}
	} else {
		dist.WriteText(opts.IO.Out, r.Files, dist.WithColor(opts.IO.ColorEnabled()))
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
