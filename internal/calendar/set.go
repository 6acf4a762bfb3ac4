package calendar

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sync"
)

//go:embed data/*.json
var builtinFiles embed.FS

// builtin parses the embedded calendars once, on first use.
var builtin = sync.OnceValues(func() (*Set, error) {
	sub, err := fs.Sub(builtinFiles, "data")
	if err != nil {
		return nil, fmt.Errorf("builtin calendars: %w", err)
	}
	return LoadFS(sub)
})

// Set is a group of loaded calendars, looked up by ID. A Set is immutable and
// safe for concurrent use; callers hold one value rather than globals.
type Set struct {
	cals map[string]*Calendar
}

// Builtin returns the calendars embedded in the package: CD, CN_WD,
// US_FED_BD and EU_WD. The files are parsed on the first call.
func Builtin() (*Set, error) { return builtin() }

// NewSet returns a Set of the given calendars. IDs must be distinct.
func NewSet(cals ...*Calendar) (*Set, error) {
	s := &Set{cals: make(map[string]*Calendar, len(cals))}
	for _, c := range cals {
		if _, dup := s.cals[c.ID()]; dup {
			return nil, fmt.Errorf("new calendar set: calendar %s given twice", c.ID())
		}
		s.cals[c.ID()] = c
	}
	return s, nil
}

// LoadFS loads every *.json file at the root of fsys as a calendar, for
// example LoadFS(os.DirFS("/etc/dajia/calendars")).
func LoadFS(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("list calendar files: %w", err)
	}
	cals := make([]*Calendar, 0, len(names))
	for _, name := range names {
		c, err := loadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		cals = append(cals, c)
	}
	return NewSet(cals...)
}

func loadFile(fsys fs.FS, name string) (*Calendar, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open calendar file: %w", err)
	}
	defer f.Close()
	c, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	return c, nil
}

// With returns a new Set holding s's calendars with the given ones added,
// each replacing any calendar of the same ID (an operator's newer version).
func (s *Set) With(cals ...*Calendar) (*Set, error) {
	added, err := NewSet(cals...)
	if err != nil {
		return nil, err
	}
	out := &Set{cals: maps.Clone(s.cals)}
	maps.Copy(out.cals, added.cals)
	return out, nil
}

// Calendar returns the calendar with the given ID.
func (s *Set) Calendar(id string) (*Calendar, error) {
	c, ok := s.cals[id]
	if !ok {
		return nil, fmt.Errorf("calendar %q: %w", id, ErrUnknownCalendar)
	}
	return c, nil
}

// Calendars returns the calendars of the set ordered by ID.
func (s *Set) Calendars() []*Calendar {
	out := slices.Collect(maps.Values(s.cals))
	slices.SortFunc(out, func(a, b *Calendar) int {
		switch {
		case a.ID() < b.ID():
			return -1
		case a.ID() > b.ID():
			return 1
		}
		return 0
	})
	return out
}

// IsWorkingDay reports whether d is a working day of calendar calID.
func (s *Set) IsWorkingDay(calID string, d Date) (bool, error) {
	c, err := s.Calendar(calID)
	if err != nil {
		return false, err
	}
	return c.IsWorkingDay(d)
}

// NextWorkingDay returns the first working day of calendar calID strictly after d.
func (s *Set) NextWorkingDay(calID string, d Date) (Date, error) {
	c, err := s.Calendar(calID)
	if err != nil {
		return Date{}, err
	}
	return c.NextWorkingDay(d)
}

// AddWorkingDays returns the n-th working day of calendar calID after d
// (before d if n is negative), not counting d itself.
func (s *Set) AddWorkingDays(calID string, d Date, n int) (Date, error) {
	c, err := s.Calendar(calID)
	if err != nil {
		return Date{}, err
	}
	return c.AddWorkingDays(d, n)
}

// Holidays returns the holidays of calendar calID dated in year, in order.
func (s *Set) Holidays(calID string, year int) ([]Day, error) {
	c, err := s.Calendar(calID)
	if err != nil {
		return nil, err
	}
	return c.Holidays(year)
}

// Provisional reports whether year of calendar calID is provisional.
func (s *Set) Provisional(calID string, year int) (bool, error) {
	c, err := s.Calendar(calID)
	if err != nil {
		return false, err
	}
	return c.Provisional(year), nil
}
