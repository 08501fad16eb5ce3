//go:build !unix

package dist

import "os"

// openFlags: outside Unix there are no FIFOs to block on in the file
// system; the stat before opening refuses special files.
const openFlags = os.O_RDONLY
