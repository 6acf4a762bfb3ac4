package httpapi

import (
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/policy"
	"github.com/dajia-project/dajia/internal/sor"
	"github.com/dajia-project/dajia/internal/store"
)

// maxNoticeBody bounds a notice upload (10,000 items as JSON or CSV).
const maxNoticeBody = 16 << 20

type (
	noticeItemRequest struct {
		ListingID        string   `json:"listing_id"`
		RightID          string   `json:"right_id,omitempty"`
		InfringementType string   `json:"infringement_type,omitempty"`
		EvidenceIDs      []string `json:"evidence_ids,omitempty"`
		Note             string   `json:"note,omitempty"`
	}
	noticeRequest struct {
		PrincipalOrgID    string              `json:"principal_org_id,omitempty"`
		RightID           string              `json:"right_id,omitempty"`
		InfringementType  string              `json:"infringement_type"`
		Explanation       string              `json:"explanation,omitempty"`
		Signature         string              `json:"signature,omitempty"`
		RequestedMeasures []string            `json:"requested_measures,omitempty"`
		Attestations      map[string]string   `json:"attestations"`
		EvidenceIDs       []string            `json:"evidence_ids,omitempty"`
		Language          string              `json:"language,omitempty"`
		Items             []noticeItemRequest `json:"items"`
	}
	decisionRequest struct {
		Outcome             notice.Outcome `json:"outcome"`
		Reason              string         `json:"reason"`
		Explanation         string         `json:"explanation,omitempty"`
		Measures            []string       `json:"measures,omitempty"`
		Rev                 *int           `json:"rev,omitempty"`
		ManifestlyUnfounded bool           `json:"manifestly_unfounded,omitempty"`
	}
	bulkDecisionRequest struct {
		ItemIDs []string `json:"item_ids"`
		decisionRequest
	}
	counterRequest struct {
		Profile      string            `json:"profile,omitempty"`
		Fields       map[string]string `json:"fields,omitempty"`
		Attestations map[string]string `json:"attestations"`
		EvidenceIDs  []string          `json:"evidence_ids,omitempty"`
		Statement    string            `json:"statement"`
	}
	complaintRequest struct {
		Profile     string   `json:"profile,omitempty"`
		Statement   string   `json:"statement"`
		EvidenceIDs []string `json:"evidence_ids,omitempty"`
	}
	complaintDecisionRequest struct {
		Outcome  string   `json:"outcome"`
		Reason   string   `json:"reason"`
		Measures []string `json:"measures,omitempty"`
	}
	proceedingsRequest struct {
		Kind        string   `json:"kind"`
		Reference   string   `json:"reference,omitempty"`
		EvidenceIDs []string `json:"evidence_ids"`
	}
	tollingRequest struct {
		Reason      string    `json:"reason"`
		From        time.Time `json:"from"`
		To          time.Time `json:"to"`
		EvidenceIDs []string  `json:"evidence_ids"`
	}
	completionRequest struct {
		Explanation string   `json:"explanation,omitempty"`
		Signature   string   `json:"signature,omitempty"`
		EvidenceIDs []string `json:"evidence_ids,omitempty"`
	}
	questionRequest struct {
		Question string `json:"question"`
	}
	proceedingsOutcomeRequest struct {
		Infringing bool   `json:"infringing"`
		Reason     string `json:"reason"`
	}
	bulkResponse struct {
		Results []app.BulkResult `json:"results"`
	}
	queueResponse struct {
		Items []app.ItemSummary `json:"items"`
	}
	registerPage struct {
		Items      []app.RegisterEntry `json:"items"`
		NextCursor string              `json:"next_cursor,omitempty"`
	}
	profileSummary struct {
		ID           string                        `json:"id"`
		LegalRefs    []string                      `json:"legal_refs"`
		Territories  []string                      `json:"territories"`
		RightTypes   []string                      `json:"right_types"`
		Required     []string                      `json:"notice_required_fields"`
		Attestations map[string]policy.Attestation `json:"notice_attestations"`
		Counter      policy.CounterNotice          `json:"counter_notice"`
		Timing       string                        `json:"measure_timing"`
	}
)

func (in noticeRequest) input(channel string) app.NoticeInput {
	out := app.NoticeInput{PrincipalOrgID: in.PrincipalOrgID, RightID: in.RightID, InfringementType: in.InfringementType, Explanation: in.Explanation,
		Signature: in.Signature, RequestedMeasures: in.RequestedMeasures, Attestations: in.Attestations, EvidenceIDs: in.EvidenceIDs,
		Language: in.Language, Channel: channel}
	for _, it := range in.Items {
		out.Items = append(out.Items, app.NoticeItemInput{ListingID: it.ListingID, RightID: it.RightID, InfringementType: it.InfringementType,
			EvidenceIDs: it.EvidenceIDs, Note: it.Note})
	}
	return out
}

func (s *Server) registerNotices() {
	a := s.app
	s.add(route{method: "POST", path: "/api/v1/notices", status: http.StatusCreated, request: noticeRequest{}, response: app.NoticeReceipt{}, csv: true,
		query:   []string{"partial", "principal_org_id", "right_id", "infringement_type", "explanation", "signature", "attest", "language"},
		summary: "File a notice against 1 to 10,000 listings, as JSON or as text/csv (columns listing_id,right_id,infringement_type,evidence_ids,note; notice fields as query parameters, attest=key:version)",
		h:       s.fileNotice})
	getRoute(s, "GET", "/api/v1/notices", authenticated, "List the notices filed by or for your organisation (staff: all)", []string{"limit", "cursor"},
		func(r *http.Request, p auth.Principal) (List[app.Notice], error) {
			pg, err := page(r)
			if err != nil {
				return List[app.Notice]{}, err
			}
			items, next, err := a.Notices(r.Context(), p, pg)
			return list(items, next), err
		})
	getRoute(s, "GET", "/api/v1/notices/{id}", authenticated, "Read a notice", nil,
		func(r *http.Request, p auth.Principal) (app.Notice, error) {
			return a.Notice(r.Context(), p, r.PathValue("id"))
		})
	getRoute(s, "GET", "/api/v1/items", authenticated, "List items: a notifier's, a seller's (the notices against its listings), or all for staff",
		[]string{"limit", "cursor", "notice_id", "listing_id", "state", "open"},
		func(r *http.Request, p auth.Principal) (List[app.ItemSummary], error) {
			pg, err := page(r)
			if err != nil {
				return List[app.ItemSummary]{}, err
			}
			q := r.URL.Query()
			open, _ := strconv.ParseBool(q.Get("open"))
			items, next, err := a.Items(r.Context(), p, app.ItemQuery{NoticeID: q.Get("notice_id"), ListingID: q.Get("listing_id"), State: q.Get("state"), OpenOnly: open}, pg)
			return list(items, next), err
		})
	getRoute(s, "GET", "/api/v1/items/{id}", authenticated, "Read an item with its state, deadlines, filings and statements of reasons", nil,
		func(r *http.Request, p auth.Principal) (app.ItemView, error) {
			return a.Item(r.Context(), p, r.PathValue("id"))
		})
	getRoute(s, "GET", "/api/v1/review/queue", authenticated, "The review queue: trusted notifiers first, then by review deadline", []string{"limit"},
		func(r *http.Request, p auth.Principal) (queueResponse, error) {
			n, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			items, err := a.ReviewQueue(r.Context(), p, n)
			if items == nil {
				items = []app.ItemSummary{}
			}
			return queueResponse{Items: items}, err
		})
	s.add(route{method: "POST", path: "/api/v1/items/{id}/claim", summary: "Claim an item for review (30 minutes)", response: app.ItemView{},
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			v, err := a.ClaimItem(r.Context(), p, r.PathValue("id"))
			return respond(w, v, err)
		}})
	jsonRoute(s, "POST", "/api/v1/items/{id}/decision", authenticated, "Decide an item under review (action or no_action, with the reason)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in decisionRequest) (app.ItemView, error) {
			return a.Decide(r.Context(), p, r.PathValue("id"), in.input())
		})
	jsonRoute(s, "POST", "/api/v1/items:decide", authenticated, "Decide many items with one reason", http.StatusOK,
		func(r *http.Request, p auth.Principal, in bulkDecisionRequest) (bulkResponse, error) {
			res, err := a.DecideMany(r.Context(), p, in.ItemIDs, in.input())
			return bulkResponse{Results: res}, err
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/request-information", authenticated, "Ask the notifier for more information", http.StatusOK,
		func(r *http.Request, p auth.Principal, in questionRequest) (app.ItemView, error) {
			return a.RequestInformation(r.Context(), p, r.PathValue("id"), in.Question)
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/complete", authenticated, "Supply what an incomplete notice item lacked", http.StatusOK,
		func(r *http.Request, p auth.Principal, in completionRequest) (app.ItemView, error) {
			return a.CompleteItem(r.Context(), p, r.PathValue("id"), app.CompletionInput{Explanation: in.Explanation, Signature: in.Signature, EvidenceIDs: in.EvidenceIDs})
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/counter-notice", authenticated, "The seller's counter-notice (declaration of non-infringement)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in counterRequest) (app.ItemView, error) {
			return a.SubmitCounterNotice(r.Context(), p, r.PathValue("id"), app.CounterInput{Profile: in.Profile, Fields: in.Fields,
				Attestations: in.Attestations, EvidenceIDs: in.EvidenceIDs, Statement: in.Statement})
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/complaints", authenticated, "An internal complaint against the decision (DSA Art. 20), by the seller or the notifier", http.StatusOK,
		func(r *http.Request, p auth.Principal, in complaintRequest) (app.ItemView, error) {
			return a.FileComplaint(r.Context(), p, r.PathValue("id"), in.Profile, in.Statement, in.EvidenceIDs)
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/complaint-decision", authenticated, "Decide an open complaint (a reviewer other than the original decision-maker)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in complaintDecisionRequest) (app.ItemView, error) {
			return a.DecideComplaint(r.Context(), p, r.PathValue("id"), in.Outcome, in.Reason, in.Measures)
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/proceedings", authenticated, "The notifier's proof of a complaint to an authority or a lawsuit", http.StatusOK,
		func(r *http.Request, p auth.Principal, in proceedingsRequest) (app.ItemView, error) {
			return a.FileProceedings(r.Context(), p, r.PathValue("id"), app.ProceedingsInput{Kind: in.Kind, Reference: in.Reference, EvidenceIDs: in.EvidenceIDs})
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/proceedings-outcome", authenticated, "Record how the proceedings that held an item ended (staff)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in proceedingsOutcomeRequest) (app.ItemView, error) {
			return a.ProceedingsDecided(r.Context(), p, r.PathValue("id"), in.Infringing, in.Reason)
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/tolling", authenticated, "Ask to extend the restoration deadline for a delay outside your control", http.StatusOK,
		func(r *http.Request, p auth.Principal, in tollingRequest) (app.ItemView, error) {
			return a.RequestTolling(r.Context(), p, r.PathValue("id"), app.TollingInput{Reason: in.Reason, From: in.From, To: in.To, EvidenceIDs: in.EvidenceIDs})
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/retract", authenticated, "Withdraw the notice on an item", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reasonRequest) (app.ItemView, error) {
			return a.Retract(r.Context(), p, r.PathValue("id"), in.Reason)
		})
	jsonRoute(s, "POST", "/api/v1/items/{id}/close", authenticated, "Close an actioned item with its measures standing (staff)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reasonRequest) (app.ItemView, error) {
			return a.CloseItem(r.Context(), p, r.PathValue("id"), in.Reason)
		})
	s.add(route{method: "GET", path: "/api/v1/statements/{id}", summary: "A statement of reasons; ?format=dsa-tdb gives the DSA Transparency Database payload",
		query: []string{"format"}, response: sor.Statement{}, h: s.statement})
	getRoute(s, "GET", "/api/v1/inbox", authenticated, "Your organisation's messages, newest first", []string{"limit", "cursor"},
		func(r *http.Request, p auth.Principal) (List[app.InboxMessage], error) {
			pg, err := page(r)
			if err != nil {
				return List[app.InboxMessage]{}, err
			}
			items, next, err := a.Inbox(r.Context(), p, pg)
			return list(items, next), err
		})
	s.add(route{method: "POST", path: "/api/v1/inbox/{id}/read", status: http.StatusNoContent, summary: "Mark a message read",
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			if err := a.MarkRead(r.Context(), p, r.PathValue("id")); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		}})
	getRoute(s, "GET", "/api/v1/sellers/{id}/strikes", authenticated, "A seller's strikes with their expiry, and the sanctions taken", nil,
		func(r *http.Request, p auth.Principal) (app.SellerStrikes, error) {
			return a.Strikes(r.Context(), p, r.PathValue("id"))
		})
	getRoute(s, "GET", "/api/v1/accuracy", authenticated, "A rights holder's accuracy figures and lane per profile (your own; staff: ?org_id=)", []string{"org_id"},
		func(r *http.Request, p auth.Principal) (List[app.ProfileAccuracy], error) {
			acc, err := a.Accuracy(r.Context(), p, r.URL.Query().Get("org_id"))
			return list(acc, ""), err
		})
	getRoute(s, "GET", "/api/v1/policy/profiles", public, "The legal policy profiles in force, with the fields and exact attestation texts each requires", nil,
		func(r *http.Request, p auth.Principal) (List[profileSummary], error) {
			var out []profileSummary
			for _, id := range a.Profiles().IDs() {
				pr, err := a.Profiles().Profile(id)
				if err != nil {
					return List[profileSummary]{}, err
				}
				out = append(out, profileSummary{ID: pr.ID, LegalRefs: pr.LegalRefs, Territories: pr.AppliesWhen.Territories, RightTypes: pr.AppliesWhen.RightTypes,
					Required: pr.Notice.RequiredFields, Attestations: pr.Notice.AttestationTexts, Counter: pr.CounterNotice, Timing: pr.Decision.MeasureTiming})
			}
			return list(out, ""), nil
		})
	getRoute(s, "GET", "/api/v1/register", public, "The public register of notices, declarations and outcomes (ECL Art. 44), natural persons masked", []string{"limit", "cursor"},
		func(r *http.Request, p auth.Principal) (registerPage, error) {
			pg, err := page(r)
			if err != nil {
				return registerPage{}, err
			}
			items, next, err := a.PublicRegister(r.Context(), pg)
			if items == nil {
				items = []app.RegisterEntry{}
			}
			return registerPage{Items: items, NextCursor: next}, err
		})
}

func (d decisionRequest) input() app.DecisionInput {
	return app.DecisionInput{Outcome: d.Outcome, Reason: d.Reason, Explanation: d.Explanation, Measures: d.Measures, Rev: d.Rev,
		ManifestlyUnfounded: d.ManifestlyUnfounded}
}

func (s *Server) fileNotice(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	q := r.URL.Query()
	partial, _ := strconv.ParseBool(q.Get("partial"))
	var in app.NoticeInput
	var csvRejected []fault.Field
	switch mt {
	case "text/csv":
		r.Body = http.MaxBytesReader(w, r.Body, maxNoticeBody)
		items, err := app.ParseNoticeCSV(r.Body)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fault.New(fault.ErrTooLarge, "the CSV is larger than %d bytes; split it", maxNoticeBody)
		}
		var inv *fault.Invalid
		if errors.As(err, &inv) && partial && len(items) > 0 {
			csvRejected = inv.Fields
		} else if err != nil {
			return err
		}
		in = app.NoticeInput{PrincipalOrgID: q.Get("principal_org_id"), RightID: q.Get("right_id"), InfringementType: q.Get("infringement_type"),
			Explanation: q.Get("explanation"), Signature: q.Get("signature"), Language: q.Get("language"), Channel: "csv", Items: items,
			Attestations: map[string]string{}}
		for _, a := range q["attest"] {
			k, v, ok := strings.Cut(a, ":")
			if !ok {
				return fault.InvalidField("attest", "write each attestation as key:version, e.g. attest=attest_truthfulness:v1")
			}
			in.Attestations[k] = v
		}
		if in.InfringementType == "" && len(items) > 0 {
			in.InfringementType = items[0].InfringementType
		}
	default:
		var req noticeRequest
		if err := DecodeJSON(r, maxNoticeBody, &req); err != nil {
			return err
		}
		in = req.input("api")
	}
	in.Partial = partial
	rc, err := s.app.FileNotice(r.Context(), p, in)
	if err != nil {
		return err
	}
	rc.Rejected = append(csvRejected, rc.Rejected...)
	return writeJSON(w, http.StatusCreated, rc)
}

func (s *Server) statement(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	st, err := s.app.Statement(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		return writeJSON(w, http.StatusOK, st)
	case "dsa-tdb":
		payload, err := sor.TDBPayload(st)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, payload)
	case "text":
		lang := r.URL.Query().Get("lang")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, err := w.Write([]byte(sor.Render(st, lang)))
		return err
	default:
		return fault.InvalidField("format", "must be json, dsa-tdb or text (got %q)", f)
	}
}

var _ = store.Page{}
