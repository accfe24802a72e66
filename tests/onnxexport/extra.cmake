# Builder -> ONNX checks beyond the GoogleTest cases (onnxexport.<Suite>.<Test>):
#   onnxexport.checker_runtime  every example document, template and PyTorch layer type
#                               exports, passes Debian's onnx.checker (full check), has
#                               the builder's parameter count, opens in our reader and
#                               runs in our runtime with the builder's output shapes;
#                               torch.onnx of the builder's PyTorch code has the same
#                               parameter count (export_check.py; exit 77 without onnx)
find_program(NF_ONNXEXPORT_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NF_ONNXEXPORT_PYTHON3 AND TARGET netforge)
  add_test(NAME onnxexport.checker_runtime
           COMMAND ${NF_ONNXEXPORT_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/export_check.py $<TARGET_FILE:netforge>
                   ${CMAKE_CURRENT_LIST_DIR}/../builder/docs)
  set_tests_properties(onnxexport.checker_runtime PROPERTIES LABELS onnxexport SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()

# The GoogleTest suite runs exported models in the runtime.
if(TARGET test_onnxexport AND TARGET netforge_runtime)
  target_link_libraries(test_onnxexport PRIVATE netforge_runtime)
endif()
