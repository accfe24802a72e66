# Kernel benchmark and the wasm SIMD128 kernel check (tests/runtime/bench/).
include(${CMAKE_CURRENT_LIST_DIR}/bench/kernels.cmake)
