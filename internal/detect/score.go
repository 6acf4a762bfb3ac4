package detect

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/pdq"
	"github.com/dajia-project/dajia/internal/textmatch"
)

// Verdict is the conclusion of scoring a listing.
type Verdict string

// Verdicts.
const (
	// Clean: the score is below the review threshold.
	Clean Verdict = "clean"
	// Review: the score reaches the review threshold but not the main one.
	Review Verdict = "review"
	// CounterfeitSuspected: the score reaches the threshold.
	CounterfeitSuspected Verdict = "counterfeit_suspected"
)

// Signal kinds (Signal.Kind).
const (
	SignalBrand      = "brand"
	SignalSlang      = "slang"
	SignalSecondHand = "second_hand"
	SignalPrice      = "price"
	SignalImage      = "image"
	SignalNegative   = "negative_image"
	// SignalQuarantined: the listing matched a reference image that the
	// flood guard quarantined; the match did not count.
	SignalQuarantined = "image_quarantined"
	SignalSeller      = "seller"
)

// MaxTextSignals bounds the text spans reported per listing.
const MaxTextSignals = 32

// Signal is one piece of evidence behind a score, for the reviewer.
type Signal struct {
	// Kind is one of the Signal* constants.
	Kind string `json:"kind"`
	// Brand is the brand concerned, if any.
	Brand string `json:"brand,omitempty"`
	// Field ("brand", "title" or "description"), Start and End (byte
	// offsets in that field of the original listing) and Text (the
	// original text there) locate text evidence.
	Field string `json:"field,omitempty"`
	Start int    `json:"start,omitempty"`
	End   int    `json:"end,omitempty"`
	Text  string `json:"text,omitempty"`
	// Context and Weight qualify a brand mention.
	Context string  `json:"context,omitempty"`
	Weight  float64 `json:"weight,omitempty"`
	// Ratio, Reference and Source describe a price comparison: the listing
	// price over Reference (e.g. "CNY 899.00"), from Source.
	Ratio     float64 `json:"ratio,omitempty"`
	Reference string  `json:"reference,omitempty"`
	Source    string  `json:"source,omitempty"`
	// Image (index in the listing's images), ReferenceImage and Distance
	// describe an image match.
	Image          int    `json:"image,omitempty"`
	ReferenceImage string `json:"reference_image,omitempty"`
	Distance       int    `json:"distance,omitempty"`
	// Detail says the rest in words.
	Detail string `json:"detail,omitempty"`
}

// String explains the signal in one line of English for reviewers and logs,
// e.g. `brand nike in title [12:16] "ＮＩＫＥ" (context none, weight 1)`.
func (s Signal) String() string {
	var b strings.Builder
	b.WriteString(s.Kind)
	if s.Brand != "" {
		b.WriteString(" " + s.Brand)
	}
	switch s.Kind {
	case SignalPrice:
		fmt.Fprintf(&b, ": %.0f%% of %s (%s)", 100*s.Ratio, s.Reference, s.Source)
	case SignalImage, SignalNegative:
		fmt.Fprintf(&b, ": image %d is %d bits from %s", s.Image, s.Distance, s.ReferenceImage)
	}
	if s.Field != "" {
		fmt.Fprintf(&b, " in %s [%d:%d] %q", s.Field, s.Start, s.End, s.Text)
	}
	if s.Kind == SignalBrand {
		fmt.Fprintf(&b, " (context %s, weight %g)", s.Context, s.Weight)
	}
	if s.Detail != "" {
		b.WriteString(": " + s.Detail)
	}
	return b.String()
}

// Result is the outcome of scoring one listing. Equal inputs give equal
// Results.
type Result struct {
	ListingID string `json:"listing_id"`
	// Score is the sum of the live rules' scores that fired, clamped to
	// 0..100.
	Score   int     `json:"score"`
	Verdict Verdict `json:"verdict"`
	// Outcome is the strongest outcome of the live rules that fired.
	Outcome Outcome `json:"outcome,omitempty"`
	// Signals are the evidence, text spans in order of position.
	Signals []Signal `json:"signals"`
	// Rules are the rules that fired, live and shadow, in rule order.
	Rules []RuleHit `json:"rules"`
	// RuleErrors are rules that failed at run time ("id: message"); they
	// count as not fired.
	RuleErrors []string `json:"rule_errors,omitempty"`
	// Features are the values the rules saw.
	Features Features `json:"-"`
}

// Score scores one listing. It never fails: a listing with odd fields (no
// text, an unparsable image hash, a zero price) simply yields fewer signals.
func (e *Engine) Score(l catalog.Listing, seller SellerFacts) Result {
	s := e.scratch.Get().(*scratch)
	defer e.scratch.Put(s)
	r := Result{ListingID: l.ID}
	f := &r.Features
	e.textFeatures(s, l, seller, &r)
	e.imageFeatures(l, seller, &r)
	e.choosePrimary(&r)
	f.Currency = l.Price.Currency
	f.Price = float64(l.Price.Amount) / catalog.AmountScale
	f.Category = l.Category
	f.AccountAgeKnown = seller.AccountAgeKnown
	f.AccountAgeDays = seller.AccountAgeDays
	f.PriorStrikes = seller.PriorStrikes
	f.UpheldNotices = seller.UpheldNotices
	f.ShipFromRegion = seller.ShipFromRegion
	if f.ShipFromRegion == "" {
		f.ShipFromRegion = l.ShipFrom.Region
	}
	e.priceFeatures(l, &r)

	var score int
	score, r.Outcome, r.Rules, r.RuleErrors = e.rules.eval(&s.vm, f, s.ruleEnv(), nil, nil)
	r.Score = max(0, min(100, score))
	switch {
	case r.Score >= e.thr:
		r.Verdict = CounterfeitSuspected
	case r.Score >= e.rev:
		r.Verdict = Review
	default:
		r.Verdict = Clean
	}
	if r.Signals == nil {
		r.Signals = []Signal{}
	}
	if r.Rules == nil {
		r.Rules = []RuleHit{}
	}
	return r
}

// fields of the listing searched, in the order they are concatenated.
var fieldNames = [3]string{"brand", "title", "description"}

// textFeatures matches brand names, slang and second-hand words in the
// listing's brand, title and description. The three are joined with
// newlines (clause breaks: no match or context crosses them) so that one
// normalisation and one scan cover all.
func (e *Engine) textFeatures(s *scratch, l catalog.Listing, seller SellerFacts, r *Result) {
	f := &r.Features
	parts := [3]string{l.Brand, l.Title, l.Description}
	s.text = s.text[:0]
	var starts [3]int
	for i, p := range parts {
		if i > 0 {
			s.text = append(s.text, '\n')
		}
		starts[i] = len(s.text)
		s.text = append(s.text, p...)
	}
	n := s.norm.Normalize(string(s.text))
	s.matches = e.matcher.FindAll(s.matches[:0], n)

	if len(s.brands) < len(e.brands) {
		s.brands = make([]brandAcc, len(e.brands))
	}
	s.touched = s.touched[:0]
	s.slang = s.slang[:0]
	// locate maps a match to its field; ok is false for a match spanning two
	// fields (normalisation drops the newline between them, so "…kalo" +
	// "12…" can match "kalo 12"): fields are separate texts.
	locate := func(m textmatch.Match) (field, start, end int, text string, ok bool) {
		os, oe := n.Original(m.Start, m.End)
		for field < 2 && os >= starts[field+1] {
			field++
		}
		start, end = os-starts[field], oe-starts[field]
		if end > len(parts[field]) {
			return 0, 0, 0, "", false
		}
		return field, start, end, parts[field][start:end], true
	}
	for _, m := range s.matches {
		meta := e.pats[m.ID]
		field, start, end, text, ok := locate(m)
		if !ok {
			continue
		}
		switch meta.kind {
		case patBrand:
			ctx := textmatch.Context(n, m)
			w := WeightPlain
			switch ctx {
			case textmatch.ContextAccessory:
				w = WeightAccessory
			case textmatch.ContextNegation:
				w = WeightNegation
			}
			b := &s.brands[meta.idx]
			if !b.seen {
				*b = brandAcc{seen: true, best: -1}
				s.touched = append(s.touched, meta.idx)
			}
			b.mentions++
			if field == 0 {
				b.claimed = true
			}
			if w > b.best {
				b.best, b.ctx, b.first, b.span = w, ctx, field, [2]int{start, end}
			}
			var obf string
			if ctx != textmatch.ContextNegation {
				if obf = obfuscation(n, m, &e.names[meta.name]); obfuscationRank(obf) > obfuscationRank(b.obf) {
					b.obf = obf
				}
			}
			if len(r.Signals) < MaxTextSignals {
				sg := Signal{Kind: SignalBrand, Brand: e.brands[meta.idx].id,
					Field: fieldNames[field], Start: start, End: end, Text: text, Context: ctx.String(), Weight: w}
				if obf != "" {
					sg.Detail = "name obfuscated (" + obf + ")"
				}
				r.Signals = append(r.Signals, sg)
			}
		case patSlang:
			if textmatch.Context(n, m) == textmatch.ContextNegation {
				// "not a replica", "拒绝高仿": the seller disclaims the term
				if len(r.Signals) < MaxTextSignals {
					r.Signals = append(r.Signals, Signal{Kind: SignalSlang, Field: fieldNames[field], Start: start, End: end,
						Text: text, Context: textmatch.ContextNegation.String(), Detail: "negated counterfeit slang " + e.slang[meta.idx] + ": not counted"})
				}
				continue
			}
			if !slices.Contains(s.slang, meta.idx) {
				s.slang = append(s.slang, meta.idx)
				f.Slang = append(f.Slang, e.slang[meta.idx])
			}
			if len(r.Signals) < MaxTextSignals {
				r.Signals = append(r.Signals, Signal{Kind: SignalSlang, Field: fieldNames[field],
					Start: start, End: end, Text: text, Detail: "counterfeit slang " + e.slang[meta.idx]})
			}
		case patSecondHand:
			if !f.SecondHand && len(r.Signals) < MaxTextSignals {
				r.Signals = append(r.Signals, Signal{Kind: SignalSecondHand, Field: fieldNames[field],
					Start: start, End: end, Text: text, Detail: "second-hand goods: price signals weakened"})
			}
			f.SecondHand = true
		}
	}
	f.SlangCount = len(f.Slang)
	f.BrandCount = len(s.touched)
	for _, bi := range s.touched {
		b := &s.brands[bi]
		info := &e.brands[bi]
		f.Brands = append(f.Brands, BrandFeature{
			ID: info.id, Weight: b.best, Context: b.ctx.String(), Mentions: b.mentions,
			Authorized: info.authorized[l.SellerID] || seller.Authorized[info.id],
			Text:       parts[b.first][b.span[0]:b.span[1]], Field: fieldNames[b.first],
			Start: b.span[0], End: b.span[1], Obfuscation: b.obf,
		})
		b.seen = false
	}
}

// imageFeatures finds the closest reference image match among the listing's
// images, ignoring matches for a brand whose negative image the listing
// image also matches.
func (e *Engine) imageFeatures(l catalog.Listing, seller SellerFacts, r *Result) {
	f := &r.Features
	f.ImageDistance = 256
	if len(e.refImgs) == 0 {
		return
	}
	best := -1
	counted := false
	for i, img := range l.Images {
		if img.PDQ == "" {
			continue
		}
		h, err := pdq.ParseHash(img.PDQ)
		if err != nil {
			continue
		}
		if e.flood != nil && !counted {
			e.flood.scoredImages()
			counted = true
		}
		var negBrands []int
		for _, m := range e.negIdx.Search(h, e.radius) {
			ni := e.negImgs[m.ID]
			if !slices.Contains(negBrands, ni.brand) {
				negBrands = append(negBrands, ni.brand)
				f.NegativeImage = true
				r.Signals = append(r.Signals, Signal{Kind: SignalNegative, Brand: e.brands[ni.brand].id,
					Image: i, ReferenceImage: ni.id, Distance: m.Distance,
					Detail: "matches a known-genuine image: reference matches of this brand ignored"})
			}
		}
		for _, m := range e.refIdx.Search(h, e.radius) { // ordered by distance, then id
			ri := e.refImgs[m.ID]
			if slices.Contains(negBrands, ri.brand) {
				continue
			}
			if e.flood != nil {
				if ok, q := e.flood.match(ri.id, e.brands[ri.brand].id); !ok {
					r.Signals = append(r.Signals, Signal{Kind: SignalQuarantined, Brand: e.brands[ri.brand].id, Image: i,
						ReferenceImage: ri.id, Distance: m.Distance,
						Detail: fmt.Sprintf("reference image quarantined: it matched %d of %d listings with images scored in the window", q.Matches, q.Scored)})
					continue
				}
			}
			if best < 0 || m.Distance < f.ImageDistance {
				best = ri.brand
				f.ImageMatch = true
				f.ImageBrand = e.brands[ri.brand].id
				f.ImageDistance = m.Distance
				f.ImageReference = ri.id
				f.ImageAuthorized = e.brands[ri.brand].authorized[l.SellerID] || seller.Authorized[f.ImageBrand]
				r.Signals = slices.DeleteFunc(r.Signals, func(s Signal) bool { return s.Kind == SignalImage })
				r.Signals = append(r.Signals, Signal{Kind: SignalImage, Brand: f.ImageBrand, Image: i,
					ReferenceImage: ri.id, Distance: m.Distance})
			}
			break
		}
	}
}

// choosePrimary orders the brands and fills the primary-brand features.
func (e *Engine) choosePrimary(r *Result) {
	f := &r.Features
	slices.SortFunc(f.Brands, func(a, b BrandFeature) int {
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		ai, bi := a.ID == f.ImageBrand, b.ID == f.ImageBrand
		if ai != bi {
			if ai {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(fieldOrder(a.Field), fieldOrder(b.Field)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(f.Brands) > 0 {
		p := f.Brands[0]
		f.Brand, f.BrandWeight, f.BrandContext, f.Authorized = p.ID, p.Weight, p.Context, p.Authorized
		f.BrandObfuscation, f.BrandObfuscated = p.Obfuscation, p.Obfuscation != ""
		for _, sg := range r.Signals {
			if sg.Kind == SignalBrand && sg.Brand == p.ID && sg.Field == "brand" {
				f.BrandClaimed = true
				break
			}
		}
	} else if f.ImageMatch {
		f.Brand, f.Authorized = f.ImageBrand, f.ImageAuthorized
	}
	if f.Authorized && f.Brand != "" {
		r.Signals = append(r.Signals, Signal{Kind: SignalSeller, Brand: f.Brand, Detail: "seller authorised for the brand"})
	}
}

func fieldOrder(f string) int {
	return slices.Index(fieldNames[:], f)
}

// priceFeatures compares the price with the primary brand's reference for
// the category, or with peers' prices.
func (e *Engine) priceFeatures(l catalog.Listing, r *Result) {
	f := &r.Features
	f.PriceRatio = 1
	f.PriceSource = "none"
	if f.Brand == "" || l.Price.Amount <= 0 {
		return
	}
	bi := e.brandIdx[f.Brand]
	if ref, conv, ok := e.reference(e.brands[bi].prices, l.Category, l.Price.Currency); ok {
		f.PriceKnown, f.PriceSource = true, "reference"
		f.ReferencePrice = conv
		f.PriceRatio = f.Price / conv
		r.Signals = append(r.Signals, Signal{Kind: SignalPrice, Brand: f.Brand, Ratio: round3(f.PriceRatio),
			Reference: ref.Format(), Source: "reference"})
		return
	}
	if peer, ok := e.baseline.Lookup(f.Brand, l.Category, l.Price.Currency); ok && peer.Median > 0 {
		f.PriceKnown, f.PriceSource = true, "peers"
		f.ReferencePrice = peer.Median
		f.PriceRatio = f.Price / peer.Median
		f.PriceZ = (f.Price - peer.Median) / math.Max(1.4826*peer.MAD, 0.01*peer.Median)
		r.Signals = append(r.Signals, Signal{Kind: SignalPrice, Brand: f.Brand, Ratio: round3(f.PriceRatio),
			Source: "peers", Reference: catalog.Money{Amount: catalog.Amount(math.Round(peer.Median * catalog.AmountScale)), Currency: l.Price.Currency}.Format(),
			Detail: fmt.Sprintf("median of %d listings, robust z %.1f", peer.N, f.PriceZ)})
	}
}

// reference picks the reference price for a category: the exact category,
// then each parent ("shoes/running" → "shoes", split on "/" or ">"), then
// the brand-wide price (empty category). Within a category a price in the
// listing's currency wins over one converted by the rates. It returns the
// reference and its value in the listing's currency.
func (e *Engine) reference(prices []ReferencePrice, category, currency string) (catalog.Money, float64, bool) {
	if len(prices) == 0 {
		return catalog.Money{}, 0, false
	}
	cat := category
	for {
		var conv catalog.Money
		var convVal float64
		for _, p := range prices {
			if p.Category != cat {
				continue
			}
			v := float64(p.Price.Amount) / catalog.AmountScale
			if p.Price.Currency == currency {
				return p.Price, v, true
			}
			if convVal == 0 {
				from, okF := e.rates[p.Price.Currency]
				to, okT := e.rates[currency]
				if okF && okT && from > 0 && to > 0 {
					conv, convVal = p.Price, v*from/to
				}
			}
		}
		if convVal > 0 {
			return conv, convVal, true
		}
		if cat == "" {
			return catalog.Money{}, 0, false
		}
		i := strings.LastIndexAny(cat, "/>")
		if i < 0 {
			cat = ""
		} else {
			cat = strings.TrimSpace(cat[:i])
		}
	}
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
