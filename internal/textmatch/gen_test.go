package textmatch

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// This file generates deterministic, realistic-looking brand patterns and
// listing texts for benchmarks. Nothing here is real brand data.

var (
	genOnsets = []string{"b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cr", "st", "tr", "ch", "sh", "gr", "pl", "fl", "j", "w", "qu"}
	genVowels = []string{"a", "e", "i", "o", "u", "ai", "ou", "ea", "io", "y"}
	genCodas  = []string{"", "", "", "n", "r", "s", "x", "l", "m", "nt", "ck"}
	// genBrandChars are characters typical of Chinese brand names and
	// transliterations, overlapping on purpose with genZHWords.
	genBrandChars = []rune("阿迪达斯耐克彪马李宁安踏特步匹鸿星尔乔丹新百伦范匡威锐亚瑟士美津浓卡帕斐乐茵宝桑古驰普拉香奈儿路易登爱仕巴黎世家圣罗兰纪梵希芬博柏利蔻迈高凯丝蓓缇劳力欧米茄浪琴天梭地格丽伯爵积万国江诗顿翡萧邦雅黛资生堂娇韵倩碧悦木之源科颜氏海蓝谜苹果华为小三索尼松下飞浦戴森西门子金佳康德盛泰丰通光明龙凤福瑞祥和汇鑫隆昌恒益信诚中东方大青山花草林云风雨雪月日春秋冬夏")
	genZHWords    = strings.Fields("新款 正品 包邮 官方 旗舰店 男鞋 女鞋 运动鞋 跑步鞋 休闲 透气 夏季 秋冬 加绒 保暖 百搭 潮流 时尚 经典 复古 限量 联名 同款 明星 网红 爆款 热卖 特价 清仓 折扣 促销 优惠 专柜 代购 海外 直邮 现货 秒发 顺丰 七天无理由 退换 尺码 颜色 黑色 白色 红色 蓝色 灰色 码数 偏大 偏小 建议 拍大一码 手提包 单肩包 斜挎包 双肩包 钱包 手表 机械表 石英表 防水 男士 女士 儿童 学生 情侣 礼物 送礼 生日 手机 耳机 充电器 数据线 平板 电脑 笔记本 键盘 鼠标 高品质 做工 精细 面料 舒适 柔软 耐磨 防滑 减震 轻便 款式 设计 版型 上身 效果 好看 质量 保证 支持 验货 专业 品牌 原厂 工厂 直销 批发 零售 的 是 和 在 有 不 这 我们 可以 非常 适合 日常 搭配 都 很 也 一 个 件 双 只 款 送 赠品 运费险 店铺 收藏 加购 优先 发货")
	genENWords    = strings.Fields("new original authentic genuine shoes sneakers running men women kids size color black white red blue sale free shipping fast quality leather bag handbag wallet watch case for with and the best limited edition sport casual classic retro style premium cotton slim fit summer winter hot gift box eu us uk outdoor trainers boots jacket hoodie")
	genPunct      = []string{" ", " ", " ", "【", "】", "，", "！", "/", "|", "-", "(", ")", "、", "。"}
)

func genLatinName(rng *rand.Rand) string {
	var b strings.Builder
	for range 2 + rng.IntN(3) {
		b.WriteString(genOnsets[rng.IntN(len(genOnsets))])
		b.WriteString(genVowels[rng.IntN(len(genVowels))])
		b.WriteString(genCodas[rng.IntN(len(genCodas))])
	}
	return b.String()
}

func genZHName(rng *rand.Rand) string {
	var b strings.Builder
	for range 2 + rng.IntN(3) {
		b.WriteRune(genBrandChars[rng.IntN(len(genBrandChars))])
	}
	return b.String()
}

// genPatterns returns n brand-like patterns: Latin names (some two words,
// some with a model number; short ones whole-word), Chinese names of 2–4
// characters, and mixed code words ("高仿" + name, name + "同款").
func genPatterns(n int, seed uint64) []Pattern {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	pats := make([]Pattern, 0, n)
	for i := range n {
		var text string
		switch r := rng.IntN(100); {
		case r < 45:
			text = genLatinName(rng)
		case r < 50:
			text = genLatinName(rng) + " " + genLatinName(rng)
		case r < 55:
			text = fmt.Sprintf("%s %d", genLatinName(rng), 1+rng.IntN(99))
		case r < 93:
			text = genZHName(rng)
		case r < 96:
			text = "高仿" + genZHName(rng)
		default:
			text = genLatinName(rng) + "同款"
		}
		pats = append(pats, Pattern{ID: uint32(i), Text: text, WholeWord: len(text) <= 5})
	}
	return pats
}

// genTexts returns n listing texts of about size bytes mixing Chinese and
// English listing vocabulary, numbers, punctuation and a few brand mentions
// taken from pats.
func genTexts(n, size int, pats []Pattern, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 0x7e47))
	texts := make([]string, 0, n)
	for range n {
		var b strings.Builder
		for b.Len() < size {
			switch r := rng.IntN(100); {
			case r < 50:
				b.WriteString(genZHWords[rng.IntN(len(genZHWords))])
			case r < 72:
				b.WriteString(genENWords[rng.IntN(len(genENWords))])
				b.WriteByte(' ')
			case r < 76:
				b.WriteString(pats[rng.IntN(len(pats))].Text)
			case r < 78:
				b.WriteString(genLatinName(rng)) // unknown brand-like word
				b.WriteByte(' ')
			case r < 84:
				fmt.Fprintf(&b, "%d", rng.IntN(3000))
				if rng.IntN(2) == 0 {
					b.WriteString("码")
				}
			default:
				b.WriteString(genPunct[rng.IntN(len(genPunct))])
			}
		}
		texts = append(texts, b.String())
	}
	return texts
}
