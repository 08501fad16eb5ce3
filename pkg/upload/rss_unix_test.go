//go:build unix

package upload_test

import (
	"runtime"
	"syscall"
	"testing"
)

// reportMaxRSS reports the process's peak resident set size so far.
func reportMaxRSS(b *testing.B) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return
	}
	kib := float64(ru.Maxrss) // KiB on Linux, bytes on Darwin
	if runtime.GOOS == "darwin" {
		kib /= 1024
	}
	b.ReportMetric(kib/1024, "maxrss-MiB")
}
