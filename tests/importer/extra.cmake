# Importer checks (run the generated Python; exit 77 = skipped without python3-torch/onnx):
#   importer.corpus_roundtrip  every corpus model with test data (pytorch-converted, light,
#                              pytorch-operator, simple, backend node tests): netforge
#                              codegen MODEL.onnx -> generated PyTorch with the loaded
#                              weights matches output_N.pb; prints the share and each failure
#   importer.torch_roundtrip   torchvision models (ResNet-18/50, MobileNetV2/V3, EfficientNet-B0, DenseNet-121,
#                              ConvNeXt-T, ViT-B/16, Inception v3, SqueezeNet, VGG-11), transformer
#                              stacks, a GPT-like decoder and an LSTM+GRU exported by the
#                              test (cached under the build dir): generated PyTorch matches
#                              `netforge run` and the original model, same parameter count;
#                              external data loads; a missing or misshapen tensor is named
#   importer.keras_imported    the model zoo's ResNet-50 and VGG-19 imported into the builder:
#                              Keras code written, and tfjs-layers builds it with the builder's
#                              output shape and parameter count (check_tfjs.mjs)
#   importer.builder_roundtrip ONNX models (CNNs, MobileNetV2/V3, EfficientNet-B0, SqueezeNet, a
#                              transformer encoder, the corpus's light / pytorch-converted / pytorch-operator / simple
#                              folders) -> `netforge import` (builder document) -> the builder's
#                              PyTorch runs with the model's output shapes and parameter count, and
#                              its ONNX export passes the checker; with --onnx it loads the model's
#                              weights and matches `netforge run` (ResNet-18, MobileNetV2/V3,
#                              EfficientNet-B0, SqueezeNet, the encoder, the corpus models whose
#                              every parameter is in the file); an edited layer is named, not loaded
find_program(NF_IMPORTER_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NF_IMPORTER_PYTHON3 AND TARGET netforge)
  add_test(NAME importer.corpus_roundtrip
           COMMAND ${NF_IMPORTER_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/corpus_roundtrip.py $<TARGET_FILE:netforge>
                   ${NETFORGE_CORPUS_DIR} ${CMAKE_BINARY_DIR}/importer_work/corpus)
  set_tests_properties(importer.corpus_roundtrip PROPERTIES LABELS importer SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
if(NF_IMPORTER_PYTHON3 AND TARGET netforge)
  add_test(NAME importer.torch_roundtrip
           COMMAND ${NF_IMPORTER_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/torch_roundtrip.py $<TARGET_FILE:netforge>
                   ${CMAKE_BINARY_DIR}/importer_work/torch)
  set_tests_properties(importer.torch_roundtrip PROPERTIES LABELS importer SKIP_RETURN_CODE 77 TIMEOUT 1800)
endif()
if(NF_IMPORTER_PYTHON3 AND TARGET netforge)
  add_test(NAME importer.builder_roundtrip
           COMMAND ${NF_IMPORTER_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/builder_roundtrip.py $<TARGET_FILE:netforge>
                   ${CMAKE_BINARY_DIR}/importer_work/builder ${NETFORGE_CORPUS_DIR})
  set_tests_properties(importer.builder_roundtrip PROPERTIES LABELS importer SKIP_RETURN_CODE 77 TIMEOUT 900)
endif()
if(NF_IMPORTER_PYTHON3 AND TARGET netforge)
  add_test(NAME importer.keras_imported
           COMMAND ${NF_IMPORTER_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/keras_imported.py $<TARGET_FILE:netforge>
                   "${NETFORGE_CORPUS_DIR}" ${CMAKE_BINARY_DIR}/importer_work/keras)
  set_tests_properties(importer.keras_imported PROPERTIES LABELS importer SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()

# builder_edit_bench (not a test): what one edit costs in the builder on an imported
# model, from scratch and through the caches the app keeps. Run it by hand:
#   build/builder_edit_bench MODEL.onnx [runs]
if(TARGET netforge_importer AND TARGET netforge_onnx)
  add_executable(builder_edit_bench ${CMAKE_CURRENT_LIST_DIR}/bench/builder_edit_bench.cpp)
  target_include_directories(builder_edit_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
  target_link_libraries(builder_edit_bench PRIVATE netforge_importer netforge_views netforge_onnx)
  set_target_properties(builder_edit_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endif()
