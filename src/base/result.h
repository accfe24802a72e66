// base/result.h - Error and Result<T>: how every fallible core call reports failure.
//
// A core function never throws across a module boundary and never aborts on bad
// input: it returns Result<T>, whose error carries one human sentence that the UI
// shows in its error panel and the CLI prints on one line.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace nf {

struct Error {
  std::string message;  // one line, no trailing period required, safe to show to a user
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}          // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
class Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e.message)), failed_(true) {}  // NOLINT
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return error_; }

 private:
  std::string error_;
  bool failed_ = false;
};

}  // namespace nf
