// Command pyup publishes Python distributions to PyPI and compatible indexes.
package main

import (
	"os"

	"github.com/pyup-dev/pyup/cmd/pyup/internal/app"
)

func main() {
	os.Exit(app.Main())
}
