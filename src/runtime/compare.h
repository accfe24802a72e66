// runtime/compare.h - does a computed tensor match an expected one?
#pragma once
#include <string>

#include "runtime/tensor.h"

namespace nf::runtime {

// Empty when `got` matches `want`: same element type and shape, every value within
// atol + rtol * |want|, NaN exactly where want has NaN, infinities equal, strings
// equal. Otherwise one line saying what differs first.
std::string compareTensors(const Tensor& got, const Tensor& want, double rtol = 1e-3, double atol = 1e-5);
std::string compareValues(const Value& got, const Value& want, double rtol = 1e-3, double atol = 1e-5);

}  // namespace nf::runtime
