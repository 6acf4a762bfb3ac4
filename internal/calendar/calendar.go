package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ErrNotCovered is matched (with errors.Is) by every error about a date that
// lies outside the years a calendar covers.
var ErrNotCovered = errors.New("date outside calendar coverage")

// ErrUnknownCalendar is matched by errors about a calendar ID a Set does not hold.
var ErrUnknownCalendar = errors.New("unknown calendar")

// CoverageError reports a date that a calendar does not cover.
type CoverageError struct {
	CalendarID string
	Date       Date
}

// Error names the calendar and the uncovered date.
func (e *CoverageError) Error() string {
	return fmt.Sprintf("calendar %s does not cover %s (year %d)", e.CalendarID, e.Date, e.Date.Year)
}

// Is makes a CoverageError match ErrNotCovered.
func (e *CoverageError) Is(target error) bool { return target == ErrNotCovered }

// Source is the official document a year of a calendar is taken from.
type Source struct {
	Title  string `json:"title"`
	Number string `json:"number"` // document number, e.g. 国办发明电〔2024〕12号; empty if unknown
	Date   string `json:"date"`   // date of the document, YYYY-MM-DD
	URL    string `json:"url"`
}

// Day is a dated exception to a calendar's weekly pattern: a holiday, or an
// extra working day on a weekly rest day (调休上班).
type Day struct {
	Date Date
	Name string
}

// YearInfo describes one covered year of a calendar.
type YearInfo struct {
	Year int
	// Provisional is set for a year derived from rules rather than taken from
	// the official schedule, which an operator should replace when published.
	Provisional bool
	Sources     []Source
	Notes       string
}

// Info is the metadata of a calendar, as the UI and audit records show it.
type Info struct {
	ID             string
	Version        string
	Name           string
	Zone           string
	WeeklyRestDays []time.Weekday
	// Unbounded calendars have no dated exceptions and cover every year.
	Unbounded bool
	// Years lists the covered years in order (empty when Unbounded).
	Years []YearInfo
	Notes string
}

// Calendar is one loaded, immutable calendar. Create one with [Load].
type Calendar struct {
	info     Info
	loc      *time.Location
	rest     [7]bool
	years    map[int]YearInfo
	holidays map[Date]string
	working  map[Date]string
}

// fileFormat is the only version of the data file format this package reads.
const fileFormat = 1

// The JSON data file. Dates are YYYY-MM-DD; a range without "to" is one day.
type calendarFile struct {
	Format         int        `json:"format"`
	ID             string     `json:"id"`
	Version        string     `json:"version"`
	Name           string     `json:"name"`
	Zone           string     `json:"zone"`
	WeeklyRestDays []string   `json:"weekly_rest_days"`
	Unbounded      bool       `json:"unbounded"`
	Notes          string     `json:"notes"`
	Years          []yearFile `json:"years"`
}

type yearFile struct {
	Year        int         `json:"year"`
	Provisional bool        `json:"provisional"`
	Sources     []Source    `json:"sources"`
	Notes       string      `json:"notes"`
	Holidays    []rangeFile `json:"holidays"`
	WorkingDays []rangeFile `json:"working_days"`
}

type rangeFile struct {
	Name string `json:"name"`
	From Date   `json:"from"`
	To   *Date  `json:"to,omitempty"`
}

var idPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// maxRangeDays bounds one holiday or working-day range, to catch typos.
const maxRangeDays = 31

// Load reads one calendar data file (JSON, format 1) and validates it.
//
// The file names the calendar ID (for example CN_WD), its version, an IANA
// time zone, the weekly rest days (English weekday names) and either
// "unbounded": true or the covered years, each with its sources, an optional
// "provisional" flag, holiday ranges and extra working days. Extra working
// days must fall on weekly rest days; no date may be both; every listed date
// must lie in a covered year; unknown fields are rejected.
func Load(r io.Reader) (*Calendar, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	var f calendarFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode calendar: %w", err)
	}
	if dec.More() {
		return nil, errors.New("decode calendar: trailing data after the JSON object")
	}
	c, err := build(f)
	if err != nil {
		return nil, fmt.Errorf("calendar %q: %w", f.ID, err)
	}
	return c, nil
}

func build(f calendarFile) (*Calendar, error) {
	if f.Format != fileFormat {
		return nil, fmt.Errorf("format %d not supported (want %d)", f.Format, fileFormat)
	}
	if !idPattern.MatchString(f.ID) {
		return nil, fmt.Errorf("id must match %s", idPattern)
	}
	if strings.TrimSpace(f.Version) == "" {
		return nil, errors.New("version is empty")
	}
	if f.Zone == "" {
		return nil, errors.New("zone is empty")
	}
	loc, err := time.LoadLocation(f.Zone)
	if err != nil {
		return nil, fmt.Errorf("zone: %w", err)
	}
	c := &Calendar{
		loc:      loc,
		years:    make(map[int]YearInfo),
		holidays: make(map[Date]string),
		working:  make(map[Date]string),
		info: Info{
			ID:        f.ID,
			Version:   f.Version,
			Name:      f.Name,
			Zone:      f.Zone,
			Unbounded: f.Unbounded,
			Notes:     f.Notes,
		},
	}
	for _, name := range f.WeeklyRestDays {
		wd, ok := parseWeekday(name)
		if !ok {
			return nil, fmt.Errorf("weekly rest day %q is not an English weekday name", name)
		}
		if c.rest[wd] {
			return nil, fmt.Errorf("weekly rest day %s listed twice", wd)
		}
		c.rest[wd] = true
		c.info.WeeklyRestDays = append(c.info.WeeklyRestDays, wd)
	}
	if len(c.info.WeeklyRestDays) == 7 {
		return nil, errors.New("every weekday is a weekly rest day")
	}
	slices.Sort(c.info.WeeklyRestDays)
	if f.Unbounded {
		if len(f.Years) > 0 {
			return nil, errors.New("an unbounded calendar cannot list years")
		}
		return c, nil
	}
	if len(f.Years) == 0 {
		return nil, errors.New("no years listed and not unbounded")
	}
	for _, y := range f.Years {
		if y.Year < 1900 || y.Year > 9999 {
			return nil, fmt.Errorf("year %d out of range", y.Year)
		}
		if _, dup := c.years[y.Year]; dup {
			return nil, fmt.Errorf("year %d listed twice", y.Year)
		}
		if len(y.Sources) == 0 {
			return nil, fmt.Errorf("year %d cites no source", y.Year)
		}
		c.years[y.Year] = YearInfo{Year: y.Year, Provisional: y.Provisional, Sources: slices.Clone(y.Sources), Notes: y.Notes}
	}
	for _, y := range f.Years {
		if err := c.addRanges(y.Year, "holiday", y.Holidays, c.holidays); err != nil {
			return nil, err
		}
		if err := c.addRanges(y.Year, "working day", y.WorkingDays, c.working); err != nil {
			return nil, err
		}
	}
	for d := range c.working {
		if _, both := c.holidays[d]; both {
			return nil, fmt.Errorf("%s is both a holiday and a working day", d)
		}
		if !c.rest[d.Weekday()] {
			return nil, fmt.Errorf("working day %s is a %s, not a weekly rest day", d, d.Weekday())
		}
	}
	for _, y := range slices.Sorted(maps.Keys(c.years)) {
		c.info.Years = append(c.info.Years, c.years[y])
	}
	return c, nil
}

func (c *Calendar) addRanges(year int, kind string, ranges []rangeFile, into map[Date]string) error {
	for _, r := range ranges {
		if r.From.IsZero() {
			return fmt.Errorf("year %d: %s %q has no from date", year, kind, r.Name)
		}
		to := r.From
		if r.To != nil {
			to = *r.To
		}
		n := r.From.DaysUntil(to)
		if n < 0 || n >= maxRangeDays {
			return fmt.Errorf("year %d: %s %q: range %s..%s is reversed or longer than %d days", year, kind, r.Name, r.From, to, maxRangeDays)
		}
		for d := r.From; !d.After(to); d = d.AddDays(1) {
			if _, ok := c.years[d.Year]; !ok {
				return fmt.Errorf("year %d: %s %s lies in uncovered year %d", year, kind, d, d.Year)
			}
			if _, dup := into[d]; dup {
				return fmt.Errorf("%s %s listed twice", kind, d)
			}
			into[d] = r.Name
		}
	}
	return nil
}

func parseWeekday(s string) (time.Weekday, bool) {
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if strings.EqualFold(s, wd.String()) {
			return wd, true
		}
	}
	return 0, false
}

// ID returns the calendar's ID, for example CN_WD.
func (c *Calendar) ID() string { return c.info.ID }

// Version returns the version of the data file the calendar was loaded from.
func (c *Calendar) Version() string { return c.info.Version }

// Location returns the time zone in which the calendar's days begin and end.
func (c *Calendar) Location() *time.Location { return c.loc }

// Info returns the calendar's metadata. The result is a copy.
func (c *Calendar) Info() Info {
	in := c.info
	in.WeeklyRestDays = slices.Clone(in.WeeklyRestDays)
	in.Years = make([]YearInfo, 0, len(c.info.Years))
	for _, y := range c.info.Years {
		y.Sources = slices.Clone(y.Sources)
		in.Years = append(in.Years, y)
	}
	return in
}

// Covers reports whether the calendar has data for year.
func (c *Calendar) Covers(year int) bool {
	if c.info.Unbounded {
		return true
	}
	_, ok := c.years[year]
	return ok
}

// Provisional reports whether year is covered only provisionally (derived
// from rules, not from the official schedule).
func (c *Calendar) Provisional(year int) bool { return c.years[year].Provisional }

// ProvisionalYears returns the provisional years in order.
func (c *Calendar) ProvisionalYears() []int {
	var ys []int
	for _, y := range c.info.Years {
		if y.Provisional {
			ys = append(ys, y.Year)
		}
	}
	return ys
}

// IsWorkingDay reports whether d is a working day: an extra working day, or
// a day that is neither a weekly rest day nor a holiday.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	var w walker
	return w.isWorking(c, d)
}

// NextWorkingDay returns the first working day strictly after d.
func (c *Calendar) NextWorkingDay(d Date) (Date, error) {
	var w walker
	return w.addWorking(c, d, 1)
}

// AddWorkingDays returns the n-th working day after d (before d if n is
// negative); d itself is never counted. With n == 0 it returns d unchanged.
func (c *Calendar) AddWorkingDays(d Date, n int) (Date, error) {
	var w walker
	return w.addWorking(c, d, n)
}

// Holidays returns the holidays dated in year, in order.
func (c *Calendar) Holidays(year int) ([]Day, error) { return c.days(year, c.holidays) }

// ExtraWorkingDays returns the weekly rest days declared working days in year
// (调休上班), in order.
func (c *Calendar) ExtraWorkingDays(year int) ([]Day, error) { return c.days(year, c.working) }

func (c *Calendar) days(year int, m map[Date]string) ([]Day, error) {
	if !c.Covers(year) {
		return nil, &CoverageError{CalendarID: c.info.ID, Date: NewDate(year, 1, 1)}
	}
	var out []Day
	for d, name := range m {
		if d.Year == year {
			out = append(out, Day{Date: d, Name: name})
		}
	}
	slices.SortFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return out, nil
}

// walker classifies days and remembers whether any day it looked at lies in
// a provisional year, so a deadline can say it relied on one.
type walker struct {
	provisional bool
}

func (w *walker) isWorking(c *Calendar, d Date) (bool, error) {
	if !c.Covers(d.Year) {
		return false, &CoverageError{CalendarID: c.info.ID, Date: d}
	}
	if c.years[d.Year].Provisional {
		w.provisional = true
	}
	if _, ok := c.working[d]; ok {
		return true, nil
	}
	if _, ok := c.holidays[d]; ok {
		return false, nil
	}
	return !c.rest[d.Weekday()], nil
}

// addWorking steps over n working days from d, not counting d.
func (w *walker) addWorking(c *Calendar, d Date, n int) (Date, error) {
	if n > maxCount || n < -maxCount {
		return Date{}, fmt.Errorf("%d working days is more than %d", n, maxCount)
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		ok, err := w.isWorking(c, d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// onOrAfter returns d if it is a working day, else the next working day.
func (w *walker) onOrAfter(c *Calendar, d Date) (Date, error) {
	ok, err := w.isWorking(c, d)
	if err != nil || ok {
		return d, err
	}
	return w.addWorking(c, d, 1)
}
