package pdq

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
)

// MinQuality is the lowest quality score for which a hash is meaningful.
// Meta recommends discarding hashes of quality below 50 (featureless or
// nearly uniform images hash to arbitrary bit patterns that collide with
// each other); callers should neither index nor query such hashes.
const MinQuality = 50

// MatchRadius is the Hamming distance Meta recommends as the match
// threshold for PDQ hashes: two hashes within 31 bits are considered the
// same picture.
const MatchRadius = 31

// Hash is a 256-bit PDQ hash.
//
// The bytes are the 256-bit number in big-endian order, so bit k (the k-th
// DCT coefficient in row-major order of the 16x16 block) is bit k%8 of byte
// 31-k/8. This is the order in which the reference tools print hashes, so
// [Hash.String] is the plain hex encoding of the bytes.
type Hash [32]byte

// ErrHashSyntax is returned (wrapped) by [ParseHash] for malformed input.
var ErrHashSyntax = errors.New("pdq: malformed hash")

// String returns the hash as 64 lowercase hex digits, the format of the
// reference implementation's Hash256::format.
func (h Hash) String() string {
	return hex.EncodeToString(h[:])
}

// MarshalText implements encoding.TextMarshaler using the hex format.
func (h Hash) MarshalText() ([]byte, error) {
	dst := make([]byte, hex.EncodedLen(len(h)))
	hex.Encode(dst, h[:])
	return dst, nil
}

// UnmarshalText implements encoding.TextUnmarshaler; see [ParseHash].
func (h *Hash) UnmarshalText(text []byte) error {
	p, err := ParseHash(string(text))
	if err != nil {
		return err
	}
	*h = p
	return nil
}

// ParseHash parses 64 hex digits (either case) as printed by [Hash.String]
// and by the reference tools.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*len(h) {
		return Hash{}, fmt.Errorf("%w: %d characters, want 64", ErrHashSyntax, len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return Hash{}, fmt.Errorf("%w: %q: %v", ErrHashSyntax, s, err)
	}
	return h, nil
}

// Bit reports whether bit k (0 <= k < 256) is set.
func (h Hash) Bit(k int) bool {
	return h[31-k/8]>>(k%8)&1 == 1
}

func (h *Hash) setBit(k int) {
	h[31-k/8] |= 1 << (k % 8)
}

// Norm returns the number of set bits (the reference tools' "norm").
func (h Hash) Norm() int {
	w := h.words()
	return bits.OnesCount64(w[0]) + bits.OnesCount64(w[1]) +
		bits.OnesCount64(w[2]) + bits.OnesCount64(w[3])
}

// Distance returns the Hamming distance between a and b (0..256).
func Distance(a, b Hash) int {
	x, y := a.words(), b.words()
	return bits.OnesCount64(x[0]^y[0]) + bits.OnesCount64(x[1]^y[1]) +
		bits.OnesCount64(x[2]^y[2]) + bits.OnesCount64(x[3]^y[3])
}

// words returns the hash as four big-endian 64-bit words; word 0 holds the
// most significant bits (bits 255..192).
func (h Hash) words() [4]uint64 {
	return [4]uint64{
		binary.BigEndian.Uint64(h[0:8]),
		binary.BigEndian.Uint64(h[8:16]),
		binary.BigEndian.Uint64(h[16:24]),
		binary.BigEndian.Uint64(h[24:32]),
	}
}

func hashFromWords(w [4]uint64) Hash {
	var h Hash
	binary.BigEndian.PutUint64(h[0:8], w[0])
	binary.BigEndian.PutUint64(h[8:16], w[1])
	binary.BigEndian.PutUint64(h[16:24], w[2])
	binary.BigEndian.PutUint64(h[24:32], w[3])
	return h
}

// FormatLine formats one output line of the reference tool
// pdq-photo-hasher (without --details): "hash,quality,filename", with no
// trailing newline.
func FormatLine(h Hash, quality int, filename string) string {
	b := make([]byte, 0, 64+1+3+1+len(filename))
	b = hex.AppendEncode(b, h[:])
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(quality), 10)
	b = append(b, ',')
	b = append(b, filename...)
	return string(b)
}

// FormatDetailsLine formats one line of pdq-photo-hasher --details:
// "hash=…,norm=…,delta=…,quality=…,filename=…" where delta is the distance
// to prev (the previous file's hash; the reference prints 0 for the first
// file, which callers get by passing prev == h).
func FormatDetailsLine(h Hash, quality int, filename string, prev Hash) string {
	return fmt.Sprintf("hash=%s,norm=%d,delta=%d,quality=%d,filename=%s",
		h, h.Norm(), Distance(h, prev), quality, filename)
}
