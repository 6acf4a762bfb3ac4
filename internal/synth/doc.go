// Package synth generates a synthetic marketplace for demos, tests and
// benchmarks of counterfeit detection: invented brands with a protection
// profile, sellers, listings (counterfeits that use the evasions sellers
// use, hard negatives built to look suspicious, and ordinary listings),
// procedurally rendered pictures, and the ground truth.
//
// Generate writes, through a Sink, a world that depends only on its
// Options: the same options give byte-identical files, whatever the
// machine or the number of rendering goroutines.
//
// # Files
//
//   - profile.json: the protection profile in the detection format
//     {"version":1,"brands":[{"id","names","reference_prices":[{"category",
//     "amount","currency"}],"authorized_sellers","reference_images":[{"path"}],
//     "negative_images":[{"path"}]}],"slang":{"zh","en"}}. Brand names are
//     invented (Latin, Chinese, pinyin and nicknames such as "Vel家"); every
//     brand has reference prices in CNY and USD for each of its categories.
//     Image paths are relative to the profile's directory.
//   - sellers.ndjson: sellers in the marketplace's Seller contract. Every
//     identifier is visibly fake: ids "syn-s-…", phone numbers in the
//     unassigned +86 100 range, id numbers and bank accounts starting SYN,
//     addresses on 合成路 marked "(synthetic)".
//   - seller_annotations.ndjson: SellerAnnotation lines: role (authorised,
//     regular, new, infringer), prior strikes, shared-identifier network.
//   - listings.ndjson: listings in the Listing contract. Descriptions
//     average 450 bytes of mixed Chinese and English; image URLs are paths
//     relative to the listings file; url is on market.example.
//   - labels.ndjson: {"listing_id","counterfeit"} per listing, the format of
//     dajia scan --labels.
//   - annotations.ndjson: Annotation lines: kind, brand, evasions, price
//     ratio, and where each picture comes from and how it was altered.
//   - images/ref/<brand>-<n>.png, images/neg/<brand>-<n>.png: each brand's
//     reference (official) and negative (known-genuine) photos.
//   - images/stock/<category>-<n>.jpg: unbranded photos shared by ordinary
//     listings.
//   - images/listings/<listing id>.jpg: altered copies: counterfeits'
//     re-uploads of reference photos (cropped to 86–100% per side, resized
//     0.6–1.4×, overlaid with caption, watermark or sticker boxes, JPEG
//     quality 35–90) and second-hand sellers' reuse of negative photos
//     (lightly cropped and resized, quality 72–92). Authorised resellers
//     point at the reference or negative file itself.
//
// Without Options.Images no picture is written: listings have no images,
// the profile no reference or negative images, and annotations no image
// notes; fake_image listings still exist (their only evidence is then the
// seller and the price). Nothing else differs.
//
// # Kinds
//
// Counterfeits (FakeRatio of the listings: 45% fake_text, 25% fake_price,
// 30% fake_image) come mostly from repeat infringers and new accounts.
// fake_text disguises the brand name with one of NameEvasions, and three in
// four add counterfeit slang; fake_price names the brand plainly at 5–22%
// of the reference price; fake_image names no brand and carries an altered
// reference photo. fake_text and fake_price listings carry an altered
// reference photo 40% of the time (evasion image_reupload).
//
// Hard negatives (HardNegativeRatio: 30% accessory, 20% used_genuine, 30%
// authorised, 20% unrelated) mention a brand plainly: accessories "for" a
// brand at accessory prices, second-hand genuine goods at 30–60% of the
// reference with a genuine photo, authorised resellers at 85–110%, and
// products in unrelated categories sharing a word, a word prefix or a
// character with a brand. The rest are genuine unbranded listings.
package synth
