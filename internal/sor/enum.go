package sor

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// The data files are copies of the Transparency Database's enumerations; see
// data/README.md for their provenance.
//
//go:embed data/sor-enums.json data/sor-countries-languages.json data/category-keyword-map.json
var dataFS embed.FS

// Names of the enumerations in sor-enums.json, for Keys, Label and IsKey.
const (
	EnumDecisionVisibilities        = "DECISION_VISIBILITIES"
	EnumDecisionMonetaries          = "DECISION_MONETARIES"
	EnumDecisionProvisions          = "DECISION_PROVISIONS"
	EnumDecisionAccounts            = "DECISION_ACCOUNTS"
	EnumAccountTypes                = "ACCOUNT_TYPES"
	EnumDecisionGrounds             = "DECISION_GROUNDS"
	EnumIncompatibleContentIllegals = "INCOMPATIBLE_CONTENT_ILLEGALS"
	EnumContentTypes                = "CONTENT_TYPES"
	EnumStatementCategories         = "STATEMENT_CATEGORIES"
	EnumKeywords                    = "KEYWORDS"
	EnumSourceTypes                 = "SOURCE_TYPES"
	EnumAutomatedDetections         = "AUTOMATED_DETECTIONS"
	EnumAutomatedDecisions          = "AUTOMATED_DECISIONS"
)

// Restriction keys (Art 17(1)(a)–(d)).
const (
	VisibilityRemoved               = "DECISION_VISIBILITY_CONTENT_REMOVED"
	VisibilityDisabled              = "DECISION_VISIBILITY_CONTENT_DISABLED"
	VisibilityDemoted               = "DECISION_VISIBILITY_CONTENT_DEMOTED"
	VisibilityAgeRestricted         = "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED"
	VisibilityInteractionRestricted = "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED"
	VisibilityLabelled              = "DECISION_VISIBILITY_CONTENT_LABELLED"
	VisibilityOther                 = "DECISION_VISIBILITY_OTHER"

	MonetarySuspension  = "DECISION_MONETARY_SUSPENSION"
	MonetaryTermination = "DECISION_MONETARY_TERMINATION"
	MonetaryOther       = "DECISION_MONETARY_OTHER"

	ProvisionPartialSuspension  = "DECISION_PROVISION_PARTIAL_SUSPENSION"
	ProvisionTotalSuspension    = "DECISION_PROVISION_TOTAL_SUSPENSION"
	ProvisionPartialTermination = "DECISION_PROVISION_PARTIAL_TERMINATION"
	ProvisionTotalTermination   = "DECISION_PROVISION_TOTAL_TERMINATION"

	AccountSuspended  = "DECISION_ACCOUNT_SUSPENDED"
	AccountTerminated = "DECISION_ACCOUNT_TERMINATED"
)

// Account types (account_type).
const (
	AccountTypeBusiness = "ACCOUNT_TYPE_BUSINESS"
	AccountTypePrivate  = "ACCOUNT_TYPE_PRIVATE"
)

// Decision grounds (Art 17(3)(d) and (e)).
const (
	GroundIllegal      = "DECISION_GROUND_ILLEGAL_CONTENT"
	GroundIncompatible = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
)

// Yes and No are the values of automated_detection and
// incompatible_content_illegal, sent as they are.
const (
	Yes = "Yes"
	No  = "No"
)

// Content types (content_type).
const (
	ContentApp            = "CONTENT_TYPE_APP"
	ContentAudio          = "CONTENT_TYPE_AUDIO"
	ContentImage          = "CONTENT_TYPE_IMAGE"
	ContentProduct        = "CONTENT_TYPE_PRODUCT"
	ContentSyntheticMedia = "CONTENT_TYPE_SYNTHETIC_MEDIA"
	ContentText           = "CONTENT_TYPE_TEXT"
	ContentVideo          = "CONTENT_TYPE_VIDEO"
	ContentOther          = "CONTENT_TYPE_OTHER"
)

// Categories dajia uses (category, category_addition). The full list is
// Keys(EnumStatementCategories).
const (
	CategoryIP                   = "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
	CategoryOtherViolationTC     = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
	CategoryUnsafeProducts       = "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"
	CategoryConsumerInformation  = "STATEMENT_CATEGORY_CONSUMER_INFORMATION"
	CategoryScamsAndFraud        = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
	CategoryNotSpecifiedByNotice = "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"
)

// Keywords dajia uses (category_specification). The 2025-07-01 schema has no
// counterfeit keyword: a counterfeit is a trademark infringement, and a
// replica offered against the terms is KeywordGoodsNotPermitted.
const (
	KeywordTrademark            = "KEYWORD_TRADEMARK_INFRINGEMENT"
	KeywordCopyright            = "KEYWORD_COPYRIGHT_INFRINGEMENT"
	KeywordDesign               = "KEYWORD_DESIGN_INFRINGEMENT"
	KeywordPatent               = "KEYWORD_PATENT_INFRINGEMENT"
	KeywordGeographicIndication = "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT"
	KeywordTradeSecret          = "KEYWORD_TRADE_SECRET_INFRINGEMENT"
	KeywordGoodsNotPermitted    = "KEYWORD_GOODS_SERVICES_NOT_PERMITTED"
	KeywordUnsafeProducts       = "KEYWORD_UNSAFE_PRODUCTS"
	KeywordInauthenticListings  = "KEYWORD_INAUTHENTIC_LISTINGS"
	KeywordOther                = "KEYWORD_OTHER"
)

// Source types (source_type, Art 17(3)(b)).
const (
	SourceArticle16         = "SOURCE_ARTICLE_16"
	SourceTrustedFlagger    = "SOURCE_TRUSTED_FLAGGER"
	SourceOtherNotification = "SOURCE_TYPE_OTHER_NOTIFICATION"
	SourceVoluntary         = "SOURCE_VOLUNTARY"
)

// Automated decision keys (automated_decision, Art 17(3)(c)).
const (
	DecisionFullyAutomated     = "AUTOMATED_DECISION_FULLY"
	DecisionPartiallyAutomated = "AUTOMATED_DECISION_PARTIALLY"
	DecisionNotAutomated       = "AUTOMATED_DECISION_NOT_AUTOMATED"
)

type entry struct {
	Key   string `json:"key"`
	Value string `json:"value"` // Yes/No enums carry a value instead of a key
	Label string `json:"label"`
}

type vocabulary struct {
	enums      map[string][]entry
	labels     map[string]map[string]string
	eea, eu    []string
	languages  map[string]string
	byCategory map[string][]string
}

// vocab parses the embedded data once. The data is part of the binary and
// checked by the tests, so a parse failure is a build defect and panics.
var vocab = sync.OnceValue(func() *vocabulary {
	v, err := loadVocabulary()
	if err != nil {
		panic(fmt.Sprintf("sor: embedded data: %v", err))
	}
	return v
})

func loadVocabulary() (*vocabulary, error) {
	var enums struct {
		Enums map[string][]entry `json:"enums"`
	}
	var places struct {
		Territorial struct {
			EEA []string `json:"EUROPEAN_COUNTRY_CODES"`
			EU  []string `json:"EUROPEAN_UNION_COUNTRY_CODES"`
		} `json:"territorial_scope_codes"`
		Languages []entry `json:"content_language_all"`
	}
	var hierarchy struct {
		Categories []struct {
			Category string `json:"category"`
			Keywords []struct {
				Keyword string `json:"keyword"`
			} `json:"keywords"`
		} `json:"categories"`
	}
	for name, dst := range map[string]any{
		"data/sor-enums.json":               &enums,
		"data/sor-countries-languages.json": &places,
		"data/category-keyword-map.json":    &hierarchy,
	} {
		b, err := dataFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, dst); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	v := &vocabulary{
		enums:      map[string][]entry{},
		labels:     map[string]map[string]string{},
		eea:        slices.Sorted(slices.Values(places.Territorial.EEA)),
		eu:         slices.Sorted(slices.Values(places.Territorial.EU)),
		languages:  map[string]string{},
		byCategory: map[string][]string{},
	}
	for name, list := range enums.Enums {
		m := map[string]string{}
		for i, e := range list {
			if e.Key == "" {
				e.Key, e.Label = e.Value, e.Value
				list[i] = e
			}
			m[e.Key] = e.Label
		}
		v.enums[name], v.labels[name] = list, m
	}
	for _, l := range places.Languages {
		v.languages[l.Key] = l.Label
	}
	for _, c := range hierarchy.Categories {
		for _, k := range c.Keywords {
			v.byCategory[c.Category] = append(v.byCategory[c.Category], k.Keyword)
		}
	}
	if len(v.enums) != 13 || len(v.eea) != 30 || len(v.eu) != 27 || len(v.languages) == 0 {
		return nil, fmt.Errorf("unexpected shape: %d enums, %d EEA codes, %d EU codes, %d languages",
			len(v.enums), len(v.eea), len(v.eu), len(v.languages))
	}
	return v, nil
}

// Enums returns the names of the 13 enumerations, sorted.
func Enums() []string {
	var names []string
	for name := range vocab().enums {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Keys returns the API keys of an enumeration in the order the database
// lists them, or nil for an unknown enumeration. For the Yes/No enumerations
// the keys are the values themselves.
func Keys(enum string) []string {
	var keys []string
	for _, e := range vocab().enums[enum] {
		keys = append(keys, e.Key)
	}
	return keys
}

// Label returns the database's English label of an enum key.
func Label(enum, key string) (string, bool) {
	l, ok := vocab().labels[enum][key]
	return l, ok
}

// IsKey reports whether key is a key of the enumeration. It is exact: case
// matters and the string "null", which the server's in: rule lets through for
// some fields, is never a key.
func IsKey(enum, key string) bool {
	_, ok := vocab().labels[enum][key]
	return ok
}

// EEACodes returns the 30 territorial_scope codes (EU27 and IS, LI, NO;
// Greece is GR), sorted.
func EEACodes() []string { return slices.Clone(vocab().eea) }

// EUCodes returns the 27 EU member states, sorted.
func EUCodes() []string { return slices.Clone(vocab().eu) }

// IsEEA reports whether code is one of the 30 territorial_scope codes.
func IsEEA(code string) bool {
	_, ok := slices.BinarySearch(vocab().eea, code)
	return ok
}

// IsLanguage reports whether code is an accepted content_language: an
// uppercase ISO 639-1 code from the database's list ("EN", not "en").
func IsLanguage(code string) bool {
	_, ok := vocab().languages[code]
	return ok
}

// CategoryKeywords returns the keywords listed under a category in the
// IR 2024/2835 hierarchy (KEYWORD_OTHER included), or nil for a category
// without keywords or an unknown one.
func CategoryKeywords(category string) []string {
	return slices.Clone(vocab().byCategory[category])
}

// KeywordForRight returns the category_specification keyword for a kind of
// intellectual property right as policy profiles name them (trademark,
// copyright, patent, utility_model, design, GI, trade_secret).
func KeywordForRight(rightType string) (string, bool) {
	switch rightType {
	case "trademark":
		return KeywordTrademark, true
	case "copyright":
		return KeywordCopyright, true
	case "patent", "utility_model":
		return KeywordPatent, true
	case "design":
		return KeywordDesign, true
	case "GI":
		return KeywordGeographicIndication, true
	case "trade_secret":
		return KeywordTradeSecret, true
	}
	return "", false
}
