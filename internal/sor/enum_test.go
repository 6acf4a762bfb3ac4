package sor

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dajia-project/dajia/internal/policy"
)

func TestEnumsMatchData(t *testing.T) {
	sizes := map[string]int{
		EnumDecisionVisibilities: 7, EnumDecisionMonetaries: 3, EnumDecisionProvisions: 4, EnumDecisionAccounts: 2,
		EnumAccountTypes: 2, EnumDecisionGrounds: 2, EnumIncompatibleContentIllegals: 2, EnumContentTypes: 8,
		EnumStatementCategories: 16, EnumKeywords: 69, EnumSourceTypes: 4, EnumAutomatedDetections: 2,
		EnumAutomatedDecisions: 3,
	}
	var names []string
	for name, n := range sizes {
		names = append(names, name)
		if got := len(Keys(name)); got != n {
			t.Errorf("got %d keys in %s, want %d", got, name, n)
		}
	}
	slices.Sort(names)
	if diff := cmp.Diff(names, Enums()); diff != "" {
		t.Errorf("enumerations (-want +got):\n%s", diff)
	}
}

func TestConstantsAreKeys(t *testing.T) {
	consts := map[string][]string{
		EnumDecisionVisibilities: {VisibilityRemoved, VisibilityDisabled, VisibilityDemoted, VisibilityAgeRestricted,
			VisibilityInteractionRestricted, VisibilityLabelled, VisibilityOther},
		EnumDecisionMonetaries: {MonetarySuspension, MonetaryTermination, MonetaryOther},
		EnumDecisionProvisions: {ProvisionPartialSuspension, ProvisionTotalSuspension, ProvisionPartialTermination,
			ProvisionTotalTermination},
		EnumDecisionAccounts:            {AccountSuspended, AccountTerminated},
		EnumAccountTypes:                {AccountTypeBusiness, AccountTypePrivate},
		EnumDecisionGrounds:             {GroundIllegal, GroundIncompatible},
		EnumIncompatibleContentIllegals: {Yes, No},
		EnumAutomatedDetections:         {Yes, No},
		EnumContentTypes: {ContentApp, ContentAudio, ContentImage, ContentProduct, ContentSyntheticMedia, ContentText,
			ContentVideo, ContentOther},
		EnumStatementCategories: {CategoryIP, CategoryOtherViolationTC, CategoryUnsafeProducts,
			CategoryConsumerInformation, CategoryScamsAndFraud, CategoryNotSpecifiedByNotice},
		EnumKeywords: {KeywordTrademark, KeywordCopyright, KeywordDesign, KeywordPatent, KeywordGeographicIndication,
			KeywordTradeSecret, KeywordGoodsNotPermitted, KeywordUnsafeProducts, KeywordInauthenticListings, KeywordOther},
		EnumSourceTypes:        {SourceArticle16, SourceTrustedFlagger, SourceOtherNotification, SourceVoluntary},
		EnumAutomatedDecisions: {DecisionFullyAutomated, DecisionPartiallyAutomated, DecisionNotAutomated},
	}
	for enum, keys := range consts {
		for _, k := range keys {
			if !IsKey(enum, k) {
				t.Errorf("constant %s is not a key of %s", k, enum)
			}
		}
	}
	// Every restriction key has a seller-facing sentence in both languages.
	for _, enum := range []string{EnumDecisionVisibilities, EnumDecisionMonetaries, EnumDecisionProvisions, EnumDecisionAccounts} {
		for _, k := range Keys(enum) {
			if m, ok := measureText[k]; !ok || m.en == "" || m.zh == "" {
				t.Errorf("no Render text for %s", k)
			}
		}
	}
}

func TestLookups(t *testing.T) {
	tests := []struct {
		name      string
		enum, key string
		wantLabel string
		wantOK    bool
	}{
		{"visibility", EnumDecisionVisibilities, VisibilityRemoved, "Removal of content", true},
		{"category", EnumStatementCategories, CategoryIP, "Intellectual property infringements", true},
		{"keyword", EnumKeywords, KeywordTrademark, "Trademark infringements", true},
		{"yes", EnumAutomatedDetections, Yes, Yes, true},
		{"null string", EnumDecisionAccounts, "null", "", false},
		{"lowercase key", EnumSourceTypes, strings.ToLower(SourceVoluntary), "", false},
		{"dropped in 2025", EnumStatementCategories, "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", "", false},
		{"unknown enum", "COLOURS", "RED", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			label, ok := Label(tt.enum, tt.key)
			if label != tt.wantLabel || ok != tt.wantOK {
				t.Errorf("got Label(%s, %s) = %q, %v, want %q, %v", tt.enum, tt.key, label, ok, tt.wantLabel, tt.wantOK)
			}
			if got := IsKey(tt.enum, tt.key); got != tt.wantOK {
				t.Errorf("got IsKey = %v, want %v", got, tt.wantOK)
			}
		})
	}
}

func TestCountriesAndLanguages(t *testing.T) {
	if diff := cmp.Diff(policy.EEACodes(), EEACodes()); diff != "" {
		t.Errorf("EEA codes differ from the policy vocabulary (-policy +sor):\n%s", diff)
	}
	if diff := cmp.Diff(policy.EUCodes(), EUCodes()); diff != "" {
		t.Errorf("EU codes differ from the policy vocabulary (-policy +sor):\n%s", diff)
	}
	for _, c := range EEACodes() {
		if _, ok := countryText[c]; !ok {
			t.Errorf("no country name for %s", c)
		}
	}
	for _, tt := range []struct {
		code string
		want bool
	}{{"EN", true}, {"ZH", true}, {"EL", true}, {"en", false}, {"GR", false}, {"", false}} {
		if got := IsLanguage(tt.code); got != tt.want {
			t.Errorf("got IsLanguage(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestIPKeywords(t *testing.T) {
	ip := CategoryKeywords(CategoryIP)
	for _, rt := range rightTypes {
		k, ok := KeywordForRight(rt)
		if !ok {
			t.Errorf("no keyword for right type %s", rt)
			continue
		}
		if !slices.Contains(ip, k) {
			t.Errorf("keyword %s for %s is not under %s: %v", k, rt, CategoryIP, ip)
		}
	}
	if _, ok := KeywordForRight("brand"); ok {
		t.Error("got a keyword for the unknown right type brand")
	}
	for _, k := range Keys(EnumKeywords) {
		if strings.Contains(k, "COUNTERFEIT") {
			t.Errorf("the 2025-07-01 schema has no counterfeit keyword, but found %s", k)
		}
	}
	if got := CategoryKeywords(CategoryNotSpecifiedByNotice); got != nil {
		t.Errorf("got keywords %v for %s, want none", got, CategoryNotSpecifiedByNotice)
	}
	for _, cat := range Keys(EnumStatementCategories) {
		for _, k := range CategoryKeywords(cat) {
			if !IsKey(EnumKeywords, k) {
				t.Errorf("hierarchy keyword %s under %s is not a KEYWORDS key", k, cat)
			}
		}
	}
}
