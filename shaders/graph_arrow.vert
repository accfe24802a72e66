#version 300 es
// Arrowheads: three vertices per edge, the triangle already placed in scene units.
precision highp float;

layout(location = 0) in vec2 a_pos;

uniform vec2 u_origin;
uniform float u_scale;
uniform vec2 u_viewport;

void main() {
  vec2 clip = (a_pos - u_origin) * u_scale / u_viewport * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
}
