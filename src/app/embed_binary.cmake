# cmake -DIN=<file> -DOUT=<header> -DNAME=<identifier> -P embed_binary.cmake
#
# Writes a header holding the bytes of IN as `inline constexpr unsigned char
# <NAME>[]` plus `<NAME>_size`, so a binary asset (the UI font) is compiled into
# the wasm and needs no fetch at startup.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
get_filename_component(in_name "${IN}" NAME)
file(WRITE "${OUT}.tmp"
  "// Generated from ${in_name} by src/app/embed_binary.cmake. Do not edit.\n"
  "#pragma once\n#include <cstddef>\n\n"
  "namespace nf::app::assets {\n"
  "inline constexpr std::size_t ${NAME}_size = ${size};\n"
  "alignas(4) inline constexpr unsigned char ${NAME}[] = {\n${bytes}\n};\n"
  "}  // namespace nf::app::assets\n")
file(RENAME "${OUT}.tmp" "${OUT}")
