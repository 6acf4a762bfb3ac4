package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// NewToken returns a random 256-bit token (URL-safe base64) and its storage
// hash. Only the hash is stored; the token is shown once.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the storage form of a session token or API-key secret. A fast
// hash is right here: the tokens have 256 bits of entropy.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// APIKeyPrefix starts every API key so that leaked keys are easy to scan for.
const APIKeyPrefix = "dajia_"

// FormatAPIKey joins a key id and its secret into the string given to the user.
func FormatAPIKey(keyID, secret string) string { return APIKeyPrefix + keyID + "." + secret }

// ParseAPIKey splits an API key into its id and secret.
func ParseAPIKey(s string) (keyID, secret string, ok bool) {
	rest, ok := strings.CutPrefix(s, APIKeyPrefix)
	if !ok {
		return "", "", false
	}
	keyID, secret, ok = strings.Cut(rest, ".")
	return keyID, secret, ok && keyID != "" && len(secret) >= 32
}

// CSRFToken is the anti-forgery token of a browser session: an HMAC of the
// session (keyed with the server secret), echoed by the browser in a header
// (API) or a hidden form field (web pages). It needs no storage and changes
// with every session.
func CSRFToken(secret []byte, sessionToken string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("csrf\x00" + HashToken(sessionToken)))
	return hex.EncodeToString(m.Sum(nil))
}

// ValidCSRF reports whether token is the CSRF token of the session.
func ValidCSRF(secret []byte, sessionToken, token string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(CSRFToken(secret, sessionToken)))
}
