// Package demo seeds a small, realistic demo world: platform staff, three
// verified brands with trademarks in several offices, an agent under a
// verified authorisation, ten sellers with listings, and notices in the
// states people meet every day (acted on in China, waiting for review in
// the EU, answered by a counter-notice that the brand must now act on).
// `dajia serve --demo` and the web interface's browser tests use it.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
)

// Password is the password of every demo login.
const Password = "dajia-demo-2026"

type brandSpec struct {
	name, nameZH, regNo, email string
	country                    string
	marks                      []markSpec
}

type markSpec struct {
	office, number, text string
	classes              []int
}

var brands = []brandSpec{
	{"Aurora Athletics Co., Ltd.", "极光运动用品有限公司", "91440300MA5AURORA1", "ip@aurora.demo", "CN", []markSpec{
		{"CNIPA", "31245678", "AURORA 极光", []int{25, 28}}, {"USPTO", "6123456", "AURORA", []int{25}}, {"EUIPO", "018234567", "AURORA", []int{25, 28}}}},
	{"Lotus Leather Goods Ltd.", "莲花皮具有限公司", "91330100MA2LOTUS22", "legal@lotus.demo", "CN", []markSpec{
		{"CNIPA", "28765432", "LOTUS 莲花", []int{18}}, {"WIPO", "1567890", "LOTUS", []int{18, 25}}}},
	{"Nimbus Electronics Inc.", "云朵电子", "C4012345", "brand@nimbus.demo", "US", []markSpec{
		{"USPTO", "5987654", "NIMBUS", []int{9}}, {"CNIPA", "40123987", "NIMBUS 云朵", []int{9}}, {"EUIPO", "018765432", "NIMBUS", []int{9}}}},
}

var sellers = []string{"Shenzhen Quick Trade Store", "Yiwu Best Goods", "Guangzhou Fashion House", "Putian Sneaker World",
	"Hangzhou Bags Outlet", "Dongguan Digital Mall", "Xiamen Sports Corner", "Wenzhou Leather Shop", "Ningbo Gadget Hub", "Quanzhou Shoe Factory Store"}

// PDF is a tiny valid PDF standing in for scanned certificates.
func PDF(title string) []byte {
	return []byte("%PDF-1.4\n% dajia demo document: " + title + "\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// Login is one demo account.
type Login struct {
	Who   string // what the account is, for people
	Email string
	Role  auth.Role
}

// World is what Seed created, for tests and for printing the logins.
type World struct {
	Logins []Login
	// Items are notice items by what they show: "cn_actioned",
	// "eu_pending", "countered" (forwarded to the brand), "us_pending".
	Items map[string]string
	// AlreadyPresent is set when the world had been seeded before.
	AlreadyPresent bool
}

// Email returns the e-mail address of the first login whose Who starts
// with prefix.
func (w World) Email(prefix string) string {
	for _, l := range w.Logins {
		if len(l.Who) >= len(prefix) && l.Who[:len(prefix)] == prefix {
			return l.Email
		}
	}
	return ""
}

// Seed creates the demo world once; sys is the platform's System principal.
func Seed(ctx context.Context, a *app.App, sys auth.Principal) (World, error) {
	w := World{Items: map[string]string{}}
	if _, err := a.UserByEmail(ctx, "reviewer@demo.dajia.local"); err == nil {
		w.AlreadyPresent = true
		return w, nil
	} else if !errors.Is(err, fault.ErrNotFound) {
		return w, err
	}
	staff := []struct {
		email string
		role  auth.Role
	}{{"admin@demo.dajia.local", auth.RoleAdmin}, {"reviewer@demo.dajia.local", auth.RoleReviewer},
		{"investigator@demo.dajia.local", auth.RoleInvestigator}, {"liaison@demo.dajia.local", auth.RoleLiaison}}
	for _, s := range staff {
		if _, err := a.CreateUser(ctx, sys, app.NewUserInput{Email: s.email, Name: "Demo " + string(s.role), Password: Password, Role: s.role}); err != nil {
			return w, err
		}
		w.Logins = append(w.Logins, Login{"platform " + string(s.role), s.email, s.role})
	}
	reviewer := sys
	reviewer.Role = auth.RoleReviewer

	now := a.Now()
	owners := make([]auth.Principal, len(brands))
	rights := map[string]string{} // office:brand index → right id
	for i, b := range brands {
		org, owner, err := onboard(ctx, a, reviewer, registry.KindRightsHolder, b.name, b.country, b.regNo, b.email)
		if err != nil {
			return w, fmt.Errorf("onboard %s: %w", b.name, err)
		}
		_ = org
		owners[i] = owner
		w.Logins = append(w.Logins, Login{"rights holder " + b.name + " (" + b.nameZH + ")", b.email, auth.RoleOwner})
		for _, mk := range b.marks {
			cert, err := a.Upload(ctx, owner, bytes.NewReader(PDF(mk.office+" "+mk.number)), mk.office+"-"+mk.number+".pdf")
			if err != nil {
				return w, err
			}
			in := registry.RightInput{Type: registry.Trademark, Trademark: &registry.TrademarkDetails{Office: mk.office, RegistrationNumber: mk.number,
				MarkText: mk.text, NiceClasses: mk.classes, Goods: "goods of classes " + fmt.Sprint(mk.classes),
				RegisteredOn: registry.NewDate(2016+i, time.March, 1), ExpiresOn: registry.NewDate(now.Year()+5+i, time.February, 28)},
				Certificates: []registry.DocRef{{DocumentID: cert.ID}}}
			if mk.office == "WIPO" {
				in.Territories = []string{"CN", "US", "DE", "FR", "IT", "JP"}
			}
			r, err := a.CreateRight(ctx, owner, in)
			if err != nil {
				return w, fmt.Errorf("right %s %s: %w", mk.office, mk.number, err)
			}
			if _, err := a.ReviewRight(ctx, reviewer, r.ID, registry.Verify, ""); err != nil {
				return w, err
			}
			rights[fmt.Sprintf("%s:%d", mk.office, i)] = r.ID
		}
	}

	_, agentOwner, err := onboard(ctx, a, reviewer, registry.KindAgent, "Shield IP Services LLP", "CN", "91310000MA1SHIELD9", "agent@shield.demo")
	if err != nil {
		return w, fmt.Errorf("onboard agent: %w", err)
	}
	w.Logins = append(w.Logins, Login{"agent Shield IP Services (for " + brands[0].name + ")", "agent@shield.demo", auth.RoleOwner})
	letter, err := a.Upload(ctx, agentOwner, bytes.NewReader(PDF("authorisation letter")), "authorisation.pdf")
	if err != nil {
		return w, err
	}
	au, err := a.CreateAuthorization(ctx, agentOwner, registry.AuthorizationInput{PrincipalOrgID: owners[0].OrgID, AllRights: true,
		ValidFrom: registry.NewDate(now.Year(), time.January, 1), ValidUntil: registry.NewDate(now.Year()+2, time.December, 31),
		Letter: &registry.DocRef{DocumentID: letter.ID}})
	if err != nil {
		return w, fmt.Errorf("authorisation: %w", err)
	}
	if _, err := a.ReviewAuthorization(ctx, reviewer, au.ID, registry.Verify, ""); err != nil {
		return w, err
	}

	// Sellers, synced from the marketplace, each with a few listings.
	sellerOwners := make([]auth.Principal, len(sellers))
	for i, name := range sellers {
		sid := fmt.Sprintf("S-%d", i+1)
		res, err := a.PutSeller(ctx, sys, sid, catalog.SellerInput{ID: sid, Name: name, Country: "CN"})
		if err != nil {
			return w, fmt.Errorf("seller %s: %w", name, err)
		}
		email := fmt.Sprintf("seller%d@demo.dajia.local", i+1)
		u, err := a.CreateUser(ctx, sys, app.NewUserInput{OrgID: res.Seller.OrgID, Email: email, Name: "Shop owner", Password: Password, Role: auth.RoleOwner})
		if err != nil {
			return w, err
		}
		org, err := a.Org(ctx, sys, res.Seller.OrgID)
		if err != nil {
			return w, err
		}
		sellerOwners[i] = auth.Principal{UserID: u.ID, OrgID: org.ID, OrgKind: org.Kind, OrgState: org.State, Role: auth.RoleOwner}
		if i < 3 {
			w.Logins = append(w.Logins, Login{"seller " + name, email, auth.RoleOwner})
		}
		for j, l := range listingsOf(i) {
			doc, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("L-%d-%d", i+1, j+1), "seller_id": sid, "title": l.title,
				"price": map[string]any{"amount": l.price, "currency": l.currency}, "category": l.category,
				"url": fmt.Sprintf("https://market.example/item/L-%d-%d", i+1, j+1), "ship_from": map[string]any{"country": "CN"},
				"markets": l.markets, "updated_at": now.Format(time.RFC3339)})
			listing, err := catalog.ParseListing(doc, now)
			if err != nil {
				return w, fmt.Errorf("listing %d-%d: %w", i+1, j+1, err)
			}
			if _, err := a.PutListing(ctx, sys, listing.ID, listing); err != nil {
				return w, fmt.Errorf("listing %s: %w", listing.ID, err)
			}
		}
	}
	w.Logins = append(w.Logins, Login{"(seven more sellers)", "seller4..seller10@demo.dajia.local", auth.RoleOwner})

	// Notices. Aurora in China: acted on at once (ECL Art. 42).
	rc, err := file(ctx, a, owners[0], rights["CNIPA:0"], []string{"L-1-1", "L-5-2", "L-6-1"}, "cn-ecl")
	if err != nil {
		return w, fmt.Errorf("CN notice: %w", err)
	}
	w.Items["cn_actioned"] = rc.Items[1].ID
	// Seller 1 answers with a counter-notice, forwarded to Aurora, whose
	// 15-day clock to show proceedings now runs.
	cp, err := a.Profiles().Profile("cn-ecl")
	if err != nil {
		return w, err
	}
	attest := map[string]string{}
	for k, at := range cp.CounterNotice.Attestations {
		attest[k] = at.Version
	}
	if _, err := a.SubmitCounterNotice(ctx, sellerOwners[0], rc.Items[0].ID, app.CounterInput{
		Fields:    map[string]string{"identity_real": sellers[0], "contact": "shop1@seller.demo"},
		Statement: "These are genuine AURORA shoes bought from the authorised distributor; invoices attached on request.", Attestations: attest}); err != nil {
		return w, fmt.Errorf("counter-notice: %w", err)
	}
	w.Items["countered"] = rc.Items[0].ID
	// Aurora in the EU: waits for a reviewer, who must explain the decision.
	rc, err = file(ctx, a, owners[0], rights["EUIPO:0"], []string{"L-2-1", "L-5-3"}, "eu-dsa")
	if err != nil {
		return w, fmt.Errorf("EU notice: %w", err)
	}
	w.Items["eu_pending"] = rc.Items[0].ID
	// Nimbus in the US: marketplace trademark practice, reviewed by staff.
	rc, err = file(ctx, a, owners[2], rights["USPTO:2"], []string{"L-3-1"}, "us-tm-marketplace")
	if err != nil {
		return w, fmt.Errorf("US notice: %w", err)
	}
	w.Items["us_pending"] = rc.Items[0].ID
	return w, nil
}

// file files a notice for a right against listings, confirming every
// attestation its profiles require.
func file(ctx context.Context, a *app.App, owner auth.Principal, rightID string, listings []string, profiles ...string) (app.NoticeReceipt, error) {
	in := app.NoticeInput{RightID: rightID, InfringementType: "counterfeit", Signature: "IP Manager", Language: "en", Channel: "web",
		Explanation:  "The listings use our registered mark on goods we did not make; price and photos match known counterfeits.",
		Attestations: map[string]string{}}
	for _, pid := range profiles {
		p, err := a.Profiles().Profile(pid)
		if err != nil {
			return app.NoticeReceipt{}, err
		}
		for k, at := range p.Notice.AttestationTexts {
			in.Attestations[k] = at.Version
		}
	}
	for _, l := range listings {
		in.Items = append(in.Items, app.NoticeItemInput{ListingID: l})
	}
	return a.FileNotice(ctx, owner, in)
}

type listingSpec struct {
	title, price, currency, category string
	markets                          []string
}

// listingsOf gives seller i its listings: some use a brand's mark (the
// notices' targets), some are ordinary goods.
func listingsOf(i int) []listingSpec {
	all := []listingSpec{
		{"AURORA 极光 running shoes, men's, size 42", "89.00", "CNY", "shoes", []string{"CN"}},
		{"AURORA trail runner, top quality replica", "35.00", "EUR", "shoes", []string{"DE", "FR"}},
		{"NIMBUS wireless earbuds pro", "12.99", "USD", "electronics", []string{"US"}},
		{"LOTUS 莲花 leather handbag", "120.00", "CNY", "bags", []string{"CN"}},
		{"Plain cotton T-shirt, white", "29.00", "CNY", "apparel", []string{"CN"}},
	}
	out := make([]listingSpec, 0, 3)
	for k := 0; k < 3; k++ {
		out = append(out, all[(i+k)%len(all)])
	}
	return out
}

// onboard registers an organisation, uploads its qualification documents,
// submits it and has the reviewer verify it.
func onboard(ctx context.Context, a *app.App, reviewer auth.Principal, kind registry.OrgKind, name, country, regNo, email string) (registry.Organisation, auth.Principal, error) {
	org, u, err := a.Register(ctx, app.Registration{Kind: kind,
		Details: registry.OrgDetails{LegalName: name, Country: country, RegistrationNumber: regNo, Address: "Demo Road 1, " + country,
			Contact: registry.Contact{Name: "IP Manager", Email: email}},
		Owner: app.NewUserInput{Email: email, Name: "IP Manager", Password: Password}})
	if err != nil {
		return org, auth.Principal{}, err
	}
	owner := auth.Principal{UserID: u.ID, OrgID: org.ID, OrgKind: org.Kind, OrgState: org.State, Role: auth.RoleOwner}
	var docs []registry.DocRef
	for _, role := range []registry.DocRole{registry.DocBusinessLicence, registry.DocRepresentativeID} {
		d, err := a.Upload(ctx, owner, bytes.NewReader(PDF(string(role)+" of "+name)), string(role)+".pdf")
		if err != nil {
			return org, owner, err
		}
		docs = append(docs, registry.DocRef{Role: role, DocumentID: d.ID})
	}
	if _, err := a.UpdateOrg(ctx, owner, org.ID, app.OrgUpdate{Documents: docs}); err != nil {
		return org, owner, err
	}
	if _, err := a.SubmitOrg(ctx, owner, org.ID); err != nil {
		return org, owner, err
	}
	if org, err = a.ReviewOrg(ctx, reviewer, org.ID, registry.Verify, ""); err != nil {
		return org, owner, err
	}
	owner.OrgState = org.State
	return org, owner, nil
}

//go:embed detect-profile.json
var detectProfile []byte

// DetectProfile is the protection profile of the demo brands (names in
// both scripts, genuine reference prices), for `dajia serve --demo`.
func DetectProfile() []byte { return detectProfile }
