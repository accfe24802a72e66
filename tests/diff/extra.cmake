# Model pairs with known answers, made with Debian's python3-torch/torchvision/onnx
# (exit 77 = skipped when they are missing). Models go to the build dir.
find_program(NF_DIFF_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NF_DIFF_PYTHON3 AND TARGET netforge)
  add_test(NAME diff.model_pairs
           COMMAND ${NF_DIFF_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/diff_pairs_test.py $<TARGET_FILE:netforge>
                   ${CMAKE_BINARY_DIR}/diff_pairs ${NETFORGE_CORPUS_DIR})
  set_tests_properties(diff.model_pairs PROPERTIES LABELS diff TIMEOUT 600 SKIP_RETURN_CODE 77)
endif()
