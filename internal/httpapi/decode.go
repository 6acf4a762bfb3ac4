package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/store"
)

// errMalformed marks a request that could not be parsed (400).
var errMalformed = errors.New("malformed request")

// fieldError is a parse failure tied to one field.
type fieldError struct {
	field, detail string
}

func (e *fieldError) Error() string {
	if e.field == "" {
		return "malformed request: " + e.detail
	}
	return fmt.Sprintf("malformed request: %s: %s", e.field, e.detail)
}

func (e *fieldError) Unwrap() error { return errMalformed }

// DecodeJSON reads a JSON request body into v: it must be application/json,
// at most limit bytes, one value, with no unknown fields. Errors name the
// offending field.
func DecodeJSON(r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return fault.New(fault.ErrUnsupported, "send the body as application/json (got %q)", ct)
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return tooLarge(err, limit)
	}
	if int64(len(body)) > limit {
		return fault.New(fault.ErrTooLarge, "request body is larger than %d bytes", limit)
	}
	return decodeBytes(body, v)
}

func decodeBytes(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return &fieldError{detail: "the body is empty; send a JSON object"}
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return &fieldError{detail: "unexpected data after the JSON value"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &fieldError{detail: "unexpected data after the JSON value"}
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &fieldError{detail: fmt.Sprintf("invalid JSON at byte %d: %s", syn.Offset, syn.Error())}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return &fieldError{field: field, detail: fmt.Sprintf("must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &fieldError{detail: "the JSON ends too early"}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return &fieldError{field: strings.Trim(name, `"`), detail: "unknown field; see /api/v1/openapi.json for the fields this endpoint takes"}
	}
	// Errors from a type's own UnmarshalJSON (dates, enums) have no field
	// from encoding/json; report them as they are.
	return &fieldError{detail: strings.TrimPrefix(msg, "json: ")}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int64", "int32", "uint32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return k
}

// page reads ?limit= and ?cursor=.
func page(r *http.Request) (store.Page, error) {
	p := store.Page{After: r.URL.Query().Get("cursor")}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return p, fault.InvalidField("limit", "must be a whole number from 1 to 500")
		}
		p.Limit = n
	}
	if len(p.After) > 100 {
		return p, fault.InvalidField("cursor", "is not a cursor returned by this API")
	}
	return p, nil
}

// List is a page of results.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func list[T any](items []T, next string) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, NextCursor: next}
}
