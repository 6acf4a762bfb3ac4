package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
)

// DemoPassword is the password of every demo login.
const DemoPassword = "dajia-demo-2026"

type demoBrand struct {
	name, nameZH, regNo, email string
	country                    string
	marks                      []demoMark
}

type demoMark struct {
	office, number, text string
	classes              []int
}

var demoBrands = []demoBrand{
	{"Aurora Athletics Co., Ltd.", "极光运动用品有限公司", "91440300MA5AURORA1", "ip@aurora.demo", "CN", []demoMark{
		{"CNIPA", "31245678", "AURORA 极光", []int{25, 28}}, {"USPTO", "6123456", "AURORA", []int{25}}, {"EUIPO", "018234567", "AURORA", []int{25, 28}}}},
	{"Lotus Leather Goods Ltd.", "莲花皮具有限公司", "91330100MA2LOTUS22", "legal@lotus.demo", "CN", []demoMark{
		{"CNIPA", "28765432", "LOTUS 莲花", []int{18}}, {"WIPO", "1567890", "LOTUS", []int{18, 25}}}},
	{"Nimbus Electronics Inc.", "云朵电子", "C4012345", "brand@nimbus.demo", "US", []demoMark{
		{"USPTO", "5987654", "NIMBUS", []int{9}}, {"CNIPA", "40123987", "NIMBUS 云朵", []int{9}}, {"EUIPO", "018765432", "NIMBUS", []int{9}}}},
}

var demoSellers = []string{"Shenzhen Quick Trade Store", "Yiwu Best Goods", "Guangzhou Fashion House", "Putian Sneaker World",
	"Hangzhou Bags Outlet", "Dongguan Digital Mall", "Xiamen Sports Corner", "Wenzhou Leather Shop", "Ningbo Gadget Hub", "Quanzhou Shoe Factory Store"}

// demoPDF is a tiny valid PDF standing in for scanned certificates.
func demoPDF(title string) []byte {
	return []byte("%PDF-1.4\n% dajia demo document: " + title + "\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// seedDemo creates the demo world once and prints its logins.
func seedDemo(ctx context.Context, a *app.App, out io.Writer) error {
	sys, err := system(ctx, a)
	if err != nil {
		return err
	}
	type login struct{ who, email string }
	var logins []login
	defer func() {
		if len(logins) == 0 {
			return
		}
		fmt.Fprintf(out, "\nDemo logins (password %q for all):\n", DemoPassword)
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		for _, l := range logins {
			fmt.Fprintf(tw, "  %s\t%s\n", l.who, l.email)
		}
		tw.Flush()
		fmt.Fprintln(out)
	}()
	if _, err := a.UserByEmail(ctx, "reviewer@demo.dajia.local"); err == nil {
		fmt.Fprintf(out, "Demo world already present; demo logins use the password %q.\n", DemoPassword)
		return nil
	} else if !errors.Is(err, fault.ErrNotFound) {
		return err
	}
	staff := []struct {
		email string
		role  auth.Role
	}{{"reviewer@demo.dajia.local", auth.RoleReviewer}, {"investigator@demo.dajia.local", auth.RoleInvestigator}, {"liaison@demo.dajia.local", auth.RoleLiaison}}
	for _, s := range staff {
		if _, err := a.CreateUser(ctx, sys, app.NewUserInput{Email: s.email, Password: DemoPassword, Role: s.role}); err != nil {
			return err
		}
		logins = append(logins, login{"platform " + string(s.role), s.email})
	}
	reviewer := sys
	reviewer.Role = auth.RoleReviewer

	now := a.Now()
	var firstBrand registry.Organisation
	var firstRights []string
	for i, b := range demoBrands {
		org, owner, err := onboard(ctx, a, reviewer, registry.KindRightsHolder, b.name, b.country, b.regNo, b.email)
		if err != nil {
			return fmt.Errorf("onboard %s: %w", b.name, err)
		}
		logins = append(logins, login{"rights holder " + b.name + " (" + b.nameZH + ")", b.email})
		for _, mk := range b.marks {
			cert, err := a.Upload(ctx, owner, bytes.NewReader(demoPDF(mk.office+" "+mk.number)), mk.office+"-"+mk.number+".pdf")
			if err != nil {
				return err
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
				return fmt.Errorf("right %s %s: %w", mk.office, mk.number, err)
			}
			if _, err := a.ReviewRight(ctx, reviewer, r.ID, registry.Verify, ""); err != nil {
				return err
			}
			if i == 0 {
				firstRights = append(firstRights, r.ID)
			}
		}
		if i == 0 {
			firstBrand = org
		}
	}

	agent, agentOwner, err := onboard(ctx, a, reviewer, registry.KindAgent, "Shield IP Services LLP", "CN", "91310000MA1SHIELD9", "agent@shield.demo")
	if err != nil {
		return fmt.Errorf("onboard agent: %w", err)
	}
	logins = append(logins, login{"agent Shield IP Services (for " + demoBrands[0].name + ")", "agent@shield.demo"})
	letter, err := a.Upload(ctx, agentOwner, bytes.NewReader(demoPDF("authorisation letter")), "authorisation.pdf")
	if err != nil {
		return err
	}
	au, err := a.CreateAuthorization(ctx, agentOwner, registry.AuthorizationInput{PrincipalOrgID: firstBrand.ID, AllRights: true,
		ValidFrom: registry.NewDate(now.Year(), time.January, 1), ValidUntil: registry.NewDate(now.Year()+2, time.December, 31),
		Letter: &registry.DocRef{DocumentID: letter.ID}})
	if err != nil {
		return fmt.Errorf("authorisation: %w", err)
	}
	if _, err := a.ReviewAuthorization(ctx, reviewer, au.ID, registry.Verify, ""); err != nil {
		return err
	}
	_ = agent
	_ = firstRights

	for i, name := range demoSellers {
		org, err := a.CreateOrg(ctx, sys, registry.KindSeller, registry.OrgDetails{LegalName: name, Country: "CN"})
		if err != nil {
			return err
		}
		email := fmt.Sprintf("seller%d@demo.dajia.local", i+1)
		if _, err := a.CreateUser(ctx, sys, app.NewUserInput{OrgID: org.ID, Email: email, Password: DemoPassword, Role: auth.RoleOwner}); err != nil {
			return err
		}
		if i < 3 {
			logins = append(logins, login{"seller " + name, email})
		}
	}
	logins = append(logins, login{"(seven more sellers)", "seller4..seller10@demo.dajia.local"})
	return nil
}

// onboard registers an organisation, uploads its qualification documents,
// submits it and has the reviewer verify it.
func onboard(ctx context.Context, a *app.App, reviewer auth.Principal, kind registry.OrgKind, name, country, regNo, email string) (registry.Organisation, auth.Principal, error) {
	org, u, err := a.Register(ctx, app.Registration{Kind: kind,
		Details: registry.OrgDetails{LegalName: name, Country: country, RegistrationNumber: regNo, Address: "Demo Road 1, " + country,
			Contact: registry.Contact{Name: "IP Manager", Email: email}},
		Owner: app.NewUserInput{Email: email, Name: "IP Manager", Password: DemoPassword}})
	if err != nil {
		return org, auth.Principal{}, err
	}
	owner := auth.Principal{UserID: u.ID, OrgID: org.ID, OrgKind: org.Kind, OrgState: org.State, Role: auth.RoleOwner}
	var docs []registry.DocRef
	for _, role := range []registry.DocRole{registry.DocBusinessLicence, registry.DocRepresentativeID} {
		d, err := a.Upload(ctx, owner, bytes.NewReader(demoPDF(string(role)+" of "+name)), string(role)+".pdf")
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
