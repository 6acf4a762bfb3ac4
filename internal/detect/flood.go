package detect

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// FloodGuard protects image matching from a reference image that suddenly
// matches far too many listings: a generic photo (a white shoe box, a
// logo-less stock shot) uploaded as a brand's reference, or a reference
// hash colliding with a popular image. Left alone it would flag thousands
// of genuine listings in an hour. The guard counts each reference image's
// matches over a sliding window (two half-windows); when one passes both
// MinMatches and MaxShare of the listings with images scored in the
// window, it is quarantined: its matches are ignored (the listing gets a
// quarantine signal instead) until an operator releases it, and it is
// reported by Quarantined.
//
// A FloodGuard is safe for concurrent use; one guard serves one engine
// (or several engines over the same profile).
type FloodGuard struct {
	// Window is the span counted (1 hour when zero).
	Window time.Duration
	// MinMatches is the fewest matches in a window that can quarantine
	// (200 when zero): small catalogues never trip the guard.
	MinMatches int
	// MaxShare is the share of the listings with images scored in the
	// window above which a reference is flooding (0.02 when zero).
	MaxShare float64
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu          sync.Mutex
	start       time.Time      // start of the current half-window
	cur, prev   map[string]int // matches per reference in this and the previous half-window
	scored      [2]int         // listings with images scored: current, previous half-window
	quarantined map[string]Quarantine
}

// Quarantine is a reference image the guard stopped matching.
type Quarantine struct {
	ReferenceImage string    `json:"reference_image"`
	Brand          string    `json:"brand"`
	Matches        int       `json:"matches"` // in the window when quarantined
	Scored         int       `json:"scored"`  // listings with images scored in that window
	At             time.Time `json:"at"`
}

func (g *FloodGuard) params() (time.Duration, int, float64) {
	w, m, s := g.Window, g.MinMatches, g.MaxShare
	if w <= 0 {
		w = time.Hour
	}
	if m <= 0 {
		m = 200
	}
	if s <= 0 {
		s = 0.02
	}
	return w, m, s
}

func (g *FloodGuard) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

// roll advances the half-windows to now; g.mu is held.
func (g *FloodGuard) roll(now time.Time, half time.Duration) {
	if g.cur == nil {
		g.cur, g.prev, g.start, g.quarantined = map[string]int{}, map[string]int{}, now, map[string]Quarantine{}
		return
	}
	switch since := now.Sub(g.start); {
	case since >= 2*half:
		g.prev, g.cur, g.scored, g.start = map[string]int{}, map[string]int{}, [2]int{}, now
	case since >= half:
		g.prev, g.cur, g.scored, g.start = g.cur, map[string]int{}, [2]int{0, g.scored[0]}, g.start.Add(half)
	}
}

// scoredImages records one listing with at least one image hash scored.
func (g *FloodGuard) scoredImages() {
	w, _, _ := g.params()
	g.mu.Lock()
	g.roll(g.now(), w/2)
	g.scored[0]++
	g.mu.Unlock()
}

// match records a match of ref (of brand) and reports whether it may
// count; false means ref is quarantined, now or before.
func (g *FloodGuard) match(ref, brand string) (bool, Quarantine) {
	w, minMatches, share := g.params()
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.roll(now, w/2)
	key := brand + "\x00" + ref
	if q, ok := g.quarantined[key]; ok {
		return false, q
	}
	g.cur[key]++
	n, scored := g.cur[key]+g.prev[key], g.scored[0]+g.scored[1]
	if n >= minMatches && float64(n) > share*float64(scored) {
		q := Quarantine{ReferenceImage: ref, Brand: brand, Matches: n, Scored: scored, At: now}
		g.quarantined[key] = q
		return false, q
	}
	return true, Quarantine{}
}

// Quarantined lists the quarantined reference images, oldest first.
func (g *FloodGuard) Quarantined() []Quarantine {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Quarantine, 0, len(g.quarantined))
	for _, q := range g.quarantined {
		out = append(out, q)
	}
	slices.SortFunc(out, func(a, b Quarantine) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Brand, b.Brand); c != 0 {
			return c
		}
		return cmp.Compare(a.ReferenceImage, b.ReferenceImage)
	})
	return out
}

// Release lifts the quarantine of brand's reference image ref (after the
// photo was checked or replaced) and forgets its counts.
func (g *FloodGuard) Release(brand, ref string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := brand + "\x00" + ref
	delete(g.quarantined, key)
	delete(g.cur, key)
	delete(g.prev, key)
}
