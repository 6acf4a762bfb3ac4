package sor

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Languages Render writes.
const (
	LangEnglish = "en"
	LangChinese = "zh" // Simplified Chinese
)

// text is one message in both languages.
type text struct{ en, zh string }

func (t text) in(lang string) string {
	if lang == LangChinese {
		return t.zh
	}
	return t.en
}

// Restriction sentences; %s is the listing or account reference, a second %s
// the *_other text.
var measureText = map[string]text{
	VisibilityRemoved:               {"Your listing%s was removed.", "您的商品%s已被删除。"},
	VisibilityDisabled:              {"Access to your listing%s was disabled.", "您的商品%s已被屏蔽，买家无法访问。"},
	VisibilityDemoted:               {"Your listing%s was demoted: it is shown lower in search and browsing.", "您的商品%s已被降低搜索和浏览中的展示排序。"},
	VisibilityAgeRestricted:         {"Your listing%s was restricted to adults.", "您的商品%s已被设置年龄限制，仅向成年人展示。"},
	VisibilityInteractionRestricted: {"Interaction with your listing%s was restricted.", "您的商品%s的互动功能已被限制。"},
	VisibilityLabelled:              {"A label was added to your listing%s.", "您的商品%s已被添加标注。"},
	VisibilityOther:                 {"Your listing%s was restricted: %s", "您的商品%s已被限制：%s"},
	MonetarySuspension:              {"Payments to your account%s were suspended.", "您的账户%s的款项支付已被暂停。"},
	MonetaryTermination:             {"Payments to your account%s were terminated.", "您的账户%s的款项支付已被终止。"},
	MonetaryOther:                   {"Payments to your account%s were restricted: %s", "您的账户%s的款项支付已被限制：%s"},
	ProvisionPartialSuspension:      {"Part of our service to your account%s was suspended.", "我们已暂停向您的账户%s提供部分服务。"},
	ProvisionTotalSuspension:        {"Our service to your account%s was suspended.", "我们已暂停向您的账户%s提供全部服务。"},
	ProvisionPartialTermination:     {"Part of our service to your account%s was terminated.", "我们已终止向您的账户%s提供部分服务。"},
	ProvisionTotalTermination:       {"Our service to your account%s was terminated.", "我们已终止向您的账户%s提供全部服务。"},
	AccountSuspended:                {"Your account%s was suspended.", "您的账户%s已被暂停。"},
	AccountTerminated:               {"Your account%s was terminated.", "您的账户%s已被终止。"},
}

var sourceText = map[string]text{
	SourceArticle16:         {"We acted on a notice under Article 16 of the Digital Services Act%s.", "我们根据%s依照《数字服务法》第16条提交的通知作出本决定。"},
	SourceTrustedFlagger:    {"We acted on a notice from a trusted flagger under Article 22 of the Digital Services Act%s.", "我们根据可信举报者%s依照《数字服务法》第22条提交的通知作出本决定。"},
	SourceOtherNotification: {"We acted on a notification%s.", "我们根据%s的通知作出本决定。"},
	SourceVoluntary:         {"We acted on our own initiative, after our own investigation.", "本决定系我们经自主调查后主动作出。"},
}

var rightText = map[string]text{
	"trademark":     {"trademark", "商标"},
	"copyright":     {"copyright", "著作权"},
	"patent":        {"patent", "专利"},
	"utility_model": {"utility model", "实用新型"},
	"design":        {"design right", "外观设计"},
	"GI":            {"geographical indication", "地理标志"},
	"trade_secret":  {"trade secret", "商业秘密"},
}

var decisionText = map[string]text{
	DecisionFullyAutomated:     {"The decision was taken fully by automated means.", "本决定完全由自动化手段作出。"},
	DecisionPartiallyAutomated: {"The decision was taken partly with automated means and reviewed by our staff.", "本决定部分借助自动化手段作出，并经工作人员审核。"},
	DecisionNotAutomated:       {"The decision was taken by our staff without automated means.", "本决定由工作人员作出，未使用自动化手段。"},
}

var countryText = map[string]text{
	"AT": {"Austria", "奥地利"}, "BE": {"Belgium", "比利时"}, "BG": {"Bulgaria", "保加利亚"},
	"CY": {"Cyprus", "塞浦路斯"}, "CZ": {"Czechia", "捷克"}, "DE": {"Germany", "德国"},
	"DK": {"Denmark", "丹麦"}, "EE": {"Estonia", "爱沙尼亚"}, "ES": {"Spain", "西班牙"},
	"FI": {"Finland", "芬兰"}, "FR": {"France", "法国"}, "GR": {"Greece", "希腊"},
	"HR": {"Croatia", "克罗地亚"}, "HU": {"Hungary", "匈牙利"}, "IE": {"Ireland", "爱尔兰"},
	"IS": {"Iceland", "冰岛"}, "IT": {"Italy", "意大利"}, "LI": {"Liechtenstein", "列支敦士登"},
	"LT": {"Lithuania", "立陶宛"}, "LU": {"Luxembourg", "卢森堡"}, "LV": {"Latvia", "拉脱维亚"},
	"MT": {"Malta", "马耳他"}, "NL": {"Netherlands", "荷兰"}, "NO": {"Norway", "挪威"},
	"PL": {"Poland", "波兰"}, "PT": {"Portugal", "葡萄牙"}, "RO": {"Romania", "罗马尼亚"},
	"SE": {"Sweden", "瑞典"}, "SI": {"Slovenia", "斯洛文尼亚"}, "SK": {"Slovakia", "斯洛伐克"},
}

var (
	tTitle        = text{"Statement of reasons (Digital Services Act, Article 17)", "处理理由说明（欧盟《数字服务法》第17条）"}
	tReference    = text{"Reference: %s", "编号：%s"}
	tIssued       = text{"Date: %s", "出具日期：%s"}
	tWhat         = text{"1. What we decided", "一、处理措施"}
	tWhere        = text{"Where: %s.", "适用地区：%s。"}
	tWholeEEA     = text{"the whole European Economic Area (all 30 countries)", "整个欧洲经济区（全部30个国家）"}
	tWholeEU      = text{"all 27 member states of the European Union", "欧盟全部27个成员国"}
	tListSep      = text{", ", "、"}
	tSentenceSep  = text{" ", ""}
	tFrom         = text{"From %s", "自%s起"}
	tUntil        = text{", until %s.", "，至%s止。"}
	tIndefinite   = text{", until further notice.", "，无固定期限。"}
	tWhy          = text{"2. Why", "二、处理理由"}
	tSourceOrg    = text{" from %s", "“%s”"}
	tSourceNoOrg  = text{"", "通知人"}
	tRight        = text{"The right concerned: %s", "涉及的权利：%s"}
	tRegistration = text{" (registration %s", "（注册号%s"}
	tValidIn      = text{", valid in %s)", "，有效地域：%s）"}
	tValidInOnly  = text{" (valid in %s)", "（有效地域：%s）"}
	tClose        = text{")", "）"}
	tFacts        = text{"Facts and circumstances: %s", "事实与情况：%s"}
	tIllegal      = text{"Ground: we consider the content illegal under %s. %s", "依据：我们认为该内容依据%s构成违法内容。%s"}
	tIncompatible = text{"Ground: we consider the content incompatible with our terms and conditions, %s. %s", "依据：我们认为该内容违反我们的服务条款（%s）。%s"}
	tAlsoIllegal  = text{"We also consider it illegal.", "我们同时认为该内容违法。"}
	tMoreInfo     = text{"Text of the rule: %s", "规则原文：%s"}
	tDetectedAuto = text{"The content was detected by automated means.", "该内容系通过自动化手段发现。"}
	tDetectedHum  = text{"The content was not detected by automated means.", "该内容并非通过自动化手段发现。"}
	tRedress      = text{"3. How you can respond", "三、救济途径"}
	tComplain     = text{"You can file a complaint against this decision, free of charge, through our internal complaint system until %s (inclusive).", "您可以在%s（含当日）之前通过我们的内部投诉系统对本决定免费提出申诉。"}
	tComplainAt   = text{"File it at %s", "申诉地址：%s"}
	tODS          = text{"You can refer the dispute to a certified out-of-court dispute settlement body (Digital Services Act, Article 21).", "您可以将争议提交经认证的庭外争议解决机构处理（《数字服务法》第21条）。"}
	tCourt        = text{"You can also challenge the decision before a competent court.", "您也可以向有管辖权的法院提起诉讼。"}
)

// Render writes the statement in plain language for the seller, in English
// (lang "en") or Simplified Chinese (lang "zh", also "zh-CN" and "zh-Hans");
// any other lang gives English. It says what was done and where, from when
// and until when; who complained (the organisation, never a person) and
// about which right; the facts and the ground; whether automated means were
// used; and how to respond and by which date (Art 17(3)(a)–(f)). The facts and
// explanations are shown as written, with e-mail addresses and phone numbers
// masked as in TDBPayload. Render does not validate: call Validate first.
func Render(s Statement, lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		lang = LangChinese
	} else {
		lang = LangEnglish
	}
	var b strings.Builder
	line := func(t text, args ...any) {
		fmt.Fprintf(&b, t.in(lang), args...)
		b.WriteByte('\n')
	}
	line(tTitle)
	if s.PUID != "" {
		line(tReference, s.PUID)
	}
	if !s.IssuedAt.IsZero() {
		line(tIssued, date(s.IssuedAt))
	}

	b.WriteByte('\n')
	line(tWhat)
	listing, account := ref(s.ListingID, lang), ref(s.SellerID, lang)
	restriction := func(key, other string, on string, end time.Time) {
		t, ok := measureText[key]
		if !ok {
			return
		}
		b.WriteString("- ")
		if strings.Count(t.in(lang), "%s") == 2 {
			fmt.Fprintf(&b, t.in(lang), on, redact(other))
		} else {
			fmt.Fprintf(&b, t.in(lang), on)
		}
		b.WriteString(tSentenceSep.in(lang))
		fmt.Fprintf(&b, tFrom.in(lang), date(s.ApplicationDate))
		if end.IsZero() {
			b.WriteString(tIndefinite.in(lang))
		} else {
			fmt.Fprintf(&b, tUntil.in(lang), date(end))
		}
		b.WriteByte('\n')
	}
	for _, v := range s.Visibility {
		restriction(v, s.VisibilityOther, listing, s.VisibilityEnd)
	}
	restriction(s.Monetary, s.MonetaryOther, account, s.MonetaryEnd)
	restriction(s.Provision, "", account, s.ProvisionEnd)
	restriction(s.Account, "", account, s.AccountEnd)
	if len(s.TerritorialScope) > 0 {
		line(tWhere, places(s.TerritorialScope, lang))
	}

	b.WriteByte('\n')
	line(tWhy)
	if t, ok := sourceText[s.SourceType]; ok {
		org := ""
		switch {
		case s.SourceType == SourceVoluntary:
		case s.SourceIdentity != "" && !hasContact(s.SourceIdentity):
			org = fmt.Sprintf(tSourceOrg.in(lang), s.SourceIdentity)
		default:
			org = tSourceNoOrg.in(lang)
		}
		if s.SourceType == SourceVoluntary {
			line(t)
		} else {
			// "from ACME S.A.." reads badly: one full stop is enough.
			sentence := fmt.Sprintf(t.in(lang), org)
			if strings.HasSuffix(sentence, "..") {
				sentence = sentence[:len(sentence)-1]
			}
			b.WriteString(sentence + "\n")
		}
	}
	if r := s.Right; r.Type != "" {
		line(tRight, right(r, lang))
	}
	if s.Facts != "" {
		line(tFacts, redact(s.Facts))
	}
	switch s.Ground {
	case GroundIllegal:
		line(tIllegal, redact(s.GroundReference), redact(s.GroundExplanation))
	case GroundIncompatible:
		line(tIncompatible, redact(s.GroundReference), redact(s.GroundExplanation))
		if s.AlsoIllegal == Yes {
			line(tAlsoIllegal)
		}
	}
	if s.GroundURL != "" {
		line(tMoreInfo, s.GroundURL)
	}
	if s.AutomatedDetection {
		line(tDetectedAuto)
	} else {
		line(tDetectedHum)
	}
	if t, ok := decisionText[s.AutomatedDecision]; ok {
		line(t)
	}

	b.WriteByte('\n')
	line(tRedress)
	if r := s.Redress; r.InternalComplaint && !r.ComplaintDeadline.IsZero() {
		b.WriteString("- ")
		line(tComplain, date(r.ComplaintDeadline))
		if r.ComplaintURL != "" {
			b.WriteString("  ")
			line(tComplainAt, r.ComplaintURL)
		}
	}
	if s.Redress.OutOfCourt {
		b.WriteString("- ")
		line(tODS)
	}
	b.WriteString("- ")
	line(tCourt)
	return b.String()
}

// ref is " id" in English and " id " in Chinese, or nothing for no id.
func ref(id, lang string) string {
	switch {
	case id == "":
		return ""
	case lang == LangChinese:
		return " " + id + " "
	}
	return " " + id
}

// places names the countries of a territorial scope.
func places(codes []string, lang string) string {
	scope := slices.Compact(slices.Sorted(slices.Values(codes)))
	switch {
	case slices.Equal(scope, vocab().eea):
		return tWholeEEA.in(lang)
	case slices.Equal(scope, vocab().eu):
		return tWholeEU.in(lang)
	}
	names := make([]string, 0, len(scope))
	for _, c := range scope {
		name := c
		if t, ok := countryText[c]; ok {
			if lang == LangChinese {
				name = t.in(lang) + "（" + c + "）"
			} else {
				name = t.in(lang) + " (" + c + ")"
			}
		}
		names = append(names, name)
	}
	return strings.Join(names, tListSep.in(lang))
}

// right describes a right: "trademark “ACME” (registration 018123456, valid
// in EU)".
func right(r Right, lang string) string {
	var b strings.Builder
	kind := r.Type
	if t, ok := rightText[r.Type]; ok {
		kind = t.in(lang)
	}
	b.WriteString(kind)
	if r.Name != "" {
		if lang == LangChinese {
			b.WriteString("“" + r.Name + "”")
		} else {
			b.WriteString(" “" + r.Name + "”")
		}
	}
	switch {
	case r.Registration != "" && r.Territory != "":
		fmt.Fprintf(&b, tRegistration.in(lang), r.Registration)
		fmt.Fprintf(&b, tValidIn.in(lang), r.Territory)
	case r.Registration != "":
		fmt.Fprintf(&b, tRegistration.in(lang), r.Registration)
		b.WriteString(tClose.in(lang))
	case r.Territory != "":
		fmt.Fprintf(&b, tValidInOnly.in(lang), r.Territory)
	}
	return b.String()
}
