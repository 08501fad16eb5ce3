// Package docgen writes pyup's CLI reference (Markdown) and man pages from
// the Cobra command tree, so the docs say exactly what --help says.
package docgen

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmd/root"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/cmdutil"
	"github.com/pyup-dev/pyup/cmd/pyup/internal/iostreams"
)

// manDate is fixed so regenerated pages only change when the commands do.
var manDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// tree returns the command tree with nothing machine- or date-specific.
func tree() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	cmd := root.NewCmdRoot(&cmdutil.Factory{IOStreams: ios, LookupEnv: func(string) (string, bool) { return "", false }})
	cmd.Version = ""
	cmd.DisableAutoGenTag = true
	for _, c := range cmd.Commands() {
		disableAutoGen(c)
	}
	return cmd
}

func disableAutoGen(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, sub := range c.Commands() {
		disableAutoGen(sub)
	}
}

// Generate writes the Markdown reference into mdDir and man pages into manDir.
func Generate(mdDir, manDir string) error {
	for _, d := range []string{mdDir, manDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := doc.GenMarkdownTree(tree(), mdDir); err != nil {
		return fmt.Errorf("markdown reference: %w", err)
	}
	header := &doc.GenManHeader{Title: "PYUP", Section: "1", Date: &manDate, Source: "pyup", Manual: "pyup manual"}
	if err := doc.GenManTree(tree(), header, manDir); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
}

// Files lists the generated files below dir, relative to it.
func Files(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, rel)
		return nil
	})
	return out, err
}
