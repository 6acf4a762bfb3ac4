// Package id makes identifiers: a short type prefix and a time-ordered,
// random, lower-case Crockford base32 body (48 bits of milliseconds, 80 bits
// of randomness), so ids sort by creation time and can serve as cursors.
package id

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"strings"
	"sync"
	"time"
)

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// monotonic makes ids from one process strictly increasing even within one
// millisecond or when the clock steps back: such an id takes the previous
// one's time and adds one to its random part.
var monotonic struct {
	sync.Mutex
	last [16]byte
}

// New returns a new id such as "org_01jd3k…" for the given prefix and time.
// Ids made by one process sort in the order they were made.
func New(prefix string, now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	rand.Read(b[6:])
	monotonic.Lock()
	if bytes.Compare(b[:6], monotonic.last[:6]) <= 0 {
		b = monotonic.last
		for i := 15; i >= 6; i-- { // increment the 80-bit random part
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	}
	monotonic.last = b
	monotonic.Unlock()
	var sb strings.Builder
	sb.Grow(len(prefix) + 1 + 26)
	sb.WriteString(prefix)
	sb.WriteByte('_')
	// 128 bits → 26 base32 digits, most significant first.
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	for i := 25; i >= 0; i-- {
		shift := uint(i * 5)
		var v uint64
		switch {
		case shift >= 64:
			v = hi >> (shift - 64)
		case shift > 59:
			v = lo>>shift | hi<<(64-shift)
		default:
			v = lo >> shift
		}
		sb.WriteByte(alphabet[v&31])
	}
	return sb.String()
}

// Valid reports whether s looks like an id with the given prefix.
func Valid(prefix, s string) bool {
	body, ok := strings.CutPrefix(s, prefix+"_")
	if !ok || len(body) != 26 {
		return false
	}
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(alphabet, body[i]) < 0 {
			return false
		}
	}
	return true
}
