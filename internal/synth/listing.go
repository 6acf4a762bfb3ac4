package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// zhTitle reports whether a listing is written mainly in Chinese (70%).
func zhTitle(r *rand.Rand) bool { return r.IntN(10) < 7 }

// makeListing builds listing i. sb is a scratch builder.
func (w *world) makeListing(r *rand.Rand, i int, sb *strings.Builder) (listingDoc, Annotation) {
	kind := w.chooseKind(r.Float64())
	id := fmt.Sprintf("syn-l-%07d", i+1)
	l := listingDoc{ID: id, URL: "https://market.example/item/" + id}
	a := Annotation{ListingID: id, Kind: kind, Counterfeit: kind.Counterfeit()}
	s := w.pickSeller(r, a.Counterfeit)
	b := w.brands[r.IntN(len(w.brands))]
	ci := r.IntN(len(b.cats))
	cat := &productCats[b.cats[ci]]
	usd := false
	if kind == KindAuthorised {
		s = w.sellers[pick(r, b.sellers)]
	}
	usd = s.place.country == "US"
	l.SellerID = s.id
	l.ShipFrom = listingPlace{s.place.country, s.place.region, s.place.city}
	l.Category = cat.slug
	zh := zhTitle(r)
	item := pick(r, cat.zh)
	if !zh {
		item = pick(r, cat.en)
	}
	sb.Reset()
	target := descTarget(r)
	ratio := 0.0
	var photo imagePlan

	switch kind {
	case KindFakeText:
		ev := pick(r, NameEvasions)
		name := b.evade(r, ev)
		a.Evasions = []string{ev}
		code := ""
		if r.IntN(4) != 0 {
			a.Evasions = append(a.Evasions, EvasionCodeWord)
			if zh {
				code = pick(r, slangZh)
			} else {
				code = pick(r, slangEn)
			}
		}
		if zh {
			l.Title = joinWords(code, name, item, pick(r, zhAdj))
			fmt.Fprintf(sb, pick(r, zhFakePitch), name, orDefault(code, "正品"))
		} else {
			l.Title = joinWords(name, item, code, pick(r, enAdj))
			fmt.Fprintf(sb, pick(r, enFakePitch), orDefault(code, "quality"), name)
		}
		ratio = 0.2 + 0.6*r.Float64()
		if r.IntN(10) < 3 {
			l.Brand = pick(r, []string{"其他", "other", "无品牌"})
		}
		photo = w.fakePhoto(r, b, cat, &a, 0.4)
	case KindFakePrice:
		name := b.plain(r)
		a.Evasions = []string{EvasionLowPrice}
		if zh {
			l.Title = joinWords(name, item, pick(r, zhAdj), pick(r, []string{"特价清仓", "亏本甩卖", "限量秒杀"}))
			fmt.Fprintf(sb, "%s%s，库存清仓，数量有限，先到先得。", name, item)
		} else {
			l.Title = joinWords(name, item, pick(r, []string{"clearance", "flash sale", "lowest price"}))
			fmt.Fprintf(sb, "%s %s, clearance stock, limited quantity.", name, item)
		}
		ratio = 0.05 + 0.17*r.Float64()
		l.Brand = b.latin
		photo = w.fakePhoto(r, b, cat, &a, 0.4)
	case KindFakeImage:
		if zh {
			l.Title = joinWords(pick(r, zhAdj), item, pick(r, zhAdj))
		} else {
			l.Title = joinWords(pick(r, enAdj), item, pick(r, enAdj))
		}
		ratio = 0.3 + 0.3*r.Float64()
		photo = w.fakePhoto(r, b, cat, &a, 1)
	case KindAccessory:
		name := b.plain(r)
		l.Category = accessoryCat
		if zh {
			acc := pick(r, cat.accZh)
			switch r.IntN(3) {
			case 0:
				l.Title = fmt.Sprintf("适用于%s%s的%s %s", name, item, acc, pick(r, zhAdj))
			case 1:
				l.Title = fmt.Sprintf("%s 适配%s %s", acc, name, item)
			default:
				l.Title = fmt.Sprintf("通用%s 兼容%s%s", acc, name, item)
			}
			fmt.Fprintf(sb, "本品为第三方配件，非%s官方产品。", name)
		} else {
			acc := pick(r, cat.accEn)
			switch r.IntN(3) {
			case 0:
				l.Title = fmt.Sprintf("%s for %s %s", capitalise(acc), name, item)
			case 1:
				l.Title = fmt.Sprintf("%s compatible with %s %s", capitalise(acc), name, item)
			default:
				l.Title = fmt.Sprintf("Replacement %s for %s %s", acc, name, item)
			}
			fmt.Fprintf(sb, "Third-party accessory, not made by %s.", name)
		}
		amount := roundPrice(r, 900+r.Int64N(8000))
		if usd {
			amount = roundPrice(r, 200+r.Int64N(1300))
		}
		l.Price = w.money(amount, usd)
		photo = w.stockPhoto(r, accessoryCat, shapeBox)
	case KindUsedGenuine:
		name := b.plain(r)
		if zh {
			l.Title = joinWords("二手", name, item, pick(r, []string{"九成新", "95新", "自用闲置"}))
			sb.WriteString(pick(r, zhUsed))
		} else {
			l.Title = joinWords("Used", name, item, pick(r, []string{"good condition", "lightly worn", "pre-owned"}))
			sb.WriteString(pick(r, enUsed))
		}
		ratio = 0.3 + 0.3*r.Float64()
		l.Brand = b.latin
		k := r.IntN(w.opts.NegativeImages)
		t := newTransform(r, w.opts.ImageSize, false)
		photo = imagePlan{origin: "negative", from: w.negPath(b, k), brand: b, k: k, t: &t}
	case KindAuthorised:
		name := b.plain(r)
		if zh {
			l.Title = joinWords(name, item, pick(r, zhAdj), "官方正品")
			fmt.Fprintf(sb, pick(r, zhAuth), name)
		} else {
			l.Title = joinWords(name, item, "official store", pick(r, enAdj))
			fmt.Fprintf(sb, pick(r, enAuth), name)
		}
		ratio = 0.85 + 0.25*r.Float64()
		l.Brand = b.latin
		if r.IntN(2) == 0 {
			photo = imagePlan{origin: "reference", path: w.refPath(b, r.IntN(w.opts.ReferenceImages))}
		} else {
			photo = imagePlan{origin: "negative", path: w.negPath(b, r.IntN(w.opts.NegativeImages))}
		}
	case KindUnrelated:
		uc := &unrelatedCats[r.IntN(len(unrelatedCats))]
		cat = uc
		l.Category = uc.slug
		item = pick(r, uc.zh)
		if !zh {
			item = pick(r, uc.en)
		}
		var word string
		switch v := r.IntN(10); {
		case v < 4:
			a.Variant, word = sharedWord, b.latin
		case v < 7:
			a.Variant, word = sharedSubstring, b.latin+pick(r, []string{"sa", "land", "ia", "ette", "ville", "wood"})
		default:
			a.Variant = sharedChar
			word = string(b.chinese[0].simp) + pick(r, []string{"山", "河", "庭", "居", "月", "竹"}) + "牌"
		}
		l.Title = joinWords(word, item, pick(r, zhAdj))
		if !zh {
			l.Title = joinWords(word, item, pick(r, enAdj))
		}
		amount := roundPrice(r, (uc.refLo+r.Int64N(uc.refHi-uc.refLo+1))*100)
		if usd {
			amount = roundPrice(r, amount/7)
		}
		l.Price = w.money(amount, usd)
		photo = w.stockPhoto(r, uc.slug, uc.shape)
	default: // KindGenuine
		if r.IntN(4) == 0 {
			cat = &unrelatedCats[r.IntN(len(unrelatedCats))]
		}
		l.Category = cat.slug
		item = pick(r, cat.zh)
		if !zh {
			item = pick(r, cat.en)
		}
		if zh {
			l.Title = joinWords(pick(r, zhAdj), item, pick(r, zhAdj))
		} else {
			l.Title = joinWords(pick(r, enAdj), item, pick(r, enAdj))
		}
		if r.IntN(3) == 0 {
			l.Brand = "无品牌"
		}
		// Unbranded goods cost a fraction of branded ones.
		amount := roundPrice(r, int64(float64((cat.refLo+r.Int64N(cat.refHi-cat.refLo+1))*100)*(0.05+0.25*r.Float64())))
		if usd {
			amount = roundPrice(r, amount/7)
		}
		l.Price = w.money(amount, usd)
		photo = w.stockPhoto(r, cat.slug, cat.shape)
	}

	if kind != KindGenuine {
		a.Brand = b.id
	}
	if ratio > 0 {
		amount, ref := priceFor(r, b, ci, usd, ratio)
		l.Price = w.money(amount, usd)
		a.PriceRatio = math.Round(float64(amount)/float64(ref)*1000) / 1000
	}
	fillDescription(r, sb, cat, target)
	l.Description = sb.String()
	if w.opts.Images {
		path := w.placePhoto(id, photo)
		l.Images = []listingImage{{URL: path}}
		note := ImageNote{Path: path, Origin: photo.origin, From: photo.from, Transform: photo.t}
		a.Images = []ImageNote{note}
	}
	return l, a
}

func (w *world) money(amount int64, usd bool) listingPrice {
	if usd {
		return listingPrice{decimal(amount), "USD"}
	}
	return listingPrice{decimal(amount), "CNY"}
}

// joinWords joins the non-empty words with spaces.
func joinWords(words ...string) string {
	var sb strings.Builder
	for _, s := range words {
		if s == "" {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(s)
	}
	return sb.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// imagePlan is the picture a listing will carry: an existing file (path),
// or an altered copy (transform t) of the brand's reference or negative
// photo number k. The random choices behind it are drawn whether or not
// images are rendered, so that worlds with and without images agree in
// everything else.
type imagePlan struct {
	origin string // reference, negative or stock
	path   string // the file, when it exists or is a stock photo
	from   string // the source file of an altered copy
	brand  *brand
	k      int
	t      *Transform
	// A stock photo is rendered the first time a listing uses it.
	stockSeed  uint64
	stockShape shape
}
