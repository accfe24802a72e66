#include "builder/share.h"

namespace nf::builder {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The version of an "nf<digits>[e]." prefix above kShareFormatVersion, else 0.
int newerFormat(std::string_view s) {
  if (!startsWith(s, "nf")) return 0;
  size_t i = 2;
  int v = 0;
  while (i < s.size() && i < 8 && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
  if (i == 2 || i >= s.size()) return 0;
  if (s[i] == 'e') ++i;
  return i < s.size() && s[i] == '.' && v > kShareFormatVersion ? v : 0;
}

}  // namespace

std::string base64UrlEncode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t(bytes[i]) << 16) | (uint32_t(bytes[i + 1]) << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const uint32_t v = (uint32_t(bytes[i]) << 16) | (uint32_t(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

Result<std::vector<uint8_t>> base64UrlDecode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return Error{"this link is cut short (its data has an impossible length)"};
  std::vector<uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = decodeChar(c);
    if (v < 0) return Error{"this link contains characters that do not belong in a NetForge link"};
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string encodeShareFragment(const ShareFragment& f) {
  return std::string(f.encrypted ? kShareEncryptedPrefix : kSharePlainPrefix) + base64UrlEncode(f.payload);
}

Result<ShareFragment> decodeShareFragment(std::string_view fragment) {
  if (!fragment.empty() && fragment[0] == '#') fragment.remove_prefix(1);
  if (fragment.size() > kMaxShareFragmentChars)
    return Error{"this link is too long (" + std::to_string(fragment.size()) + " characters; a NetForge link has at most " +
                 std::to_string(kMaxShareFragmentChars) + ")"};
  ShareFragment f;
  if (startsWith(fragment, kShareEncryptedPrefix)) {
    f.encrypted = true;
    fragment.remove_prefix(std::string_view(kShareEncryptedPrefix).size());
  } else if (startsWith(fragment, kSharePlainPrefix)) {
    fragment.remove_prefix(std::string_view(kSharePlainPrefix).size());
  } else if (int v = newerFormat(fragment); v > 0) {
    return Error{"this link was made by a newer NetForge (link format " + std::to_string(v) +
                 "); this version reads format " + std::to_string(kShareFormatVersion)};
  } else {
    return Error{"this link is not a NetForge model link"};
  }
  auto bytes = base64UrlDecode(fragment);
  if (!bytes) return bytes.error();
  f.payload = std::move(*bytes);
  if (f.payload.empty()) return Error{"this link holds no model"};
  if (f.encrypted && f.payload.size() < kSaltBytes + kIvBytes + kGcmTagBytes) {
    return Error{"this link is cut short (the encrypted model is incomplete)"};
  }
  return f;
}

}  // namespace nf::builder
