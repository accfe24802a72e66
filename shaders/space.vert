#version 300 es
// The 3D view (app/graph_space.h): slabs, unit cubes and feature-map planes as
// plain triangles in world units, with a perspective camera.
precision highp float;

layout(location = 0) in vec3 a_pos;     // world position
layout(location = 1) in vec3 a_normal;  // face normal; (0,0,0) = unlit (links)
layout(location = 2) in vec4 a_color;   // RGBA8, normalized
layout(location = 3) in vec3 a_tex;     // u, v in the layer's map atlas; z > 0.5: textured face

uniform mat4 u_view_proj;

out vec3 v_normal;
out vec4 v_color;
out vec3 v_tex;

void main() {
  v_normal = a_normal;
  v_color = a_color;
  v_tex = a_tex;
  gl_Position = u_view_proj * vec4(a_pos, 1.0);
}
