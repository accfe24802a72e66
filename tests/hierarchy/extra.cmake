# hierarchy_bench: times hierarchy building (scopes, series, repeated blocks) and one
# expand/collapse recomputation of the visible graph, on the biggest exported model
# found and on synthetic ~20k-node stacks. A tool, not a ctest test (no timing asserts).
if(TARGET netforge_hierarchy AND TARGET netforge_onnx)
  add_executable(hierarchy_bench ${CMAKE_CURRENT_LIST_DIR}/bench/hierarchy_bench.cpp)
  target_include_directories(hierarchy_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
  target_link_libraries(hierarchy_bench PRIVATE netforge_hierarchy netforge_onnx)
endif()
