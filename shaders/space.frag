#version 300 es
// Lambert shading from a fixed light over the camera's shoulder, plus ambient, so
// the three visible faces of a slab read as three shades; textured faces (feature
// maps after a run) show the map's colours, lightly shaded.
precision highp float;

in vec3 v_normal;
in vec4 v_color;
in vec3 v_tex;

uniform sampler2D u_maps;
uniform vec3 u_light;  // unit direction towards the light

out vec4 o_color;

void main() {
  vec4 base = v_tex.z > 0.5 ? texture(u_maps, v_tex.xy) : v_color;
  float lit = 1.0;
  if (dot(v_normal, v_normal) > 0.5) lit = 0.55 + 0.45 * max(dot(normalize(v_normal), u_light), 0.0);
  if (v_tex.z > 0.5) lit = 0.8 + 0.2 * lit;
  o_color = vec4(base.rgb * lit, base.a);
}
