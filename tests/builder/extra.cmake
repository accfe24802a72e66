# Builder checks beyond the discovered GoogleTest cases (builder.<Suite>.<Test>). All are named builder.* so
# `ctest -R builder` runs the whole builder suite:
#   builder.pytorch_runs  generated PyTorch code runs with python3-torch and matches the
#                         builder's shapes and parameter counts (examples + every layer)
#   builder.keras_ast     generated Keras code parses, its keywords match the catalog, and it
#                         constructs the same layers with the same arguments as the Keras JSON
#   builder.keras_tfjs    the Keras JSON (TF.js model.json) of every document, template and
#                         layer type built by tfjs-layers: output shapes and parameter counts
#                         equal the builder's (check_tfjs.mjs, node; tests/keras from setup.sh;
#                         2 to 20 s, stops itself at 240 s, ctest kills it at 300 s)
#   builder.notebook      the notebook download is nbformat 4, its code compiles, its model cell
#                         runs with torch (shapes, parameters) and its MNIST/CIFAR-10 data and
#                         training cells run on FakeData
#   builder.share_size    a 50-layer model's share link fits in 2,000 characters and
#                         restores exactly
#   builder.reserved_names  layers named like every identifier the code templates use
#                         (model, optimizer, torch, target_1, ...) and every nn.Module
#                         attribute: the PyTorch code still runs and trains
# The Python tests exit 77 (skipped) when python3-torch is missing.
find_program(NF_BUILDER_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NF_BUILDER_PYTHON3 AND TARGET netforge)
  foreach(pair "pytorch_runs:run_pytorch.py" "keras_ast:check_keras.py" "share_size:share_size.py"
         "reserved_names:reserved_names.py" "notebook:check_notebook.py")
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 name)
    list(GET pair 1 script)
    add_test(NAME builder.${name}
             COMMAND ${NF_BUILDER_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/${script} $<TARGET_FILE:netforge>
                     ${CMAKE_CURRENT_LIST_DIR}/docs)
    set_tests_properties(builder.${name} PROPERTIES LABELS builder SKIP_RETURN_CODE 77 TIMEOUT 600)
  endforeach()
endif()

find_program(NF_BUILDER_NODE NAMES node nodejs)
if(NF_BUILDER_NODE AND NF_BUILDER_PYTHON3 AND TARGET netforge)
  add_test(NAME builder.keras_tfjs
           COMMAND ${NF_BUILDER_NODE} ${CMAKE_CURRENT_LIST_DIR}/check_tfjs.mjs $<TARGET_FILE:netforge>
                   ${CMAKE_CURRENT_LIST_DIR}/docs)
  set_tests_properties(builder.keras_tfjs PROPERTIES LABELS builder SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()

# builder_bench (not a test): per-edit costs on a 500-node canvas. Run it by hand:
#   build/builder_bench [nodes]
if(TARGET netforge_builder)
  add_executable(builder_bench ${CMAKE_CURRENT_LIST_DIR}/bench/builder_bench.cpp)
  target_include_directories(builder_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
  target_link_libraries(builder_bench PRIVATE netforge_builder)
  set_target_properties(builder_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endif()
