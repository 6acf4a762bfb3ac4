package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/blob"
	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

var ctx = context.Background()

// fastPasswords keeps argon2id but at a cost that makes fixtures quick.
var fastPasswords = auth.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

const testPassword = "test-password-1"

// identity is how a test request authenticates.
type identity struct {
	name    string
	session string // session token
	key     string // API key
	orgID   string
}

// world is a fixture with one organisation of every kind and a user of
// every role, built through the services.
type world struct {
	t       testing.TB
	db      *store.DB
	app     *app.App
	api     *Server
	srv     *httptest.Server
	ids     map[string]*identity
	sys     auth.Principal
	orgA    registry.Organisation // a verified rights holder
	orgB    registry.Organisation // another verified rights holder
	agent   registry.Organisation
	seller  registry.Organisation
	agency  registry.Organisation
	rightA  app.RightView
	rightB  app.RightView
	docA    registry.Document
	authG   registry.Authorization // agent → A, covers rightA
	authG2  registry.Authorization // a second one, for revocation
	keyA    auth.APIKey            // an API key of A (target of revocation)
	victimA auth.User              // a member of A to disable

	sellerID    string // the marketplace's seller id of the seller organisation
	noticeID    string // A's notice against listings L-1 and L-2 (cn-ecl, actioned)
	item1       string // on L-1
	item2       string // on L-2 (closed and retracted by the matrix)
	statementID string // a statement of reasons (eu-dsa item on L-3)
	sellerMsgID string // a message in the seller's inbox
	endpointID  string // a webhook endpoint
	deliveryID  string // one of its deliveries

	leads worldLeads // detection leads (leads_test.go)
}

func newWorld(t testing.TB, e storetest.Engine) *world {
	t.Helper()
	db, _ := storetest.Open(t, e)
	blobs, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(db, blobs, app.Options{Password: fastPasswords})
	api := New(a, Options{Secret: []byte("test-secret"), MaxUpload: 1 << 20})
	w := &world{t: t, db: db, app: a, api: api, ids: map[string]*identity{}}
	w.srv = httptest.NewServer(api)
	t.Cleanup(w.srv.Close)
	w.build()
	return w
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) user(name string, org registry.Organisation, role auth.Role) auth.User {
	w.t.Helper()
	u, err := w.app.CreateUser(ctx, w.sys, app.NewUserInput{OrgID: org.ID, Email: name + "@test.example", Password: testPassword, Role: role})
	w.must(err)
	s, err := w.app.Login(ctx, u.Email, testPassword)
	w.must(err)
	w.ids[name] = &identity{name: name, session: s.Token, orgID: org.ID}
	return u
}

func principalOf(u auth.User, o registry.Organisation) auth.Principal {
	return auth.Principal{UserID: u.ID, OrgID: o.ID, OrgKind: o.Kind, OrgState: o.State, Role: u.Role}
}

func (w *world) pdf(p auth.Principal, name string) registry.Document {
	w.t.Helper()
	d, err := w.app.Upload(ctx, p, bytes.NewReader([]byte("%PDF-1.4\n% "+name+"\n%%EOF\n")), name+".pdf")
	w.must(err)
	return d
}

// rightsHolder registers, qualifies and verifies a rights holder with one verified trademark.
func (w *world) rightsHolder(name, regNo string) (registry.Organisation, auth.Principal, app.RightView) {
	w.t.Helper()
	o, u, err := w.app.Register(ctx, app.Registration{Kind: registry.KindRightsHolder,
		Details: registry.OrgDetails{LegalName: name + " Ltd.", Country: "CN", RegistrationNumber: "REG-" + name, Address: "1 Test Road",
			Contact: registry.Contact{Name: "Desk", Email: name + "-contact@test.example"}},
		Owner: app.NewUserInput{Email: name + "-owner@test.example", Password: testPassword}})
	w.must(err)
	owner := principalOf(u, o)
	s, err := w.app.Login(ctx, u.Email, testPassword)
	w.must(err)
	w.ids[name+"Owner"] = &identity{name: name + "Owner", session: s.Token, orgID: o.ID}
	lic, id := w.pdf(owner, "licence"), w.pdf(owner, "id")
	_, err = w.app.UpdateOrg(ctx, owner, o.ID, app.OrgUpdate{Documents: []registry.DocRef{lic.Ref(registry.DocBusinessLicence), id.Ref(registry.DocRepresentativeID)}})
	w.must(err)
	_, err = w.app.SubmitOrg(ctx, owner, o.ID)
	w.must(err)
	o, err = w.app.ReviewOrg(ctx, w.sys, o.ID, registry.Verify, "")
	w.must(err)
	owner.OrgState = o.State
	cert := w.pdf(owner, "certificate")
	r, err := w.app.CreateRight(ctx, owner, registry.RightInput{Type: registry.Trademark, Trademark: &registry.TrademarkDetails{
		Office: "CNIPA", RegistrationNumber: regNo, MarkText: name, NiceClasses: []int{25},
		RegisteredOn: registry.NewDate(2020, 1, 1), ExpiresOn: registry.NewDate(2030, 1, 1)},
		Certificates: []registry.DocRef{{DocumentID: cert.ID}}})
	w.must(err)
	r, err = w.app.ReviewRight(ctx, w.sys, r.ID, registry.Verify, "")
	w.must(err)
	return o, owner, r
}

func (w *world) build() {
	platform, err := w.app.EnsurePlatform(ctx, "Platform")
	w.must(err)
	w.sys = auth.System
	w.sys.OrgID = platform.ID
	for _, r := range []auth.Role{auth.RoleAdmin, auth.RoleReviewer, auth.RoleInvestigator, auth.RoleLiaison, auth.RoleVolunteer} {
		w.user(string(r), platform, r)
	}
	_, key, err := w.app.CreateAPIKey(ctx, w.sys, app.NewKeyInput{OrgID: platform.ID, Role: auth.RoleIntegration, Name: "marketplace"})
	w.must(err)
	w.ids["integration"] = &identity{name: "integration", key: key, orgID: platform.ID}

	var aOwner auth.Principal
	w.orgA, aOwner, w.rightA = w.rightsHolder("a", "10000001")
	w.ids["aOwner"] = w.ids["aOwner"]
	w.user("aMember", w.orgA, auth.RoleMember)
	w.victimA = w.user("victimA", w.orgA, auth.RoleMember)
	delete(w.ids, "victimA")
	w.docA = w.pdf(aOwner, "evidence")
	w.keyA, _, err = w.app.CreateAPIKey(ctx, aOwner, app.NewKeyInput{Role: auth.RoleMember, Name: "a's key"})
	w.must(err)
	w.orgB, _, w.rightB = w.rightsHolder("b", "20000002")

	g, gu, err := w.app.Register(ctx, app.Registration{Kind: registry.KindAgent,
		Details: registry.OrgDetails{LegalName: "Agent LLP", Country: "CN", RegistrationNumber: "REG-agent", Address: "2 Test Road",
			Contact: registry.Contact{Name: "Desk", Email: "agent-contact@test.example"}},
		Owner: app.NewUserInput{Email: "agent@test.example", Password: testPassword}})
	w.must(err)
	gp := principalOf(gu, g)
	lic, id := w.pdf(gp, "licence"), w.pdf(gp, "id")
	_, err = w.app.UpdateOrg(ctx, gp, g.ID, app.OrgUpdate{Documents: []registry.DocRef{lic.Ref(registry.DocBusinessLicence), id.Ref(registry.DocRepresentativeID)}})
	w.must(err)
	_, err = w.app.SubmitOrg(ctx, gp, g.ID)
	w.must(err)
	w.agent, err = w.app.ReviewOrg(ctx, w.sys, g.ID, registry.Verify, "")
	w.must(err)
	gp.OrgState = w.agent.State
	s, err := w.app.Login(ctx, "agent@test.example", testPassword)
	w.must(err)
	w.ids["agent"] = &identity{name: "agent", session: s.Token, orgID: g.ID}
	for i, target := range []*registry.Authorization{&w.authG, &w.authG2} {
		letter := w.pdf(gp, "letter")
		in := registry.AuthorizationInput{PrincipalOrgID: w.orgA.ID, RightIDs: []string{w.rightA.ID},
			ValidFrom: registry.NewDate(2020, 1, 1), ValidUntil: registry.NewDate(2099, 12, 31), Letter: &registry.DocRef{DocumentID: letter.ID}}
		_ = i
		au, err := w.app.CreateAuthorization(ctx, gp, in)
		w.must(err)
		*target, err = w.app.ReviewAuthorization(ctx, w.sys, au.ID, registry.Verify, "")
		w.must(err)
	}

	w.sellerID = "S-1"
	sr, err := w.app.PutSeller(ctx, w.sys, w.sellerID, catalog.SellerInput{ID: w.sellerID, Name: "Seller Shop", Country: "CN"})
	w.must(err)
	w.seller, err = w.app.Org(ctx, w.sys, sr.Seller.OrgID)
	w.must(err)
	w.user("seller", w.seller, auth.RoleOwner)
	w.notices(aOwner)
	w.agency, err = w.app.CreateOrg(ctx, w.sys, registry.KindAgency, registry.OrgDetails{LegalName: "Market Regulator", Country: "CN"})
	w.must(err)
	w.user("agency", w.agency, auth.RoleOwner)
	w.buildLeads()
	w.ids["anon"] = &identity{name: "anon"}
}

// request sends a request as id; body is JSON unless it is a *multipart body.
func (w *world) request(id *identity, method, path string, body any) (int, []byte) {
	w.t.Helper()
	return w.requestWith(id, method, path, body, nil)
}

// requestWith is request with extra headers, which override the defaults
// (so a []byte body can be sent as text/csv, or with an Idempotency-Key).
func (w *world) requestWith(id *identity, method, path string, body any, header map[string]string) (int, []byte) {
	w.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case multipartBody:
		rd, ct = bytes.NewReader(b.data), b.contentType
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	default:
		raw, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	req, _ := http.NewRequest(method, w.srv.URL+path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if id.session != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: id.session})
		req.Header.Set(CSRFHeader, w.api.CSRFToken(id.session))
	}
	if id.key != "" {
		req.Header.Set("Authorization", "Bearer "+id.key)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

type multipartBody struct {
	data        []byte
	contentType string
}

func upload(name string, content []byte) multipartBody {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	return multipartBody{buf.Bytes(), mw.FormDataContentType()}
}

// notices pushes three listings of the seller and files A's notices
// against them: L-1 and L-2 in China (acted on at once), L-3 in Germany
// (decided by the reviewer, with a statement of reasons).
func (w *world) notices(aOwner auth.Principal) {
	w.t.Helper()
	for _, l := range []struct{ id, market string }{{"L-1", "CN"}, {"L-2", "CN"}, {"L-3", "DE"}} {
		doc := fmt.Sprintf(`{"id":%q,"seller_id":%q,"title":"A shoes","price":{"amount":"10.00","currency":"CNY"},"category":"shoes","markets":[%q],"updated_at":%q}`,
			l.id, w.sellerID, l.market, w.app.Now().Format(time.RFC3339))
		listing, err := catalog.ParseListing([]byte(doc), w.app.Now())
		w.must(err)
		_, err = w.app.PutListing(ctx, w.sys, l.id, listing)
		w.must(err)
	}
	eu, err := w.app.CreateRight(ctx, aOwner, registry.RightInput{Type: registry.Trademark, Trademark: &registry.TrademarkDetails{
		Office: "EUIPO", RegistrationNumber: "018000777", MarkText: "A", NiceClasses: []int{25},
		RegisteredOn: registry.NewDate(2020, 1, 1), ExpiresOn: registry.NewDate(2030, 1, 1)},
		Certificates: []registry.DocRef{{DocumentID: w.docA.ID}}})
	w.must(err)
	_, err = w.app.ReviewRight(ctx, w.sys, eu.ID, registry.Verify, "")
	w.must(err)
	attest := map[string]string{}
	for _, pid := range []string{"cn-ecl", "eu-dsa"} {
		p, err := w.app.Profiles().Profile(pid)
		w.must(err)
		for k, a := range p.Notice.AttestationTexts {
			attest[k] = a.Version
		}
	}
	file := func(right string, listings ...string) app.NoticeReceipt {
		in := app.NoticeInput{RightID: right, InfringementType: "counterfeit", Explanation: "fakes", Signature: "A Owner"}
		in.Attestations = map[string]string{}
		for k, v := range attest {
			if (right == eu.ID) == (k == "attest_bona_fide") {
				in.Attestations[k] = v
			}
		}
		for _, l := range listings {
			in.Items = append(in.Items, app.NoticeItemInput{ListingID: l})
		}
		rc, err := w.app.FileNotice(ctx, aOwner, in)
		w.must(err)
		return rc
	}
	rc := file(w.rightA.ID, "L-1", "L-2")
	w.noticeID, w.item1, w.item2 = rc.Notice.ID, rc.Items[0].ID, rc.Items[1].ID
	rc = file(eu.ID, "L-3")
	reviewer := w.sys
	reviewer.Role = auth.RoleReviewer
	v, err := w.app.Decide(ctx, reviewer, rc.Items[0].ID, app.DecisionInput{Outcome: "action", Reason: "EUTMR Art. 9"})
	w.must(err)
	w.statementID = v.Statements[0].ID
	msgs, _, err := w.app.Inbox(ctx, auth.Principal{OrgID: w.seller.ID}, store.Page{Limit: 1})
	w.must(err)
	w.sellerMsgID = msgs[0].ID
	e, _, err := w.app.CreateWebhook(ctx, w.sys, app.WebhookInput{URL: "https://hooks.market.example/dajia", Topics: []string{"action.*"}})
	w.must(err)
	w.endpointID = e.ID
	_, err = w.db.FanOut(ctx, w.app.Now(), 1000)
	w.must(err)
	ds, _, err := w.db.WebhookDeliveries(ctx, store.DeliveryFilter{EndpointID: e.ID}, store.Page{Limit: 1})
	w.must(err)
	w.deliveryID = ds[0].ID
}
