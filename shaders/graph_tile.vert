#version 300 es
// Overview tiles: the whole graph pre-rendered into textures at a few scales, drawn
// as textured quads when the view holds too many boxes to draw one by one.
precision highp float;

layout(location = 0) in vec4 a_rect;  // the tile's scene rectangle (x, y, width, height)

uniform vec2 u_origin;
uniform float u_scale;
uniform vec2 u_viewport;

out vec2 v_uv;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  vec2 p = a_rect.xy + corner * a_rect.zw;
  v_uv = vec2(corner.x, 1.0 - corner.y);  // texture rows go up
  vec2 clip = (p - u_origin) * u_scale / u_viewport * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
}
