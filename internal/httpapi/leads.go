package httpapi

import (
	"net/http"
	"strconv"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
)

type (
	leadNoteRequest struct {
		Note string `json:"note,omitempty"`
	}
	leadTriageRequest struct {
		IDs    []string `json:"ids"`
		Action string   `json:"action"` // confirm, dismiss or send_to_brand
		Reason string   `json:"reason,omitempty"`
	}
	leadTriageResponse struct {
		Results []app.LeadResult `json:"results"`
	}
	brandAnswerRequest struct {
		Confirm *bool  `json:"confirm"`
		Note    string `json:"note,omitempty"`
	}
)

// registerLeads adds the detection leads: the investigators' triage queue
// and its steps, and the rights holder's answers to leads sent to it.
func (s *Server) registerLeads() {
	a := s.app
	getRoute(s, "GET", "/api/v1/leads", authenticated,
		"Detection leads by score, highest first, then oldest (staff: the triage queue; a rights holder: the leads sent to it, also with sent_to_me=true)",
		[]string{"limit", "cursor", "state", "brand", "sent_to_me"},
		func(r *http.Request, p auth.Principal) (List[app.Lead], error) {
			pg, err := page(r)
			if err != nil {
				return List[app.Lead]{}, err
			}
			q := r.URL.Query()
			var mine bool
			if v := q.Get("sent_to_me"); v != "" {
				if mine, err = strconv.ParseBool(v); err != nil {
					return List[app.Lead]{}, fault.InvalidField("sent_to_me", "must be true or false")
				}
			}
			leads, next, err := a.Leads(r.Context(), p, app.LeadQuery{State: app.LeadState(q.Get("state")), BrandID: q.Get("brand"), SentToMe: mine}, pg)
			return list(leads, next), err
		})
	getRoute(s, "GET", "/api/v1/leads/{id}", authenticated, "A lead with its score, signals and rules (a rights holder: one sent to it)", nil,
		func(r *http.Request, p auth.Principal) (app.Lead, error) {
			return a.Lead(r.Context(), p, r.PathValue("id"))
		})
	jsonRoute(s, "POST", "/api/v1/leads/{id}/confirm", authenticated,
		"Confirm a lead: a platform-initiated case on the listing is opened and decided at once (removal, statement of reasons where required)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reasonRequest) (app.Lead, error) {
			return a.ConfirmLead(r.Context(), p, r.PathValue("id"), in.Reason)
		})
	jsonRoute(s, "POST", "/api/v1/leads/{id}/dismiss", authenticated, "Dismiss a lead; the listing is labelled genuine", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reasonRequest) (app.Lead, error) {
			return a.DismissLead(r.Context(), p, r.PathValue("id"), in.Reason)
		})
	jsonRoute(s, "POST", "/api/v1/leads/{id}/send-to-brand", authenticated, "Ask the rights holder owning the brand to confirm or reject a lead", http.StatusOK,
		func(r *http.Request, p auth.Principal, in leadNoteRequest) (app.Lead, error) {
			return a.SendLeadToBrand(r.Context(), p, r.PathValue("id"), in.Note)
		})
	jsonRoute(s, "POST", "/api/v1/leads:triage", authenticated, "Confirm, dismiss or send to their brands up to 1,000 leads with one reason", http.StatusOK,
		func(r *http.Request, p auth.Principal, in leadTriageRequest) (leadTriageResponse, error) {
			res, err := a.TriageLeads(r.Context(), p, in.IDs, in.Action, in.Reason)
			return leadTriageResponse{Results: res}, err
		})
	jsonRoute(s, "POST", "/api/v1/leads/{id}/brand-answer", authenticated,
		"The rights holder's answer to a lead sent to it: confirm (a case opens for the platform to decide) or reject (labelled genuine)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in brandAnswerRequest) (app.Lead, error) {
			if in.Confirm == nil {
				// The lead is looked up first, so that a caller who may not
				// see it learns nothing from the validation error.
				if _, err := a.Lead(r.Context(), p, r.PathValue("id")); err != nil {
					return app.Lead{}, err
				}
				return app.Lead{}, fault.InvalidField("confirm", "say true (a counterfeit) or false (genuine)")
			}
			return a.AnswerLead(r.Context(), p, r.PathValue("id"), *in.Confirm, in.Note)
		})
}
