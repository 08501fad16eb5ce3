//go:build unix

package dist

import (
	"os"
	"syscall"
)

// openFlags opens without blocking: opening a FIFO that has no writer
// returns at once instead of waiting for one (the file is then refused).
// Reads from a regular file ignore O_NONBLOCK.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
