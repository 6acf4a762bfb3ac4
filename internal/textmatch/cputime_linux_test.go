package textmatch

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time used by the calling OS thread. Benchmarks
// lock their goroutine to a thread and report throughput per CPU second
// too, which is robust to being descheduled on a shared machine.
func threadCPU() (time.Duration, bool) {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
