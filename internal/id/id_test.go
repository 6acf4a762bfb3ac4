package id

import (
	"sort"
	"testing"
	"time"
)

func TestNewSortsByTime(t *testing.T) {
	base := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i := 0; i < 200; i++ {
		ids = append(ids, New("org", base.Add(time.Duration(i)*time.Millisecond)))
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatalf("ids are not in creation order: %v", ids[:5])
	}
	for _, s := range ids {
		if !Valid("org", s) {
			t.Fatalf("got invalid id %q", s)
		}
	}
	if New("org", base) == New("org", base) {
		t.Fatal("got two equal ids for the same instant")
	}
}

func TestValid(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{New("usr", time.Now()), true},
		{"usr_", false},
		{"org_01jd3k0000000000000000000", false},
		{"usr_01JD3K00000000000000000000", false},
		{"usr_01jd3k0000000000000000000u", false},
	} {
		if got := Valid("usr", tt.s); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestNewIsMonotonicWithinOneMillisecond(t *testing.T) {
	at := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	prev := New("x", at)
	for i := 0; i < 10000; i++ {
		next := New("x", at)
		if next <= prev {
			t.Fatalf("got %s after %s, want increasing", next, prev)
		}
		prev = next
	}
	if back := New("x", at.Add(-time.Hour)); back <= prev {
		t.Fatalf("clock stepped back: got %s after %s, want increasing", back, prev)
	}
}
