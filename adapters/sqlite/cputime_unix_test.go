//go:build unix

package sqlite_test

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time: benchmarks compare passes by
// it as well as by wall time, because the shared build machine's load makes
// wall time of one pass against another unreliable.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
