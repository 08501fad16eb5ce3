// Package root builds pyup's command tree.
package root

import (
	"github.com/spf13/cobra"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/build"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmd/attest"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmd/check"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmd/login"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmd/upload"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmd/verify"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmd/whoami"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/config"
)

// NewCmdRoot returns the `pyup` command with every subcommand attached.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pyup <command> [flags]",
		Short: "Publish Python distributions to PyPI and compatible indexes",
		Long: `pyup checks and uploads Python distributions (wheels and sdists) to PyPI,
TestPyPI and any index that speaks PyPI's upload API.

It refuses, before uploading, what PyPI would refuse; uploads with constant
memory, retries and idempotence; and finds credentials the way twine does,
plus trusted publishing from CI.`,
		Example: `  # Check every distribution in dist/ the way PyPI would
  pyup check dist/*

  # Upload them (token from PYUP_PASSWORD / TWINE_PASSWORD, trusted publishing, or the keyring)
  pyup upload dist/*`,
		Version:       build.Current().String(),
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			_, err := config.Apply(cmd, f.LookupEnv)
			if err != nil {
				return cmdutil.FlagErrorf("%v", err)
			}
			return nil
		},
	}
	cmd.SetVersionTemplate("{{.Version}}\n")
	// Every command's help ends with the one exit-code table.
	cmd.SetHelpTemplate(cmd.HelpTemplate() + cmdutil.ExitStatusHelp + "\n")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	cmd.CompletionOptions.HiddenDefaultCmd = false

	cmd.AddCommand(check.NewCmdCheck(f, nil))
	cmd.AddCommand(upload.NewCmdUpload(f, nil))
	cmd.AddCommand(attest.NewCmdAttest(f, nil))
	cmd.AddCommand(verify.NewCmdVerify(f, nil))
	cmd.AddCommand(whoami.NewCmdWhoami(f, nil))
	cmd.AddCommand(login.NewCmdLogin(f, nil))
	cmd.AddCommand(login.NewCmdLogout(f, nil))
	return cmd
}
