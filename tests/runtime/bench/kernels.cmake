# The kernel benchmark (native) and the wasm SIMD128 kernel check (em++ + Node),
# included from tests/runtime/extra.cmake.
add_executable(kernels_bench ${CMAKE_CURRENT_LIST_DIR}/kernels_bench.cpp)
target_link_libraries(kernels_bench PRIVATE netforge_runtime)
set_target_properties(kernels_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})

# Builds src/runtime/kernels with em++ -msimd128 and checks fast == reference under
# Node; skipped (exit 77) where em++, node or the Emscripten setup is missing.
add_test(NAME runtime.kernels_wasm
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_wasm.sh check ${PROJECT_BINARY_DIR}/kernels-wasm)
set_tests_properties(runtime.kernels_wasm PROPERTIES SKIP_RETURN_CODE 77 LABELS runtime TIMEOUT 900)
