// Package fault defines the kinds of failure that dajia shows to users on
// purpose: not found, invalid input (with the fields at fault), conflicts
// and forbidden actions. Every edge (JSON API, web UI, CLI) maps these kinds
// to its own form; any other error is an internal error.
package fault

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel kinds. Wrap them (fmt.Errorf("...: %w", fault.ErrNotFound)) or use
// the constructors below.
var (
	// ErrNotFound: the object does not exist or the caller may not know it does.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the request clashes with existing data (a duplicate, an idempotency key reused).
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the caller can see the object but may not do this to it.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthenticated: no valid session or API key.
	ErrUnauthenticated = errors.New("authentication required")
	// ErrState: the object is in a state where this action is not possible.
	ErrState = errors.New("not possible in the current state")
	// ErrTooLarge: the request or file exceeds a size limit.
	ErrTooLarge = errors.New("too large")
	// ErrUnsupported: the media type is not accepted.
	ErrUnsupported = errors.New("unsupported media type")
)

// Field names one invalid input field and says what is wrong with it.
type Field struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// Invalid is a validation failure naming every field at fault.
type Invalid struct {
	Fields []Field
}

// Error implements error.
func (e *Invalid) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Detail
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records a problem with field; it returns the receiver for chaining.
func (e *Invalid) Add(field, format string, args ...any) *Invalid {
	e.Fields = append(e.Fields, Field{Field: field, Detail: fmt.Sprintf(format, args...)})
	return e
}

// Err returns nil when no field was recorded, else e.
func (e *Invalid) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// InvalidField is a shorthand for a single-field validation failure.
func InvalidField(field, format string, args ...any) error {
	return new(Invalid).Add(field, format, args...)
}

// Message is an error whose text is meant for the user, wrapping a kind.
type Message struct {
	Kind error
	Text string
}

// Error implements error.
func (m *Message) Error() string { return m.Text }

// Unwrap returns the kind.
func (m *Message) Unwrap() error { return m.Kind }

// New returns an error of the given kind with a message for the user.
func New(kind error, format string, args ...any) error {
	return &Message{Kind: kind, Text: fmt.Sprintf(format, args...)}
}
