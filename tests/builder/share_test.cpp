// Share-link envelope: base64url (RFC 4648 test vectors) and the fragment format.
#include "builder/serialize.h"
#include "builder/share.h"
#include "builder_test_util.h"

namespace nf::builder {
namespace {

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(BuilderShare, Base64UrlMatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg"},         {"fo", "Zm8"},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg"},  {"fooba", "Zm9vYmE"},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64UrlEncode(bytes(plain)), encoded);
    EXPECT_EQ(*base64UrlDecode(encoded), bytes(plain));
  }
  // The URL-safe alphabet: 0xfb 0xff -> "-_8" (standard base64 would be "+/8=").
  EXPECT_EQ(base64UrlEncode(std::vector<uint8_t>{0xfb, 0xff}), "-_8");
  EXPECT_EQ(*base64UrlDecode("-_8="), (std::vector<uint8_t>{0xfb, 0xff}));
  EXPECT_FALSE(base64UrlDecode("ab+c").ok());
  EXPECT_FALSE(base64UrlDecode("abcde").ok());
  std::vector<uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(*base64UrlDecode(base64UrlEncode(all)), all);
}

TEST(BuilderShare, FragmentsRoundTripAndBadLinksGetPlainMessages) {
  ShareFragment plain{false, bytes("deflated bytes")};
  const std::string p = encodeShareFragment(plain);
  EXPECT_EQ(p.rfind("nf1.", 0), 0u);
  auto back = decodeShareFragment("#" + p);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->encrypted);
  EXPECT_EQ(back->payload, plain.payload);

  ShareFragment sealed{true, std::vector<uint8_t>(kSaltBytes + kIvBytes + kGcmTagBytes + 5, 7)};
  sealed.payload[0] = 1;                     // salt starts here
  sealed.payload[kSaltBytes] = 2;            // iv starts here
  sealed.payload[kSaltBytes + kIvBytes] = 3; // ciphertext starts here
  auto s = decodeShareFragment(encodeShareFragment(sealed));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->encrypted);
  EXPECT_EQ(s->salt()[0], 1);
  EXPECT_EQ(s->iv()[0], 2);
  EXPECT_EQ(s->ciphertext()[0], 3);
  EXPECT_EQ(s->ciphertext().size(), kGcmTagBytes + 5);

  EXPECT_EQ(decodeShareFragment("#p=9fehu18ra4tyon6").error().message, "this link is not a NetForge model link");
  EXPECT_EQ(decodeShareFragment("nf1.").error().message, "this link holds no model");
  EXPECT_EQ(decodeShareFragment("nf1e.AAAA").error().message, "this link is cut short (the encrypted model is incomplete)");
  EXPECT_EQ(decodeShareFragment("nf1.a!b").error().message,
            "this link contains characters that do not belong in a NetForge link");
  EXPECT_GE(kPbkdf2Iterations, 600000u);
}

TEST(BuilderShare, NewerFormatsAndOverlongLinksAreRefusedByName) {
  auto newer = decodeShareFragment("#nf2.AAAA");
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.error().message.find("newer NetForge (link format 2)"), std::string::npos) << newer.error().message;
  EXPECT_NE(decodeShareFragment("nf12e.AAAA").error().message.find("link format 12"), std::string::npos);
  EXPECT_EQ(decodeShareFragment("nf0.AAAA").error().message, "this link is not a NetForge model link");
  EXPECT_EQ(decodeShareFragment("nfx.AAAA").error().message, "this link is not a NetForge model link");

  const std::string tooLong = "nf1." + std::string(kMaxShareFragmentChars, 'A');
  auto refused = decodeShareFragment(tooLong);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("too long"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(decodeShareFragment(tooLong.substr(0, kMaxShareFragmentChars)).ok());
}

}  // namespace
}  // namespace nf::builder
