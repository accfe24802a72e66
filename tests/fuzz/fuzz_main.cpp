// libFuzzer entry for one target of targets.h; NF_FUZZ_ENTRY names the function
// (set per executable in CMakeLists.txt).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return nf::fuzz::NF_FUZZ_ENTRY(data, size); }
