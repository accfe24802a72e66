# cmake -DOUT=<header> -DFILES="<a.vert;b.frag>" -P embed_shaders.cmake
# Writes one `constexpr const char* kShader_<name>_<ext>` raw string per file.
set(text "// Generated from shaders/*.vert|frag by scripts/cmake/embed_shaders.cmake. Do not edit.\n#pragma once\n\nnamespace nf::shaders {\n")
string(REPLACE " " ";" FILES "${FILES}")
foreach(f IN LISTS FILES)
  get_filename_component(name "${f}" NAME_WE)
  get_filename_component(ext "${f}" EXT)
  string(REPLACE "." "" ext "${ext}")
  file(READ "${f}" body)
  string(APPEND text "constexpr const char* k_${name}_${ext} = R\"NFGLSL(${body})NFGLSL\";\n")
endforeach()
string(APPEND text "}  // namespace nf::shaders\n")
file(WRITE "${OUT}" "${text}")
