# Scene extras: CLI tests of `netforge layout|render|export` through ctest, and the
# native benchmark scene_bench (not a test: run it by hand, see bench/README in
# tests/scene/scene_bench.cpp's header).
if(TARGET netforge AND TARGET netforge_scene)
  set(NF_SCENE_MODEL ${NETFORGE_CORPUS_DIR}/light/light_resnet50.onnx)
  set(NF_SCENE_OUT ${CMAKE_BINARY_DIR}/scene_cli)
  file(MAKE_DIRECTORY ${NF_SCENE_OUT})
  find_program(NF_PYTHON3 python3)

  add_test(NAME scene_cli_layout_stats
    COMMAND $<TARGET_FILE:netforge> layout ${NF_SCENE_MODEL} --stats)
  set_tests_properties(scene_cli_layout_stats PROPERTIES LABELS scene
    PASS_REGULAR_EXPRESSION "nodes +417 .*edges +[0-9,]+.*dummy nodes.*edge crossings.*bounding box.*ordering")

  add_test(NAME scene_cli_layout_json_lr
    COMMAND $<TARGET_FILE:netforge> layout ${NF_SCENE_MODEL} --stats --json --direction LR)
  set_tests_properties(scene_cli_layout_json_lr PROPERTIES LABELS scene
    PASS_REGULAR_EXPRESSION "\"direction\": \"LR\".*\"nodes\": 417")

  add_test(NAME scene_cli_render_svg
    COMMAND sh -c "$<TARGET_FILE:netforge> render ${NF_SCENE_MODEL} -o ${NF_SCENE_OUT}/r.svg && head -c 200 ${NF_SCENE_OUT}/r.svg && grep -c '<g id=\"n' ${NF_SCENE_OUT}/r.svg && tail -c 7 ${NF_SCENE_OUT}/r.svg")
  set_tests_properties(scene_cli_render_svg PROPERTIES LABELS scene
    PASS_REGULAR_EXPRESSION "<svg xmlns=\"http://www.w3.org/2000/svg\".*417\n</svg>")

  if(NF_PYTHON3)
    add_test(NAME scene_cli_render_png
      COMMAND sh -c "$<TARGET_FILE:netforge> render ${NF_SCENE_MODEL} -o ${NF_SCENE_OUT}/r.png --direction LR && ${NF_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/check_png.py ${NF_SCENE_OUT}/r.png 400 100")
    set_tests_properties(scene_cli_render_png PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "check_png: [0-9]+x[0-9]+ ok")

    add_test(NAME scene_cli_export_json
      COMMAND sh -c "$<TARGET_FILE:netforge> export ${NF_SCENE_MODEL} --format json -o ${NF_SCENE_OUT}/e.json && ${NF_PYTHON3} -c \"import json,sys; d=json.load(open(sys.argv[1])); print('nodes', len(d['nodes']), 'edges', len(d['edges']), 'routed', all(len(e['points']) >= 4 for e in d['edges']))\" ${NF_SCENE_OUT}/e.json")
    set_tests_properties(scene_cli_export_json PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "nodes 417 edges [0-9]+ routed True")

    add_test(NAME scene_cli_export_graphml
      COMMAND sh -c "$<TARGET_FILE:netforge> export ${NF_SCENE_MODEL} --format graphml | ${NF_PYTHON3} -c \"import sys, xml.dom.minidom as m; d=m.parseString(sys.stdin.buffer.read()); print('graphml nodes', len(d.getElementsByTagName('node')))\"")
    set_tests_properties(scene_cli_export_graphml PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "graphml nodes 417")
  endif()

  find_program(NF_DOT dot)
  if(NF_DOT)
    # Graphviz itself parses our DOT (and lays it out: its node count must match).
    add_test(NAME scene_cli_export_dot
      COMMAND sh -c "$<TARGET_FILE:netforge> export ${NF_SCENE_MODEL} --format dot -o ${NF_SCENE_OUT}/e.dot && ${NF_DOT} -Tplain ${NF_SCENE_OUT}/e.dot | grep -c '^node '")
    set_tests_properties(scene_cli_export_dot PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "^417\n$")
  endif()

  # --grouped: the same model as nested group boxes (19 frames when all are open;
  # none when collapsed, only the root's 29 items then: a chain of blocks and series).
  add_test(NAME scene_cli_render_grouped
    COMMAND sh -c "$<TARGET_FILE:netforge> render ${NF_SCENE_MODEL} -o ${NF_SCENE_OUT}/g.svg --grouped expanded && grep -c 'class=\"frame\"' ${NF_SCENE_OUT}/g.svg && $<TARGET_FILE:netforge> render ${NF_SCENE_MODEL} -o ${NF_SCENE_OUT}/g0.svg --grouped collapsed && grep -c '<g id=\"n' ${NF_SCENE_OUT}/g0.svg && tail -c 7 ${NF_SCENE_OUT}/g0.svg")
  set_tests_properties(scene_cli_render_grouped PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "^19\n29\n</svg>\n$")
  if(NF_PYTHON3)
    # The grouped PNG shows the frames (light tints) as well as the boxes.
    add_test(NAME scene_cli_render_grouped_png
      COMMAND sh -c "$<TARGET_FILE:netforge> render ${NF_SCENE_MODEL} -o ${NF_SCENE_OUT}/g.png --grouped expanded --scale 0.5 && ${NF_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/check_png.py ${NF_SCENE_OUT}/g.png 100 400 --frames")
    set_tests_properties(scene_cli_render_grouped_png PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "check_png: .* ok")
  endif()
  add_test(NAME scene_cli_render_grouped_bad
    COMMAND sh -c "$<TARGET_FILE:netforge> render ${NF_SCENE_MODEL} -o ${NF_SCENE_OUT}/g.svg --grouped depth=x 2>&1; echo rc=$?")
  set_tests_properties(scene_cli_render_grouped_bad PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "--grouped must be.*rc=2")

  # Bad input: exit 1 with one line on stderr; bad usage: exit 2.
  add_test(NAME scene_cli_render_missing_file
    COMMAND sh -c "$<TARGET_FILE:netforge> render ${NF_SCENE_OUT}/no-such-model.onnx -o ${NF_SCENE_OUT}/x.svg 2>${NF_SCENE_OUT}/err.txt; echo rc=$? lines=$(wc -l < ${NF_SCENE_OUT}/err.txt)")
  set_tests_properties(scene_cli_render_missing_file PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "rc=1 lines=1")
  add_test(NAME scene_cli_bad_direction
    COMMAND sh -c "$<TARGET_FILE:netforge> layout ${NF_SCENE_MODEL} --stats --direction XY 2>&1; echo rc=$?")
  set_tests_properties(scene_cli_bad_direction PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "--direction must be TB or LR.*rc=2")
  add_test(NAME scene_cli_export_bad_format
    COMMAND sh -c "$<TARGET_FILE:netforge> export ${NF_SCENE_MODEL} --format pdf 2>&1; echo rc=$?")
  set_tests_properties(scene_cli_export_bad_format PROPERTIES LABELS scene PASS_REGULAR_EXPRESSION "unknown format.*rc=2")
endif()

if(TARGET netforge_scene AND TARGET netforge_onnx)
  add_executable(scene_bench ${CMAKE_CURRENT_LIST_DIR}/scene_bench.cpp)
  target_include_directories(scene_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
  target_link_libraries(scene_bench PRIVATE netforge_scene netforge_onnx)
  set_target_properties(scene_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endif()

# grouped_bench: the grouped scene on open and per expand/collapse (see the header of
# tests/scene/grouped_bench.cpp). A tool, not a ctest test.
if(TARGET netforge_scene AND TARGET netforge_onnx)
  add_executable(grouped_bench ${CMAKE_CURRENT_LIST_DIR}/grouped_bench.cpp)
  target_include_directories(grouped_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
  target_link_libraries(grouped_bench PRIVATE netforge_scene netforge_onnx)
  set_target_properties(grouped_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endif()
