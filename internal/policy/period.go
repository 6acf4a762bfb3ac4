package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Period units.
const (
	UnitCalendarDays = "CD"     // calendar days
	UnitWorkingDays  = "WD"     // working days (工作日) on a named calendar
	UnitBusinessDays = "BD"     // business days on a named calendar
	UnitHours        = "h"      // elapsed hours
	UnitMonths       = "months" // calendar months
)

// Calendar identifiers understood by the deadline adapter.
const (
	CalendarCD      = "CD"        // every day counts
	CalendarCNWD    = "CN_WD"     // PRC official working days, including 调休 make-up days
	CalendarUSFedBD = "US_FED_BD" // Monday–Friday except US federal holidays (5 U.S.C. 6103)
	CalendarEUWD    = "EU_WD"     // generic EU working days; EU_<MS>_WD names one member state
)

// ErrBadPeriod reports a period that does not parse or is inconsistent.
var ErrBadPeriod = errors.New("bad period")

// Period is a legal or policy duration counted on a calendar.
//
// Its JSON form is a compact string "<value> <unit>[@<calendar>]":
//
//	"15 CD"            15 calendar days
//	"20 WD@CN_WD"      20 PRC working days
//	"10 BD@US_FED_BD"  10 US federal business days
//	"24 h"             24 hours
//	"6 months"         6 calendar months
//
// Units CD, h and months count on the CD calendar, which is implied and may be
// omitted; units WD and BD need an explicit calendar. The zero Period means
// "not set" and encodes as JSON null.
type Period struct {
	Value    int
	Unit     string
	Calendar string
}

// ParsePeriod parses the compact string form of a Period.
func ParsePeriod(s string) (Period, error) {
	num, rest, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return Period{}, fmt.Errorf("%w %q: want \"<value> <unit>[@<calendar>]\"", ErrBadPeriod, s)
	}
	v, err := strconv.Atoi(num)
	if err != nil || v <= 0 {
		return Period{}, fmt.Errorf("%w %q: value must be a positive integer", ErrBadPeriod, s)
	}
	unit, cal, hasCal := strings.Cut(rest, "@")
	p := Period{Value: v, Unit: unit, Calendar: cal}
	switch unit {
	case UnitHours:
		if !hasCal {
			p.Calendar = CalendarCD
		}
		if p.Calendar != CalendarCD {
			return Period{}, fmt.Errorf("%w %q: unit %s counts on calendar CD", ErrBadPeriod, s, unit)
		}
	case UnitCalendarDays, UnitMonths:
		// Calendar days and months count every day; a named calendar gives
		// the time zone and the rest days an end falling on one rolls over
		// (CC 203: "15 CD@CN_WD").
		if !hasCal {
			p.Calendar = CalendarCD
		}
		if !isCalendar(p.Calendar) {
			return Period{}, fmt.Errorf("%w %q: unknown calendar %q", ErrBadPeriod, s, p.Calendar)
		}
	case UnitWorkingDays, UnitBusinessDays:
		if !hasCal || !isCalendar(cal) || cal == CalendarCD {
			return Period{}, fmt.Errorf("%w %q: unit %s needs a working-day calendar, e.g. %s@%s", ErrBadPeriod, s, unit, unit, CalendarCNWD)
		}
	default:
		return Period{}, fmt.Errorf("%w %q: unknown unit %q (want CD, WD, BD, h or months)", ErrBadPeriod, s, unit)
	}
	return p, nil
}

// isCalendar reports whether id names a calendar dajia knows.
func isCalendar(id string) bool {
	switch id {
	case CalendarCD, CalendarCNWD, CalendarUSFedBD, CalendarEUWD:
		return true
	}
	ms, ok := strings.CutPrefix(id, "EU_")
	if !ok {
		return false
	}
	ms, ok = strings.CutSuffix(ms, "_WD")
	return ok && IsEEA(ms)
}

// IsZero reports whether p is unset.
func (p Period) IsZero() bool { return p == Period{} }

// String returns the compact form; the CD calendar is left implicit.
func (p Period) String() string {
	if p.IsZero() {
		return ""
	}
	s := strconv.Itoa(p.Value) + " " + p.Unit
	if p.Calendar != CalendarCD && p.Calendar != "" {
		s += "@" + p.Calendar
	}
	return s
}

// MarshalJSON encodes p in its compact string form, or null when unset.
func (p Period) MarshalJSON() ([]byte, error) {
	if p.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(p.String())
}

// UnmarshalJSON decodes the compact string form; null leaves p unset.
func (p *Period) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*p = Period{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: want a string like \"15 CD\"", ErrBadPeriod)
	}
	parsed, err := ParsePeriod(s)
	if err != nil {
		return &periodError{text: s, err: err}
	}
	*p = parsed
	return nil
}

// periodError carries the offending text so that Load can find its key.
type periodError struct {
	text string
	err  error
}

func (e *periodError) Error() string { return e.err.Error() }
func (e *periodError) Unwrap() error { return e.err }

// PeriodRange is a duration that may be a window: the earliest and latest
// instant at which something may happen (DMCA §512(g)(2)(C): not less than 10,
// nor more than 14, business days). A fixed duration has Min == Max.
//
// Its JSON form is either a Period string ("15 CD") or an object
// {"min": "10 BD@US_FED_BD", "max": "14 BD@US_FED_BD"}.
type PeriodRange struct {
	Min Period `json:"min"`
	Max Period `json:"max"`
}

// Fixed reports whether the range is a single duration.
func (r PeriodRange) Fixed() bool { return r.Min == r.Max }

// MarshalJSON encodes a fixed range as a Period string, otherwise as an object.
func (r PeriodRange) MarshalJSON() ([]byte, error) {
	if r.Fixed() {
		return r.Min.MarshalJSON()
	}
	type plain PeriodRange
	return json.Marshal(plain(r))
}

// UnmarshalJSON accepts either form described on PeriodRange.
func (r *PeriodRange) UnmarshalJSON(b []byte) error {
	trimmed := strings.TrimSpace(string(b))
	if !strings.HasPrefix(trimmed, "{") {
		var p Period
		if err := p.UnmarshalJSON(b); err != nil {
			return err
		}
		*r = PeriodRange{Min: p, Max: p}
		return nil
	}
	type plain PeriodRange
	var v plain
	dec := json.NewDecoder(strings.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	*r = PeriodRange(v)
	return nil
}
