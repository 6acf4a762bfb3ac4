package textmatch

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

type benchData struct {
	m     *Matcher
	texts []string
	norms []Normalized
	raw   int // original bytes in texts
	nb    int // normalised bytes in texts
}

var loadBench = sync.OnceValues(func() (*benchData, error) {
	pats := genPatterns(100_000, 1)
	m, err := Compile(pats)
	if err != nil {
		return nil, err
	}
	d := &benchData{m: m, texts: genTexts(1000, 450, pats, 2)}
	for _, s := range d.texts {
		n := Normalize(s)
		d.norms = append(d.norms, n)
		d.raw += len(s)
		d.nb += n.Len()
	}
	return d, nil
})

// cpuMeter reports "cpu-MB/s": bytes per second of CPU time of the
// benchmark's OS thread, next to the wall-clock MB/s.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU(b *testing.B) *cpuMeter {
	b.Helper()
	runtime.LockOSThread()
	b.Cleanup(runtime.UnlockOSThread)
	t, ok := threadCPU()
	return &cpuMeter{start: t, ok: ok}
}

func (c *cpuMeter) report(b *testing.B, bytesPerOp int) {
	b.Helper()
	t, ok := threadCPU()
	if !c.ok || !ok || t <= c.start {
		return
	}
	b.ReportMetric(float64(bytesPerOp)*float64(b.N)/(t-c.start).Seconds()/1e6, "cpu-MB/s")
}

func benchSetup(b *testing.B) *benchData {
	b.Helper()
	d, err := loadBench()
	if err != nil {
		b.Fatalf("set up benchmark: %v", err)
	}
	return d
}

// BenchmarkMatch100k measures FindAll with 100,000 patterns over already
// normalised text; MB/s counts normalised bytes.
func BenchmarkMatch100k(b *testing.B) {
	d := benchSetup(b)
	b.SetBytes(int64(d.nb))
	b.ReportAllocs()
	var dst []Match
	found := 0
	cpu := startCPU(b)
	for b.Loop() {
		found = 0
		for i := range d.norms {
			dst = d.m.FindAll(dst[:0], &d.norms[i])
			found += len(dst)
		}
	}
	cpu.report(b, d.nb)
	b.ReportMetric(float64(found)/float64(len(d.norms)), "matches/text")
}

// BenchmarkNormalize measures a reused Normalizer; MB/s counts original bytes.
func BenchmarkNormalize(b *testing.B) {
	d := benchSetup(b)
	b.SetBytes(int64(d.raw))
	b.ReportAllocs()
	var z Normalizer
	cpu := startCPU(b)
	for b.Loop() {
		for _, s := range d.texts {
			z.Normalize(s)
		}
	}
	cpu.report(b, d.raw)
}

// BenchmarkNormalizeMatch100k measures normalisation plus matching, end to
// end; MB/s counts original bytes.
func BenchmarkNormalizeMatch100k(b *testing.B) {
	d := benchSetup(b)
	b.SetBytes(int64(d.raw))
	b.ReportAllocs()
	var z Normalizer
	var dst []Match
	cpu := startCPU(b)
	for b.Loop() {
		for _, s := range d.texts {
			dst = d.m.FindAll(dst[:0], z.Normalize(s))
		}
	}
	cpu.report(b, d.raw)
}

// BenchmarkCompile100k measures building the matcher.
func BenchmarkCompile100k(b *testing.B) {
	pats := genPatterns(100_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(pats); err != nil {
			b.Fatal(err)
		}
	}
}
