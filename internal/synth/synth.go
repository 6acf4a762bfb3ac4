package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"
)

// Names of the files a world consists of.
const (
	ProfileFile           = "profile.json"
	SellersFile           = "sellers.ndjson"
	SellerAnnotationsFile = "seller_annotations.ndjson"
	ListingsFile          = "listings.ndjson"
	LabelsFile            = "labels.ndjson"
	AnnotationsFile       = "annotations.ndjson"
)

// Kind is what a listing really is.
type Kind string

// Listing kinds. The first three are counterfeits, the others are not;
// accessory, used_genuine, authorised and unrelated are hard negatives
// built to look suspicious.
const (
	KindFakeText    Kind = "fake_text"    // brand name disguised by an evasion, often with slang
	KindFakePrice   Kind = "fake_price"   // brand named plainly, price far below the reference
	KindFakeImage   Kind = "fake_image"   // no brand in the text; a re-uploaded, altered brand photo
	KindAccessory   Kind = "accessory"    // "case for <brand>", "适用于<brand>"
	KindUsedGenuine Kind = "used_genuine" // second-hand genuine goods at a low price, genuine photo reused
	KindAuthorised  Kind = "authorised"   // an authorised reseller at a normal price, official photos
	KindUnrelated   Kind = "unrelated"    // another product sharing a word with a brand
	KindGenuine     Kind = "genuine"      // an ordinary unbranded listing
)

// Kinds lists every kind, counterfeits first.
var Kinds = []Kind{KindFakeText, KindFakePrice, KindFakeImage, KindAccessory, KindUsedGenuine, KindAuthorised, KindUnrelated, KindGenuine}

// Counterfeit reports whether listings of kind k are counterfeits.
func (k Kind) Counterfeit() bool {
	return k == KindFakeText || k == KindFakePrice || k == KindFakeImage
}

// How counterfeits and hard negatives divide among their kinds.
var (
	fakeMix = []struct {
		kind  Kind
		share float64
	}{{KindFakeText, 0.45}, {KindFakePrice, 0.25}, {KindFakeImage, 0.30}}
	hardMix = []struct {
		kind  Kind
		share float64
	}{{KindAccessory, 0.30}, {KindUsedGenuine, 0.20}, {KindAuthorised, 0.30}, {KindUnrelated, 0.20}}
)

// KindShare returns the expected fraction of listings of kind k under opts
// (after defaults are applied).
func KindShare(opts Options, k Kind) float64 {
	opts = opts.withDefaults()
	for _, m := range fakeMix {
		if m.kind == k {
			return opts.FakeRatio * m.share
		}
	}
	for _, m := range hardMix {
		if m.kind == k {
			return opts.HardNegativeRatio * m.share
		}
	}
	if k == KindGenuine {
		return 1 - opts.FakeRatio - opts.HardNegativeRatio
	}
	return 0
}

// Options describe the world to generate. Zero fields take the defaults
// given.
type Options struct {
	// Listings is the number of listings (required, at least 1).
	Listings int
	// Seed selects the world; the same options give byte-identical files.
	Seed uint64
	// Brands is the number of invented protected brands (default 20, at
	// most 300).
	Brands int
	// Sellers is the number of sellers besides the two authorised resellers
	// of each brand (default Listings/25, at least 50).
	Sellers int
	// FakeRatio is the fraction of listings that are counterfeit (default
	// 0.2). Use NoFakes for a world without counterfeits.
	FakeRatio float64
	// HardNegativeRatio is the fraction of listings that are hard negatives
	// (default 0.3); FakeRatio+HardNegativeRatio must not exceed 1.
	HardNegativeRatio float64
	// Images renders pictures: reference and negative photos per brand,
	// stock photos per category, and one altered JPEG per re-uploaded or
	// reused photo. Without images, listings carry no "images" field, the
	// profile no reference or negative images, and annotations no image
	// notes; everything else is identical to the world with images.
	Images bool
	// ImageSize is the side of reference, negative and stock photos in
	// pixels (default 320, between 128 and 1024). Altered copies are 0.5
	// to 1.4 times as large.
	ImageSize int
	// ReferenceImages and NegativeImages are the photos per brand
	// (defaults 3 and 2).
	ReferenceImages, NegativeImages int
	// Start is the time of the first listing; sellers register before it
	// (default 2025-06-01T00:00:00Z). Listings follow 30 seconds apart on
	// average.
	Start time.Time
	// Workers is the number of goroutines rendering images (default
	// GOMAXPROCS). It does not change the output.
	Workers int
}

// NoFakes as FakeRatio (or HardNegativeRatio) asks for none.
const NoFakes = -1

func (o Options) withDefaults() Options {
	if o.Brands == 0 {
		o.Brands = 20
	}
	if o.Sellers == 0 {
		o.Sellers = max(50, o.Listings/25)
	}
	switch o.FakeRatio {
	case 0:
		o.FakeRatio = 0.2
	case NoFakes:
		o.FakeRatio = 0
	}
	switch o.HardNegativeRatio {
	case 0:
		o.HardNegativeRatio = 0.3
	case NoFakes:
		o.HardNegativeRatio = 0
	}
	if o.ImageSize == 0 {
		o.ImageSize = 320
	}
	if o.ReferenceImages == 0 {
		o.ReferenceImages = 3
	}
	if o.NegativeImages == 0 {
		o.NegativeImages = 2
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

func (o Options) validate() error {
	var errs []error
	if o.Listings < 1 {
		errs = append(errs, errors.New("listings must be at least 1"))
	}
	if o.Brands < 1 || o.Brands > 300 {
		errs = append(errs, errors.New("brands must be between 1 and 300"))
	}
	if o.Sellers < 1 {
		errs = append(errs, errors.New("sellers must be at least 1"))
	}
	if o.FakeRatio < 0 || o.HardNegativeRatio < 0 || o.FakeRatio+o.HardNegativeRatio > 1 {
		errs = append(errs, errors.New("fake and hard-negative ratios must be in [0, 1] and sum to at most 1"))
	}
	if o.ImageSize < 128 || o.ImageSize > 1024 {
		errs = append(errs, errors.New("image size must be between 128 and 1024"))
	}
	if o.ReferenceImages < 1 || o.ReferenceImages > 20 || o.NegativeImages < 1 || o.NegativeImages > 20 {
		errs = append(errs, errors.New("reference and negative images per brand must be between 1 and 20"))
	}
	if o.Workers < 1 {
		errs = append(errs, errors.New("workers must be at least 1"))
	}
	return errors.Join(errs...)
}

// Summary counts what Generate wrote.
type Summary struct {
	Listings    int
	Counterfeit int
	Kinds       map[Kind]int
	// Evasions counts counterfeits per evasion class (a listing may use
	// several).
	Evasions map[string]int
	Brands   int
	Sellers  int
	// Images is the number of image files written.
	Images int
	// TextBytes is the total size of titles and descriptions.
	TextBytes int64
}

// Annotation is one line of annotations.ndjson: the ground truth of a
// listing and how it was made.
type Annotation struct {
	ListingID   string `json:"listing_id"`
	Counterfeit bool   `json:"counterfeit"`
	Kind        Kind   `json:"kind"`
	// Brand is the id of the protected brand the listing is about (for
	// unrelated listings: the brand it shares a word with); empty for
	// genuine listings.
	Brand string `json:"brand,omitempty"`
	// Evasions are the tricks a counterfeit uses (see NameEvasions and the
	// Evasion constants).
	Evasions []string `json:"evasions,omitempty"`
	// Variant tells how an unrelated listing shares a word with the brand:
	// shared_word, shared_substring or shared_char.
	Variant string `json:"variant,omitempty"`
	// PriceRatio is the price over the brand's reference price for the
	// category, in the listing's currency (0 when there is no reference).
	PriceRatio float64 `json:"price_ratio,omitempty"`
	// Images describe the listing's pictures, in order.
	Images []ImageNote `json:"images,omitempty"`
}

// ImageNote says where a listing's picture comes from.
type ImageNote struct {
	// Path is the picture's file, as in the listing.
	Path string `json:"path"`
	// Origin is "reference" (a brand's official photo), "negative" (a
	// brand's known-genuine photo) or "stock" (an unbranded photo).
	Origin string `json:"origin"`
	// From is the file the picture was made from, when it is an altered
	// copy; Transform says how.
	From      string     `json:"from,omitempty"`
	Transform *Transform `json:"transform,omitempty"`
}

// Generate writes a synthetic marketplace to out: ProfileFile, SellersFile,
// SellerAnnotationsFile, ListingsFile, LabelsFile, AnnotationsFile and,
// with opts.Images, the pictures under images/. Listings are streamed;
// memory does not grow with opts.Listings (only with sellers, brands and
// the image size).
func Generate(opts Options, out Sink) (Summary, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return Summary{}, fmt.Errorf("synth options: %w", err)
	}
	w := &world{opts: opts, out: out}
	w.sum = Summary{Kinds: map[Kind]int{}, Evasions: map[string]int{}}
	w.brands = inventBrands(newRand(opts.Seed, 10), opts.Brands)
	w.sellers = makeSellers(newRand(opts.Seed, 11), w.brands, opts.Sellers, opts.Start)
	w.byRole = map[string][]int{}
	for i, s := range w.sellers {
		w.byRole[s.role] = append(w.byRole[s.role], i)
	}
	w.sum.Brands, w.sum.Sellers = len(w.brands), len(w.sellers)
	if opts.Images {
		w.pool = newImagePool(out, opts.Workers)
		w.renderBrandPhotos()
	}
	err := w.write()
	if w.pool != nil {
		n, perr := w.pool.close()
		w.sum.Images = n
		if err == nil {
			err = perr
		}
	}
	if err != nil {
		return Summary{}, err
	}
	return w.sum, nil
}

// world is the state of one Generate call.
type world struct {
	opts    Options
	out     Sink
	brands  []*brand
	sellers []*seller
	byRole  map[string][]int
	sum     Summary

	pool     *imagePool
	refs     [][]*image.RGBA // per brand
	negs     [][]*image.RGBA
	stockHas map[string]bool
}

func (w *world) refPath(b *brand, k int) string {
	return fmt.Sprintf("images/ref/%s-%d.png", b.id, k+1)
}

func (w *world) negPath(b *brand, k int) string {
	return fmt.Sprintf("images/neg/%s-%d.png", b.id, k+1)
}

func (w *world) write() error {
	if err := w.writeFile(ProfileFile, w.writeProfile); err != nil {
		return err
	}
	if err := w.writeFile(SellersFile, w.writeSellers); err != nil {
		return err
	}
	if err := w.writeFile(SellerAnnotationsFile, w.writeSellerAnnotations); err != nil {
		return err
	}
	return w.writeListings()
}

// writeFile creates name and fills it with fill.
func (w *world) writeFile(name string, fill func(io.Writer) error) error {
	f, err := w.out.Create(name)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Close()
}

func newEncoder(wr io.Writer) *json.Encoder {
	enc := json.NewEncoder(wr)
	enc.SetEscapeHTML(false)
	return enc
}

type profilePrice struct {
	Category string `json:"category"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

type profileImage struct {
	Path string `json:"path"`
}

type profileBrand struct {
	ID                string         `json:"id"`
	Names             []string       `json:"names"`
	ReferencePrices   []profilePrice `json:"reference_prices"`
	AuthorizedSellers []string       `json:"authorized_sellers"`
	ReferenceImages   []profileImage `json:"reference_images,omitempty"`
	NegativeImages    []profileImage `json:"negative_images,omitempty"`
}

func (w *world) writeProfile(wr io.Writer) error {
	doc := struct {
		Version int                 `json:"version"`
		Brands  []profileBrand      `json:"brands"`
		Slang   map[string][]string `json:"slang"`
	}{Version: 1, Slang: map[string][]string{"zh": slangZh, "en": slangEn}}
	for _, b := range w.brands {
		pb := profileBrand{ID: b.id, Names: b.names()}
		for i, c := range b.cats {
			pb.ReferencePrices = append(pb.ReferencePrices,
				profilePrice{productCats[c].slug, decimal(b.refCNY[i]), "CNY"},
				profilePrice{productCats[c].slug, decimal(b.refUSD[i]), "USD"})
		}
		for _, s := range b.sellers {
			pb.AuthorizedSellers = append(pb.AuthorizedSellers, w.sellers[s].id)
		}
		if w.opts.Images {
			for k := range w.opts.ReferenceImages {
				pb.ReferenceImages = append(pb.ReferenceImages, profileImage{w.refPath(b, k)})
			}
			for k := range w.opts.NegativeImages {
				pb.NegativeImages = append(pb.NegativeImages, profileImage{w.negPath(b, k)})
			}
		}
		doc.Brands = append(doc.Brands, pb)
	}
	enc := newEncoder(wr)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func (w *world) writeSellers(wr io.Writer) error {
	enc := newEncoder(wr)
	for _, s := range w.sellers {
		err := enc.Encode(struct {
			ID           string      `json:"id"`
			Name         string      `json:"name"`
			Country      string      `json:"country"`
			Region       string      `json:"region"`
			RegisteredAt string      `json:"registered_at"`
			Identifiers  identifiers `json:"identifiers"`
		}{s.id, s.name, s.place.country, s.place.region, s.registered.Format(time.RFC3339), s.ids})
		if err != nil {
			return err
		}
	}
	return nil
}

// SellerAnnotation is one line of seller_annotations.ndjson: what the
// platform knows about a seller beyond the marketplace's record.
type SellerAnnotation struct {
	SellerID string `json:"seller_id"`
	// Role is authorised, regular, new or infringer.
	Role string `json:"role"`
	// AuthorisedBrand is the brand id an authorised reseller sells.
	AuthorisedBrand string `json:"authorised_brand,omitempty"`
	// PriorStrikes are upheld notices before the listings.
	PriorStrikes int `json:"prior_strikes"`
	// Network names the accounts sharing identifiers with this one.
	Network string `json:"network,omitempty"`
}

func (w *world) writeSellerAnnotations(wr io.Writer) error {
	enc := newEncoder(wr)
	for _, s := range w.sellers {
		a := SellerAnnotation{SellerID: s.id, Role: s.role, PriorStrikes: s.strikes, Network: s.network}
		if s.brand >= 0 {
			a.AuthorisedBrand = w.brands[s.brand].id
		}
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	return nil
}

// decimal formats an amount in minor units with two decimals.
func decimal(minor int64) string {
	return fmt.Sprintf("%d.%02d", minor/100, minor%100)
}

// Listing JSON, in the order of the contract.
type (
	listingPrice struct {
		Amount   string `json:"amount"`
		Currency string `json:"currency"`
	}
	listingImage struct {
		URL string `json:"url"`
	}
	listingPlace struct {
		Country string `json:"country"`
		Region  string `json:"region"`
		City    string `json:"city"`
	}
	listingDoc struct {
		ID          string         `json:"id"`
		SellerID    string         `json:"seller_id"`
		Title       string         `json:"title"`
		Description string         `json:"description"`
		Price       listingPrice   `json:"price"`
		Category    string         `json:"category"`
		Brand       string         `json:"brand,omitempty"`
		Images      []listingImage `json:"images,omitempty"`
		URL         string         `json:"url"`
		ShipFrom    listingPlace   `json:"ship_from"`
		UpdatedAt   string         `json:"updated_at"`
	}
)

func (w *world) writeListings() error {
	files := make([]io.WriteCloser, 3)
	for i, name := range []string{ListingsFile, LabelsFile, AnnotationsFile} {
		f, err := w.out.Create(name)
		if err != nil {
			for _, g := range files[:i] {
				g.Close()
			}
			return err
		}
		files[i] = f
	}
	err := w.streamListings(newEncoder(files[0]), newEncoder(files[1]), newEncoder(files[2]))
	for _, f := range files {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (w *world) streamListings(listings, labels, notes *json.Encoder) error {
	r := newRand(w.opts.Seed, 12)
	at := w.opts.Start
	var sb strings.Builder
	for i := range w.opts.Listings {
		if w.pool != nil && w.pool.failed() {
			break // the pool's error is returned by Generate
		}
		l, a := w.makeListing(r, i, &sb)
		l.UpdatedAt = at.Format(time.RFC3339)
		at = at.Add(time.Duration(1+r.IntN(59)) * time.Second)
		if err := listings.Encode(l); err != nil {
			return fmt.Errorf("write %s: %w", ListingsFile, err)
		}
		label := struct {
			ListingID   string `json:"listing_id"`
			Counterfeit bool   `json:"counterfeit"`
		}{a.ListingID, a.Counterfeit}
		if err := labels.Encode(label); err != nil {
			return fmt.Errorf("write %s: %w", LabelsFile, err)
		}
		if err := notes.Encode(a); err != nil {
			return fmt.Errorf("write %s: %w", AnnotationsFile, err)
		}
		w.sum.Listings++
		w.sum.Kinds[a.Kind]++
		if a.Counterfeit {
			w.sum.Counterfeit++
			for _, e := range a.Evasions {
				w.sum.Evasions[e]++
			}
		}
		w.sum.TextBytes += int64(len(l.Title) + len(l.Description))
	}
	return nil
}

// chooseKind maps u in [0, 1) to a kind according to the ratios.
func (w *world) chooseKind(u float64) Kind {
	for _, m := range fakeMix {
		if u -= w.opts.FakeRatio * m.share; u < 0 {
			return m.kind
		}
	}
	for _, m := range hardMix {
		if u -= w.opts.HardNegativeRatio * m.share; u < 0 {
			return m.kind
		}
	}
	return KindGenuine
}

// pickSeller picks a seller: for a counterfeit mostly repeat infringers
// and new accounts, otherwise mostly regular sellers.
func (w *world) pickSeller(r *rand.Rand, fake bool) *seller {
	role := RoleRegular
	u := r.Float64()
	switch {
	case fake && u < 0.6:
		role = RoleInfringer
	case fake && u < 0.85, !fake && u < 0.1:
		role = RoleNew
	}
	ids := w.byRole[role]
	if len(ids) == 0 {
		ids = w.byRole[RoleRegular]
	}
	if len(ids) == 0 {
		return w.sellers[r.IntN(len(w.sellers))]
	}
	return w.sellers[pick(r, ids)]
}

// price returns ratio × the brand's reference for category slot ci in the
// seller's currency, in minor units, with the reference.
func priceFor(r *rand.Rand, b *brand, ci int, usd bool, ratio float64) (amount, ref int64) {
	ref = b.refCNY[ci]
	if usd {
		ref = b.refUSD[ci]
	}
	return roundPrice(r, int64(float64(ref)*ratio)), ref
}

// roundPrice makes a shop-like price: whole units ending in .00, .90 or
// .99, at least 1.00.
func roundPrice(r *rand.Rand, minor int64) int64 {
	units := max(1, minor/100)
	return units*100 + pick(r, []int64{0, 0, 90, 99})
}
