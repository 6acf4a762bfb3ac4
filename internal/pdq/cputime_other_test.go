//go:build !unix

package pdq

func processCPU() int64 { return -1 }
