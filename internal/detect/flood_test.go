package detect

import (
	"testing"
	"time"
)

// TestFloodGuardQuarantinesAFloodingReference: a generic photo uploaded
// as a reference matches every listing with images; after MinMatches it
// is quarantined (its matches stop counting and the listings carry a
// quarantine signal), while a reference that matches rarely keeps
// working; the quarantine outlives the window until released.
func TestFloodGuardQuarantinesAFloodingReference(t *testing.T) {
	clock := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	g := &FloodGuard{Window: time.Hour, MinMatches: 5, MaxShare: 0.2, Now: func() time.Time { return clock }}
	generic := flip(t, nikeLogo, 100) // far from the logo: an unrelated "reference"
	p := &Profile{Version: 1, Slang: map[string][]string{}, Brands: []Brand{{
		ID: "nike", Names: []string{"Nike"},
		ReferenceImages: []ImageRef{{ID: "logo", PDQ: nikeLogo}, {ID: "box", PDQ: generic}},
	}}}
	e, err := Compile(p, Options{Flood: g})
	if err != nil {
		t.Fatal(err)
	}
	matched := func(pdqHash string) (bool, bool) {
		r := e.Score(listing(t, "running shoes", "", "shoes", "499", "CNY", pdqHash), SellerFacts{})
		quarantined := false
		for _, s := range r.Signals {
			quarantined = quarantined || s.Kind == SignalQuarantined
		}
		return r.Features.ImageMatch, quarantined
	}
	for i := range 4 {
		if m, q := matched(flip(t, generic, 3)); !m || q {
			t.Fatalf("match %d of the generic reference: matched %v quarantined %v, want a match", i+1, m, q)
		}
	}
	if m, q := matched(flip(t, generic, 3)); m || !q {
		t.Fatalf("5th match of a reference matching every listing: matched %v quarantined %v, want quarantined", m, q)
	}
	qs := g.Quarantined()
	if len(qs) != 1 || qs[0].ReferenceImage != "box" || qs[0].Brand != "nike" || qs[0].Matches != 5 || qs[0].Scored != 5 {
		t.Fatalf("quarantined: %+v", qs)
	}
	// The brand's logo, matching rarely, keeps working.
	if m, q := matched(flip(t, nikeLogo, 4)); !m || q {
		t.Errorf("the brand's logo stopped matching: matched %v quarantined %v", m, q)
	}
	// The quarantine outlives the window…
	clock = clock.Add(3 * time.Hour)
	if m, q := matched(flip(t, generic, 2)); m || !q {
		t.Errorf("after the window: matched %v quarantined %v, want still quarantined", m, q)
	}
	// …until released.
	g.Release("nike", "box")
	if m, q := matched(flip(t, generic, 2)); !m || q {
		t.Errorf("after release: matched %v quarantined %v, want a match", m, q)
	}
	if len(g.Quarantined()) != 0 {
		t.Errorf("released reference still listed: %+v", g.Quarantined())
	}
}

// TestFloodGuardIgnoresBusyButNormalReferences: a popular genuine product
// photo matching 1% of a busy catalogue is never quarantined, and old
// matches leave the window.
func TestFloodGuardIgnoresBusyButNormalReferences(t *testing.T) {
	clock := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	g := &FloodGuard{Window: time.Hour, MinMatches: 20, MaxShare: 0.02, Now: func() time.Time { return clock }}
	p := &Profile{Version: 1, Slang: map[string][]string{}, Brands: []Brand{{ID: "nike", Names: []string{"Nike"},
		ReferenceImages: []ImageRef{{ID: "logo", PDQ: nikeLogo}}}}}
	e, err := Compile(p, Options{Flood: g})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5000 {
		h := flip(t, nikeLogo, 120)
		if i%100 == 0 {
			h = flip(t, nikeLogo, 5)
		}
		e.Score(listing(t, "shoes", "", "shoes", "499", "CNY", h), SellerFacts{})
		if i%500 == 0 {
			clock = clock.Add(10 * time.Minute)
		}
	}
	if qs := g.Quarantined(); len(qs) != 0 {
		t.Errorf("a reference matching 1%% of listings was quarantined: %+v", qs)
	}
	// The same reference matching everything after a quiet hour trips it.
	clock = clock.Add(2 * time.Hour)
	for range 25 {
		e.Score(listing(t, "shoes", "", "shoes", "499", "CNY", flip(t, nikeLogo, 5)), SellerFacts{})
	}
	if qs := g.Quarantined(); len(qs) != 1 || qs[0].Matches != 20 {
		t.Errorf("flood after a quiet hour: %+v, want quarantined at 20 matches", qs)
	}
}
