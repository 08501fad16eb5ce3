// Command gen regenerates docs/cli (Markdown) and docs/man (man pages) from
// pyup's command tree: go run ./cmd/pyup/internal/docgen/gen
package main

import (
	"fmt"
	"os"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/docgen"
)

func main() {
	for _, d := range []string{"docs/cli", "docs/man"} {
		if err := os.RemoveAll(d); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := docgen.Generate("docs/cli", "docs/man"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
