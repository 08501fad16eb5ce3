//go:build unix

package upload

import "syscall"

// syscallNonblock opens without blocking on a named pipe that has no writer.
const syscallNonblock = syscall.O_NONBLOCK
