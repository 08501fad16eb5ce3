package rst

import (
	"runtime/debug"
	"syscall"
	"testing"
	"time"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCPUTmp(t *testing.T) {
	src := bigReadme(1 << 20)
	Check(src)
	for _, gc := range []int{100, -1} {
		debug.SetGCPercent(gc)
		n := 10
		c0 := cpuTime()
		w0 := time.Now()
		for i := 0; i < n; i++ {
			Check(src)
		}
		t.Logf("gc=%d cpu %v/op wall %v/op", gc, (cpuTime()-c0)/time.Duration(n), time.Since(w0)/time.Duration(n))
	}
	debug.SetGCPercent(100)
}
