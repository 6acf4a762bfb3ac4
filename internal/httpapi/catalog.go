package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/store"
)

// MaxBatchBytes limits one NDJSON batch of listings. The body is streamed,
// never held in memory: at most one transaction's worth of listings is.
const MaxBatchBytes = 64 << 20

// Documentation shapes of the catalogue routes (for the OpenAPI document;
// the handlers send and receive the catalog and app types). A listing may
// carry any other top-level field: it is kept as an attribute.
type (
	moneyDoc struct {
		Amount   string `json:"amount"`
		Currency string `json:"currency"`
	}
	placeDoc struct {
		Country string `json:"country,omitempty"`
		Region  string `json:"region,omitempty"`
		City    string `json:"city,omitempty"`
	}
	listingDoc struct {
		ID          string          `json:"id"`
		SellerID    string          `json:"seller_id"`
		Title       string          `json:"title"`
		Description string          `json:"description,omitempty"`
		Price       moneyDoc        `json:"price"`
		Category    string          `json:"category,omitempty"`
		Brand       string          `json:"brand,omitempty"`
		Images      []catalog.Image `json:"images,omitempty"`
		URL         string          `json:"url,omitempty"`
		ShipFrom    placeDoc        `json:"ship_from,omitzero"`
		Markets     []string        `json:"markets,omitempty"`
		UpdatedAt   time.Time       `json:"updated_at"`
	}
	listingViewDoc struct {
		Listing        listingDoc `json:"listing"`
		Version        int        `json:"version"`
		CurrentVersion int        `json:"current_version"`
		ContentHash    string     `json:"content_hash"`
		ReceivedAt     time.Time  `json:"received_at"`
		Markets        []string   `json:"markets"`
		Price          string     `json:"price"`
		SellerOrgID    string     `json:"seller_org_id,omitempty"`
	}
)

// registerCatalog adds the routes of the marketplace's catalogue: listings
// and sellers pushed by the marketplace, and reading them back.
func (s *Server) registerCatalog() {
	s.add(route{method: "PUT", path: "/api/v1/listings/{id}", request: listingDoc{}, response: app.ListingResult{}, h: s.putListing, openBody: true,
		summary: "Create or update a listing (marketplace); a changed content becomes a new version, an identical one is unchanged, an older updated_at is stale. Unknown fields are kept. 201 for a new listing"})
	s.add(route{method: "POST", path: "/api/v1/listings:batch", response: app.BatchReport{}, query: []string{"on_error"}, h: s.putListingsBatch, stream: true,
		summary: "Send listings as NDJSON (application/x-ndjson, one listing per line, up to 64 MiB, streamed); on_error=skip (default) reports invalid lines and goes on, on_error=stop stops at the first. " +
			"The report counts every outcome and lists the first 1000 invalid or stale lines by line number. 413 with the report of the lines committed when the body is too large"})
	s.add(route{method: "GET", path: "/api/v1/listings/{id}", summary: "Read a listing: its current version, or ?version=N", query: []string{"version"},
		response: listingViewDoc{}, h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			v := 0
			if q := r.URL.Query().Get("version"); q != "" {
				n, err := strconv.Atoi(q)
				if err != nil || n < 1 {
					return fault.InvalidField("version", "must be a version number (1, 2, …)")
				}
				v = n
			}
			view, err := s.app.Listing(r.Context(), p, r.PathValue("id"), v)
			return respond(w, view, err)
		}})
	getRoute(s, "GET", "/api/v1/listings/{id}/versions", authenticated, "List a listing's versions, oldest first", []string{"limit", "cursor"},
		func(r *http.Request, p auth.Principal) (List[store.ListingVersionInfo], error) {
			pg, err := page(r)
			if err != nil {
				return List[store.ListingVersionInfo]{}, err
			}
			after := 0
			if pg.After != "" {
				if after, err = strconv.Atoi(pg.After); err != nil || after < 0 {
					return List[store.ListingVersionInfo]{}, fault.InvalidField("cursor", "is not a cursor returned by this API")
				}
			}
			items, next, err := s.app.ListingVersions(r.Context(), p, r.PathValue("id"), after, pg.Limit)
			cursor := ""
			if next > 0 {
				cursor = strconv.Itoa(next)
			}
			return list(items, cursor), err
		})
	s.add(route{method: "PUT", path: "/api/v1/sellers/{id}", request: catalog.SellerInput{}, response: app.SellerResult{}, h: s.putSeller,
		summary: "Create or update a seller (marketplace); identifiers are stored only as keyed hashes. The first time, a seller organisation is created for it. 201 for a new seller"})
	getRoute(s, "GET", "/api/v1/sellers/{id}", authenticated, "Read a seller (identifiers as keyed hashes)", nil,
		func(r *http.Request, p auth.Principal) (catalog.Seller, error) {
			return s.app.Seller(r.Context(), p, r.PathValue("id"))
		})
}

func (s *Server) putListing(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if err := s.app.CheckCatalogWrite(p); err != nil {
		return err
	}
	if err := requireType(r, "application/json"); err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, catalog.MaxListingBytes+1))
	if err != nil {
		return tooLarge(err, catalog.MaxListingBytes)
	}
	if len(body) > catalog.MaxListingBytes {
		return fault.New(fault.ErrTooLarge, "a listing is at most %d bytes", catalog.MaxListingBytes)
	}
	l, err := catalog.ParseListing(body, s.app.Now())
	if err != nil {
		return err
	}
	res, err := s.app.PutListing(r.Context(), p, r.PathValue("id"), l)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Outcome == catalog.Accepted && res.Version == 1 {
		status = http.StatusCreated
	}
	return writeJSON(w, status, res)
}

func (s *Server) putSeller(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if err := s.app.CheckCatalogWrite(p); err != nil {
		return err
	}
	var in catalog.SellerInput
	if err := DecodeJSON(r, s.maxBody, &in); err != nil {
		return err
	}
	res, err := s.app.PutSeller(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, res)
}

func (s *Server) putListingsBatch(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if err := s.app.CheckCatalogWrite(p); err != nil {
		return err
	}
	if err := requireType(r, "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"); err != nil {
		return err
	}
	var o app.BatchOptions
	switch r.URL.Query().Get("on_error") {
	case "", "skip":
	case "stop":
		o.StopOnError = true
	default:
		return fault.InvalidField("on_error", "must be skip or stop")
	}
	if r.ContentLength > MaxBatchBytes {
		return fault.New(fault.ErrTooLarge, "a batch is at most %d bytes; split it", MaxBatchBytes)
	}
	rep, err := s.app.PutListingsBatch(r.Context(), p, http.MaxBytesReader(w, r.Body, MaxBatchBytes), o)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		// The lines before the limit are committed: say which.
		return writeJSON(w, http.StatusRequestEntityTooLarge, rep)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// requireType accepts a request whose Content-Type is one of types (or absent).
func requireType(r *http.Request, types ...string) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, t := range types {
			if mt == t {
				return nil
			}
		}
	}
	return fault.New(fault.ErrUnsupported, "send the body as %s (got %q)", types[0], ct)
}
