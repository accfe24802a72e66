#include <gtest/gtest.h>

#include "base/byte_source.h"
#include "base/strings.h"

namespace nf {

TEST(Strings, DisplayNameEscapesControlCharactersAndCutsLongNames) {
  EXPECT_EQ(displayName(std::string("a\x01" "b\n", 4)), "a\\x01b\\x0A");
  std::string huge(10000, 'x');
  std::string shown = displayName(huge, 50);
  EXPECT_EQ(shown.size(), 53u);
  EXPECT_EQ(shown.substr(50), "...");
}

TEST(Strings, Thousands) {
  EXPECT_EQ(withThousands(0), "0");
  EXPECT_EQ(withThousands(1234567), "1,234,567");
  EXPECT_EQ(withThousands(-1000), "-1,000");
}

TEST(Strings, HumanBytes) {
  EXPECT_EQ(humanBytes(512), "512 B");
  EXPECT_EQ(humanBytes(1536), "1.5 KiB");
  EXPECT_EQ(humanBytes(100ull * 1024 * 1024), "100.0 MiB");
}

TEST(ByteSource, MemorySourceRejectsOutOfRangeReads) {
  MemorySource src({1, 2, 3, 4});
  uint8_t buf[4] = {};
  EXPECT_TRUE(src.read(1, buf, 3));
  EXPECT_EQ(buf[2], 4);
  EXPECT_FALSE(src.read(2, buf, 3));
  EXPECT_FALSE(src.read(UINT64_MAX, buf, 1));
}

}  // namespace nf
