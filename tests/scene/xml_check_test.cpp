#include "scene_test_util.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <vector>

#include "scene/text_metrics.h"

namespace nf::scene::test {

namespace {

bool nameChar(char c, bool first) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalpha(u) || c == '_' || c == ':') return true;
  return !first && (std::isdigit(u) || c == '-' || c == '.');
}

// Checks character data: valid UTF-8, no control characters but tab/newline/CR, no
// raw '<', every '&' starts a known entity or a numeric reference.
std::string checkText(const std::string& s, size_t begin, size_t end) {
  for (size_t i = begin; i < end;) {
    const char c = s[i];
    if (c == '<') return "raw '<' in text at " + std::to_string(i);
    if (c == '&') {
      const size_t semi = s.find(';', i);
      if (semi == std::string::npos || semi > end) return "unterminated entity at " + std::to_string(i);
      const std::string ent = s.substr(i + 1, semi - i - 1);
      const bool known = ent == "amp" || ent == "lt" || ent == "gt" || ent == "quot" || ent == "apos";
      bool numeric = ent.size() > 1 && ent[0] == '#';
      if (numeric) {
        const bool hex = ent.size() > 2 && ent[1] == 'x';
        const unsigned long cp = std::strtoul(ent.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10);
        numeric = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0x10FFFF);
      }
      if (!known && !numeric) return "bad entity &" + ent + "; at " + std::to_string(i);
      i = semi + 1;
      continue;
    }
    size_t pos = i;
    const uint32_t cp = decodeUtf8(s, &pos);
    if (cp == 0xFFFD && !(s.compare(i, 3, "\xEF\xBF\xBD") == 0)) return "invalid UTF-8 at " + std::to_string(i);
    if ((cp < 0x20 && cp != 0x9 && cp != 0xA && cp != 0xD) || cp == 0xFFFE || cp == 0xFFFF)
      return "control character at " + std::to_string(i);
    i = pos;
  }
  return "";
}

}  // namespace

std::string xmlProblem(const std::string& s) {
  std::vector<std::string> stack;
  size_t i = 0;
  bool root_closed = false, root_seen = false;
  if (s.compare(0, 5, "<?xml") == 0) {
    i = s.find("?>");
    if (i == std::string::npos) return "unterminated prolog";
    i += 2;
  }
  while (i < s.size()) {
    const size_t lt = s.find('<', i);
    const size_t text_end = lt == std::string::npos ? s.size() : lt;
    if (std::string p = checkText(s, i, text_end); !p.empty()) return p;
    if (stack.empty()) {
      for (size_t k = i; k < text_end; ++k)
        if (!std::isspace(static_cast<unsigned char>(s[k]))) return "text outside the root element at " + std::to_string(k);
    }
    if (lt == std::string::npos) break;
    i = lt + 1;
    const bool closing = i < s.size() && s[i] == '/';
    if (closing) ++i;
    const size_t name_begin = i;
    while (i < s.size() && nameChar(s[i], i == name_begin)) ++i;
    if (i == name_begin) return "bad tag name at " + std::to_string(name_begin);
    const std::string name = s.substr(name_begin, i - name_begin);
    if (closing) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      if (i >= s.size() || s[i] != '>') return "bad closing tag </" + name;
      if (stack.empty() || stack.back() != name)
        return "mismatched </" + name + "> (open: " + (stack.empty() ? "none" : stack.back()) + ")";
      stack.pop_back();
      if (stack.empty()) root_closed = true;
      ++i;
      continue;
    }
    if (root_closed) return "second root element <" + name + ">";
    root_seen = true;
    // Attributes: name="value" separated by whitespace.
    while (true) {
      const size_t before = i;
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      if (i >= s.size()) return "unterminated tag <" + name;
      if (s[i] == '>') {
        stack.push_back(name);
        ++i;
        break;
      }
      if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '>') {
        if (stack.empty()) root_closed = true;
        i += 2;
        break;
      }
      if (i == before) return "missing space before attribute in <" + name;
      const size_t an = i;
      while (i < s.size() && nameChar(s[i], i == an)) ++i;
      if (i == an) return "bad attribute name in <" + name + "> at " + std::to_string(i);
      if (i >= s.size() || s[i] != '=') return "attribute without value in <" + name;
      ++i;
      if (i >= s.size() || s[i] != '"') return "unquoted attribute in <" + name;
      const size_t close = s.find('"', i + 1);
      if (close == std::string::npos) return "unterminated attribute in <" + name;
      if (std::string p = checkText(s, i + 1, close); !p.empty()) return "attribute: " + p;
      i = close + 1;
    }
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (!root_seen) return "no root element";
  return "";
}

}  // namespace nf::scene::test

// The checker itself: the SVG/GraphML tests are only as good as it is.
namespace nf::scene::test {
namespace {

TEST(XmlCheck, AcceptsWellFormedDocuments) {
  EXPECT_EQ(xmlProblem("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; &lt;&#39;<c y=\"&quot;\">\xE2\x9F\xA8</c></a>\n"), "");
}

TEST(XmlCheck, RejectsWhatWouldBreakAParser) {
  EXPECT_NE(xmlProblem("<a><b></a></b>"), "");
  EXPECT_NE(xmlProblem("<a>x < y</a>"), "");
  EXPECT_NE(xmlProblem("<a>fish & chips</a>"), "");
  EXPECT_NE(xmlProblem("<a>&nbsp;</a>"), "");
  EXPECT_NE(xmlProblem("<a>&#1;</a>"), "");
  EXPECT_NE(xmlProblem("<a>\x01</a>"), "");
  EXPECT_NE(xmlProblem("<a>\xFF</a>"), "");
  EXPECT_NE(xmlProblem("<a x=\"<\"/>"), "");
  EXPECT_NE(xmlProblem("<a x='1'/>"), "");
  EXPECT_NE(xmlProblem("<a>"), "");
  EXPECT_NE(xmlProblem("<a/><b/>"), "");
}

}  // namespace
}  // namespace nf::scene::test
