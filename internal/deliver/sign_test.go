package deliver_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/deliver"
)

// The vectors were computed outside Go, with
//
//	printf '%s' "$id.$ts.$body" | openssl dgst -sha256 -hmac "$key" -binary | base64
//
// (the second is the example of the Standard Webhooks specification).
func TestSignKnownVectors(t *testing.T) {
	tests := []struct {
		name, secret, id string
		ts               int64
		body, want       string
	}{
		{"dajia action", "whsec_ZGFqaWEtd2ViaG9vay10ZXN0LWtleS0zMi1ieXRlcyE=", "msg_01kb2xq7m3v8n9r4t6w0y1z2a3", 1764144000,
			`{"id":"msg_01kb2xq7m3v8n9r4t6w0y1z2a3","type":"remove_listing","listing_id":"L-1"}`,
			"v1,vWY5+GSYcj7Xs5b4HcDvtCNtgRO2xkfepqTEOdWeGjU="},
		{"specification example", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
			`{"test": 2432232314}`, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := deliver.ParseSecret(tt.secret)
			if err != nil {
				t.Fatal(err)
			}
			got := deliver.Sign(key, tt.id, time.Unix(tt.ts, 0), []byte(tt.body))
			if got != tt.want {
				t.Errorf("Sign: got %s, want %s", got, tt.want)
			}
			// The same, assembled by hand.
			m := hmac.New(sha256.New, key)
			m.Write([]byte(tt.id + "." + strconv.FormatInt(tt.ts, 10) + "." + tt.body))
			if hand := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)); got != hand {
				t.Errorf("Sign: got %s, want %s (by hand)", got, hand)
			}
			h := http.Header{}
			deliver.SetHeaders(h, key, tt.id, time.Unix(tt.ts, 0), []byte(tt.body))
			if h.Get("webhook-id") != tt.id || h.Get("webhook-timestamp") != strconv.FormatInt(tt.ts, 10) || h.Get("webhook-signature") != tt.want {
				t.Errorf("SetHeaders: got %v", h)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	const secret = "whsec_ZGFqaWEtd2ViaG9vay10ZXN0LWtleS0zMi1ieXRlcyE="
	const other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	key, _ := deliver.ParseSecret(secret)
	otherKey, _ := deliver.ParseSecret(other)
	body := []byte(`{"id":"msg_1","type":"warn_seller","seller_id":"S-9"}`)
	sent := time.Unix(1764144000, 0)
	good := deliver.Sign(key, "msg_1", sent, body)
	headers := func(id, ts, sig string) http.Header {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", ts)
		h.Set("webhook-signature", sig)
		return h
	}
	ts := "1764144000"
	tests := []struct {
		name    string
		secret  string
		h       http.Header
		body    []byte
		now     time.Time
		wantErr error
	}{
		{"valid", secret, headers("msg_1", ts, good), body, sent, nil},
		{"valid without prefix in secret", secret[len("whsec_"):], headers("msg_1", ts, good), body, sent, nil},
		{"within tolerance", secret, headers("msg_1", ts, good), body, sent.Add(4 * time.Minute), nil},
		{"one of several signatures", secret, headers("msg_1", ts, "v1,AAAA "+deliver.Sign(otherKey, "msg_1", sent, body)+" v1a,xyz "+good), body, sent, nil},
		{"rotated secret: old signature only", secret, headers("msg_1", ts, deliver.Sign(otherKey, "msg_1", sent, body)), body, sent, deliver.ErrSignature},
		{"tampered body", secret, headers("msg_1", ts, good), []byte(`{"id":"msg_1","type":"terminate_seller","seller_id":"S-9"}`), sent, deliver.ErrSignature},
		{"other id", secret, headers("msg_2", ts, good), body, sent, deliver.ErrSignature},
		{"other timestamp", secret, headers("msg_1", "1764144001", good), body, sent, deliver.ErrSignature},
		{"wrong version", secret, headers("msg_1", ts, "v2,"+good[3:]), body, sent, deliver.ErrSignature},
		{"no signature", secret, headers("msg_1", ts, ""), body, sent, deliver.ErrSignature},
		{"no id", secret, headers("", ts, good), body, sent, deliver.ErrSignature},
		{"too old", secret, headers("msg_1", ts, good), body, sent.Add(6 * time.Minute), deliver.ErrTimestamp},
		{"from the future", secret, headers("msg_1", ts, good), body, sent.Add(-6 * time.Minute), deliver.ErrTimestamp},
		{"no timestamp", secret, headers("msg_1", "", good), body, sent, deliver.ErrTimestamp},
		{"timestamp in milliseconds", secret, headers("msg_1", ts+"000", good), body, sent, deliver.ErrTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := deliver.Verify(tt.secret, tt.h, tt.body, tt.now, 0)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestSecrets(t *testing.T) {
	s := deliver.NewSecret()
	key, err := deliver.ParseSecret(s)
	if err != nil || len(key) != 32 || s[:6] != "whsec_" {
		t.Fatalf("NewSecret: got %q (%d bytes, %v), want whsec_ and 32 bytes", s, len(key), err)
	}
	if s == deliver.NewSecret() {
		t.Fatal("NewSecret: got the same secret twice")
	}
	for _, bad := range []string{"whsec_", "whsec_c2hvcnQ=", "whsec_not base64!"} {
		if _, err := deliver.ParseSecret(bad); err == nil {
			t.Errorf("ParseSecret(%q): got no error, want one", bad)
		}
	}
}
