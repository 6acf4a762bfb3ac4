package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dajia-project/dajia/internal/registry"
)

// --- organisations ---

// InsertOrg stores a new organisation.
func (tx *Tx) InsertOrg(ctx context.Context, o registry.Organisation) error {
	doc, err := json.Marshal(o)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO organizations (id, kind, state, legal_name, country, registration_number, doc, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		o.ID, o.Kind, o.State, o.LegalName, o.Country, o.RegistrationNumber, doc, micros(o.CreatedAt), micros(o.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert organization: %w", err)
	}
	return nil
}

// UpdateOrg stores a changed organisation.
func (tx *Tx) UpdateOrg(ctx context.Context, o registry.Organisation) error {
	doc, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return tx.execOne(ctx, "update organization "+o.ID, `UPDATE organizations SET kind = $2, state = $3, legal_name = $4, country = $5,
		registration_number = $6, doc = $7, updated_at = $8 WHERE id = $1`,
		o.ID, o.Kind, o.State, o.LegalName, o.Country, o.RegistrationNumber, doc, micros(o.UpdatedAt))
}

// Org loads an organisation; inside a transaction on PostgreSQL it locks the
// row when lock is set.
func (q *Querier) Org(ctx context.Context, id string) (registry.Organisation, error) {
	return q.org(ctx, id, "")
}

// OrgForUpdate loads and locks an organisation for a change.
func (tx *Tx) OrgForUpdate(ctx context.Context, id string) (registry.Organisation, error) {
	return tx.org(ctx, id, tx.d.forUpdate)
}

func (q *Querier) org(ctx context.Context, id, lock string) (registry.Organisation, error) {
	var doc string
	err := q.q.QueryRowContext(ctx, `SELECT doc FROM organizations WHERE id = $1`+lock, id).Scan(&doc)
	if err != nil {
		return registry.Organisation{}, notFound(err, "organization "+id)
	}
	var o registry.Organisation
	return o, json.Unmarshal([]byte(doc), &o)
}

// OrgFilter selects organisations.
type OrgFilter struct {
	Kind  registry.OrgKind
	State registry.OrgState
	IDs   []string // when set, only these
}

// Orgs lists organisations by id (creation order).
func (q *Querier) Orgs(ctx context.Context, f OrgFilter, p Page) ([]registry.Organisation, string, error) {
	w := where{}
	w.eq("kind", string(f.Kind))
	w.eq("state", string(f.State))
	if f.IDs != nil {
		w.in("id", f.IDs)
	}
	w.after("id", p.After)
	out, err := queryDocs[registry.Organisation](ctx, q, `SELECT doc FROM organizations`+w.sql()+` ORDER BY id LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list organizations: %w", err)
	}
	rows, next := trim(out, p, func(o registry.Organisation) string { return o.ID })
	return rows, next, nil
}

// --- documents ---

// InsertDocument records an uploaded evidence file.
func (tx *Tx) InsertDocument(ctx context.Context, d registry.Document) error {
	_, err := tx.exec(ctx, `INSERT INTO documents (id, org_id, sha256, size, media_type, filename, uploaded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.ID, d.OrgID, d.SHA256, d.Size, d.MediaType, d.Filename, d.UploadedBy, micros(d.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert document: %w", err)
	}
	return nil
}

// Document loads a document record.
func (q *Querier) Document(ctx context.Context, id string) (registry.Document, error) {
	var d registry.Document
	var at int64
	err := q.q.QueryRowContext(ctx, `SELECT id, org_id, sha256, size, media_type, filename, uploaded_by, created_at FROM documents WHERE id = $1`, id).
		Scan(&d.ID, &d.OrgID, &d.SHA256, &d.Size, &d.MediaType, &d.Filename, &d.UploadedBy, &at)
	if err != nil {
		return d, notFound(err, "document "+id)
	}
	d.CreatedAt = fromMicros(at)
	return d, nil
}

// --- rights ---

func rightCols(r registry.Right) (office, number, expires string, doc []byte, err error) {
	office, number = r.RegistrationKey()
	doc, err = json.Marshal(r)
	return office, number, r.ExpiresOn().String(), doc, err
}

// InsertRight files a right. A second live claim to the same registration
// (type, office, number) fails with fault.ErrConflict.
func (tx *Tx) InsertRight(ctx context.Context, r registry.Right) error {
	office, number, expires, doc, err := rightCols(r)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO rights (id, owner_org_id, type, state, office, reg_number, expires_on, doc, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.ID, r.OwnerOrgID, r.Type, r.State, office, number, expires, doc, micros(r.CreatedAt), micros(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert right: %w", err)
	}
	return nil
}

// UpdateRight stores a changed right.
func (tx *Tx) UpdateRight(ctx context.Context, r registry.Right) error {
	office, number, expires, doc, err := rightCols(r)
	if err != nil {
		return err
	}
	return tx.execOne(ctx, "update right "+r.ID, `UPDATE rights SET state = $2, office = $3, reg_number = $4, expires_on = $5, doc = $6,
		updated_at = $7 WHERE id = $1`, r.ID, r.State, office, number, expires, doc, micros(r.UpdatedAt))
}

// Right loads a right.
func (q *Querier) Right(ctx context.Context, id string) (registry.Right, error) {
	return q.right(ctx, id, "")
}

// RightForUpdate loads and locks a right for a change.
func (tx *Tx) RightForUpdate(ctx context.Context, id string) (registry.Right, error) {
	return tx.right(ctx, id, tx.d.forUpdate)
}

func (q *Querier) right(ctx context.Context, id, lock string) (registry.Right, error) {
	var doc string
	if err := q.q.QueryRowContext(ctx, `SELECT doc FROM rights WHERE id = $1`+lock, id).Scan(&doc); err != nil {
		return registry.Right{}, notFound(err, "right "+id)
	}
	var r registry.Right
	return r, json.Unmarshal([]byte(doc), &r)
}

// RightFilter selects rights. Owners and IDs combine with OR (the rights an
// agent may see: all of some principals' rights, plus some listed ones);
// the other fields narrow the result.
type RightFilter struct {
	Owners []string
	IDs    []string
	// Any drops the Owners/IDs restriction (platform staff).
	Any   bool
	Type  registry.RightType
	State registry.RightState
	// ExpiresBefore keeps rights whose expiry date (YYYY-MM-DD) is before it.
	ExpiresBefore string
	// ExpiresFrom keeps rights whose expiry date is on or after it.
	ExpiresFrom string
	Office      string
	Number      string
}

// Rights lists rights by id.
func (q *Querier) Rights(ctx context.Context, f RightFilter, p Page) ([]registry.Right, string, error) {
	w := where{}
	if !f.Any {
		w.anyOf(func(o *where) { o.in("owner_org_id", f.Owners) }, func(o *where) { o.in("id", f.IDs) })
	}
	w.eq("type", string(f.Type))
	w.eq("state", string(f.State))
	w.eq("office", f.Office)
	w.eq("reg_number", strings.ToUpper(strings.Join(strings.Fields(f.Number), "")))
	if f.ExpiresBefore != "" {
		w.cond("expires_on <> '' AND expires_on < $?", f.ExpiresBefore)
	}
	if f.ExpiresFrom != "" {
		w.cond("expires_on >= $?", f.ExpiresFrom)
	}
	w.after("id", p.After)
	out, err := queryDocs[registry.Right](ctx, q, `SELECT doc FROM rights`+w.sql()+` ORDER BY id LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list rights: %w", err)
	}
	rows, next := trim(out, p, func(r registry.Right) string { return r.ID })
	return rows, next, nil
}

// --- authorisations ---

// InsertAuthorization files an authorisation.
func (tx *Tx) InsertAuthorization(ctx context.Context, a registry.Authorization) error {
	doc, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO authorizations (id, agent_org_id, principal_org_id, state, valid_until, doc, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.ID, a.AgentOrgID, a.PrincipalOrgID, a.State, a.ValidUntil.String(), doc,
		micros(a.CreatedAt), micros(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert authorization: %w", err)
	}
	return nil
}

// UpdateAuthorization stores a changed authorisation.
func (tx *Tx) UpdateAuthorization(ctx context.Context, a registry.Authorization) error {
	doc, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return tx.execOne(ctx, "update authorization "+a.ID, `UPDATE authorizations SET state = $2, valid_until = $3, doc = $4, updated_at = $5 WHERE id = $1`,
		a.ID, a.State, a.ValidUntil.String(), doc, micros(a.UpdatedAt))
}

// Authorization loads an authorisation.
func (q *Querier) Authorization(ctx context.Context, id string) (registry.Authorization, error) {
	return q.authorization(ctx, id, "")
}

// AuthorizationForUpdate loads and locks an authorisation.
func (tx *Tx) AuthorizationForUpdate(ctx context.Context, id string) (registry.Authorization, error) {
	return tx.authorization(ctx, id, tx.d.forUpdate)
}

func (q *Querier) authorization(ctx context.Context, id, lock string) (registry.Authorization, error) {
	var doc string
	if err := q.q.QueryRowContext(ctx, `SELECT doc FROM authorizations WHERE id = $1`+lock, id).Scan(&doc); err != nil {
		return registry.Authorization{}, notFound(err, "authorization "+id)
	}
	var a registry.Authorization
	return a, json.Unmarshal([]byte(doc), &a)
}

// AuthorizationFilter selects authorisations; Party matches either side.
type AuthorizationFilter struct {
	Agent     string
	Principal string
	Party     string
	State     registry.AuthState
}

// Authorizations lists authorisations by id.
func (q *Querier) Authorizations(ctx context.Context, f AuthorizationFilter, p Page) ([]registry.Authorization, string, error) {
	w := where{}
	w.eq("agent_org_id", f.Agent)
	w.eq("principal_org_id", f.Principal)
	if f.Party != "" {
		w.cond("(agent_org_id = $? OR principal_org_id = $?)", f.Party, f.Party)
	}
	w.eq("state", string(f.State))
	w.after("id", p.After)
	out, err := queryDocs[registry.Authorization](ctx, q, `SELECT doc FROM authorizations`+w.sql()+` ORDER BY id LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list authorizations: %w", err)
	}
	rows, next := trim(out, p, func(a registry.Authorization) string { return a.ID })
	return rows, next, nil
}

// queryDocs runs a query whose single column is a JSON document.
func queryDocs[T any](ctx context.Context, q *Querier, query string, args ...any) ([]T, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// where builds a WHERE clause with numbered placeholders; "$?" in a
// condition stands for the next placeholder.
type where struct {
	conds []string
	args  []any
}

func (w *where) cond(c string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		c = strings.Replace(c, "$?", fmt.Sprintf("$%d", len(w.args)), 1)
	}
	w.conds = append(w.conds, c)
}

// eq adds col = v unless v is empty.
func (w *where) eq(col, v string) {
	if v != "" {
		w.cond(col+" = $?", v)
	}
}

// in adds col IN (...); an empty list matches nothing.
func (w *where) in(col string, vs []string) {
	if len(vs) == 0 {
		w.conds = append(w.conds, "1 = 0")
		return
	}
	var b strings.Builder
	b.WriteString(col + " IN (")
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		w.args = append(w.args, v)
		b.WriteString("$" + strconv.Itoa(len(w.args)))
	}
	b.WriteByte(')')
	w.conds = append(w.conds, b.String())
}

// anyOf adds (a OR b ...), sharing the placeholder numbering.
func (w *where) anyOf(parts ...func(*where)) {
	sub := where{args: w.args}
	for _, p := range parts {
		p(&sub)
	}
	w.args = sub.args
	w.conds = append(w.conds, "("+strings.Join(sub.conds, " OR ")+")")
}

func (w *where) after(col, cursor string) {
	if cursor != "" {
		w.cond(col+" > $?", cursor)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
