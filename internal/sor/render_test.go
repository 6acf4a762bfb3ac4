package sor

import (
	"strings"
	"testing"
	"time"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name     string
		lang     string
		mutate   func(s *Statement)
		want     []string
		dontWant []string
	}{
		{"english", "en", func(s *Statement) {}, []string{
			"Your listing L998877 was removed.",
			"Your account S4455 was suspended.", "until 2026-03-01",
			"Austria (AT), Belgium (BE), Germany (DE)",
			"notice under Article 16 of the Digital Services Act from ACME Brands S.A.\n",
			"trademark “ACME” (registration 018123456, valid in EU)",
			"illegal under Regulation (EU) 2017/1001 Art. 9(2)(a)",
			"until 2026-06-02 (inclusive)", "https://market.example/complaints/C2025000123",
			"out-of-court dispute settlement", "court",
		}, nil},
		{"chinese", "zh", func(s *Statement) {}, []string{
			"您的商品 L998877 已被删除。", "您的账户 S4455 已被暂停。", "至2026-03-01止",
			"奥地利（AT）、比利时（BE）、德国（DE）",
			"“ACME Brands S.A.”", "《数字服务法》第16条",
			"商标“ACME”（注册号018123456，有效地域：EU）",
			"2026-06-02（含当日）之前", "内部投诉系统", "庭外争议解决机构", "法院",
		}, []string{"Your listing", "was removed"}},
		{"zh-CN is Chinese", "zh-CN", func(s *Statement) {}, []string{"已被删除"}, nil},
		{"unknown language is English", "fr", func(s *Statement) {}, []string{"was removed"}, []string{"已被删除"}},
		{"own initiative names nobody", "en", func(s *Statement) { s.SourceType = SourceVoluntary }, []string{
			"on our own initiative",
		}, []string{"ACME Brands"}},
		{"trusted flagger", "zh", func(s *Statement) { s.SourceType = SourceTrustedFlagger }, []string{"可信举报者“ACME Brands S.A.”"}, nil},
		{"terms ground, EEA-wide, geo-block and payout hold", "en", func(s *Statement) {
			s.Ground, s.GroundReference, s.AlsoIllegal = GroundIncompatible, "Seller Terms s.4.2", Yes
			s.Visibility, s.Account, s.AccountEnd = []string{VisibilityDisabled}, "", time.Time{}
			s.Monetary, s.MonetaryEnd = MonetarySuspension, day(t, "2026-01-15")
			s.TerritorialScope = EEACodes()
			s.AutomatedDetection, s.AutomatedDecision = true, DecisionPartiallyAutomated
		}, []string{
			"Access to your listing L998877 was disabled.", "Payments to your account S4455 were suspended.",
			"until 2026-01-15", "the whole European Economic Area", "terms and conditions, Seller Terms s.4.2",
			"We also consider it illegal.", "detected by automated means", "partly with automated means",
		}, []string{"was removed", "not detected"}},
		{"EU-wide in Chinese", "zh", func(s *Statement) { s.TerritorialScope = EUCodes() }, []string{"欧盟全部27个成员国"}, nil},
		{"other visibility text", "zh", func(s *Statement) {
			s.Visibility, s.VisibilityOther = []string{VisibilityOther}, "仅在搜索中隐藏"
		}, []string{"您的商品 L998877 已被限制：仅在搜索中隐藏"}, nil},
		{"no internal complaint", "en", func(s *Statement) { s.Redress = Redress{} }, []string{"court"},
			[]string{"complaint", "out-of-court"}},
		{"contact details are masked", "en", func(s *Statement) {
			s.Facts += " Agent: j.doe@acme.example, +49 30 1234 5678."
		}, []string{"Agent: ***, ***."}, []string{"j.doe@acme.example", "1234 5678"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := counterfeit(t)
			tt.mutate(&s)
			if err := s.Validate(); err != nil {
				t.Fatalf("test statement invalid: %v", err)
			}
			got := Render(s, tt.lang)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got text without %q:\n%s", w, got)
				}
			}
			for _, w := range tt.dontWant {
				if strings.Contains(got, w) {
					t.Errorf("got text with %q:\n%s", w, got)
				}
			}
		})
	}
}
