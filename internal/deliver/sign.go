package deliver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Standard Webhooks headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts every endpoint secret.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a request's timestamp may be from the
// receiver's clock when Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Verification failures.
var (
	// ErrTimestamp: the timestamp header is missing, malformed or outside
	// the tolerance (a replay or a badly skewed clock).
	ErrTimestamp = errors.New("webhook timestamp missing or outside the tolerance")
	// ErrSignature: the id or signature header is missing, or no signature
	// matches.
	ErrSignature = errors.New("no matching webhook signature")
)

// NewSecret returns a new endpoint secret: "whsec_" and the standard base64
// of 32 random bytes.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// ParseSecret returns the key bytes of a secret ("whsec_" and base64; the
// prefix may be left out). Keys shorter than 24 bytes are refused.
func ParseSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return nil, fmt.Errorf("parse webhook secret: %w", err)
	}
	if len(key) < 24 {
		return nil, fmt.Errorf("parse webhook secret: %d bytes, want at least 24", len(key))
	}
	return key, nil
}

// Sign returns the Standard Webhooks signature of a message, "v1," and the
// base64 of HMAC-SHA256(key, msgID + "." + unix seconds + "." + body).
func Sign(key []byte, msgID string, ts time.Time, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, msgID, strconv.FormatInt(ts.Unix(), 10), body))
}

func mac(key []byte, msgID, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msgID))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// SetHeaders sets the three Standard Webhooks headers for a message sent at
// ts.
func SetHeaders(h http.Header, key []byte, msgID string, ts time.Time, body []byte) {
	h.Set(HeaderID, msgID)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, Sign(key, msgID, ts, body))
}

// Verify checks a received webhook as a receiver should: the timestamp is
// within tolerance of now (DefaultTolerance when tolerance is not positive)
// and at least one of the space-separated signatures in the signature
// header is a v1 signature of the id, timestamp and raw body under secret.
// It returns ErrTimestamp or ErrSignature (wrapped) when the request must be
// rejected.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	key, err := ParseSecret(secret)
	if err != nil {
		return err
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	msgID, ts := h.Get(HeaderID), h.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("verify webhook: %w", ErrTimestamp)
	}
	if skew := now.Sub(time.Unix(sec, 0)); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("verify webhook: %w (%v away)", ErrTimestamp, skew.Round(time.Second))
	}
	if msgID == "" {
		return fmt.Errorf("verify webhook: %w", ErrSignature)
	}
	want := mac(key, msgID, ts, body)
	for _, sig := range strings.Fields(h.Get(HeaderSignature)) {
		version, value, ok := strings.Cut(sig, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(value)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("verify webhook: %w", ErrSignature)
}
