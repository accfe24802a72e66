# The module table: the one place that says which module may use which.
#
# Each module is a folder under src/ built as one static library (netforge_<name>).
# NETFORGE_DEPS_<name> lists the modules it may include and link; the build checks
# every #include against this table (scripts/check_module_deps.cmake), so a data
# module that reaches for the UI, or a module that skips a layer, fails to build.
#
# Data modules are plain C++: they build natively and never include ImGui, SDL,
# GL or Emscripten headers. Only the modules in NETFORGE_UI_MODULES may.

set(NETFORGE_MODULES base ir weights onnx shapes runtime layout hierarchy scene builder importer onnxexport views document diff cli app)

set(NETFORGE_DEPS_base      "")
set(NETFORGE_DEPS_ir        base)
set(NETFORGE_DEPS_weights   ir base)                      # tensor decoding and statistics
set(NETFORGE_DEPS_onnx      ir base)                      # ONNX reader/writer (protobuf-lite)
set(NETFORGE_DEPS_shapes    ir base)                      # shape inference and metrics
set(NETFORGE_DEPS_runtime   shapes weights ir base)       # ONNX execution: plan, kernels
set(NETFORGE_DEPS_layout    base)                         # layered graph layout, plain data
set(NETFORGE_DEPS_hierarchy ir shapes base)               # name scopes, repeated blocks
set(NETFORGE_DEPS_scene     ir shapes hierarchy layout base) # display graph + geometry for any renderer
set(NETFORGE_DEPS_views    scene weights shapes hierarchy layout builder ir base)  # layered and neurons pictures
set(NETFORGE_DEPS_builder   layout base)                  # model builder: catalog, documents, codegen, arranging
set(NETFORGE_DEPS_importer builder hierarchy shapes weights ir base)  # ONNX model -> PyTorch code with its weights
set(NETFORGE_DEPS_onnxexport builder base)                   # builder document -> ONNX model (protobuf-lite)
set(NETFORGE_DEPS_document  onnx shapes ir base)          # the open model: file routing, load states, analysis
set(NETFORGE_DEPS_diff      hierarchy shapes weights ir base) # pairs two models' nodes/tensors; their differences
set(NETFORGE_DEPS_cli       diff views importer onnxexport runtime onnx weights shapes layout hierarchy scene builder ir base)
set(NETFORGE_DEPS_app       document diff views importer onnxexport runtime onnx weights shapes layout hierarchy scene builder ir base)

set(NETFORGE_UI_MODULES app)
