package catalog

import "time"

// Outcome is what became of one listing sent by the marketplace.
type Outcome string

// Outcomes of a listing change.
const (
	// Accepted: a new version was stored (version 1 for a new listing).
	Accepted Outcome = "accepted"
	// Unchanged: the content equals the current version; nothing was stored
	// (re-sends are idempotent).
	Unchanged Outcome = "unchanged"
	// Stale: the content differs but updated_at is older than the current
	// version's; it arrived out of order and was ignored.
	Stale Outcome = "stale"
	// Invalid: the listing was refused; the errors say why.
	Invalid Outcome = "invalid"
)

// Head is the current version of a stored listing; the zero Head means the
// listing is not known yet.
type Head struct {
	Version     int
	ContentHash string
	UpdatedAt   time.Time
}

// Decide says what to do with l given the current version. Content is
// compared first, so an identical re-send is Unchanged whatever its
// timestamp; a different content is Stale when its updated_at is before the
// current one's and Accepted otherwise (an equal timestamp with a different
// content is accepted: the later delivery wins).
func Decide(cur Head, l Listing) Outcome {
	switch {
	case cur.Version == 0:
		return Accepted
	case l.ContentHash() == cur.ContentHash:
		return Unchanged
	case l.UpdatedAt.Before(cur.UpdatedAt):
		return Stale
	}
	return Accepted
}

// Next returns the head after accepting l.
func (h Head) Next(l Listing) Head {
	return Head{Version: h.Version + 1, ContentHash: l.ContentHash(), UpdatedAt: l.UpdatedAt}
}
