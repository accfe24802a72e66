# Kernel benchmark and the wasm SIMD128 kernel check (tests/runtime/bench/).
include(${CMAKE_CURRENT_LIST_DIR}/bench/kernels.cmake)
# `netforge run` end to end (exit codes, one-line errors, saved files, timing JSON),
# and models exported with Debian's torch against torch's outputs. Debian's python3
# (numpy, python3-onnx, python3-torch); the torch test skips when torch is missing.
find_program(NF_RUNTIME_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NF_RUNTIME_PYTHON3 AND TARGET netforge)
  add_test(NAME runtime.cli_run
           COMMAND ${NF_RUNTIME_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/cli_run_test.py $<TARGET_FILE:netforge> ${NETFORGE_CORPUS_DIR})
  set_tests_properties(runtime.cli_run PROPERTIES LABELS runtime)
  add_test(NAME runtime.torch_models
           COMMAND ${NF_RUNTIME_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/torch_models_test.py $<TARGET_FILE:netforge>)
  set_tests_properties(runtime.torch_models PROPERTIES LABELS runtime TIMEOUT 600)
endif()
