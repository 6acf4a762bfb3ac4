package synth

import (
	"math/rand/v2"
	"strings"
)

// shape names the silhouette drawn for a category's products.
type shape int

const (
	shapeShoe shape = iota
	shapeBag
	shapeWatch
	shapeHeadphones
	shapeGlasses
	shapeBottle
	shapeGarment
	shapePhone
	shapeBox
)

// category is a kind of goods with the words that describe it.
type category struct {
	slug         string
	zh, en       []string // item names
	zhFeat       []string // feature sentences
	enFeat       []string
	refLo, refHi int64 // reference price range in yuan (product categories)
	shape        shape
	accZh, accEn []string // accessories made for these goods ("手机壳", "case")
}

// productCats are the categories brands sell in.
var productCats = []category{
	{slug: "shoes", zh: []string{"运动鞋", "跑步鞋", "板鞋", "篮球鞋"}, en: []string{"sneakers", "running shoes", "trainers"},
		zhFeat: []string{"鞋面采用透气网布，久穿不闷脚。", "缓震中底，回弹有力，日常跑步首选。", "橡胶大底防滑耐磨。"},
		enFeat: []string{"Breathable mesh upper and cushioned midsole.", "Rubber outsole with a grippy tread.", "True to size and lightweight."},
		refLo:  599, refHi: 1599, shape: shapeShoe, accZh: []string{"鞋带", "鞋垫", "鞋撑"}, accEn: []string{"laces", "insoles", "shoe trees"}},
	{slug: "handbags", zh: []string{"手提包", "单肩包", "斜挎包", "托特包"}, en: []string{"handbag", "shoulder bag", "tote"},
		zhFeat: []string{"头层牛皮，手感细腻，五金件光亮。", "内里分隔合理，容量大，通勤出行都方便。", "走线均匀，包型挺括不易变形。"},
		enFeat: []string{"Full-grain leather with polished hardware.", "Roomy interior with a zip pocket.", "Even stitching, holds its shape."},
		refLo:  2999, refHi: 19999, shape: shapeBag, accZh: []string{"防尘袋", "包挂", "肩带"}, accEn: []string{"dust bag", "bag charm", "shoulder strap"}},
	{slug: "watches", zh: []string{"机械表", "手表", "石英表"}, en: []string{"watch", "automatic watch", "chronograph"},
		zhFeat: []string{"蓝宝石镜面，防刮耐磨。", "自动上链机芯，动力储存约40小时。", "表盘刻度清晰，夜光指针。"},
		enFeat: []string{"Sapphire crystal and stainless steel case.", "Automatic movement, 40-hour power reserve.", "Water resistant to 100 m."},
		refLo:  1999, refHi: 29999, shape: shapeWatch, accZh: []string{"表带", "表盒", "保护膜"}, accEn: []string{"strap", "watch box", "screen protector"}},
	{slug: "headphones", zh: []string{"蓝牙耳机", "头戴式耳机", "降噪耳机"}, en: []string{"wireless earbuds", "headphones", "noise-cancelling headphones"},
		zhFeat: []string{"主动降噪，通勤更安静。", "续航约30小时，支持快充。", "佩戴轻盈，长时间不压耳。"},
		enFeat: []string{"Active noise cancelling, 30-hour battery.", "Fast charging over USB-C.", "Soft ear cushions, comfortable all day."},
		refLo:  799, refHi: 2999, shape: shapeHeadphones, accZh: []string{"耳机套", "充电线", "收纳盒"}, accEn: []string{"ear tips", "charging cable", "carry case"}},
	{slug: "sunglasses", zh: []string{"太阳镜", "墨镜", "偏光镜"}, en: []string{"sunglasses", "polarised sunglasses"},
		zhFeat: []string{"偏光镜片，防紫外线UV400。", "金属镜架轻盈有型。", "鼻托可调，佩戴稳固。"},
		enFeat: []string{"Polarised UV400 lenses.", "Lightweight metal frame.", "Adjustable nose pads."},
		refLo:  899, refHi: 2599, shape: shapeGlasses, accZh: []string{"眼镜盒", "擦镜布", "镜腿套"}, accEn: []string{"glasses case", "cleaning cloth", "temple tips"}},
	{slug: "perfume", zh: []string{"香水", "淡香水", "浓香水"}, en: []string{"perfume", "eau de parfum", "eau de toilette"},
		zhFeat: []string{"前调清新柑橘，中调花香，后调木质。", "留香持久，约6到8小时。", "瓶身设计简约大方。"},
		enFeat: []string{"Citrus top notes over a warm woody base.", "Long lasting, 6 to 8 hours.", "Elegant glass bottle."},
		refLo:  599, refHi: 1499, shape: shapeBottle, accZh: []string{"分装瓶", "香水喷头", "旅行瓶"}, accEn: []string{"atomizer", "spray nozzle", "travel bottle"}},
	{slug: "apparel", zh: []string{"外套", "卫衣", "羽绒服", "夹克"}, en: []string{"jacket", "hoodie", "down coat"},
		zhFeat: []string{"面料柔软亲肤，版型修身。", "防风保暖，冬季必备。", "做工精细，拉链顺滑。"},
		enFeat: []string{"Soft cotton blend, regular fit.", "Windproof and warm.", "Smooth zip and neat seams."},
		refLo:  399, refHi: 2999, shape: shapeGarment, accZh: []string{"衣架", "防尘罩", "纽扣"}, accEn: []string{"hanger", "garment cover", "buttons"}},
	{slug: "phones", zh: []string{"手机", "智能手机", "折叠屏手机"}, en: []string{"smartphone", "phone", "foldable phone"},
		zhFeat: []string{"高刷新率屏幕，操作流畅。", "5000毫安大电池，支持快充。", "后置三摄，夜景清晰。"},
		enFeat: []string{"120 Hz display, smooth scrolling.", "5000 mAh battery with fast charging.", "Triple camera with night mode."},
		refLo:  2999, refHi: 8999, shape: shapePhone, accZh: []string{"手机壳", "钢化膜", "充电器"}, accEn: []string{"phone case", "screen protector", "charger"}},
}

// unrelatedCats are categories no brand sells in; an unrelated listing
// shares a word with a brand there.
var unrelatedCats = []category{
	{slug: "plants", zh: []string{"月季花苗", "多肉植物", "绿萝盆栽"}, en: []string{"rose seedling", "succulent", "potted plant"},
		zhFeat: []string{"带土发货，成活率高。", "喜光耐旱，新手好养。"}, enFeat: []string{"Shipped with soil, easy to grow.", "Likes sun, tolerates drought."},
		refLo: 15, refHi: 80, shape: shapeBox},
	{slug: "books", zh: []string{"小说", "绘本", "诗集"}, en: []string{"novel", "picture book", "poetry collection"},
		zhFeat: []string{"正版图书，全新塑封。", "精装版，纸张厚实。"}, enFeat: []string{"Hardcover edition, new.", "Printed on thick paper."},
		refLo: 20, refHi: 120, shape: shapeBox},
	{slug: "pets", zh: []string{"猫粮", "狗粮", "猫抓板"}, en: []string{"cat food", "dog food", "scratching board"},
		zhFeat: []string{"营养均衡，适口性好。", "大包装更实惠。"}, enFeat: []string{"Balanced nutrition, pets love it.", "Value size bag."},
		refLo: 30, refHi: 200, shape: shapeBox},
	{slug: "food", zh: []string{"普洱茶", "蜂蜜", "坚果礼盒"}, en: []string{"pu-erh tea", "honey", "nut gift box"},
		zhFeat: []string{"产地直发，新鲜到家。", "独立小包装，方便携带。"}, enFeat: []string{"Shipped fresh from the farm.", "Individually packed."},
		refLo: 25, refHi: 260, shape: shapeBox},
	{slug: "stationery", zh: []string{"笔记本", "钢笔", "手账贴纸"}, en: []string{"notebook", "fountain pen", "sticker set"},
		zhFeat: []string{"纸张顺滑不洇墨。", "学生办公两用。"}, enFeat: []string{"Smooth paper, no bleed-through.", "Good at school and in the office."},
		refLo: 9, refHi: 150, shape: shapeBox},
}

// accessoryCat is the category accessories are listed in.
const accessoryCat = "accessories"

// Unrelated-listing variants: how the listing shares a word with a brand.
const (
	sharedWord      = "shared_word"      // the brand's Latin name as a word, in an unrelated category
	sharedSubstring = "shared_substring" // the Latin name inside a longer word
	sharedChar      = "shared_char"      // one character of the Chinese name
)

// Counterfeit slang written into fakes and listed in the profile.
var (
	slangZh = []string{"高仿", "A货", "原单", "1:1", "复刻", "精仿", "超A", "莆田货", "顶级版本", "原厂尾单"}
	slangEn = []string{"replica", "mirror quality", "1:1", "AAA quality", "super copy", "original quality", "UA version", "top grade copy"}
)

// Phrases of ordinary listings. None contains a brand name or slang.
var (
	zhGeneric = []string{
		"全国包邮，下单后48小时内发货。", "支持七天无理由退换货。", "实物拍摄，颜色以实物为准。",
		"如有问题请联系客服，我们会第一时间处理。", "新品上市，欢迎选购。", "顺丰快递，安全快捷。",
		"店铺长期经营，信誉保证。", "收到货后请及时确认，满意请给五星好评。", "多买多优惠，欢迎咨询。",
		"节假日正常发货。", "偏远地区运费请咨询客服。", "每件商品出库前均经过质检。",
	}
	enGeneric = []string{
		"Free shipping on all orders.", "Ships within 48 hours.", "Please check the size chart before ordering.",
		"Contact us with any questions.", "Color may vary slightly due to lighting.", "Thanks, happy shopping!",
		"Returns accepted within 7 days.", "Packed carefully to avoid damage.",
	}
	zhAdj = []string{"2025新款", "男女同款", "潮流百搭", "经典款", "限时特惠", "热卖", "轻奢", "ins风"}
	enAdj = []string{"2025 new", "unisex", "classic", "limited offer", "hot sale", "everyday"}

	zhFakePitch = []string{"%s %s，细节做工到位，专柜品质。", "%s 与正品对比无差别，%s 放心入手。", "工厂直发%s，%s 版本，懂的来。"}
	enFakePitch = []string{"Top %s %s, same as the original.", "%s %s, you can't tell the difference.", "Factory direct %s, %s."}

	zhUsed = []string{"二手自用，九成新，无明显磨损。", "闲置转让，成色很新，原包装齐全。", "个人闲置，正品保真，可验货。"}
	enUsed = []string{"Used, in good condition, with original receipt.", "Pre-owned, lightly worn.", "Second-hand, genuine, authentication welcome."}

	zhAuth = []string{"%s官方授权经销商，正品保证，支持专柜验货。", "本店为%s授权店铺，提供正规发票和全国联保。"}
	enAuth = []string{"Authorized %s reseller, genuine with warranty.", "Official %s partner store, invoice included."}

	zhAccessory = []string{"适用于%s %s", "%s %s 兼容", "%s配件 适用%s"}
	enAccessory = []string{"%s for %s %s", "%s compatible with %s %s", "Replacement %s for %s %s"}
)

// descTarget draws the length, in bytes, a description grows to: uniform
// in [300, 600], so 450 on average.
func descTarget(r *rand.Rand) int { return 300 + r.IntN(301) }

// fillDescription appends generic and feature sentences, alternating
// languages at random, until sb holds at least target bytes.
func fillDescription(r *rand.Rand, sb *strings.Builder, c *category, target int) {
	for sb.Len() < target {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		switch r.IntN(4) {
		case 0:
			sb.WriteString(pick(r, c.zhFeat))
		case 1:
			sb.WriteString(pick(r, c.enFeat))
		case 2:
			sb.WriteString(pick(r, zhGeneric))
		default:
			sb.WriteString(pick(r, enGeneric))
		}
	}
}

// pick returns a uniformly chosen element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }
