package detect

import (
	"math/rand/v2"
	"slices"

	"github.com/dajia-project/dajia/internal/catalog"
)

// Rates converts between currencies for price comparisons: each currency's
// value of one major unit in a common unit of the caller's choice (e.g.
// {"CNY": 1, "USD": 7.1}). A comparison across currencies happens only when
// both are in the table; without a table only same-currency prices compare.
type Rates map[string]float64

// DefaultMaxSamples is the number of prices PriceStats keeps per brand,
// category and currency when NewPriceStats is given 0.
const DefaultMaxSamples = 10_000

// MinPeerSamples is the fewest prices a Baseline needs for a brand, category
// and currency before it is used as a comparison price.
const MinPeerSamples = 5

// PriceStats accumulates prices of listings claiming the same brand and
// category, the fallback comparison when the profile has no reference price
// (Features.PriceSource "peers"). The caller feeds it — typically with the
// Brand of each Result whose brand_weight is plain, in a first pass or from
// recent history — and takes a Baseline snapshot for Options.Baseline or
// Engine.WithBaseline.
//
// Per brand, category and currency it keeps at most maxSamples prices; past
// that it keeps a uniform sample (reservoir sampling with a fixed seed, so the
// same inputs in the same order give the same baseline). Prices of
// counterfeits pull the median down, so feed it listings that are not
// themselves suspected where possible. PriceStats is not safe for concurrent
// use.
type PriceStats struct {
	max  int
	sets map[priceKey]*samples
}

type priceKey struct{ brand, category, currency string }

type samples struct {
	seen int
	v    []catalog.Amount
	rng  *rand.Rand
}

// NewPriceStats returns an empty accumulator keeping at most maxSamples
// prices per key (DefaultMaxSamples if maxSamples <= 0).
func NewPriceStats(maxSamples int) *PriceStats {
	if maxSamples <= 0 {
		maxSamples = DefaultMaxSamples
	}
	return &PriceStats{max: maxSamples, sets: map[priceKey]*samples{}}
}

// Add records one listing's price for a brand id and category. Zero prices
// (placeholders) are ignored.
func (s *PriceStats) Add(brandID, category string, price catalog.Money) {
	if price.Amount <= 0 || brandID == "" {
		return
	}
	k := priceKey{brandID, category, price.Currency}
	set := s.sets[k]
	if set == nil {
		set = &samples{rng: rand.New(rand.NewPCG(0x6461_6a69, 0x61))}
		s.sets[k] = set
	}
	set.seen++
	if len(set.v) < s.max {
		set.v = append(set.v, price.Amount)
		return
	}
	if j := set.rng.IntN(set.seen); j < s.max {
		set.v[j] = price.Amount
	}
}

// PeerPrice is the robust summary of peers' prices.
type PeerPrice struct {
	// N is the number of prices summarised.
	N int
	// Median and MAD (median absolute deviation) are in major units.
	Median, MAD float64
}

// Baseline is an immutable snapshot of PriceStats, safe for concurrent use.
type Baseline struct {
	m map[priceKey]PeerPrice
}

// Baseline summarises the prices gathered so far; keys with fewer than
// MinPeerSamples prices are left out.
func (s *PriceStats) Baseline() *Baseline {
	b := &Baseline{m: make(map[priceKey]PeerPrice, len(s.sets))}
	for k, set := range s.sets {
		if len(set.v) < MinPeerSamples {
			continue
		}
		v := make([]float64, len(set.v))
		for i, a := range set.v {
			v[i] = float64(a) / catalog.AmountScale
		}
		med := median(v)
		for i := range v {
			d := v[i] - med
			if d < 0 {
				d = -d
			}
			v[i] = d
		}
		b.m[k] = PeerPrice{N: len(set.v), Median: med, MAD: median(v)}
	}
	return b
}

// Lookup returns the peers' prices for a brand, category and currency.
func (b *Baseline) Lookup(brandID, category, currency string) (PeerPrice, bool) {
	if b == nil {
		return PeerPrice{}, false
	}
	p, ok := b.m[priceKey{brandID, category, currency}]
	return p, ok
}

// median sorts v and returns its median (the mean of the middle two for an
// even count).
func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
