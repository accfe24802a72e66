// builder/share.h - the share-link envelope: what goes after '#' in a NetForge URL.
//
// The model travels only in the URL fragment, which browsers never send to a server.
// The browser does the byte work with its own APIs; this file fixes the format so the
// app, the tests and any future reader agree on it:
//
//   plain      "nf1." + base64url(deflate-raw(compact))
//   encrypted  "nf1e." + base64url(salt[16] | iv[12] | AES-GCM ciphertext with its 16-byte tag)
//
//   compact     saveCompact(document) as UTF-8 (serialize.h)
//   deflate-raw CompressionStream("deflate-raw") / DecompressionStream (RFC 1951, no header)
//   key         PBKDF2(NFKC(password) as UTF-8, salt, kPbkdf2Iterations, SHA-256) -> AES-GCM 256-bit
//               (crypto.subtle.deriveKey)
//   encryption  AES-GCM, 12-byte random iv, additional data = the ASCII prefix "nf1e",
//               over deflate-raw(compact); a random salt and iv for every link
//   base64url   RFC 4648 section 5, no padding
// A wrong password makes AES-GCM fail authentication: show kWrongPasswordMessage and
// keep the current document (nothing is replaced until decryption and loading succeed).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace nf::builder {

constexpr const char* kSharePlainPrefix = "nf1.";
constexpr const char* kShareEncryptedPrefix = "nf1e.";
constexpr const char* kShareAdditionalData = "nf1e";
constexpr uint32_t kPbkdf2Iterations = 600000;
constexpr size_t kSaltBytes = 16;
constexpr size_t kIvBytes = 12;
constexpr size_t kGcmTagBytes = 16;
// Size limits a link is checked against before any work is done on it. A link is
// longer than any URL a browser keeps (Chromium: 2 MiB) or inflates past the largest
// document text (limits.h) only when it was made to hurt: refused with a message.
constexpr size_t kMaxShareFragmentChars = size_t{2} << 20;
// web/share.js stops inflating at kMaxDocumentBytes (limits.h) output bytes.
// Newer link formats ("nf2.", "nf2e.", ...) are recognised and refused by name.
constexpr int kShareFormatVersion = 1;
// Passwords are NFKC-normalised before PBKDF2 (so the same typed password derives the
// same key whatever the keyboard composed); the editor accepts any length.
constexpr const char* kWrongPasswordMessage =
    "Wrong password, or the link was changed: the model could not be decrypted. Nothing was replaced.";

std::string base64UrlEncode(std::span<const uint8_t> bytes);
// Accepts unpadded or padded input; rejects characters outside the alphabet.
Result<std::vector<uint8_t>> base64UrlDecode(std::string_view text);

struct ShareFragment {
  bool encrypted = false;
  std::vector<uint8_t> payload;  // deflated compact bytes, or salt | iv | ciphertext+tag

  // The encrypted payload's parts (valid only when encrypted and long enough).
  std::span<const uint8_t> salt() const { return {payload.data(), kSaltBytes}; }
  std::span<const uint8_t> iv() const { return {payload.data() + kSaltBytes, kIvBytes}; }
  std::span<const uint8_t> ciphertext() const {
    return {payload.data() + kSaltBytes + kIvBytes, payload.size() - kSaltBytes - kIvBytes};
  }
};

// "nf1.<...>" / "nf1e.<...>" (without '#').
std::string encodeShareFragment(const ShareFragment& f);
// Accepts the fragment with or without a leading '#'. Errors are sentences for the
// user: "this link is not a NetForge model link", "this link is cut short".
Result<ShareFragment> decodeShareFragment(std::string_view fragment);

}  // namespace nf::builder
