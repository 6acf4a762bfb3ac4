package registry

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date without a time zone (as printed on a certificate).
type Date struct{ t time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// IsZero reports whether no date is set.
func (d Date) IsZero() bool { return d.t.IsZero() }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// String formats YYYY-MM-DD (empty for the zero date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// EndOfDayAnywhere is the instant the date has ended in every time zone
// (24:00 at UTC-12), so a right is never treated as expired early.
func (d Date) EndOfDayAnywhere() time.Time { return d.t.Add(36 * time.Hour) }

// MarshalJSON writes "YYYY-MM-DD" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a date string YYYY-MM-DD")
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}
