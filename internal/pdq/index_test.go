package pdq

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// searcher is what Index and BruteForce have in common.
type searcher interface {
	Add(id int64, h Hash)
	Search(q Hash, radius int) []Match
	Len() int
}

var (
	_ searcher = (*Index)(nil)
	_ searcher = (*BruteForce)(nil)
)

func randomHash(r *rand.Rand) Hash {
	var w [4]uint64
	for i := range w {
		w[i] = r.Uint64()
	}
	return hashFromWords(w)
}

// flipBits returns h with k distinct random bits flipped.
func flipBits(r *rand.Rand, h Hash, k int) Hash {
	for _, b := range r.Perm(256)[:k] {
		h[b/8] ^= 1 << (b % 8)
	}
	return h
}

// chains returns n hashes in near-duplicate chains (like consecutive video
// frames): each chain starts at a random hash and every next hash flips
// 1..4 bits of the previous one.
func chains(r *rand.Rand, n, chainLen int) []Hash {
	out := make([]Hash, n)
	for i := range out {
		if i%chainLen == 0 {
			out[i] = randomHash(r)
		} else {
			out[i] = flipBits(r, out[i-1], 1+r.IntN(4))
		}
	}
	return out
}

func readHashes(t testing.TB, path string) []Hash {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Hash
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		h, err := ParseHash(sc.Text())
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, h)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkAgainstOracle adds data to a fresh Index and BruteForce and checks
// that every query gets the same answer at every radius.
func checkAgainstOracle(t *testing.T, data, queries []Hash, radii []int, buildEvery int) {
	t.Helper()
	ix := NewIndex()
	var bf BruteForce
	for i, h := range data {
		ix.Add(int64(i), h)
		bf.Add(int64(i), h)
		if buildEvery > 0 && i%buildEvery == buildEvery-1 {
			ix.Build()
		}
	}
	if got, want := ix.Len(), bf.Len(); got != want {
		t.Fatalf("Len() = %d, want %d", got, want)
	}
	total := 0
	for qi, q := range queries {
		for _, r := range radii {
			want := bf.Search(q, r)
			got := ix.Search(q, r)
			total += len(want)
			if slices.Equal(want, got) {
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("query %d (%s) radius %d: Index differs from BruteForce (-want +got):\n%s", qi, q, r, diff)
			}
		}
	}
	if total == 0 {
		t.Fatalf("no query matched anything; the test would not detect a broken index")
	}
}

func TestIndexMatchesBruteForce(t *testing.T) {
	radii := []int{-1, 0, 1, 7, 16, 31, 32, 45, 63, 70}
	t.Run("random", func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		data := make([]Hash, 60000)
		for i := range data {
			data[i] = randomHash(r)
		}
		var queries []Hash
		for range 40 {
			base := data[r.IntN(len(data))]
			queries = append(queries, flipBits(r, base, r.IntN(40)), randomHash(r))
		}
		checkAgainstOracle(t, data, queries, radii, 0)
	})
	t.Run("chains", func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		data := chains(r, 50000, 50)
		// Duplicates too.
		data = append(data, data[:500]...)
		var queries []Hash
		for range 60 {
			queries = append(queries, flipBits(r, data[r.IntN(len(data))], r.IntN(24)))
		}
		checkAgainstOracle(t, data, queries, radii, 0)
	})
	t.Run("incremental", func(t *testing.T) {
		// Builds at several sizes, with an unindexed tail between.
		r := rand.New(rand.NewPCG(5, 6))
		data := chains(r, 40000, 20)
		var queries []Hash
		for range 30 {
			queries = append(queries, flipBits(r, data[r.IntN(len(data))], r.IntN(30)))
		}
		checkAgainstOracle(t, data, queries, []int{0, 10, 31, 40}, 7000)
	})
	t.Run("haystack", func(t *testing.T) {
		// Real PDQ hashes of video frames: long near-duplicate chains.
		hay := readHashes(t, "testdata/hashes/haystack.txt")
		needles := readHashes(t, "testdata/hashes/needles.txt")
		queries := append(needles, hay[:100]...)
		checkAgainstOracle(t, hay, queries, []int{0, 16, 31, 32, 64, 96}, 0)
	})
}

func TestIndexRadiusAll(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	data := chains(r, 3000, 10)
	queries := []Hash{data[0], randomHash(r)}
	checkAgainstOracle(t, data, queries, []int{128, 255, 256, 1000}, 0)
	ix := NewIndex()
	for i, h := range data {
		ix.Add(int64(i), h)
	}
	if got := len(ix.Search(queries[1], 256)); got != len(data) {
		t.Errorf("radius 256 returned %d matches, want all %d", got, len(data))
	}
}

func TestIndexEmpty(t *testing.T) {
	ix := NewIndex()
	if got := ix.Search(Hash{}, 31); len(got) != 0 {
		t.Errorf("Search on empty index = %v, want none", got)
	}
	ix.Build()
	if got := ix.Len(); got != 0 {
		t.Errorf("Len() = %d, want 0", got)
	}
}

func TestSegRadiusPigeonhole(t *testing.T) {
	// The per-segment radii must sum (plus one per segment) to more than r:
	// then a hash within r cannot exceed every segment's radius.
	for m := 1; m <= 16; m++ {
		for r := 0; r <= 256; r++ {
			sum := 0
			for s := range m {
				sum += segRadius(s, m, r) + 1
			}
			if sum != r+1 {
				t.Fatalf("m=%d r=%d: sum of (radius+1) = %d, want %d", m, r, sum, r+1)
			}
		}
	}
}

func TestEnumerate(t *testing.T) {
	for _, tc := range []struct{ width, r, want int }{
		{16, 0, 1}, {16, 1, 17}, {16, 2, 137}, {20, 2, 211}, {8, 8, 256},
	} {
		t.Run(fmt.Sprintf("w%d_r%d", tc.width, tc.r), func(t *testing.T) {
			seen := map[uint32]bool{}
			v := uint32(0x5a5a5) & (1<<tc.width - 1)
			enumerate(v, tc.width, tc.r, func(u uint32) {
				if seen[u] {
					t.Fatalf("value %x visited twice", u)
				}
				if d := popcount32(u ^ v); d > tc.r || u >= 1<<tc.width {
					t.Fatalf("value %x out of range (distance %d)", u, d)
				}
				seen[u] = true
			})
			if got := len(seen); got != tc.want {
				t.Errorf("visited %d values, want %d", got, tc.want)
			}
		})
	}
}

func popcount32(x uint32) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}
