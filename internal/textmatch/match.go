package textmatch

import (
	"bytes"
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
// the tag in the top byte keeps keys of different classes apart.
const (
	tagA1 = 1 << 56 // ASCII-led pattern of 1 byte: key is that byte
	tagA2 = 2 << 56 // ASCII-led pattern of 2–3 bytes: key is 2 bytes
	tagA4 = 3 << 56 // ASCII-led pattern of ≥4 bytes: key is 4 bytes
	tagM6 = 4 << 56 // multi-byte-led pattern of ≥6 bytes: key is 6 bytes
	tagMR = 5 << 56 // multi-byte-led pattern of <6 bytes: key is its first rune
)

const (
	mulFilter = 0x9e3779b97f4a7c15
	mulTable  = 0xc2b2ae3d27d4eb4f
	// maxFilterBits caps the filter at 1 MiB so that it stays in L2.
	maxFilterBits = 1 << 23
	minFilterBits = 1 << 12
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
// Every position of the text is first tested against a bitmap of hashed
// pattern prefixes (4 bytes for ASCII-led patterns, 6 for others, so two
// CJK characters) and, for short patterns, a 2-byte exact bitmap or a
// hashed first-rune key. Only positions that pass are looked up in an exact
// hash table of prefixes and verified byte by byte.
type Matcher struct {
	filter  []uint64 // bitmap of hashed tagA4, tagM6 and tagMR keys
	fshift  uint
	ascii2  []uint64 // exact bitmap over the first two bytes of tagA1/tagA2 patterns
	table   []bucket // open addressing, keyed by exact key
	tshift  uint
	tmask   uint64
	pats    []pat
	arena   []byte
	npat    int
	maxLen  int
	hasTag1 bool
}

type bucket struct {
	key          uint64
	first, count uint32
}

type pat struct {
	off, len uint32
	id       uint32
	whole    bool
}

type compiled struct {
	key   uint64
	text  string
	id    uint32
	whole bool
}

// keyOf returns the key of a normalised, non-empty pattern and its length
// in bytes.
func keyOf(p string) (uint64, int) {
	var buf [8]byte
	copy(buf[:], p)
	w := binary.LittleEndian.Uint64(buf[:])
	if p[0] < 0x80 {
		switch {
		case len(p) >= 4:
			return w&0xffffffff | tagA4, 4
		case len(p) == 1:
			return w&0xff | tagA1, 1
		default:
			return w&0xffff | tagA2, 2
		}
	}
	if len(p) >= 6 {
		return w&0xffffffffffff | tagM6, 6
	}
	n := min(int(runeLen[p[0]]), len(p))
	return w&leMask[n] | tagMR, n
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
		k, _ := keyOf(t)
		list = append(list, compiled{key: k, text: t, id: p.ID, whole: p.WholeWord})
	}
	slices.SortFunc(list, func(a, b compiled) int {
		switch {
		case a.key != b.key:
			if a.key < b.key {
				return -1
			}
			return 1
		case len(a.text) != len(b.text):
			return len(a.text) - len(b.text)
		case a.id != b.id:
			if a.id < b.id {
				return -1
			}
			return 1
		case a.text != b.text:
			return strings.Compare(a.text, b.text)
		case a.whole != b.whole:
			if !a.whole {
				return -1
			}
			return 1
		}
		return 0
	})
	list = slices.Compact(list)

	m := &Matcher{npat: len(list), ascii2: make([]uint64, 1<<16/64)}
	nkeys := 0
	for i := range list {
		if i == 0 || list[i].key != list[i-1].key {
			nkeys++
		}
	}
	fbits := minFilterBits
	for fbits < nkeys*16 && fbits < maxFilterBits {
		fbits <<= 1
	}
	m.filter = make([]uint64, fbits/64)
	m.fshift = uint(64 - bits.TrailingZeros(uint(fbits)))
	tsize := 16
	for tsize < nkeys*2 {
		tsize <<= 1
	}
	m.table = make([]bucket, tsize)
	m.tshift = uint(64 - bits.TrailingZeros(uint(tsize)))
	m.tmask = uint64(tsize - 1)

	size := 0
	for _, c := range list {
		size += len(c.text)
	}
	m.arena = make([]byte, 0, size)
	m.pats = make([]pat, 0, len(list))
	for i := 0; i < len(list); {
		j := i
		for j < len(list) && list[j].key == list[i].key {
			j++
		}
		k := list[i].key
		m.insert(bucket{key: k, first: uint32(len(m.pats)), count: uint32(j - i)})
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
		default:
			h := (k * mulFilter) >> m.fshift
			m.filter[h>>6] |= 1 << (h & 63)
		}
		for _, c := range list[i:j] {
			m.pats = append(m.pats, pat{off: uint32(len(m.arena)), len: uint32(len(c.text)), id: c.id, whole: c.whole})
			m.arena = append(m.arena, c.text...)
			m.maxLen = max(m.maxLen, len(c.text))
		}
		i = j
	}
	return m, nil
}

func (m *Matcher) insert(b bucket) {
	h := (b.key * mulTable) >> m.tshift
	for m.table[h].key != 0 {
		h = (h + 1) & m.tmask
	}
	m.table[h] = b
}

func (m *Matcher) lookup(k uint64) (first, count uint32) {
	h := (k * mulTable) >> m.tshift
	for {
		b := &m.table[h]
		if b.key == k {
			return b.first, b.count
		}
		if b.key == 0 {
			return 0, 0
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
	filter, ascii2 := m.filter, m.ascii2
	fshift := m.fshift & 63
	for i := from; i < to; {
		b := p[i]
		w := binary.LittleEndian.Uint64(p[i:])
		if b < 0x80 {
			if x := uint16(w); ascii2[x>>6]&(1<<(x&63)) != 0 {
				dst = m.short(dst, n, i, to, w)
			}
			k := w&0xffffffff | tagA4
			if h := (k * mulFilter) >> fshift; filter[h>>6]&(1<<(h&63)) != 0 {
				dst = m.verify(dst, n, i, to, k, 4)
			}
			i++
			continue
		}
		sz := int(runeLen[b])
		k := w&leMask[sz] | tagMR
		if h := (k * mulFilter) >> fshift; filter[h>>6]&(1<<(h&63)) != 0 {
			dst = m.verify(dst, n, i, to, k, sz)
		}
		k = w&0xffffffffffff | tagM6
		if h := (k * mulFilter) >> fshift; filter[h>>6]&(1<<(h&63)) != 0 {
			dst = m.verify(dst, n, i, to, k, 6)
		}
		i += sz
	}
	return dst
}

// short checks the 1–3 byte ASCII-led patterns at i.
func (m *Matcher) short(dst []Match, n *Normalized, i, to int, w uint64) []Match {
	if m.hasTag1 {
		dst = m.verify(dst, n, i, to, w&0xff|tagA1, 1)
	}
	return m.verify(dst, n, i, to, w&0xffff|tagA2, 2)
}

// verify reports the patterns with key k (whose first kl bytes are known
// to equal the text at i) that occur at i.
func (m *Matcher) verify(dst []Match, n *Normalized, i, to int, k uint64, kl int) []Match {
	first, count := m.lookup(k)
	t := n.text
	for _, q := range m.pats[first : first+count] {
		end := i + int(q.len)
		if end > to || !bytes.Equal(t[i+kl:end], m.arena[int(q.off)+kl:int(q.off)+int(q.len)]) {
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
