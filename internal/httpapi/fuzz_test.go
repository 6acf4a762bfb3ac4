package httpapi

import (
	"errors"
	"testing"

	"github.com/dajia-project/dajia/internal/fault"
)

// FuzzDecodeJSON feeds arbitrary bodies to the request decoder of every
// body type: it must never panic, and every failure must be a 400 with a
// detail (malformed) — never an internal error.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"type":"trademark","trademark":{"office":"CNIPA","nice_classes":[25],"expires_on":"2030-01-01"}}`,
		`{"email":"a@b.c","password":"x"}`, `{"decision":"verify","reason":"ok"}`, `[]`, `null`, `{"valid_from":"2020-13-01"}`,
		`{"owner":{"email":1}}`, `{"documents":[{"role":"business_licence","document_id":"doc_1"}]}`, `{"a":1} {"b":2}`, "\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{new(rightRequest), new(orgRequest), new(orgPatch), new(loginRequest), new(reviewRequest),
			new(authorizationRequest), new(userRequest), new(keyRequest), new(reasonRequest)}
		for _, v := range targets {
			err := decodeBytes(body, v)
			if err == nil {
				continue
			}
			var fe *fieldError
			if !errors.As(err, &fe) || !errors.Is(err, errMalformed) || fe.detail == "" {
				t.Fatalf("decode %q into %T: got %v (%T), want a malformed-request error with a detail", body, v, err, err)
			}
			if errors.Is(err, fault.ErrNotFound) {
				t.Fatal("decoder must not produce not-found")
			}
		}
	})
}
