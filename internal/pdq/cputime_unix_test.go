//go:build unix

package pdq

import "syscall"

// processCPU returns the CPU time (user + system) this process has used,
// in nanoseconds, or -1 if it is unavailable. With -cpu 1 it is close to
// the benchmark's own CPU time and, unlike ns/op, barely depends on what
// else runs on the machine.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
