package app

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Message is one inbox message as sent: the template, its version and the
// exact text in both languages, kept so that what a party was told can be
// shown later word for word.
type Message struct {
	Template        string    `json:"template"`
	TemplateVersion int       `json:"template_version"`
	RuleRef         string    `json:"rule_ref,omitempty"`
	Profile         string    `json:"profile,omitempty"`
	ItemID          string    `json:"item_id,omitempty"`
	Due             time.Time `json:"due,omitzero"`
	SubjectEN       string    `json:"subject_en"`
	SubjectZH       string    `json:"subject_zh"`
	BodyEN          string    `json:"body_en"`
	BodyZH          string    `json:"body_zh"`
}

type messageTemplate struct {
	version              int
	subjectEN, subjectZH string
	bodyEN, bodyZH       string
}

// messageData fills a template.
type messageData struct {
	ItemID, ListingID, ListingTitle, Right, Notifier, Profile, Measures, Reason string
	DueEN, DueZH                                                                string
	Extra                                                                       string
}

// templates are the messages of the notice workflow, versioned: a change of
// wording is a new version, and every sent message keeps its version.
var templates = map[string]messageTemplate{
	"notice.received": {1, "Notice received", "投诉已收到",
		"Notice {{.ItemID}} was received: {{.Extra}}. Each item's state and next deadline are on the item.",
		"投诉 {{.ItemID}} 已收到：{{.Extra}}。各投诉项的状态和下一期限见投诉项详情。"},
	"notice.acknowledged": {1, "Notice received", "投诉已收到",
		"We received your notice about listing {{.ListingID}} ({{.ListingTitle}}) under {{.Right}}. Item {{.ItemID}} will be decided without undue delay.",
		"我们已收到您针对商品 {{.ListingID}}（{{.ListingTitle}}）依据 {{.Right}} 提出的投诉，投诉项 {{.ItemID}} 将及时处理。"},
	"notice.request_completion": {1, "Your notice is incomplete", "您的投诉信息不完整",
		"Item {{.ItemID}} (listing {{.ListingID}}) lacks: {{.Extra}}. Complete it by {{.DueEN}}, or it will be closed without action.",
		"投诉项 {{.ItemID}}（商品 {{.ListingID}}）缺少：{{.Extra}}。请在 {{.DueZH}} 前补全，否则将不予处理。"},
	"notice.rejected": {1, "Notice not accepted", "投诉未被受理",
		"Item {{.ItemID}} (listing {{.ListingID}}) was not accepted: {{.Reason}}.",
		"投诉项 {{.ItemID}}（商品 {{.ListingID}}）未被受理：{{.Reason}}。"},
	"notice.forwarded": {1, "A rights holder complained about your listing", "权利人投诉了您的商品",
		"{{.Notifier}} says listing {{.ListingID}} ({{.ListingTitle}}) infringes {{.Right}}. Measures taken: {{.Measures}}. You may answer with a counter-notice (declaration of non-infringement) on item {{.ItemID}}. A provisional strike is recorded; it becomes final only if the complaint is upheld.",
		"{{.Notifier}} 认为您的商品 {{.ListingID}}（{{.ListingTitle}}）侵犯其 {{.Right}}。已采取措施：{{.Measures}}。您可以就投诉项 {{.ItemID}} 提交不侵权声明。同时记录一次暂定违规，仅在投诉最终成立时确认。"},
	"notice.response_requested": {1, "Answer the complaint before measures are taken", "请在采取措施前答复投诉",
		"{{.Notifier}} complained about listing {{.ListingID}} under {{.Right}}. Answer on item {{.ItemID}} by {{.DueEN}}.",
		"{{.Notifier}} 依据 {{.Right}} 投诉了您的商品 {{.ListingID}}。请在 {{.DueZH}} 前就投诉项 {{.ItemID}} 作出答复。"},
	"notice.retracted": {1, "The complaint was withdrawn", "投诉已撤回",
		"{{.Notifier}} withdrew its complaint about listing {{.ListingID}} (item {{.ItemID}}). Any measure has been lifted.",
		"{{.Notifier}} 已撤回对商品 {{.ListingID}}（投诉项 {{.ItemID}}）的投诉，相关措施已解除。"},
	"decision.action": {1, "Measures taken on your notice", "已根据您的投诉采取措施",
		"Listing {{.ListingID}} (item {{.ItemID}}): {{.Measures}} in {{.Extra}}.",
		"商品 {{.ListingID}}（投诉项 {{.ItemID}}）：已在 {{.Extra}} 采取措施：{{.Measures}}。"},
	"decision.no_action": {1, "No action on your notice", "您的投诉未采取措施",
		"We decided not to act on listing {{.ListingID}} (item {{.ItemID}}): {{.Reason}}. You may complain about this decision.",
		"我们决定不对商品 {{.ListingID}}（投诉项 {{.ItemID}}）采取措施：{{.Reason}}。您可以对该决定提出申诉。"},
	"decision.statement_of_reasons": {1, "Statement of reasons for the restriction of your listing", "关于限制您商品的理由说明",
		"{{.Extra}}", "{{.Extra}}"},
	"counter.request_completion": {1, "Your counter-notice is incomplete", "您的不侵权声明不完整",
		"The counter-notice on item {{.ItemID}} lacks: {{.Extra}}. File it again with these.",
		"您就投诉项 {{.ItemID}} 提交的不侵权声明缺少：{{.Extra}}。请补全后重新提交。"},
	"counter.forwarded": {1, "The seller answered your notice", "卖家已对您的投诉作出答复",
		"The seller of listing {{.ListingID}} filed a counter-notice on item {{.ItemID}}. You may complain to the competent authority or sue in court; send proof of it before the deadline, or the measures will be lifted.",
		"商品 {{.ListingID}} 的卖家已就投诉项 {{.ItemID}} 提交不侵权声明。您可以向有关主管部门投诉或者向人民法院起诉；请在期限届满前提交已投诉或起诉的证明，否则措施将被终止。"},
	"counter.restore_deadline": {1, "Deadline to show proceedings", "提交投诉或起诉证明的期限",
		"Unless we receive proof that you complained to an authority or sued by {{.DueEN}}, listing {{.ListingID}} (item {{.ItemID}}) will be restored.",
		"如在 {{.DueZH}} 前未收到您已向有关主管部门投诉或者向人民法院起诉的证明，商品 {{.ListingID}}（投诉项 {{.ItemID}}）将恢复。"},
	"counter.deadline_extended": {1, "Deadline extended", "期限已延长",
		"The deadline on item {{.ItemID}} now ends {{.DueEN}}.", "投诉项 {{.ItemID}} 的期限现延至 {{.DueZH}}。"},
	"counter.held_pending_proceedings": {1, "Measures kept pending proceedings", "措施在程序进行期间保持",
		"The rights holder showed proceedings about listing {{.ListingID}} (item {{.ItemID}}); the measures stay until they end.",
		"权利人已提交关于商品 {{.ListingID}}（投诉项 {{.ItemID}}）的投诉或起诉证明，措施将保持至程序结束。"},
	"measure.restored": {1, "Listing restored", "商品已恢复",
		"The measures on listing {{.ListingID}} (item {{.ItemID}}) were lifted in {{.Extra}}.",
		"商品 {{.ListingID}}（投诉项 {{.ItemID}}）在 {{.Extra}} 的措施已解除。"},
	"complaint.received": {1, "Complaint received", "申诉已收到",
		"We received a complaint about the decision on item {{.ItemID}} (listing {{.ListingID}}). A reviewer who did not take the decision will decide it.",
		"我们已收到关于投诉项 {{.ItemID}}（商品 {{.ListingID}}）处理决定的申诉，将由未参与原决定的审核员处理。"},
	"complaint.decided": {1, "Your complaint was decided", "您的申诉已处理",
		"The complaint on item {{.ItemID}} (listing {{.ListingID}}) was decided: {{.Reason}}. You may refer the decision to a certified out-of-court dispute settlement body or to a court.",
		"投诉项 {{.ItemID}}（商品 {{.ListingID}}）的申诉处理结果：{{.Reason}}。您可以将该决定提交认证的庭外争议解决机构或法院。"},
	"complaint.ods_information": {1, "Out-of-court dispute settlement", "庭外争议解决",
		"If you disagree with the outcome on item {{.ItemID}}, you may choose a certified out-of-court dispute settlement body (DSA Art. 21) or go to court.",
		"如您不同意投诉项 {{.ItemID}} 的处理结果，可以选择经认证的庭外争议解决机构（DSA 第21条）或向法院起诉。"},
	"deadline.reminder": {1, "A deadline ends in 48 hours", "期限将在48小时后届满",
		"The {{.Extra}} on item {{.ItemID}} (listing {{.ListingID}}) ends {{.DueEN}}.",
		"投诉项 {{.ItemID}}（商品 {{.ListingID}}）的{{.Extra}}将于 {{.DueZH}} 届满。"},
	"information.requested": {1, "The platform needs more information", "平台需要更多信息",
		"A reviewer asks about item {{.ItemID}} (listing {{.ListingID}}): {{.Reason}}",
		"审核员就投诉项 {{.ItemID}}（商品 {{.ListingID}}）提出问题：{{.Reason}}"},
	"strike.recorded": {1, "A strike was recorded against your account", "您的账户被记录一次违规",
		"Item {{.ItemID}} (listing {{.ListingID}}) added a {{.Extra}} strike under {{.Profile}}. Strikes expire after the policy window.",
		"投诉项 {{.ItemID}}（商品 {{.ListingID}}）在 {{.Profile}} 下记录了一次{{.Extra}}违规。违规记录在政策规定期限后失效。"},
	"seller.sanction": {1, "Repeat infringement: action on your account", "重复侵权：对您账户采取的措施",
		"Because of repeated upheld complaints under {{.Profile}}, your account receives: {{.Extra}}.",
		"由于在 {{.Profile}} 下多次被确认侵权，您的账户将被采取以下措施：{{.Extra}}。"},
	"notifier.misuse": {1, "Warning: notices found unfounded", "警告：投诉被认定为明显无依据",
		"Too many of your notices were found unfounded under {{.Profile}}: {{.Extra}}. Continued misuse leads to suspension of processing.",
		"您在 {{.Profile}} 下提交的投诉中明显无依据的比例过高：{{.Extra}}。继续滥用将导致暂停处理您的投诉。"},
	"review_sla.overdue": {1, "Overdue review", "审核超期",
		"Item {{.ItemID}} (listing {{.ListingID}}) was due to be decided by {{.DueEN}} ({{.Profile}}).",
		"投诉项 {{.ItemID}}（商品 {{.ListingID}}）应在 {{.DueZH}} 前处理完毕（{{.Profile}}）。"},
	"lead.sent_to_brand": {1, "Please confirm a suspected counterfeit of your brand", "请确认疑似假冒您品牌的商品",
		"Our detection flagged listing {{.ListingID}} ({{.ListingTitle}}) as a possible counterfeit of your brand: {{.Extra}}. Note from the platform: {{.Reason}}. Confirm or reject it on lead {{.ItemID}}; a confirmation opens a case for the platform to decide.",
		"我们的检测发现商品 {{.ListingID}}（{{.ListingTitle}}）可能假冒您的品牌：{{.Extra}}。平台备注：{{.Reason}}。请在线索 {{.ItemID}} 中确认或否认；确认后平台将立案处理。"},
	"complaint_sla.overdue": {1, "Overdue complaint", "申诉处理超期",
		"The complaint on item {{.ItemID}} (listing {{.ListingID}}) was due to be decided by {{.DueEN}} ({{.Profile}}).",
		"投诉项 {{.ItemID}}（商品 {{.ListingID}}）的申诉应在 {{.DueZH}} 前处理完毕（{{.Profile}}）。"},
}

// field returns the value of a template placeholder such as "ItemID".
func (d messageData) field(name string) (string, bool) {
	switch name {
	case "ItemID":
		return d.ItemID, true
	case "ListingID":
		return d.ListingID, true
	case "ListingTitle":
		return d.ListingTitle, true
	case "Right":
		return d.Right, true
	case "Notifier":
		return d.Notifier, true
	case "Profile":
		return d.Profile, true
	case "Measures":
		return d.Measures, true
	case "Reason":
		return d.Reason, true
	case "DueEN":
		return d.DueEN, true
	case "DueZH":
		return d.DueZH, true
	case "Extra":
		return d.Extra, true
	}
	return "", false
}

// fill replaces each {{.Name}} in s with the data's value. (Templates are
// plain substitutions; a bulk notice renders tens of thousands of them.)
func fill(name, s string, d messageData) (string, error) {
	var b strings.Builder
	b.Grow(len(s) + 64)
	for {
		i := strings.Index(s, "{{.")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return "", fmt.Errorf("template %s: unclosed placeholder", name)
		}
		v, ok := d.field(s[i+3 : i+j])
		if !ok {
			return "", fmt.Errorf("template %s: unknown placeholder %s", name, s[i:i+j+2])
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+2:]
	}
}

// zones caches the time zones of the profiles.
var zones sync.Map // name → *time.Location

// zoneOf is where a profile's deadlines are read, for messages.
func zoneOf(profile string) *time.Location {
	name := "UTC"
	switch profile {
	case "cn-ecl":
		name = "Asia/Shanghai"
	case "us-dmca-512", "us-tm-marketplace":
		name = "America/New_York"
	case "eu-dsa":
		name = "Europe/Brussels"
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// formatDue writes a deadline as its local date and time in the profile's zone.
func formatDue(t time.Time, profile string) (en, zh string) {
	if t.IsZero() {
		return "", ""
	}
	loc := zoneOf(profile)
	lt := t.In(loc)
	clock := lt.Format("15:04")
	day := lt
	if clock == "00:00" { // a period ending at 24:00: name the day that ends
		day = lt.AddDate(0, 0, -1)
		clock = "24:00"
	}
	en = fmt.Sprintf("%s %s (%s)", day.Format("2 January 2006"), clock, loc)
	zh = fmt.Sprintf("%d年%d月%d日 %s（%s）", day.Year(), day.Month(), day.Day(), clock, loc)
	return en, zh
}

// render fills a template; an unknown template is a programming error
// reported as an error.
func render(name string, d messageData) (Message, error) {
	t, ok := templates[name]
	if !ok {
		return Message{}, fmt.Errorf("no message template %q", name)
	}
	var out [4]string
	for i, src := range []string{t.subjectEN, t.subjectZH, t.bodyEN, t.bodyZH} {
		var err error
		if out[i], err = fill(name, src, d); err != nil {
			return Message{}, err
		}
	}
	return Message{Template: name, TemplateVersion: t.version, SubjectEN: out[0], SubjectZH: out[1], BodyEN: out[2], BodyZH: out[3]}, nil
}
