# Third-party libraries, all from Debian: packages for the native build, and
# the WebAssembly builds that scripts/setup.sh makes from Debian source packages
# (kept in NETFORGE_WASM_DEPS, outside the checkout).
#
# Targets defined here:
#   nf_protobuf_lite  protobuf-lite runtime + generated onnx.pb.{h,cc} (target nf_onnx_proto)
#   nf_json           nlohmann/json (header only)
#   nf_imgui, nf_sdl2 (web build only)

# --- nlohmann/json: header only; expose just its folder, never all of /usr/include.
set(NF_JSON_ROOT "${CMAKE_BINARY_DIR}/third_party/json")
if(NOT EXISTS "${NF_JSON_ROOT}/nlohmann")
  if(NOT EXISTS /usr/include/nlohmann/json.hpp)
    message(FATAL_ERROR "nlohmann/json not found: apt-get install nlohmann-json3-dev (scripts/setup.sh does this)")
  endif()
  file(MAKE_DIRECTORY "${NF_JSON_ROOT}")
  file(CREATE_LINK /usr/include/nlohmann "${NF_JSON_ROOT}/nlohmann" SYMBOLIC)
endif()
add_library(nf_json INTERFACE)
target_include_directories(nf_json SYSTEM INTERFACE "${NF_JSON_ROOT}")

# --- protobuf-lite runtime
find_program(NF_PROTOC protoc REQUIRED)
if(NETFORGE_WEB)
  if(NOT EXISTS "${NETFORGE_WASM_DEPS}/lib/libprotobuf-lite.a")
    message(FATAL_ERROR "NETFORGE_WASM_DEPS='${NETFORGE_WASM_DEPS}' has no wasm protobuf-lite: run scripts/setup.sh")
  endif()
  add_library(nf_protobuf_lite STATIC IMPORTED GLOBAL)
  set_target_properties(nf_protobuf_lite PROPERTIES
    IMPORTED_LOCATION "${NETFORGE_WASM_DEPS}/lib/libprotobuf-lite.a"
    INTERFACE_INCLUDE_DIRECTORIES "${NETFORGE_WASM_DEPS}/include/protobuf")
else()
  find_library(NF_PROTOBUF_LITE_LIB protobuf-lite REQUIRED)
  add_library(nf_protobuf_lite UNKNOWN IMPORTED GLOBAL)
  set_target_properties(nf_protobuf_lite PROPERTIES IMPORTED_LOCATION "${NF_PROTOBUF_LITE_LIB}")
  find_package(Threads REQUIRED)
  set_property(TARGET nf_protobuf_lite APPEND PROPERTY INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()

# --- onnx.pb.{h,cc}: generated with Debian's protoc from Debian's onnx.proto.
set(NF_ONNX_PROTO /usr/include/onnx/onnx.proto CACHE FILEPATH "ONNX schema (libonnx-dev)")
if(NOT EXISTS "${NF_ONNX_PROTO}")
  message(FATAL_ERROR "${NF_ONNX_PROTO} not found: apt-get install libonnx-dev (scripts/setup.sh does this)")
endif()
get_filename_component(NF_ONNX_PROTO_DIR "${NF_ONNX_PROTO}" DIRECTORY)
set(NF_GEN_DIR "${CMAKE_BINARY_DIR}/gen/onnxpb")
file(MAKE_DIRECTORY "${NF_GEN_DIR}")
add_custom_command(
  OUTPUT "${NF_GEN_DIR}/onnx.pb.h" "${NF_GEN_DIR}/onnx.pb.cc"
  COMMAND ${NF_PROTOC} --proto_path=${NF_ONNX_PROTO_DIR} --cpp_out=${NF_GEN_DIR} ${NF_ONNX_PROTO}
  DEPENDS "${NF_ONNX_PROTO}"
  COMMENT "Generating onnx.pb.{h,cc} from ${NF_ONNX_PROTO}")
add_library(nf_onnx_proto STATIC "${NF_GEN_DIR}/onnx.pb.cc")
target_include_directories(nf_onnx_proto SYSTEM PUBLIC "${NF_GEN_DIR}")
target_link_libraries(nf_onnx_proto PUBLIC nf_protobuf_lite)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(nf_onnx_proto PRIVATE -w)
endif()

# --- Web only: SDL2 and Dear ImGui (sources from Debian's imgui source package).
if(NETFORGE_WEB)
  add_library(nf_sdl2 STATIC IMPORTED GLOBAL)
  set_target_properties(nf_sdl2 PROPERTIES
    IMPORTED_LOCATION "${NETFORGE_WASM_DEPS}/lib/libSDL2.a"
    INTERFACE_INCLUDE_DIRECTORIES "${NETFORGE_WASM_DEPS}/include;${NETFORGE_WASM_DEPS}/include/SDL2"
    # Emscripten's default USE_SDL=1 puts its SDL 1 headers first on the include
    # path and links its JS SDL 1; we use the Debian SDL 2 build instead.
    INTERFACE_COMPILE_OPTIONS "-sUSE_SDL=0"
    INTERFACE_LINK_OPTIONS "-sUSE_SDL=0")
  set(NF_IMGUI_DIR "${NETFORGE_WASM_DEPS}/imgui")
  add_library(nf_imgui STATIC
    ${NF_IMGUI_DIR}/imgui.cpp ${NF_IMGUI_DIR}/imgui_draw.cpp ${NF_IMGUI_DIR}/imgui_tables.cpp
    ${NF_IMGUI_DIR}/imgui_widgets.cpp ${NF_IMGUI_DIR}/misc/cpp/imgui_stdlib.cpp
    ${NF_IMGUI_DIR}/backends/imgui_impl_sdl.cpp ${NF_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
  target_include_directories(nf_imgui SYSTEM PUBLIC ${NF_IMGUI_DIR} ${NF_IMGUI_DIR}/backends ${NF_IMGUI_DIR}/misc/cpp)
  target_link_libraries(nf_imgui PUBLIC nf_sdl2)
  # WebGL 2 is OpenGL ES 3.0; without this the 1.86 backend assumes WebGL 1 on Emscripten.
  target_compile_definitions(nf_imgui PUBLIC IMGUI_IMPL_OPENGL_ES3 IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
  target_compile_options(nf_imgui PRIVATE -w)
endif()
