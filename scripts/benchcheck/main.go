// Command benchcheck writes the inputs scripts/bench-check.sh times pyup
// check on: many small wheels, one large one, or one with a large README.
//
//	benchcheck small DIR N      N small valid wheels
//	benchcheck large DIR MIB    one valid wheel with a MIB-sized stored member
//	benchcheck readme DIR KIB   one valid wheel whose reStructuredText long
//	                            description is about KIB KiB
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"strconv"

	"github.com/pyup-dev/pyup/pkg/dist/disttest"
	"github.com/pyup-dev/pyup/pkg/dist/rst/rsttest"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: benchcheck small DIR N | large DIR MIB | readme DIR KIB")
		os.Exit(2)
	}
	dir := os.Args[2]
	n, err := strconv.Atoi(os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	switch os.Args[1] {
	case "small":
		for i := 0; i < n; i++ {
			if _, err := disttest.BuildWheel(dir, disttest.Name(fmt.Sprintf("pkg%04d", i)), disttest.Version("1.0")); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	case "large":
		blob := make([]byte, n<<20)
		_, _ = rand.Read(blob)
		if _, err := disttest.BuildWheel(dir, disttest.Name("large"), disttest.Version("1.0"),
			disttest.FileMethod("large/blob.bin", blob, disttest.Store)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "readme":
		if _, err := disttest.BuildWheel(dir, disttest.Name("readme"), disttest.Version("1.0"),
			disttest.ContentType("text/x-rst"), disttest.Body(rsttest.Readme(n<<10))); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: benchcheck small DIR N | large DIR MIB | readme DIR KIB")
		os.Exit(2)
	}
}
