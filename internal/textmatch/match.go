package textmatch

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// Pattern is a text to find. Text is normalised with the same rules as the
// texts searched, so "N-I-K-E" and "nike" are the same pattern.
type Pattern struct {
	// ID is returned with every match; several patterns may share an ID.
	ID uint32
	// Text is the pattern before normalisation.
	Text string
	// WholeWord requires a word boundary before the match and after it,
	// where "after" also accepts a single trailing "s" followed by a
	// boundary ("Nikes"). CJK characters are always at a boundary.
	WholeWord bool
}

// Match is one occurrence of a pattern. Start and End are byte offsets in the
// normalised text; Normalized.Original maps them to the original text.
type Match struct {
	ID         uint32
	Start, End int
}

// Key classes. A pattern is found through a key made of its first bytes;
// the tag in the top byte keeps keys of different classes apart. Patterns
// of 8 bytes or more use their first 8 bytes untagged: a normalised text
// has no bytes 0x00..0x05, so such a key never equals a tagged one.
const (
	tagA1 = 1 << 56 // ASCII-led pattern of 1 byte: key is that byte
	tagA2 = 2 << 56 // ASCII-led pattern of 2–3 bytes: key is 2 bytes
	tagA4 = 3 << 56 // ASCII-led pattern of 4–7 bytes: key is 4 bytes
	tagM6 = 4 << 56 // multi-byte-led pattern of 6–7 bytes: key is 6 bytes
	tagMR = 5 << 56 // multi-byte-led pattern of <6 bytes: key is its first rune
)

const (
	mulFilter = 0x9e3779b97f4a7c15
	mulLong   = 0xff51afd7ed558ccd
	mulLong5  = 0xc4ceb9fe1a85ec53
	mulTable  = 0xc2b2ae3d27d4eb4f
	mulParent = 0x165667b19e3779f9
	// maxFilterWords caps the filter at 1 MiB so that it stays in L2.
	maxFilterWords = 1 << 17
	minFilterWords = 1 << 9
	noParent       = ^uint32(0)
	deepBit        = 1 << 31
)

// runeLen is the length of a UTF-8 sequence by its first byte; 1 for bytes
// that cannot start one (the normalised text is valid UTF-8, so these only
// matter for robustness).
var runeLen = func() (t [256]uint8) {
	for b := range t {
		switch {
		case b >= 0xf0 && b < 0xf8:
			t[b] = 4
		case b >= 0xe0 && b < 0xf0:
			t[b] = 3
		case b >= 0xc0 && b < 0xe0:
			t[b] = 2
		default:
			t[b] = 1
		}
	}
	return t
}()

var leMask = [5]uint64{0, 0xff, 0xffff, 0xffffff, 0xffffffff}

// Matcher finds many patterns at once in normalised text. It is immutable
// and safe for concurrent use.
//
// Patterns form a trie whose nodes live in one hash table. A root is keyed by
// a pattern's first bytes (see the tag constants); below a root of 8 bytes,
// each level is keyed by the next 8 bytes. A node holds the patterns whose
// remaining tail is shorter than 8 bytes, so verifying one is a single masked
// 8-byte compare. Every text position is first tested against a bitmap of
// hashed root keys (in L2 cache) and, for short patterns, one of two 8 KiB
// bitmaps (in L1 cache); only positions that pass touch the table.
//
// The filter is blocked: a 64-byte line is chosen by the 4-byte (ASCII-led)
// or 6-byte (multi-byte-led) prefix, and holds the bits for "a pattern of
// exactly these 4 bytes", "a 5–7 byte pattern with this 5-byte prefix",
// "a 6–7 byte pattern with this 6-byte prefix" and "an 8+ byte pattern with
// this 8-byte prefix", so one cache miss answers all questions.
type Matcher struct {
	filter  []uint64 // blocked bitmap of tagA4, tagM6 and 8-byte root keys
	lshift  uint     // 64 - log2(number of 512-bit lines in filter)
	ascii2  []uint64 // exact bitmap over the first two bytes of tagA1/tagA2 patterns
	runes   []uint64 // hashed bitmap of tagMR keys
	table   []node   // open addressing
	tshift  uint
	tmask   uint64
	pats    []pat
	npat    int
	hasTag1 bool
}

// node is a trie node in the hash table.
type node struct {
	key    uint64
	parent uint32 // index of the parent node, or noParent for a root
	self   uint32 // this node's index
	first  uint32 // first pattern in pats
	count  uint32 // number of patterns; deepBit set if the node has children
}

// pat is a pattern stored in a node: its bytes after the node's prefix.
type pat struct {
	tail  uint64 // little-endian tail bytes
	len   uint32 // whole pattern length
	id    uint32
	ntail uint8 // tail length, 0..7
	whole bool
}

type compiled struct {
	text  string
	id    uint32
	whole bool
}

// rootKey returns the root key of a normalised, non-empty pattern and its
// length in bytes.
func rootKey(p string) (uint64, int) {
	var buf [8]byte
	copy(buf[:], p)
	w := binary.LittleEndian.Uint64(buf[:])
	switch {
	case len(p) >= 8:
		return w, 8
	case p[0] < 0x80 && len(p) >= 4:
		return w&0xffffffff | tagA4, 4
	case p[0] < 0x80 && len(p) == 1:
		return w&0xff | tagA1, 1
	case p[0] < 0x80:
		return w&0xffff | tagA2, 2
	case len(p) >= 6:
		return w&0xffffffffffff | tagM6, 6
	}
	n := min(int(runeLen[p[0]]), len(p))
	return w&leMask[n] | tagMR, n
}

func loadTail(s string) uint64 {
	var buf [8]byte
	copy(buf[:], s)
	return binary.LittleEndian.Uint64(buf[:])
}

func tailMask(n uint8) uint64 { return ^uint64(0) >> (64 - 8*uint(n)) }

func nodeHash(parent uint32, key uint64, shift uint) uint64 {
	return ((key ^ uint64(parent)*mulParent) * mulTable) >> shift
}

type buildKey struct {
	parent uint32
	key    uint64
}

type buildNode struct {
	key    uint64
	parent uint32
	pats   []int // indices into the compiled list
	deep   bool
}

// Compile normalises the patterns and builds a Matcher. It fails if a
// pattern is empty after normalisation (only separators, for example).
// Exact duplicates (same ID, normalised text and WholeWord) are merged.
func Compile(patterns []Pattern) (*Matcher, error) {
	var z Normalizer
	list := make([]compiled, 0, len(patterns))
	for _, p := range patterns {
		t := z.Normalize(p.Text).String()
		if t == "" {
			return nil, fmt.Errorf("compile pattern %d %q: empty after normalisation", p.ID, p.Text)
		}
		list = append(list, compiled{text: t, id: p.ID, whole: p.WholeWord})
	}
	// Sorting by length, ID makes every node's patterns come out in
	// (End, ID) order.
	slices.SortFunc(list, func(a, b compiled) int {
		return cmp.Or(cmp.Compare(len(a.text), len(b.text)), cmp.Compare(a.id, b.id),
			strings.Compare(a.text, b.text), compareBool(a.whole, b.whole))
	})
	list = slices.Compact(list)

	index := make(map[buildKey]uint32)
	var nodes []buildNode
	nodeFor := func(parent uint32, key uint64) uint32 {
		bk := buildKey{parent, key}
		if i, ok := index[bk]; ok {
			return i
		}
		i := uint32(len(nodes))
		index[bk] = i
		nodes = append(nodes, buildNode{key: key, parent: parent})
		if parent != noParent {
			nodes[parent].deep = true
		}
		return i
	}
	for pi, c := range list {
		key, _ := rootKey(c.text)
		cur := nodeFor(noParent, key)
		for off := 8; off+8 <= len(c.text); off += 8 {
			cur = nodeFor(cur, loadTail(c.text[off:]))
		}
		nodes[cur].pats = append(nodes[cur].pats, pi)
	}

	m := &Matcher{npat: len(list), ascii2: make([]uint64, 1<<16/64)}
	roots := 0
	for _, nd := range nodes {
		if nd.parent == noParent {
			roots++
		}
	}
	fwords := minFilterWords
	for fwords < 2*roots && fwords < maxFilterWords {
		fwords <<= 1
	}
	m.filter = make([]uint64, fwords)
	m.lshift = uint(64 - bits.TrailingZeros(uint(fwords/8)))
	m.runes = make([]uint64, 1<<16/64)
	tsize := 16
	for tsize < len(nodes)*2 {
		tsize <<= 1
	}
	m.table = make([]node, tsize)
	m.tshift = uint(64 - bits.TrailingZeros(uint(tsize)))
	m.tmask = uint64(tsize - 1)
	m.pats = make([]pat, 0, len(list))

	for ni, nd := range nodes {
		if nd.parent == noParent {
			k := nd.key
			switch k >> 56 {
			case tagA1 >> 56:
				m.hasTag1 = true
				for x := range 256 {
					v := k&0xff | uint64(x)<<8
					m.ascii2[v>>6] |= 1 << (v & 63)
				}
			case tagA2 >> 56:
				v := k & 0xffff
				m.ascii2[v>>6] |= 1 << (v & 63)
			case tagMR >> 56:
				h := (k * mulFilter) >> 48
				m.runes[h>>6] |= 1 << (h & 63)
			case tagM6 >> 56:
				m.setBit(k, (k*mulFilter>>(m.lshift-9))&511)
			case tagA4 >> 56:
				for _, pi := range nd.pats {
					if t := list[pi].text; len(t) == 4 {
						m.setBit(k, (k*mulFilter>>(m.lshift-9))&511)
					} else {
						m.setBit(k, (loadTail(t[:5])*mulLong5)>>55)
					}
				}
			default: // 8-byte key
				short := k&0xffffffff | tagA4
				if k&0x80 != 0 {
					short = k&0xffffffffffff | tagM6
				}
				m.setBit(short, (k*mulLong)>>55)
			}
		}
		first := uint32(len(m.pats))
		for _, pi := range nd.pats {
			c := list[pi]
			_, b := rootKey(c.text)
			if len(c.text) >= 8 {
				b = len(c.text) &^ 7
			}
			m.pats = append(m.pats, pat{
				tail: loadTail(c.text[b:]), len: uint32(len(c.text)), id: c.id,
				ntail: uint8(len(c.text) - b), whole: c.whole,
			})
		}
		count := uint32(len(nd.pats))
		if nd.deep {
			count |= deepBit
		}
		h := nodeHash(nd.parent, nd.key, m.tshift)
		for m.table[h].count != 0 {
			h = (h + 1) & m.tmask
		}
		m.table[h] = node{key: nd.key, parent: nd.parent, self: uint32(ni), first: first, count: count}
	}
	return m, nil
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// setBit sets bit (0..511) of the filter line chosen by the root key short.
func (m *Matcher) setBit(short, bit uint64) {
	w := (short*mulFilter)>>m.lshift*8 + bit>>6
	m.filter[w] |= 1 << (bit & 63)
}

// lookup returns the node with the given parent and key, or nil.
func (m *Matcher) lookup(parent uint32, k uint64) *node {
	h := nodeHash(parent, k, m.tshift)
	for {
		nd := &m.table[h]
		if nd.count == 0 {
			return nil
		}
		if nd.key == k && nd.parent == parent {
			return nd
		}
		h = (h + 1) & m.tmask
	}
}

// Len returns the number of distinct patterns compiled.
func (m *Matcher) Len() int { return m.npat }

// FindAll appends to dst every occurrence of every pattern in n and returns
// the extended slice. Overlapping occurrences are all reported, ordered by
// Start, then End, then ID.
func (m *Matcher) FindAll(dst []Match, n *Normalized) []Match {
	return m.findRange(dst, n, 0, len(n.text))
}

// findRange reports the occurrences that lie within [from, to) of n; word
// boundaries are those of n. from must be at a character start.
func (m *Matcher) findRange(dst []Match, n *Normalized, from, to int) []Match {
	if m.npat == 0 || from >= to {
		return dst
	}
	p := n.text[:len(n.text)+padding]
	filter, ascii2, runes := m.filter, m.ascii2, m.runes
	lshift := m.lshift & 63
	for i := from; i < to; {
		b := p[i]
		w := binary.LittleEndian.Uint64(p[i:])
		if b < 0x80 {
			if x := uint16(w); ascii2[x>>6]&(1<<(x&63)) != 0 {
				if m.hasTag1 {
					dst = m.root(dst, n, i, to, w&0xff|tagA1, 1)
				}
				dst = m.root(dst, n, i, to, w&0xffff|tagA2, 2)
			}
			k := w&0xffffffff | tagA4
			h := k * mulFilter
			line := filter[(h>>lshift)*8:]
			line = line[:8:8]
			b4 := (h >> (lshift - 9)) & 511
			b5 := ((w & 0xffffffffff) * mulLong5) >> 55
			b8 := (w * mulLong) >> 55
			if line[b4>>6]&(1<<(b4&63)) != 0 || line[b5>>6]&(1<<(b5&63)) != 0 {
				dst = m.root(dst, n, i, to, k, 4)
			}
			if line[b8>>6]&(1<<(b8&63)) != 0 {
				dst = m.root(dst, n, i, to, w, 8)
			}
			i++
			continue
		}
		sz := int(runeLen[b])
		k := w&leMask[sz] | tagMR
		if x := (k * mulFilter) >> 48; runes[x>>6]&(1<<(x&63)) != 0 {
			dst = m.root(dst, n, i, to, k, sz)
		}
		k = w&0xffffffffffff | tagM6
		h := k * mulFilter
		line := filter[(h>>lshift)*8:]
		line = line[:8:8]
		b6 := (h >> (lshift - 9)) & 511
		b8 := (w * mulLong) >> 55
		if line[b6>>6]&(1<<(b6&63)) != 0 {
			dst = m.root(dst, n, i, to, k, 6)
		}
		if line[b8>>6]&(1<<(b8&63)) != 0 {
			dst = m.root(dst, n, i, to, w, 8)
		}
		i += sz
	}
	return dst
}

// root reports the patterns under the root key k, whose kl bytes are known
// to equal the text at i, that occur at i.
func (m *Matcher) root(dst []Match, n *Normalized, i, to int, k uint64, kl int) []Match {
	if kl == 8 && i+8 > to {
		return dst
	}
	nd := m.lookup(noParent, k)
	if nd == nil {
		return dst
	}
	p := n.text[:len(n.text)+padding]
	for off := 8; ; off += 8 {
		dst = m.emit(dst, n, nd, p, i, to)
		if nd.count&deepBit == 0 || i+off+8 > to {
			return dst
		}
		if nd = m.lookup(nd.self, binary.LittleEndian.Uint64(p[i+off:])); nd == nil {
			return dst
		}
	}
}

// emit reports the patterns stored in nd that occur at i.
func (m *Matcher) emit(dst []Match, n *Normalized, nd *node, p []byte, i, to int) []Match {
	first, count := nd.first, nd.count&^deepBit
	for _, q := range m.pats[first : first+count] {
		end := i + int(q.len)
		if end > to {
			break // patterns are sorted by length
		}
		if binary.LittleEndian.Uint64(p[end-int(q.ntail):])&tailMask(q.ntail) != q.tail {
			continue
		}
		if q.whole && !n.wholeWord(i, end) {
			continue
		}
		dst = append(dst, Match{ID: q.id, Start: i, End: end})
	}
	return dst
}

// wholeWord reports whether [start, end) is bounded by word boundaries, with
// a single trailing "s" allowed before the closing boundary.
func (n *Normalized) wholeWord(start, end int) bool {
	if !testBit(n.word, start) {
		return false
	}
	return testBit(n.word, end) || end < len(n.text) && n.text[end] == 's' && testBit(n.word, end+1)
}
