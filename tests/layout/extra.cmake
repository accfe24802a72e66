# Layout extras: the corpus test learns whether the ONNX reader is built, and the
# native benchmark layout_bench (not a test; run it by hand or via
# tests/layout/bench/compare_dot.sh).
if(TARGET test_layout AND TARGET netforge_onnx)
  target_compile_definitions(test_layout PRIVATE NF_HAVE_ONNX_READER=1)
endif()
if(TARGET netforge_layout)
  add_executable(layout_bench ${CMAKE_CURRENT_LIST_DIR}/bench/layout_bench.cpp)
  target_include_directories(layout_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_CURRENT_LIST_DIR}/..)
  target_link_libraries(layout_bench PRIVATE netforge_layout)
  set_target_properties(layout_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endif()
# The sliced-job test lays out a real export's display graph, as the app does.
if(TARGET test_layout AND TARGET netforge_scene AND TARGET netforge_onnx)
  target_link_libraries(test_layout PRIVATE netforge_scene)
  target_compile_definitions(test_layout PRIVATE NF_HAVE_SCENE=1)
endif()
