package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	tests := []struct {
		name string
		got  Date
		want string
	}{
		{"normalise day", NewDate(2026, time.February, 30), "2026-03-02"},
		{"add days across year", NewDate(2026, time.December, 30).AddDays(3), "2027-01-02"},
		{"subtract days", NewDate(2027, time.March, 1).AddDays(-1), "2027-02-28"},
		{"months clamp to February", NewDate(2026, time.August, 31).AddMonths(6), "2027-02-28"},
		{"months clamp to leap February", NewDate(2027, time.August, 31).AddMonths(6), "2028-02-29"},
		{"months keep day", NewDate(2026, time.January, 15).AddMonths(6), "2026-07-15"},
		{"months across year backwards", NewDate(2026, time.March, 31).AddMonths(-4), "2025-11-30"},
		{"date of instant in Shanghai", DateOf(time.Date(2026, 9, 16, 17, 0, 0, 0, time.UTC), mustLoc(t, "Asia/Shanghai")), "2026-09-17"},
		{"date of instant in New York", DateOf(time.Date(2026, 11, 20, 4, 30, 0, 0, time.UTC), mustLoc(t, "America/New_York")), "2026-11-19"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got.String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDateEndAcrossDST(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	tests := []struct {
		date      string
		wantStart string
		wantEnd   string
	}{
		{"2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"}, // 23-hour day
		{"2026-11-01", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"}, // 25-hour day
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d := mustDate(t, tt.date)
			if got, want := d.Start(ny), at(t, tt.wantStart); !got.Equal(want) {
				t.Errorf("Start = %v, want %v", got.UTC(), want)
			}
			if got, want := d.End(ny), at(t, tt.wantEnd); !got.Equal(want) {
				t.Errorf("End = %v, want %v", got.UTC(), want)
			}
		})
	}
}

func TestDateCompareAndText(t *testing.T) {
	a, b := mustDate(t, "2026-09-20"), mustDate(t, "2026-10-08")
	if !a.Before(b) || b.Before(a) || !b.After(a) || a.Compare(a) != 0 {
		t.Errorf("ordering of %s and %s is wrong", a, b)
	}
	if got := a.DaysUntil(b); got != 18 {
		t.Errorf("DaysUntil = %d, want 18", got)
	}
	if got := a.Weekday(); got != time.Sunday {
		t.Errorf("Weekday = %s, want Sunday", got)
	}
	var out struct{ D Date }
	if err := json.Unmarshal([]byte(`{"D":"2027-02-06"}`), &out); err != nil {
		t.Fatal(err)
	}
	if out.D != NewDate(2027, time.February, 6) {
		t.Errorf("unmarshalled %v, want 2027-02-06", out.D)
	}
	b2, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b2), `{"D":"2027-02-06"}`; got != want {
		t.Errorf("marshalled %s, want %s", got, want)
	}
	for _, bad := range []string{"2027-2-6", "2027-02-30", "", "06/02/2027"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded, want an error", bad)
		}
	}
}
