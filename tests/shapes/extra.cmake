# Shapes module: the shapes_bench benchmark (not a test: timings are printed, never
# asserted) and a smoke run of it on a small graph so it keeps building and working.
if(TARGET netforge_shapes)
  add_executable(shapes_bench ${CMAKE_CURRENT_LIST_DIR}/bench/shapes_bench.cpp)
  target_include_directories(shapes_bench PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(shapes_bench PRIVATE netforge_shapes)
  if(TARGET netforge_onnx)
    target_link_libraries(shapes_bench PRIVATE netforge_onnx)
    target_compile_definitions(shapes_bench PRIVATE NF_BENCH_WITH_ONNX=1)
  endif()
  set_target_properties(shapes_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
  add_test(NAME shapes.bench_smoke COMMAND shapes_bench --nodes 600 --repeat 1)
  set_tests_properties(shapes.bench_smoke PROPERTIES LABELS shapes)
endif()

# `netforge shapes` / `netforge summary` from the outside: JSON contracts, formats, errors.
find_program(NF_SHAPES_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NF_SHAPES_PYTHON3 AND TARGET netforge)
  add_test(NAME shapes.cli
           COMMAND ${NF_SHAPES_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/cli_shapes_test.py $<TARGET_FILE:netforge>
                   ${NETFORGE_CORPUS_DIR})
  set_tests_properties(shapes.cli PROPERTIES LABELS shapes)
endif()
