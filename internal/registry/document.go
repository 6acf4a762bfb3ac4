package registry

import "time"

// Document is an uploaded evidence file as dajia records it: the bytes live
// in the evidence store under their SHA-256; this is who uploaded what.
type Document struct {
	ID         string    `json:"id"`
	OrgID      string    `json:"org_id"`
	SHA256     string    `json:"sha256"`
	Size       int64     `json:"size"`
	MediaType  string    `json:"type"`
	Filename   string    `json:"filename"`
	UploadedBy string    `json:"uploaded_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Ref returns a reference to the document in the given role.
func (d Document) Ref(role DocRole) DocRef {
	return DocRef{Role: role, DocumentID: d.ID, SHA256: d.SHA256}
}
