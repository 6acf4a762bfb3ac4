package detect

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/dajia-project/dajia/internal/catalog"
)

// Benchmark world: synthetic brands (Latin and Chinese names, nothing real),
// listings of about 450 bytes of mixed Chinese and English text, and 50 live
// rules.

var (
	benchOnsets = strings.Fields("b c d f g h k l m n p r s t v z br cr st tr ch sh gr pl fl j w qu")
	benchVowels = strings.Fields("a e i o u ai ou ea io y")
	benchCodas  = []string{"", "", "n", "r", "s", "x", "l", "m", "nt", "ck"}
	benchHan    = []rune("凯洛米仁塔沃昆贝德祖芬奥斯利马佩托冈莎维诺卡布丽登华泰盛隆鑫瑞祥恒阿迪达耐克彪李宁安踏特步匹鸿星尔乔丹百伦范匡威锐亚瑟士美津浓帕斐乐茵宝桑古驰普拉香奈儿路易爱仕巴黎世家圣罗兰纪梵希博柏蔻迈高丝蓓缇劳力欧茄浪琴天梭格丽伯爵积万国江诗顿翡萧邦雅黛资生堂娇韵倩碧悦木之源科颜氏海蓝谜")
	benchZH     = strings.Fields("新款 正品 包邮 官方 运动鞋 跑步鞋 休闲 透气 夏季 保暖 百搭 潮流 时尚 经典 复古 限量 专柜 代购 现货 顺丰 尺码 黑色 白色 手提包 双肩包 钱包 手表 防水 男士 女士 礼物 手机 耳机 充电器 做工 面料 舒适 耐磨 质量 保证 支持 验货 品牌 的 是 很 也 送 发货")
	benchEN     = strings.Fields("new original genuine shoes sneakers running men women size black white sale free shipping fast quality leather bag wallet watch for with the best limited edition sport classic retro premium cotton gift box")
	benchSlang  = []string{"高仿", "A货", "原单", "1:1", "复刻", "replica", "mirror quality", "super fake", "二手", "used"}
)

func benchName(rng *rand.Rand) string {
	var b strings.Builder
	if rng.IntN(2) == 0 {
		for range 2 + rng.IntN(2) {
			b.WriteString(benchOnsets[rng.IntN(len(benchOnsets))])
			b.WriteString(benchVowels[rng.IntN(len(benchVowels))])
			b.WriteString(benchCodas[rng.IntN(len(benchCodas))])
		}
		return b.String()
	}
	for range 3 + rng.IntN(2) {
		b.WriteRune(benchHan[rng.IntN(len(benchHan))])
	}
	return b.String()
}

type benchWorld struct {
	e        *Engine
	listings []catalog.Listing
	facts    []SellerFacts
	text     int // bytes of title + description over all listings
}

func buildBenchWorld(brands, namesPerBrand, listings int) (*benchWorld, error) {
	rng := rand.New(rand.NewPCG(42, 4242))
	p := &Profile{Version: 1}
	var names []string
	for i := range brands {
		b := Brand{ID: fmt.Sprintf("brand-%d", i),
			ReferencePrices:   []ReferencePrice{{Category: "shoes", Price: catalog.Money{Amount: catalog.Amount(100+rng.IntN(5000)) * catalog.AmountScale, Currency: "CNY"}}},
			AuthorizedSellers: []string{fmt.Sprintf("seller-%d", i)}}
		for range namesPerBrand {
			n := benchName(rng)
			if rng.IntN(3) == 0 {
				n += fmt.Sprintf(" %d", rng.IntN(100))
			}
			b.Names = append(b.Names, n)
			names = append(names, n)
		}
		p.Brands = append(p.Brands, b)
	}
	rules := DefaultRules()
	for i := range 50 - len(rules) {
		var expr string
		switch i % 4 {
		case 0:
			expr = fmt.Sprintf(`brand == "brand-%d" && price_known && price_ratio < 0.%d`, i, 2+i%7)
		case 1:
			expr = fmt.Sprintf(`brand_weight >= 0.5 && slang_count > %d && !authorized`, i%3)
		case 2:
			expr = fmt.Sprintf(`category == "cat-%d" && brand_count > 0 && prior_strikes > %d`, i, i%4)
		default:
			expr = fmt.Sprintf(`brand_weight >= 0.5 && price_known && price_ratio < %d.0 / 10 && account_age_known && account_age_days < %d`, 1+i%5, 10*i)
		}
		rules = append(rules, Rule{ID: fmt.Sprintf("gen.%d", i), Version: 1, State: Live, Score: 5 + i%20, Expr: expr})
	}
	for i := range rules {
		rules[i].State = Live
	}
	e, err := Compile(p, Options{Rules: rules})
	if err != nil {
		return nil, err
	}
	w := &benchWorld{e: e}
	for i := range listings {
		var b strings.Builder
		for b.Len() < 450 {
			switch r := rng.IntN(100); {
			case r < 50:
				b.WriteString(benchZH[rng.IntN(len(benchZH))])
			case r < 77:
				b.WriteString(benchEN[rng.IntN(len(benchEN))])
				b.WriteByte(' ')
			case r < 79:
				b.WriteString(names[rng.IntN(len(names))])
				b.WriteByte(' ')
			case r < 80:
				b.WriteString(benchSlang[rng.IntN(len(benchSlang))])
			case r < 90:
				fmt.Fprintf(&b, "%d ", rng.IntN(3000))
			default:
				b.WriteString([]string{"，", "【", "】", "！", " | ", "。"}[rng.IntN(6)])
			}
		}
		s := b.String()
		cut := min(len(s), 60)
		for cut < len(s) && s[cut]&0xc0 == 0x80 {
			cut++
		}
		l := catalog.Listing{ID: fmt.Sprintf("l%d", i), SellerID: fmt.Sprintf("seller-%d", rng.IntN(2*brands)),
			Title: s[:cut], Description: s[cut:], Category: "shoes",
			Price: catalog.Money{Amount: catalog.Amount(10+rng.IntN(3000)) * catalog.AmountScale, Currency: "CNY"}}
		w.listings = append(w.listings, l)
		w.facts = append(w.facts, SellerFacts{AccountAgeKnown: true, AccountAgeDays: rng.IntN(1000), PriorStrikes: rng.IntN(3)})
		w.text += len(l.Title) + len(l.Description)
	}
	return w, nil
}

// loadBenchWorld: 5,000 brands × 20 names = 100,000 name patterns plus the
// default slang, 2,000 listings.
var loadBenchWorld = sync.OnceValues(func() (*benchWorld, error) {
	return buildBenchWorld(5000, 20, 2000)
})

func BenchmarkScore(b *testing.B) {
	w, err := loadBenchWorld()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(w.text / len(w.listings)))
	b.ResetTimer()
	suspected := 0
	for i := 0; b.Loop(); i++ {
		k := i % len(w.listings)
		if w.e.Score(w.listings[k], w.facts[k]).Verdict != Clean {
			suspected++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "listings/s")
	b.ReportMetric(float64(suspected)/float64(b.N), "flagged/op")
}

// BenchmarkRules isolates rule evaluation: the 50 rules on precomputed
// features.
func BenchmarkRules(b *testing.B) {
	w, err := loadBenchWorld()
	if err != nil {
		b.Fatal(err)
	}
	feats := make([]Features, len(w.listings))
	for i, l := range w.listings {
		feats[i] = w.e.Score(l, w.facts[i]).Features
	}
	s := &scratch{}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w.e.rules.eval(&s.vm, &feats[i%len(feats)], s.ruleEnv(), s.hits[:0], nil)
	}
}

func TestBenchWorldHasSignals(t *testing.T) {
	w, err := buildBenchWorld(50, 4, 200)
	if err != nil {
		t.Fatal(err)
	}
	var brands, rules int
	for i, l := range w.listings {
		r := w.e.Score(l, w.facts[i])
		if r.Features.Brand != "" {
			brands++
		}
		rules += len(r.Rules)
	}
	if brands < 50 || rules == 0 {
		t.Errorf("got %d listings with a brand and %d rule hits in 200, want a realistic mix", brands, rules)
	}
	if got := len(w.e.Rules().Rules()); got != 50 {
		t.Errorf("got %d rules, want 50", got)
	}
}
