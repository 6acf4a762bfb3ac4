package pdq

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
)

// Match is one search result: the ID given to Add and the Hamming distance
// between its hash and the query.
type Match struct {
	ID       int64
	Distance int
}

// Index finds all stored hashes within a Hamming radius of a query, exactly,
// by multi-index hashing (Norouzi, Punjani and Fleet, "Fast Search in
// Hamming Space with Multi-Index Hashing", CVPR 2012).
//
// The 256 bits are cut into m contiguous segments of about log2(n) bits.
// If two hashes are within distance r, by the pigeonhole principle some
// segment differs in at most r/m bits, so the candidates are the hashes
// whose segment value lies within that small radius of the query's in some
// segment; each segment's table lists hashes ordered by segment value, so a
// probe is two array reads. Candidates are then checked in full.
//
// Memory: the hashes (32 bytes each), the IDs (8 bytes each) and per
// segment a 4-byte position per hash plus a 2^bits offset array — about
// 100 bytes per hash at 10 million (12 segments of 21-22 bits).
//
// Hashes added with Add go to a small unindexed tail that Search scans
// linearly; when the tail grows past a fraction of the index the next
// Search (or Build) rebuilds the tables, which costs O(n) and blocks other
// calls meanwhile. Bulk loads should Add everything and then call Build.
//
// An Index is safe for concurrent use. The zero value is not usable; call
// NewIndex.
type Index struct {
	mu     sync.RWMutex
	ids    []int64
	hashes [][4]uint64
	built  int       // hashes[:built] are in the tables
	segs   []segment // empty until the first build
}

// segment is one multi-index table over bits [off, off+width) of the hash
// (counted from the most significant bit).
type segment struct {
	off, width int
	// start[v]..start[v+1] delimit the positions whose segment value is v.
	start []uint32
	pos   []uint32
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{}
}

// Add stores h under id. IDs are opaque to the index and need not be
// unique; the same hash may be stored under several IDs.
func (ix *Index) Add(id int64, h Hash) {
	ix.mu.Lock()
	ix.ids = append(ix.ids, id)
	ix.hashes = append(ix.hashes, h.words())
	ix.mu.Unlock()
}

// Len returns the number of stored hashes.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.hashes)
}

// Build indexes all hashes added so far. Calling it is optional (Search
// builds when needed); it lets callers pay the cost at a chosen time, e.g.
// after a bulk load.
func (ix *Index) Build() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.build()
}

// tailLimit is the number of unindexed hashes Search tolerates before it
// rebuilds: scanning the tail must stay cheap next to a probe of the
// tables.
func tailLimit(built int) int {
	return max(1<<14, built/512)
}

func (ix *Index) needsBuild() bool {
	return len(ix.hashes)-ix.built > tailLimit(ix.built)
}

// segmentLayout returns the number of segments for n hashes: segments of
// at least log2(n)-2 bits (a few hashes per bucket), 16 to 22 bits wide.
func segmentLayout(n int) int {
	b := bits.Len(uint(n)) - 2
	b = max(16, min(21, b))
	return 256 / b
}

func (ix *Index) build() {
	n := len(ix.hashes)
	m := segmentLayout(n)
	segs := make([]segment, m)
	off := 0
	for s := range segs {
		width := 256 / m
		if s < 256%m {
			width++
		}
		segs[s] = segment{off: off, width: width}
		off += width
	}
	// Reuse the old arrays where the layout did not change.
	for s := range segs {
		sg := &segs[s]
		if len(ix.segs) == m {
			sg.start = ix.segs[s].start
			sg.pos = ix.segs[s].pos
		}
		size := 1<<sg.width + 1
		if cap(sg.start) >= size {
			sg.start = sg.start[:size]
			clear(sg.start)
		} else {
			sg.start = make([]uint32, size)
		}
		if cap(sg.pos) >= n {
			sg.pos = sg.pos[:n]
		} else {
			sg.pos = make([]uint32, n, n+n/4)
		}
		// Counting sort by segment value.
		for i := range ix.hashes {
			sg.start[segValue(&ix.hashes[i], sg.off, sg.width)+1]++
		}
		for v := 1; v < size; v++ {
			sg.start[v] += sg.start[v-1]
		}
		for i := range ix.hashes {
			v := segValue(&ix.hashes[i], sg.off, sg.width)
			sg.pos[sg.start[v]] = uint32(i)
			sg.start[v]++
		}
		// start[v] now holds the end of bucket v; shift back.
		copy(sg.start[1:], sg.start[:size-1])
		sg.start[0] = 0
	}
	ix.segs = segs
	ix.built = n
}

// segValue returns bits [off, off+width) of w, counted from the most
// significant bit of w[0]; width <= 32.
func segValue(w *[4]uint64, off, width int) uint32 {
	i, sh := off>>6, uint(off&63)
	v := w[i] << sh
	if sh != 0 && i < 3 {
		v |= w[i+1] >> (64 - sh)
	}
	return uint32(v >> (64 - uint(width)))
}

func distanceWords(a, b *[4]uint64) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// Search returns every stored hash within Hamming distance radius of q
// (inclusive), ordered by distance and then ID. A negative radius matches
// nothing. It is exact for every radius; for large radii (where probing
// would cost more than a scan) it scans linearly.
func (ix *Index) Search(q Hash, radius int) []Match {
	ix.mu.RLock()
	if ix.needsBuild() {
		ix.mu.RUnlock()
		ix.mu.Lock()
		if ix.needsBuild() {
			ix.build()
		}
		ix.mu.Unlock()
		ix.mu.RLock()
	}
	defer ix.mu.RUnlock()
	if radius < 0 {
		return nil
	}
	qw := q.words()
	var out []Match
	if ix.built > 0 && ix.probeCost(radius) < ix.built/2 {
		out = ix.searchTables(&qw, radius, out)
	} else {
		out = scan(ix.ids[:ix.built], ix.hashes[:ix.built], &qw, radius, out)
	}
	out = scan(ix.ids[ix.built:], ix.hashes[ix.built:], &qw, radius, out)
	sortMatches(out)
	return out
}

func scan(ids []int64, hashes [][4]uint64, q *[4]uint64, radius int, out []Match) []Match {
	for i := range hashes {
		if d := distanceWords(q, &hashes[i]); d <= radius {
			out = append(out, Match{ID: ids[i], Distance: d})
		}
	}
	return out
}

func sortMatches(ms []Match) {
	slices.SortFunc(ms, func(a, b Match) int {
		if c := cmp.Compare(a.Distance, b.Distance); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// segRadius returns the probe radius of segment s for search radius r over
// m segments. With r = m*k + a (0 <= a < m), any hash within r has some
// segment s <= a within k bits, or some segment s > a within k-1 bits
// (otherwise the distance would be at least (a+1)(k+1) + (m-a-1)k = r+1).
func segRadius(s, m, r int) int {
	k, a := r/m, r%m
	if s <= a {
		return k
	}
	return k - 1
}

// probeCost estimates the work of a table search in units of hashes
// examined: probes plus expected candidates.
func (ix *Index) probeCost(r int) int {
	m := len(ix.segs)
	cost := 0.0
	for s, sg := range ix.segs {
		rs := segRadius(s, m, r)
		if rs < 0 {
			continue
		}
		if rs > sg.width {
			rs = sg.width
		}
		probes := 0.0
		c := 1.0
		for d := 0; d <= rs; d++ {
			probes += c
			c = c * float64(sg.width-d) / float64(d+1)
		}
		cost += probes * (1 + 4*float64(ix.built)/float64(int(1)<<sg.width))
	}
	if cost > float64(ix.built) {
		return ix.built
	}
	return int(cost)
}

func (ix *Index) searchTables(q *[4]uint64, radius int, out []Match) []Match {
	m := len(ix.segs)
	for s := range ix.segs {
		sg := &ix.segs[s]
		rs := segRadius(s, m, radius)
		if rs < 0 {
			continue
		}
		qv := segValue(q, sg.off, sg.width)
		visit := func(v uint32) {
			lo, hi := sg.start[v], sg.start[v+1]
			for _, p := range sg.pos[lo:hi] {
				h := &ix.hashes[p]
				d := distanceWords(q, h)
				if d > radius || ix.seenEarlier(q, h, s, radius) {
					continue
				}
				out = append(out, Match{ID: ix.ids[p], Distance: d})
			}
		}
		enumerate(qv, sg.width, min(rs, sg.width), visit)
	}
	return out
}

// seenEarlier reports whether a hash found through segment s was already
// found through an earlier segment (whose probe radius it satisfies).
func (ix *Index) seenEarlier(q, h *[4]uint64, s, radius int) bool {
	x := [4]uint64{q[0] ^ h[0], q[1] ^ h[1], q[2] ^ h[2], q[3] ^ h[3]}
	m := len(ix.segs)
	for e := range s {
		sg := &ix.segs[e]
		if bits.OnesCount32(segValue(&x, sg.off, sg.width)) <= segRadius(e, m, radius) {
			return true
		}
	}
	return false
}

// enumerate calls visit for every width-bit value within Hamming distance
// r of v, each exactly once.
func enumerate(v uint32, width, r int, visit func(uint32)) {
	visit(v)
	var rec func(v uint32, from, left int)
	rec = func(v uint32, from, left int) {
		for b := from; b < width; b++ {
			u := v ^ 1<<uint(b)
			visit(u)
			if left > 1 {
				rec(u, b+1, left-1)
			}
		}
	}
	if r > 0 {
		rec(v, 0, r)
	}
}

// BruteForce is the linear-scan reference for [Index]: the same methods,
// answered by comparing the query with every stored hash. It is the oracle
// the index is tested against and is adequate for small sets.
type BruteForce struct {
	ids    []int64
	hashes [][4]uint64
}

// Add stores h under id.
func (bf *BruteForce) Add(id int64, h Hash) {
	bf.ids = append(bf.ids, id)
	bf.hashes = append(bf.hashes, h.words())
}

// Len returns the number of stored hashes.
func (bf *BruteForce) Len() int { return len(bf.hashes) }

// Search returns every stored hash within distance radius of q, ordered by
// distance and then ID.
func (bf *BruteForce) Search(q Hash, radius int) []Match {
	if radius < 0 {
		return nil
	}
	qw := q.words()
	out := scan(bf.ids, bf.hashes, &qw, radius, nil)
	sortMatches(out)
	return out
}
