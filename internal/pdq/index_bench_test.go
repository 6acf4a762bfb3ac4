package pdq

import (
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

// benchIndexSize is the number of reference hashes in BenchmarkIndexSearch:
// 1 million by default, 10 million with PDQ_BENCH_10M=1 (about 1 GB).
func benchIndexSize() int {
	if os.Getenv("PDQ_BENCH_10M") == "1" {
		return 10_000_000
	}
	return 1_000_000
}

type benchSet struct {
	ix      *Index
	queries []Hash
}

// benchSets builds each data set once per process.
var benchSets = sync.OnceValue(func() map[string]*benchSet {
	n := benchIndexSize()
	sets := map[string]*benchSet{}
	for _, kind := range []string{"random", "clustered"} {
		r := rand.New(rand.NewPCG(42, uint64(len(kind))))
		var data []Hash
		if kind == "random" {
			data = make([]Hash, n)
			for i := range data {
				data[i] = randomHash(r)
			}
		} else {
			data = chains(r, n, 64)
		}
		ix := NewIndex()
		for i, h := range data {
			ix.Add(int64(i), h)
		}
		ix.Build()
		// Queries: half are stored hashes edited by 0..24 bits (re-uploads),
		// half unrelated random hashes (the common case: no match).
		qs := make([]Hash, 4096)
		for i := range qs {
			if i%2 == 0 {
				qs[i] = flipBits(r, data[r.IntN(n)], r.IntN(25))
			} else {
				qs[i] = randomHash(r)
			}
		}
		sets[kind] = &benchSet{ix: ix, queries: qs}
	}
	return sets
})

// BenchmarkIndexSearch measures radius-31 queries; it reports queries/s
// and the 99th-percentile latency of single queries.
func BenchmarkIndexSearch(b *testing.B) {
	for _, kind := range []string{"random", "clustered"} {
		b.Run(kind, func(b *testing.B) {
			set := benchSets()[kind]
			lat := make([]time.Duration, 0, b.N)
			matches := 0
			b.ResetTimer()
			start := time.Now()
			for i := 0; b.Loop(); i++ {
				t0 := time.Now()
				matches += len(set.ix.Search(set.queries[i%len(set.queries)], MatchRadius))
				lat = append(lat, time.Since(t0))
			}
			elapsed := time.Since(start)
			slices.Sort(lat)
			b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "queries/s")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(matches)/float64(len(lat)), "matches/op")
		})
	}
}

// BenchmarkBruteForce is the anchor: one linear scan of the same data.
func BenchmarkBruteForce(b *testing.B) {
	set := benchSets()["random"]
	ix := set.ix
	bf := BruteForce{ids: ix.ids, hashes: ix.hashes}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		bf.Search(set.queries[i%len(set.queries)], MatchRadius)
	}
}
