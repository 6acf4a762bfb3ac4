package detect

import "reflect"

// Features are what Score knows about one listing: the environment rule
// expressions are written against. Each field's expr name (its struct tag)
// is the name used in rules, e.g. `brand_weight >= 0.5 && price_ratio < 0.3`.
//
// Unknown values are neutral, never zero-that-looks-suspicious: with no price
// reference price_ratio is 1 and price_known false; with no image match
// image_distance is 256. Rules that use a value should test its flag.
type Features struct {
	// Brand is the primary brand: the matched brand with the highest weight
	// (ties: one also matched by an image, then the earliest mention, then
	// the id). If no text mentions a brand but an image matches one, it is
	// the image's brand with brand_weight 0. "" when no brand is involved.
	Brand string `expr:"brand"`
	// BrandWeight is the primary brand's best mention weight: 1 for a plain
	// mention, 0.3 in an accessory context ("case for iPhone"), 0.1 when
	// negated ("not Nike"); 0 without a text mention.
	BrandWeight float64 `expr:"brand_weight"`
	// BrandContext is the context of that best mention: "none",
	// "accessory" or "negation" ("" without a text mention).
	BrandContext string `expr:"brand_context"`
	// BrandObfuscated is true when a mention of the primary brand (not
	// negated) is written with an evasion rather than plainly: invisible
	// characters, look-alike letters of another script, the name split by
	// separators, styled or full-width letters, traditional characters in
	// simplified text. BrandObfuscation names the evasion, the most telling
	// first (see the Obfuscation* constants); "" when written plainly.
	// Genuine sellers have no reason to hide the name they sell under.
	BrandObfuscated  bool   `expr:"brand_obfuscated"`
	BrandObfuscation string `expr:"brand_obfuscation"`
	// BrandClaimed is true when the listing's own brand field names the
	// primary brand.
	BrandClaimed bool `expr:"brand_claimed"`
	// BrandCount is the number of distinct brands mentioned in the text.
	BrandCount int `expr:"brand_count"`
	// Brands are all brands mentioned, best weight first.
	Brands []BrandFeature `expr:"brands"`

	// Slang are the counterfeit slang terms found, as written in the
	// profile, in order of first appearance, each once.
	Slang []string `expr:"slang"`
	// SlangCount is len(Slang).
	SlangCount int `expr:"slang_count"`
	// SecondHand is true when the text says the goods are used ("二手",
	// "pre-owned"; data/secondhand.txt). Genuine used goods sell far below
	// the reference price, so the default price rules demand a much lower
	// ratio for them.
	SecondHand bool `expr:"second_hand"`

	// Price is the listing price in major units of Currency.
	Price float64 `expr:"price"`
	// Currency is the listing's ISO 4217 currency.
	Currency string `expr:"currency"`
	// PriceKnown is true when a comparison price exists for the primary
	// brand and the listing's category (see PriceSource).
	PriceKnown bool `expr:"price_known"`
	// PriceSource says where the comparison price comes from: "reference"
	// (the brand's reference price for the category, same currency or
	// converted by Options.Rates), "peers" (the median of listings claiming
	// the same brand and category, from Options.Baseline) or "none".
	PriceSource string `expr:"price_source"`
	// PriceRatio is Price divided by the comparison price (1 when unknown).
	PriceRatio float64 `expr:"price_ratio"`
	// PriceZ is the robust z-score against peers: (price − median) /
	// (1.4826 × MAD), the MAD floored at 1% of the median; 0 unless
	// PriceSource is "peers".
	PriceZ float64 `expr:"price_z"`
	// ReferencePrice is the comparison price in major units of Currency
	// (0 when unknown).
	ReferencePrice float64 `expr:"reference_price"`

	// ImageMatch is true when a listing image is within Options.ImageRadius
	// of a reference image, not suppressed by a negative image.
	ImageMatch bool `expr:"image_match"`
	// ImageBrand is the brand of the closest matching reference image.
	ImageBrand string `expr:"image_brand"`
	// ImageDistance is that match's Hamming distance (256 without a match).
	ImageDistance int `expr:"image_distance"`
	// ImageReference is the id of the matching reference image.
	ImageReference string `expr:"image_reference"`
	// ImageAuthorized is true when the seller is authorised for ImageBrand.
	ImageAuthorized bool `expr:"image_authorized"`
	// NegativeImage is true when a listing image matched a known-genuine
	// (negative) image; its reference matches for that brand were dropped.
	NegativeImage bool `expr:"negative_image"`

	// Authorized is true when the seller may sell the primary brand: listed
	// in the profile's authorized_sellers or SellerFacts.Authorized.
	Authorized bool `expr:"authorized"`
	// AccountAgeKnown, AccountAgeDays, PriorStrikes, UpheldNotices and
	// ShipFromRegion are the caller's SellerFacts; ShipFromRegion falls
	// back to the listing's ship_from region.
	AccountAgeKnown bool   `expr:"account_age_known"`
	AccountAgeDays  int    `expr:"account_age_days"`
	PriorStrikes    int    `expr:"prior_strikes"`
	UpheldNotices   int    `expr:"upheld_notices"`
	ShipFromRegion  string `expr:"ship_from_region"`
	// Category is the listing's category as the marketplace sent it.
	Category string `expr:"category"`
}

// BrandFeature is one brand mentioned in a listing.
type BrandFeature struct {
	// ID is the brand id.
	ID string `expr:"id"`
	// Weight is the best mention's weight (see Features.BrandWeight).
	Weight float64 `expr:"weight"`
	// Context is the best mention's context.
	Context string `expr:"context"`
	// Mentions counts the mentions found.
	Mentions int `expr:"mentions"`
	// Obfuscation is the most telling evasion among the mentions not
	// negated ("" when all are plain; see Features.BrandObfuscation).
	Obfuscation string `expr:"obfuscation"`
	// Authorized is true when the seller may sell this brand.
	Authorized bool `expr:"authorized"`
	// Text, Field, Start and End locate the best mention in the original
	// listing: Text is Field's text from byte Start to End.
	Text  string `expr:"text"`
	Field string `expr:"field"`
	Start int    `expr:"start"`
	End   int    `expr:"end"`
}

// SellerFacts are what the platform knows about the listing's seller,
// supplied by the caller (detection reads no database).
type SellerFacts struct {
	// Authorized lists brand ids the seller is authorised for, in addition
	// to the profile's authorized_sellers.
	Authorized map[string]bool
	// AccountAgeKnown says whether AccountAgeDays is known (the zero
	// SellerFacts must not look like a brand-new account).
	AccountAgeKnown bool
	// AccountAgeDays is the seller account's age in whole days.
	AccountAgeDays int
	// PriorStrikes counts strikes against the seller.
	PriorStrikes int
	// UpheldNotices counts notices against the seller that were upheld.
	UpheldNotices int
	// ShipFromRegion is the seller's ship-from region code; when empty the
	// listing's ship_from region is used.
	ShipFromRegion string
}

// Mention weights by context (Features.BrandWeight).
const (
	WeightPlain     = 1.0
	WeightAccessory = 0.3
	WeightNegation  = 0.1
)

// The rule environment is a map from expr name to value: expr reads a
// map[string]any with one lookup per name, where reading a struct field goes
// through reflection and allocates on every read. envTemplate derives the
// names and types from Features, so Features stays the one declaration;
// fillEnv (checked against envTemplate by tests) copies a Features in.

// envTemplate returns the expr environment of a zero Features, used to
// type-check rules: every key with a value of its field's type.
func envTemplate() map[string]any {
	v := reflect.ValueOf(Features{})
	m := make(map[string]any, v.NumField())
	for i := range v.NumField() {
		m[v.Type().Field(i).Tag.Get("expr")] = v.Field(i).Interface()
	}
	return m
}

// fillEnv writes f into the environment m.
func fillEnv(m map[string]any, f *Features) {
	m["brand"] = f.Brand
	m["brand_weight"] = f.BrandWeight
	m["brand_context"] = f.BrandContext
	m["brand_obfuscated"] = f.BrandObfuscated
	m["brand_obfuscation"] = f.BrandObfuscation
	m["brand_claimed"] = f.BrandClaimed
	m["brand_count"] = f.BrandCount
	m["brands"] = f.Brands
	m["slang"] = f.Slang
	m["slang_count"] = f.SlangCount
	m["second_hand"] = f.SecondHand
	m["price"] = f.Price
	m["currency"] = f.Currency
	m["price_known"] = f.PriceKnown
	m["price_source"] = f.PriceSource
	m["price_ratio"] = f.PriceRatio
	m["price_z"] = f.PriceZ
	m["reference_price"] = f.ReferencePrice
	m["image_match"] = f.ImageMatch
	m["image_brand"] = f.ImageBrand
	m["image_distance"] = f.ImageDistance
	m["image_reference"] = f.ImageReference
	m["image_authorized"] = f.ImageAuthorized
	m["negative_image"] = f.NegativeImage
	m["authorized"] = f.Authorized
	m["account_age_known"] = f.AccountAgeKnown
	m["account_age_days"] = f.AccountAgeDays
	m["prior_strikes"] = f.PriorStrikes
	m["upheld_notices"] = f.UpheldNotices
	m["ship_from_region"] = f.ShipFromRegion
	m["category"] = f.Category
}
