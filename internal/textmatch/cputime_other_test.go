//go:build !linux

package textmatch

import "time"

// threadCPU is not available here; benchmarks then report wall-clock
// throughput only.
func threadCPU() (time.Duration, bool) { return 0, false }
